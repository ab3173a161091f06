import { expect, test } from "@playwright/test";
import { hydrated, signIn, signOut } from "./helpers";

test("marketing drafts an event, sales comments on the draft, marketing reads the comment", async ({ page }) => {
  const title = `Partner Summit ${Date.now()}`;

  // marketing creates an event, first with an end before the start
  await signIn(page, "marketing@demo.test");
  await page.getByRole("link", { name: "New event" }).first().click();
  await expect(page.getByRole("heading", { name: "New event" })).toBeVisible();
  await hydrated(page);
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Venue").fill("Kongresshalle");
  await page.getByLabel("Starts").fill("2031-06-10T18:00");
  await page.getByLabel("Ends").fill("2031-06-10T17:00");
  await page.getByLabel("Capacity (seats)").fill("50");
  await page.getByRole("button", { name: "Create event" }).click();

  // the problem is named next to the field, the typed values stay, and the field gets focus
  const endError = page.locator("#err-ends_at");
  await expect(endError).toHaveText("End must be after the start.");
  await expect(page.getByLabel("Ends")).toBeFocused();
  await expect(page.getByLabel("Title")).toHaveValue(title);

  await page.getByLabel("Ends").fill("2031-06-10T22:00");
  await page.getByRole("button", { name: "Create event" }).click();
  await expect(page.getByRole("heading", { name: title })).toBeVisible();
  await expect(page.getByText("Draft", { exact: true }).first()).toBeVisible();
  await expect(page.locator(".event-when strong")).toHaveText("Tue 10 Jun 2031, 18:00 CEST");
  await signOut(page);

  // sales finds the draft and comments
  await signIn(page, "sales@demo.test");
  await page.getByRole("link", { name: "All" }).click();
  await page.getByRole("link", { name: title }).click();
  await expect(page.getByRole("heading", { name: title })).toBeVisible();
  await hydrated(page);
  await expect(page.getByRole("link", { name: "Edit event" })).toHaveCount(0);
  await page.getByLabel("Your comment").fill("I can bring three logistics CFOs.");
  await page.getByRole("button", { name: "Post comment" }).click();
  await expect(page.locator(".comment-body")).toHaveText(["I can bring three logistics CFOs."]);
  await expect(page.getByLabel("Your comment")).toHaveValue("");
  await signOut(page);

  // marketing sees the comment with its author
  await signIn(page, "marketing@demo.test");
  await page.getByRole("link", { name: "Mine" }).click();
  await page.getByRole("link", { name: title }).click();
  const comment = page.locator(".comment").first();
  await expect(comment).toContainText("Sam Sales");
  await expect(comment).toContainText("I can bring three logistics CFOs.");
});

test("the event form checks the time zone in the browser, without the server's time-zone database", async ({ page }) => {
  await signIn(page, "marketing@demo.test");
  await page.getByRole("link", { name: "New event" }).first().click();
  await hydrated(page);
  const sent: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST") sent.push(request.url());
  });
  await page.getByLabel("Title").fill(`Zone check ${Date.now()}`);
  await page.getByLabel("Venue").fill("Kongresshalle");
  await page.getByLabel("Capacity (seats)").fill("50");

  // a zone the browser's Intl does not know
  await page.getByLabel("Starts").fill("2031-06-10T18:00");
  await page.getByLabel("Ends").fill("2031-06-10T22:00");
  await page.getByLabel("Time zone").fill("Mars/Olympus");
  await page.getByRole("button", { name: "Create event" }).click();
  await expect(page.locator("#err-time_zone")).toHaveText("Time zone must be an IANA name such as Europe/Berlin.");

  // the hour Berlin skips when clocks go forward (30 March 2031, 02:00 → 03:00)
  await page.getByLabel("Time zone").fill("Europe/Berlin");
  await page.getByLabel("Starts").fill("2031-03-30T02:30");
  await page.getByLabel("Ends").fill("2031-03-30T05:00");
  await page.getByRole("button", { name: "Create event" }).click();
  await expect(page.locator("#err-starts_at")).toContainText("does not exist in Europe/Berlin");
  await expect(page.locator("#err-time_zone")).toHaveText("");
  expect(sent, "both were refused before anything was sent").toEqual([]);

  // an hour that exists, in another zone the browser knows: created
  await page.getByLabel("Time zone").fill("America/New_York");
  await page.getByLabel("Starts").fill("2031-03-30T03:30");
  await page.getByRole("button", { name: "Create event" }).click();
  await expect(page.locator(".event-when strong")).toHaveText("Sun 30 Mar 2031, 03:30 EDT");
});

test("marketing opens an event and the activity log says who did it", async ({ page }) => {
  await signIn(page, "marketing@demo.test");
  await page.getByRole("link", { name: "All" }).click();
  await page.getByRole("link", { name: "Energy Transition Webinar & Roundtable" }).click();
  await hydrated(page);
  await page.getByRole("button", { name: "Open for invitations" }).click();
  await expect(page.locator(".event-head .chip-open")).toHaveText("Open");
  await expect(page.locator(".activity li").first()).toContainText("Mia Marketing");
  await expect(page.locator(".activity li").first()).toContainText("Draft → Open");
});

test("the UI switches to German and back", async ({ page }) => {
  await signIn(page, "manager@demo.test");
  await page.getByRole("button", { name: "Deutsch" }).click();
  await expect(page.getByRole("heading", { name: "Events" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Bevorstehend" })).toBeVisible();
  await hydrated(page);
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.getByRole("link", { name: "Upcoming" })).toBeVisible();
});

test("an admin adds a user who can then sign in", async ({ page }) => {
  const email = `rep${Date.now()}@demo.test`;
  await signIn(page, "admin@demo.test");
  await page.getByRole("link", { name: "Users" }).click();
  await hydrated(page);
  await page.getByLabel("Name").fill("Nina Newrep");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Initial password (at least 10 characters)").fill("short");
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.locator("#err-password")).toHaveText("Password must be at least 10 characters.");
  await page.getByLabel("Initial password (at least 10 characters)").fill("a-long-enough-password");
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByRole("cell", { name: email })).toBeVisible();
  await signOut(page);

  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a-long-enough-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator(".whoami-name")).toHaveText("Nina Newrep");
});

test("a wrong password is refused with a message and no hint which part was wrong", async ({ page }) => {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Email").fill("sales@demo.test");
  await page.getByLabel("Password").fill("wrong-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("#err-password")).toHaveText("Email or password is not correct.");
});

test("two people edit the same event: the second save is refused, naming who saved first", async ({ browser }) => {
  const marketing = await (await browser.newContext()).newPage();
  const admin = await (await browser.newContext()).newPage();
  for (const [page, email] of [
    [marketing, "marketing@demo.test"],
    [admin, "admin@demo.test"],
  ] as const) {
    await signIn(page, email);
    await page.getByRole("link", { name: "All" }).click();
    await page.getByRole("link", { name: "Logistics Leaders Dinner" }).click();
    await hydrated(page);
    await page.getByRole("link", { name: "Edit event" }).click();
    await expect(page.getByRole("heading", { name: "Edit event" })).toBeVisible();
    await hydrated(page);
  }
  await admin.getByLabel("Capacity (seats)").fill("45");
  await admin.getByRole("button", { name: "Save" }).click();
  await expect(admin.getByRole("heading", { name: "Logistics Leaders Dinner" })).toBeVisible();

  await marketing.getByLabel("Capacity (seats)").fill("55");
  await marketing.getByRole("button", { name: "Save" }).click();
  await expect(marketing.locator(".form-error")).toContainText("Ada Admin saved this event after you opened the form");
  await expect(marketing.getByLabel("Capacity (seats)")).toHaveValue("55");

  await admin.reload();
  await expect(admin.locator(".activity li").first()).toContainText("Ada Admin");
  await expect(admin.locator(".activity li").first()).toContainText("45");
});

import { expect, test } from "@playwright/test";
import { hydrated, plainHtml, signIn, signOut } from "./helpers";
import { allMail, clearMail, parsed, rawSource, waitForMail } from "./mail";

// Marco Rossi: an English-speaking demo contact no other journey uses
const marco = "marco.rossi@kestrel.example";

test("an accepted guest's event moves by an hour: one update with a higher SEQUENCE; then it is cancelled: a CANCEL arrives and the RSVP page says so", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  await clearMail();
  const title = `Board Dinner ${Date.now()}`;

  // marketing plans and opens the event and gives Sam a seat
  await signIn(page, "marketing@demo.test");
  await page.getByRole("link", { name: "New event" }).first().click();
  await hydrated(page);
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Venue").fill("Kongresshalle");
  await page.getByLabel("Starts").fill("2031-06-10T18:00");
  await page.getByLabel("Ends").fill("2031-06-10T22:00");
  await page.getByLabel("Capacity (seats)").fill("20");
  await page.getByRole("button", { name: "Create event" }).click();
  await expect(page.getByRole("heading", { name: title })).toBeVisible();
  await page.getByRole("button", { name: "Open for invitations" }).click();
  await expect(page.getByText("Open", { exact: true }).first()).toBeVisible();
  await page.getByLabel("Seats for Sam Sales").fill("1");
  await page.locator(".quotas tr", { hasText: "Sam Sales" }).getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByLabel("Seats for Sam Sales")).toHaveValue("1");
  const eventUrl = page.url();
  await signOut(page);

  // Sam nominates Marco; marketing approves and invites
  await signIn(page, "sales@demo.test");
  await page.goto(eventUrl);
  await hydrated(page);
  await page.getByLabel("Contact", { exact: true }).selectOption({ label: `Marco Rossi <${marco}>` });
  await page.getByLabel("Reason").first().fill("Decides on the digital budget");
  await page.getByRole("button", { name: "Nominate", exact: true }).click();
  await expect(page.locator(`tr[data-guest="${marco}"]`)).toBeVisible();
  await signOut(page);
  await signIn(page, "marketing@demo.test");
  await page.goto(eventUrl);
  await hydrated(page);
  const row = page.locator(`tr[data-guest="${marco}"]`);
  await row.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(row.locator(".chip-approved")).toHaveText("Approved");
  await page.getByRole("button", { name: "Send invitations to all" }).click();
  await expect(page.getByTestId("delivery-progress")).toContainText("1 of 1 invitations delivered");

  // Marco accepts through his link
  const invitation = parsed(await rawSource(await waitForMail(marco, `Invitation: ${title}`)));
  const link: string = invitation.text.match(/http:\/\/127\.0\.0\.1:\d+\/rsvp\/[0-9a-f]{64}/)[0];
  const guestContext = await browser.newContext();
  const guest = await guestContext.newPage();
  await guest.goto(link);
  await plainHtml(guest);
  await guest.getByRole("button", { name: "Yes, I will come" }).click();
  await expect(guest.getByText("You have accepted.")).toBeVisible();
  await expect(guest.getByRole("link", { name: "Google Calendar" })).toHaveAttribute(
    "href",
    /^https:\/\/calendar\.google\.com\/calendar\/render\?action=TEMPLATE&text=Board\+Dinner/,
  );
  const ics = await guest.request.get(link + "/calendar.ics");
  expect(ics.status()).toBe(200);
  expect(await ics.text()).toContain("METHOD:PUBLISH");

  // marketing moves the event by an hour
  await page.getByRole("link", { name: "Edit event" }).click();
  await hydrated(page);
  await page.getByLabel("Starts").fill("2031-06-10T19:00");
  await page.getByLabel("Ends").fill("2031-06-10T23:00");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.locator(".event-when strong")).toHaveText("Tue 10 Jun 2031, 19:00 CEST");

  const update = parsed(await rawSource(await waitForMail(marco, `Changed: ${title}`)));
  expect(update.calendar.method).toBe("REQUEST");
  expect(update.calendar.uid).toBe(invitation.calendar.uid);
  expect(update.calendar.sequence).toBeGreaterThan(invitation.calendar.sequence);
  expect(update.calendar.dtstart).toBe("2031-06-10T17:00:00+00:00");
  expect(update.calendar.attendees[0].partstat).toBe("ACCEPTED");
  expect(update.text).toContain("19:00");
  expect(update.text).toContain("before: Tue 10 Jun 2031, 18:00");
  // exactly one update, also after the scheduler ran a few more times
  await page.waitForTimeout(3000);
  const updates = (await allMail()).filter(
    (m) => m.to.some((t) => t.address === marco) && m.subject.startsWith("Changed:"),
  );
  expect(updates).toHaveLength(1);

  // marketing cancels with a note
  page.once("dialog", (dialog) => dialog.accept());
  await page.locator("summary", { hasText: "Cancel event" }).click();
  await page.getByLabel("Note to the invited guests").fill("The board meeting moved abroad; we will invite you again.");
  await page.getByRole("button", { name: "Cancel the event and tell the guests" }).click();
  await expect(page.getByText("Cancelled", { exact: true }).first()).toBeVisible();

  const cancel = parsed(await rawSource(await waitForMail(marco, `Cancelled: ${title}`)));
  expect(cancel.calendar.content_type_method).toBe("CANCEL");
  expect(cancel.calendar.method).toBe("CANCEL");
  expect(cancel.calendar.status).toBe("CANCELLED");
  expect(cancel.calendar.uid).toBe(invitation.calendar.uid);
  expect(cancel.calendar.sequence).toBeGreaterThan(update.calendar.sequence);
  expect(cancel.text).toContain("The board meeting moved abroad");

  await guest.goto(link);
  await expect(guest.getByText("This event has been cancelled.")).toBeVisible();
  await expect(guest.getByRole("button", { name: "Yes, I will come" })).toHaveCount(0);
  await guestContext.close();
});

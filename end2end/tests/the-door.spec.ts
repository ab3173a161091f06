import { test, expect, Page, Browser } from "@playwright/test";
import { signIn } from "./helpers";
import { rawSource, parsed, waitForMail } from "./mail";

// The door is worked on phones: every journey here runs at 360 × 740.
test.use({ viewport: { width: 360, height: 740 } });

const BREAKFAST = "Partner Breakfast";

/** Opens an event's door from the events list and waits until the door's program has loaded the list. */
async function openDoor(page: Page, event: string) {
  await page.goto("/");
  await page.getByRole("link", { name: event }).first().click();
  await page.getByRole("link", { name: "Door (check-in)" }).click();
  await expect(page.getByRole("heading", { name: `Door · ${event}` })).toBeVisible();
  await expect(page.locator("#door[data-loaded=true]")).toBeAttached();
}

async function doorAs(browser: Browser, email: string, event = BREAKFAST) {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  await signIn(page, email);
  await openDoor(page, event);
  return { context, page };
}

function row(page: Page, name: string) {
  return page.locator("#door-list li", { hasText: name });
}

test("at the door on a phone: search as you type, one tap checks a guest in, undo takes it back", async ({ page }) => {
  await signIn(page, "sales@demo.test");
  await openDoor(page, BREAKFAST);
  await expect(page.locator("#door-in")).toHaveText("0");
  await expect(page.locator("#door-accepted")).toHaveText("6");
  await expect(page.locator("#door-capacity")).toHaveText("30");
  // the door's own program, not the team app: no Leptos WebAssembly on this page
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(0);
  await expect(page.locator("#door-scan")).toBeHidden(); // no BarcodeDetector in this Chromium

  const url = page.url();
  await page.locator("#door-q").pressSequentially("jan");
  await expect(page.locator("#door-list li")).toHaveCount(1);
  await expect(row(page, "Jana Krüger")).toContainText("Host: Sam Sales · Priority A");
  expect(page.url()).toBe(url); // searched on the device, no page load
  await page.locator("#door-q").fill("nordwind");
  await expect(page.locator("#door-list li")).toHaveCount(2);
  await page.locator("#door-q").fill("jana");

  await row(page, "Jana Krüger").getByRole("button", { name: "Check in" }).click();
  await expect(page.locator("#door-message")).toHaveText("Jana Krüger is checked in.");
  await expect(page.locator("#door-in")).toHaveText("1");
  await expect(row(page, "Jana Krüger")).toContainText(/In at \d\d:\d\d · Sam Sales/);
  await page.screenshot({ path: "test-results/door-phone.png", fullPage: true });

  await row(page, "Jana Krüger").getByRole("button", { name: "Undo" }).click();
  await expect(page.locator("#door-message")).toHaveText("Jana Krüger is no longer checked in.");
  await expect(page.locator("#door-in")).toHaveText("0");
  await expect(row(page, "Jana Krüger").getByRole("button", { name: "Check in" })).toBeVisible();

  await page.locator("#door-q").fill("nobody like this");
  await expect(page.locator("#door-list li")).toHaveCount(0);
  await expect(page.locator("#door-summary")).toHaveText("No guest matches “nobody like this”.");
});

test("two devices check in the same guest at once: one check-in counts, the other hears when and by whom", async ({ browser }) => {
  const a = await doorAs(browser, "sales@demo.test");
  const b = await doorAs(browser, "marketing@demo.test");
  for (const door of [a.page, b.page]) await door.locator("#door-q").fill("priya");
  await Promise.all([
    row(a.page, "Priya Shah").getByRole("button", { name: "Check in" }).click(),
    row(b.page, "Priya Shah").getByRole("button", { name: "Check in" }).click(),
  ]);
  const messages = await Promise.all(
    [a.page, b.page].map(async (p) => {
      await expect(p.locator("#door-message")).toHaveText(/Priya Shah (is checked in|was already checked in)/);
      return (await p.locator("#door-message").textContent())!;
    }),
  );
  const won = messages.filter((m) => m === "Priya Shah is checked in.");
  const lost = messages.filter((m) => /^Priya Shah was already checked in at \d\d:\d\d by (Sam Sales|Mia Marketing)\.$/.test(m));
  expect([won.length, lost.length]).toEqual([1, 1]);
  for (const door of [a.page, b.page]) await expect(door.locator("#door-in")).toHaveText("1");

  // what one device does, the other sees within seconds, without a reload
  await a.page.locator("#door-q").fill("owen");
  await b.page.locator("#door-q").fill("owen");
  await row(a.page, "Owen Price").getByRole("button", { name: "Check in" }).click();
  await expect(row(b.page, "Owen Price")).toContainText(/In at \d\d:\d\d · Sam Sales/, { timeout: 8_000 });
  await expect(b.page.locator("#door-in")).toHaveText("2");
  await a.context.close();
  await b.context.close();
});

test("a check-in made while the server cannot be reached waits on the device and is sent when it is back", async ({ browser }) => {
  const { context, page } = await doorAs(browser, "sales@demo.test");
  await page.locator("#door-q").fill("lea");
  await context.setOffline(true);
  await row(page, "Lea Vogel").getByRole("button", { name: "Check in" }).click();
  await expect(row(page, "Lea Vogel")).toContainText("Waiting to be sent");
  await expect(page.locator("#door-pending")).toHaveText(
    "No connection: 1 waiting on this device, sent when the connection is back.",
  );
  await page.screenshot({ path: "test-results/door-offline.png", fullPage: true });
  await context.setOffline(false);
  await expect(page.locator("#door-message")).toHaveText("Lea Vogel is checked in.", { timeout: 15_000 });
  await expect(page.locator("#door-pending")).toBeHidden();
  await expect(row(page, "Lea Vogel")).toContainText(/In at \d\d:\d\d · Sam Sales/);
  // it is on the server, not only on this phone
  await page.reload();
  await expect(page.locator("#door[data-loaded=true]")).toBeAttached();
  await page.locator("#door-q").fill("lea");
  await expect(row(page, "Lea Vogel")).toContainText(/In at \d\d:\d\d · Sam Sales/);
  await context.close();
});

test("a walk-in is registered, credited to a rep and checked in with one short form", async ({ page }) => {
  await signIn(page, "marketing@demo.test");
  await openDoor(page, BREAKFAST);
  const before = Number(await page.locator("#door-in").textContent());
  await page.getByText("Walk-in", { exact: true }).click();
  await page.getByLabel("First name").fill("Wanda");
  await page.getByLabel("Last name").fill("Walker");
  await page.getByLabel("Email", { exact: true }).fill("wanda.walker@harbour.example");
  await page.getByLabel("Company").fill("Harbour Logistics");
  await page.getByLabel("Credited to").selectOption({ label: "Sam Sales" });
  await page.getByRole("button", { name: "Register and check in" }).click();
  await expect(page.locator("#door-message")).toHaveText(
    "Wanda Walker is registered as a walk-in for Sam Sales and checked in.",
  );
  await expect(page.locator("#door-in")).toHaveText(String(before + 1));
  await page.locator("#door-q").fill("wanda");
  await expect(row(page, "Wanda Walker")).toContainText("Walk-in");
  await expect(row(page, "Wanda Walker")).toContainText("Harbour Logistics");
  await expect(page.getByLabel("First name")).toHaveValue("");
});

test("the code from the confirmation email checks its guest in; a wrong or foreign code says so and changes nothing", async ({ page }) => {
  // Tobias accepted the dinner in the invitations journey; his confirmation carries his door code
  const confirmation = parsed(await rawSource(await waitForMail("tobias.lang@nordwind.example", "Sie sind dabei")));
  const code: string = confirmation.text.match(/[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}/)[0];
  await signIn(page, "sales@demo.test");

  await openDoor(page, BREAKFAST);
  await page.locator("#door-code").fill(code);
  await page.getByRole("button", { name: "Check in with code" }).click();
  await expect(page.locator("#err-code")).toHaveText(`The code ${code} is for another event: Logistics Leaders Dinner.`);
  await page.locator("#door-code").fill("2345-6789");
  await page.getByRole("button", { name: "Check in with code" }).click();
  await expect(page.locator("#err-code")).toHaveText("No guest has the code 2345-6789.");
  await page.locator("#door-code").fill("hello");
  await page.getByRole("button", { name: "Check in with code" }).click();
  await expect(page.locator("#err-code")).toHaveText("A door code has eight letters and digits, like ABCD-EFGH.");
  await expect(page.locator("#door-in")).toHaveText(/^\d+$/);

  await openDoor(page, "Logistics Leaders Dinner");
  await expect(page.locator("#door-in")).toHaveText("0");
  // typed the way people type: lower case, no dash
  await page.locator("#door-code").fill(code.replace("-", "").toLowerCase());
  await page.getByRole("button", { name: "Check in with code" }).click();
  await expect(page.locator("#door-message")).toHaveText("Tobias Lang is checked in.");
  await expect(page.locator("#door-in")).toHaveText("1");
  await expect(page.locator("#door-code")).toHaveValue("");
  await expect(page.locator("#err-code")).toHaveText("");
});

test("a rep who asked for it gets an email when their guest arrives, and sees it on their home page", async ({ browser }) => {
  const rep = await browser.newContext();
  const repPage = await rep.newPage();
  await signIn(repPage, "sales@demo.test");
  await repPage.goto("/profile");
  await repPage.getByLabel("Email me when one of my guests is checked in").check();
  await repPage.getByRole("button", { name: "Save", exact: true }).click();
  await expect(repPage.getByText("Saved.")).toBeVisible();

  const { context, page } = await doorAs(browser, "marketing@demo.test");
  await page.locator("#door-q").fill("marco");
  await row(page, "Marco Rossi").getByRole("button", { name: "Check in" }).click();
  await expect(page.locator("#door-message")).toHaveText("Marco Rossi is checked in.");
  const mail = parsed(await rawSource(await waitForMail("sales@demo.test", "Marco Rossi has arrived")));
  expect(mail.subject).toBe("Marco Rossi has arrived: Partner Breakfast");
  expect(mail.text).toMatch(/Marco Rossi \(Kestrel Health\) was checked in at Partner Breakfast at \d\d:\d\d\./);

  await repPage.goto("/");
  await expect(repPage.getByText("Marco Rossi arrived at Partner Breakfast and is checked in")).toBeVisible();
  await context.close();
  await rep.close();
});

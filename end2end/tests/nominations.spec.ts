import { expect, Page, test } from "@playwright/test";
import { hydrated, signIn, signOut } from "./helpers";

const EVENT = "Energy Transition Webinar & Roundtable";

async function openEvent(page: Page) {
  await page.getByRole("link", { name: "All" }).click();
  await page.locator("a.row-link", { hasText: EVENT }).click();
  await expect(page.getByRole("heading", { name: EVENT })).toBeVisible();
  await hydrated(page);
}

async function nominate(page: Page, contact: string, reason: string) {
  await page.getByLabel("Contact", { exact: true }).selectOption({ label: contact });
  await page.getByLabel("Reason").first().fill(reason);
  await page.getByRole("button", { name: "Nominate", exact: true }).click();
}

test("sales nominates within a quota of two, marketing approves one and rejects one, sales sees why", async ({ page }) => {
  // marketing gives Sam two seats
  await signIn(page, "marketing@demo.test");
  await openEvent(page);
  await page.getByLabel("Seats for Sam Sales").fill("2");
  await page.locator(".quotas tr", { hasText: "Sam Sales" }).getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByLabel("Seats for Sam Sales")).toHaveValue("2");
  await signOut(page);

  // sales nominates three customers: the third is refused with a message
  await signIn(page, "sales@demo.test");
  await openEvent(page);
  await nominate(page, "Priya Shah <priya.shah@brightpath.example>", "Owns the energy budget");
  await expect(page.locator("tr[data-guest='priya.shah@brightpath.example']")).toBeVisible();
  await nominate(page, "Owen Price <owen.price@brightpath.example>", "Evaluating grid software");
  await expect(page.locator("tr[data-guest='owen.price@brightpath.example']")).toBeVisible();
  await expect(page.getByText("Your quota is full: you have used 2 of 2 seats.").first()).toBeVisible();
  await nominate(page, "Lea Vogel <lea.vogel@kestrel.example>", "New CIO");
  await expect(page.locator(".nominate .form-error")).toHaveText("Your quota is full: you have used 2 of 2 seats.");
  await expect(page.locator("tr[data-guest='lea.vogel@kestrel.example']")).toHaveCount(0);
  await signOut(page);

  // marketing approves Priya and rejects Owen with a reason
  await signIn(page, "marketing@demo.test");
  await openEvent(page);
  const priya = page.locator("tr[data-guest='priya.shah@brightpath.example']");
  await priya.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(priya.locator(".chip-approved")).toHaveText("Approved");
  const owen = page.locator("tr[data-guest='owen.price@brightpath.example']");
  await owen.getByPlaceholder("Reason (shown to the rep)").fill("Already in a pilot with us");
  await owen.getByRole("button", { name: "Reject", exact: true }).click();
  await expect(owen.locator(".chip-rejected")).toHaveText("Rejected");
  await expect(page.locator(".capacity")).toContainText("1 approved / 60 seats");
  // the guest list has a history: who nominated, who decided
  await page.reload();
  await hydrated(page);
  const history = page.locator(".activity");
  await expect(history).toContainText("Sam Sales nominated Owen Price (A: Evaluating grid software)");
  await expect(history).toContainText("decided on Priya Shah: Nominated → Approved");
  await expect(history).toContainText("set the seats of Sam Sales: 0 → 2");
  await signOut(page);

  // sales sees both decisions and the reason on the home page and on the event
  await signIn(page, "sales@demo.test");
  const decisions = page.locator("#my-decisions");
  await expect(decisions).toContainText("Priya Shah");
  await expect(decisions).toContainText("Approved");
  await expect(decisions).toContainText("Owen Price");
  await expect(decisions).toContainText("Already in a pilot with us");
  await openEvent(page);
  await expect(page.locator("tr[data-guest='owen.price@brightpath.example'] .decision-reason")).toContainText(
    "Already in a pilot with us",
  );
});

test("a goal's progress bar and a task on the owner's home page", async ({ page }) => {
  await signIn(page, "marketing@demo.test");
  await page.getByRole("link", { name: "All" }).click();
  await page.getByRole("link", { name: "Logistics Leaders Dinner" }).click();
  await hydrated(page);
  await page.getByText("Propose a goal").click();
  await page.getByLabel("Metric").selectOption({ label: "Accepted guests" });
  await page.getByLabel("Target").fill("30");
  await page.getByRole("button", { name: "Propose goal" }).click();
  await expect(page.locator(".goal")).toContainText("Accepted guests");
  // the goal counts the guests the list shows as accepted (the invitations journey accepted one)
  await expect(page.locator("tr[data-guest]").first()).toBeVisible();
  const accepted = await page.locator("tr[data-guest] .chip-answer-accepted").count();
  await expect(page.locator(".goal-numbers")).toHaveText(`${accepted} / 30`);

  await page.getByText("Add a task").click();
  await page.getByLabel("Task", { exact: true }).fill("Confirm the catering");
  await page.getByLabel("Owner").selectOption({ label: "Sam Sales" });
  await page.getByLabel("Team", { exact: true }).selectOption({ label: "Sales" });
  await page.getByLabel("Due date").fill("2020-01-31");
  await page.getByRole("button", { name: "Add task" }).click();
  await expect(page.locator("#tasks .task")).toContainText("Confirm the catering");
  await signOut(page);

  await signIn(page, "sales@demo.test");
  const task = page.locator("#my-tasks .task").filter({ hasText: "Confirm the catering" });
  await expect(task).toContainText("Overdue");
  await task.getByRole("button", { name: "Mark done: Confirm the catering" }).click();
  await expect(page.locator("#my-tasks")).toHaveCount(0);
});

test("marketing filters the guest list and the server sends only the rows that match", async ({ page }) => {
  await signIn(page, "marketing@demo.test");
  await page.getByRole("link", { name: "All" }).click();
  await page.locator("a.row-link", { hasText: "Logistics Leaders Dinner" }).click();
  await hydrated(page);
  const filters = page.getByRole("group", { name: "Filter the guest list" });
  const rows = page.locator("table.guest-table tbody tr");
  const all = await rows.count();
  expect(all).toBeGreaterThan(1);

  const answer = page.waitForResponse((r) => r.url().endsWith("/api/get_guest_list"));
  await filters.getByLabel("State").selectOption({ label: "Approved" });
  expect((await answer).ok()).toBe(true);
  await expect(rows.first().locator("td[data-label=State]")).toContainText("Approved");
  const approved = await rows.count();
  expect(approved).toBeLessThan(all);
  for (let i = 0; i < approved; i++) {
    await expect(rows.nth(i).locator("td[data-label=State]")).toContainText("Approved");
  }
  await expect(filters).toContainText(`${approved} of ${all}`);

  await filters.getByLabel("State").selectOption({ label: "Withdrawn" });
  await expect(page.getByText("No guest matches these filters.")).toBeVisible();
  await expect(rows).toHaveCount(0);

  await filters.getByLabel("State").selectOption({ label: "Any" });
  await expect(rows).toHaveCount(all);
});

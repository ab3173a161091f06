import { test, expect, Page } from "@playwright/test";
import { signIn, hydrated } from "./helpers";

// The seeded "Supply Chain Summit" (app/src/ssr/seed/story.rs writes down its figures): the report
// a manager reads must show exactly what the seed put in.

function cell(page: Page, table: string, row: string) {
  return page.locator(`${table} tr`, { has: page.locator("th", { hasText: row }) }).locator("td");
}

test("a manager reads the seeded summit's report: funnel, show rate, goals, reps and target accounts", async ({ page }) => {
  await signIn(page, "manager@demo.test");
  await page.getByRole("link", { name: "Reports" }).click();
  await expect(page.getByRole("heading", { name: "Reports" })).toBeVisible();
  // the leaderboard over the last twelve months: Sam first with 8 attendees
  const leader = page.locator("#leaderboard tbody tr").first();
  await expect(leader.locator("th")).toHaveText("Sam Sales");
  await expect(leader.locator("td").nth(3)).toHaveText("8");
  await expect(page.locator("#trend svg[role=img]")).toBeVisible();

  await page.locator("#events").getByRole("link", { name: "Supply Chain Summit" }).click();
  await expect(page.getByRole("heading", { name: "Report: Supply Chain Summit" })).toBeVisible();
  await expect(page.locator("#stat-checked-in .tile-value")).toHaveText("12");
  await expect(page.locator("#stat-show-rate .tile-value")).toHaveText("73 %");
  await expect(page.locator("#stat-no-shows .tile-value")).toHaveText("4");
  await expect(page.locator("#stat-meetings .tile-value")).toHaveText("5");
  await expect(page.locator("#stat-pipeline .tile-value")).toHaveText("EUR 65,000 · USD 12,000");

  const funnel: [string, string][] = [
    ["Nominated", "22"], ["Approved", "20"], ["Invited", "20"],
    ["Viewed", "19"], ["Accepted", "15"], ["Attended", "11"],
  ];
  for (const [stage, count] of funnel) {
    await expect(cell(page, "#funnel table", stage)).toHaveText(count);
  }
  await expect(page.locator("#funnel svg[role=img]")).toHaveAttribute(
    "aria-label",
    "Funnel. Nominated: 22, Approved: 20, Invited: 20, Viewed: 19, Accepted: 15, Attended: 11.",
  );
  await expect(page.locator("#funnel .beside")).toContainText("Declined2");
  await expect(page.locator("#funnel .beside")).toContainText("Walk-ins1");

  await expect(cell(page, "#goals table", "Meetings booked")).toHaveText(["Sales", "6", "5", "83 %"]);
  await expect(cell(page, "#goals table", "Show rate")).toHaveText(["Marketing", "80 %", "73 %", "91 %"]);

  await expect(cell(page, "#per-rep table", "Sam Sales")).toHaveText(
    ["10", "9", "7", "5", "71 %", "3", "EUR 40,000"],
  );
  await expect(cell(page, "#per-rep table", "Lina Lindqvist")).toHaveText(
    ["7", "7", "5", "5", "80 %", "2", "EUR 25,000 · USD 12,000"],
  );
  await expect(page.locator("#target-accounts li")).toHaveText(
    ["Alpenmilch eG", "Kestrel Health", "Nordwind Logistik GmbH"],
  );

  // every table has its CSV file
  const download = page.waitForEvent("download");
  await page.locator("#per-rep").getByRole("link", { name: "Export CSV" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^event-\d+-reps\.csv$/);
});

test("a rep records a follow-up outcome; a bad amount is named and changes nothing", async ({ page }) => {
  await signIn(page, "tom@demo.test");
  await page.getByRole("link", { name: "Follow-ups" }).click();
  await expect(page.locator("#follow-ups-summary")).toContainText("2 open of 4.");
  const open = page.locator("li.follow-up", { has: page.locator(".chip", { hasText: "No-show" }) })
    .filter({ hasNot: page.locator(".follow-up-outcome") }).first();
  await expect(open.locator(".chip-danger")).toHaveText("Open for over a week");
  await hydrated(page);

  // nothing chosen: the outcome is named
  await open.getByRole("button", { name: "Save outcome" }).click();
  await expect(open.getByText("Outcome must be a meeting booked, an opportunity or no interest.")).toBeVisible();

  await open.getByLabel("Opportunity").check();
  await open.getByRole("button", { name: "Save outcome" }).click();
  await expect(open.getByText("Amount is needed for an opportunity.")).toBeVisible();
  await expect(page.locator("#follow-ups-summary")).toContainText("2 open of 4.");

  const name = await open.getAttribute("data-guest");
  await open.getByLabel("No interest").check();
  await open.getByLabel("Note", { exact: true }).fill("Renewed with their current provider until 2028.");
  await open.getByRole("button", { name: "Save outcome" }).click();
  const done = page.locator(`li.follow-up[data-guest="${name}"]`);
  await expect(done.locator(".follow-up-outcome")).toHaveText(
    "No interest — Renewed with their current provider until 2028.",
  );
  await expect(page.locator("#follow-ups-summary")).toContainText("1 open of 4.");
});

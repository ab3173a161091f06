import { expect, test } from "@playwright/test";
import { hydrated, signIn } from "./helpers";

test("an admin unsubscribes a contact only with a reason, and the contact page says by whom and why", async ({ page }) => {
  await signIn(page, "admin@demo.test");
  await page.goto("/contacts?q=jana.krueger");
  await page.getByRole("link", { name: "Jana Krüger" }).click();
  await expect(page.getByRole("heading", { name: "Consent" })).toBeVisible();
  await hydrated(page);
  await expect(page.getByText("Subscribed: this contact can be invited.")).toBeVisible();

  // without a reason: the error is under the field and nothing changes
  await page.getByRole("button", { name: "Unsubscribe" }).click();
  await expect(page.locator("#err-reason")).toHaveText("Give a reason; it is written to the contact's log.");
  await expect(page.getByText("Subscribed: this contact can be invited.")).toBeVisible();

  await page.getByLabel("Reason (written to the contact's log)").fill("Asked us by phone");
  await page.getByRole("button", { name: "Unsubscribe" }).click();
  await expect(page.locator(".notice")).toContainText("by Ada Admin: Asked us by phone");
  await expect(page.locator("#consent .activity")).toContainText("Unsubscribed by Ada Admin: Asked us by phone");
  await expect(page.getByRole("button", { name: "Resubscribe" })).toBeVisible();

  // the edit form has no unsubscribed field any more
  await page.goto(page.url() + "/edit");
  await expect(page.getByRole("heading", { name: "Edit contact" })).toBeVisible();
  await expect(page.locator("[name='input[unsubscribed]']")).toHaveCount(0);
});

test("a sales rep sees how a contact unsubscribed but gets no form to change it", async ({ page }) => {
  await signIn(page, "sales@demo.test");
  await page.goto("/contacts?q=jana.krueger");
  await page.getByRole("link", { name: "Jana Krüger" }).click();
  await expect(page.getByRole("heading", { name: "Consent" })).toBeVisible();
  await expect(page.getByText("Only the contact (through the unsubscribe link in an email) or an admin can change this.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Unsubscribe" })).toHaveCount(0);
});

import { expect, Page, test } from "@playwright/test";
import { hydrated, signIn, signOut } from "./helpers";

/** Collects what Chromium reports as blocked by the Content-Security-Policy. */
function cspViolations(page: Page): string[] {
  const found: string[] = [];
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) found.push(message.text());
  });
  return found;
}

test("every team page hydrates under the Content-Security-Policy with nothing blocked", async ({ page }) => {
  const blocked = cspViolations(page);
  await signIn(page, "marketing@demo.test");
  for (const path of ["/", "/contacts", "/accounts", "/contacts/import", "/profile", "/events/new"]) {
    await page.goto(path);
    await hydrated(page);
  }
  await page.goto("/");
  await hydrated(page);
  await page.locator("a[href^='/events/']").first().click();
  await hydrated(page);
  expect(blocked).toEqual([]);
});

test("a user changes their password on the profile page, with errors under the fields, and signs in with the new one", async ({ page }) => {
  const blocked = cspViolations(page);
  await signIn(page, "admin@demo.test");
  await page.goto("/profile");
  await expect(page.getByRole("heading", { name: "Your profile" })).toBeVisible();
  await hydrated(page);

  await page.getByLabel("Current password").fill("not-the-password");
  await page.getByLabel("New password", { exact: true }).fill("a-new-admin-password");
  await page.getByLabel("New password again").fill("a-new-admin-password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.locator("#err-current_password")).toHaveText("The current password is not correct.");

  await page.getByLabel("Current password").fill("demo-password");
  await page.getByLabel("New password", { exact: true }).fill("a-new-admin-password");
  await page.getByLabel("New password again").fill("a-new-admin-passwort");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.locator("#err-new_password_repeat")).toHaveText("The two new passwords are not the same.");

  await page.getByLabel("New password again").fill("a-new-admin-password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.locator("#password-form .form-success")).toContainText("Your password was changed.");

  await signOut(page);
  await page.getByLabel("Email").fill("admin@demo.test");
  await page.getByLabel("Password").fill("a-new-admin-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Events" })).toBeVisible();

  // put the demo password back for the other journeys
  await page.goto("/profile");
  await hydrated(page);
  await page.getByLabel("Current password").fill("a-new-admin-password");
  await page.getByLabel("New password", { exact: true }).fill("demo-password");
  await page.getByLabel("New password again").fill("demo-password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.locator("#password-form .form-success")).toContainText("Your password was changed.");
  expect(blocked).toEqual([]);
});

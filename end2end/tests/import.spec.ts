import { expect, test } from "@playwright/test";
import { hydrated, signIn } from "./helpers";

test("a CSV with two good rows and one bad row shows the bad row's line and problem in the preview and imports only the good rows after confirmation", async ({ page }) => {
  const stamp = Date.now();
  // German Excel style: semicolons, German headers, a BOM
  const csv =
    "\uFEFFVorname;Nachname;E-Mail;Firma\r\n" +
    `Greta;Good;greta.${stamp}@import.example;Import Test GmbH\r\n` +
    `Bernd;Bad;bernd-at-nowhere;Import Test GmbH\r\n` +
    `Gustav;Good;gustav.${stamp}@import.example;Import Test GmbH\r\n`;

  await signIn(page, "sales@demo.test");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Contacts" }).click();
  await expect(page.getByRole("heading", { name: "Contacts" })).toBeVisible();
  await page.getByRole("link", { name: "Import CSV" }).first().click();
  await expect(page.getByRole("heading", { name: "Import CSV" })).toBeVisible();
  await hydrated(page);

  await page.getByLabel("CSV file").setInputFiles({
    name: "contacts.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(csv, "utf-8"),
  });

  // the preview counts the rows and names the bad one by line, column and problem
  const counts = page.getByTestId("import-counts");
  await expect(counts.locator(".stat-new .stat-value")).toHaveText("2");
  await expect(counts.locator(".stat-invalid .stat-value")).toHaveText("1");
  await expect(counts.locator(".stat-accounts .stat-value")).toHaveText("1");
  const problem = page.locator("tr.import-error");
  await expect(problem).toHaveCount(1);
  await expect(problem.locator("td").nth(0)).toHaveText("3");
  await expect(problem.locator("td").nth(1)).toHaveText("E-Mail");
  await expect(problem.locator("td").nth(2)).toHaveText("Email must look like name@example.com.");
  await expect(page.getByText("Nothing has been saved yet.")).toBeVisible();

  // nothing was written by the preview
  await page.goto(`/contacts?q=${stamp}`);
  await expect(page.getByText("No contacts match these filters")).toBeVisible();
  await page.goBack();
  await hydrated(page);
  await page.getByLabel("CSV file").setInputFiles({
    name: "contacts.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(csv, "utf-8"),
  });
  await page.getByRole("button", { name: "Import now (2)" }).click();
  await expect(page.getByRole("heading", { name: "Import finished" })).toBeVisible();

  // only the good rows are in the directory, owned by the rep who imported them
  await page.getByRole("link", { name: "Go to contacts" }).click();
  await page.getByLabel("Search").fill(String(stamp));
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.locator("table .row-link")).toHaveText(["Greta Good", "Gustav Good"]);
  await expect(page.getByText("2 contacts")).toBeVisible();
  await expect(page.getByText("Bernd")).toHaveCount(0);
  await page.getByRole("link", { name: "Greta Good" }).click();
  await expect(page.getByRole("heading", { name: "Greta Good" })).toBeVisible();
  await expect(page.locator(".facts")).toContainText("Sam Sales");
  await expect(page.locator(".facts")).toContainText("Import Test GmbH");
});

test("sales creates a contact with a bad email, sees the error under the field and fixes it", async ({ page }) => {
  const email = `lena.${Date.now()}@kunde.example`;
  await signIn(page, "sales@demo.test");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Contacts" }).click();
  await page.getByRole("link", { name: "New contact" }).first().click();
  await expect(page.getByRole("heading", { name: "New contact" })).toBeVisible();
  await hydrated(page);

  await page.getByLabel("First name").fill("Lena");
  await page.getByLabel("Last name").fill("Lindner");
  await page.getByLabel("Email").fill("lena(at)kunde");
  await page.getByLabel("Job title").fill("Head of IT");
  await page.getByRole("button", { name: "Create contact" }).click();

  await expect(page.locator("#err-email")).toHaveText("Email must look like name@example.com.");
  await expect(page.getByLabel("Email")).toBeFocused();
  await expect(page.getByLabel("First name")).toHaveValue("Lena");

  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Create contact" }).click();
  await expect(page.getByRole("heading", { name: "Lena Lindner" })).toBeVisible();
  await expect(page.locator(".facts")).toContainText(email);
  await expect(page.locator(".facts")).toContainText("Sam Sales");
  await expect(page.getByText("Not nominated to any event yet.")).toBeVisible();
});

import { expect, Page, test } from "@playwright/test";
import { hydrated, plainHtml, signIn } from "./helpers";

// axe is injected as a script: let it in whatever Content-Security-Policy the app sends
test.use({ bypassCSP: true });

const WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

type Violation = {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
};

/** Runs axe-core on the page as it is now and fails on any serious or critical WCAG 2.1 AA violation. */
async function expectNoSeriousViolations(page: Page, name: string) {
  await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
  const { violations, passes } = await page.evaluate(async (tags) => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const axe = (window as any).axe;
    const result = await axe.run(document, { runOnly: { type: "tag", values: tags } });
    return { violations: result.violations as Violation[], passes: result.passes.length as number };
  }, WCAG_21_AA);
  // axe really looked at the page (a page it could not read would pass nothing either)
  expect(passes, `${name}: axe checked nothing`).toBeGreaterThan(5);
  for (const v of violations.filter((v) => v.impact !== "serious" && v.impact !== "critical")) {
    console.log(`${name}: ${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  }
  const serious = violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help}\n` +
        v.nodes
          .slice(0, 5)
          .map((n) => `    ${n.target.join(" ")}${n.failureSummary ? `\n      ${n.failureSummary.replace(/\n/g, "\n      ")}` : ""}`)
          .join("\n"),
    );
  expect(serious, `${name}: serious or critical accessibility violations`).toEqual([]);
}

/** Opens `path`, waits for hydration (guest pages: checks they are plain HTML), checks the tab
 * title and runs axe. */
async function checkPage(page: Page, path: string, name: string) {
  await page.goto(path);
  if (/^\/(rsvp|unsubscribe)\//.test(path)) await plainHtml(page);
  else await hydrated(page);
  // the <title> reached the browser and survived hydration
  await expect(page).toHaveTitle(/\S · Tandem$/);
  await expectNoSeriousViolations(page, name);
}

/** The first link on the current page whose href matches `pattern`. */
async function firstHref(page: Page, pattern: RegExp): Promise<string> {
  const hrefs = await page.locator("main a[href]").evaluateAll((links) =>
    links.map((a) => a.getAttribute("href") ?? ""),
  );
  const href = hrefs.find((h) => pattern.test(h));
  expect(href, `a link matching ${pattern}`).toBeTruthy();
  return href!;
}

test("every page signed out has a title and no serious accessibility violation", async ({ page }) => {
  await checkPage(page, "/login", "sign-in page");
  await checkPage(page, "/rsvp/unknown-token", "guest 404");
  await expect(page.getByRole("heading", { name: "This link does not work" })).toBeVisible();
  // a team page without a session leads to the sign-in page
  await checkPage(page, "/no-such-page", "team 404 signed out");
});

test("the guest 404 speaks German to a German browser and has a title in German", async ({ browser }) => {
  const context = await browser.newContext({ locale: "de-DE", bypassCSP: true });
  const page = await context.newPage();
  await page.goto("/rsvp/unknown-token");
  await plainHtml(page);
  await expect(page.getByRole("heading", { name: "Dieser Link funktioniert nicht" })).toBeVisible();
  await expect(page).toHaveTitle("Dieser Link funktioniert nicht · Tandem");
  await expect(page.locator("html")).toHaveAttribute("lang", "de");
  await expect(page.getByRole("navigation")).toHaveCount(0);
  await expectNoSeriousViolations(page, "guest 404 in German");
  await context.close();
});

test("every page signed in as marketing has a title and no serious accessibility violation", async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, "marketing@demo.test");

  await checkPage(page, "/", "events list");
  const event = await firstHref(page, /^\/events\/\d+$/);
  await checkPage(page, "/events/new", "new event");
  await checkPage(page, event, "event page");
  await checkPage(page, `${event}/edit`, "edit event");

  await checkPage(page, "/contacts", "contacts");
  const contact = await firstHref(page, /^\/contacts\/\d+$/);
  await checkPage(page, contact, "contact page");
  await checkPage(page, "/contacts/new", "new contact");
  await checkPage(page, "/contacts/import", "import");

  await checkPage(page, "/accounts", "accounts");
  const account = await firstHref(page, /^\/accounts\/\d+$/);
  await checkPage(page, account, "account page");

  await checkPage(page, "/no-such-page", "team 404");
  await checkPage(page, "/rsvp/unknown-token", "guest 404 signed in");
});

test("the pages a sales rep works on have a title and no serious accessibility violation", async ({ page }) => {
  await signIn(page, "sales@demo.test");
  await checkPage(page, "/", "events list as sales");
  // the event page as a rep shows the nomination form
  const event = await firstHref(page, /^\/events\/\d+$/);
  await checkPage(page, event, "event page as sales");
  await checkPage(page, "/follow-ups", "follow-ups with outcome forms");
});

test("the reports a manager reads have a title and no serious accessibility violation", async ({ page }) => {
  await signIn(page, "manager@demo.test");
  await checkPage(page, "/reports", "manager report");
  const report = await firstHref(page, /^\/events\/\d+\/report$/);
  await checkPage(page, report, "event report");
  await checkPage(page, "/follow-ups", "overdue follow-ups");
});

test("the users page as admin has a title and no serious accessibility violation", async ({ page }) => {
  await signIn(page, "admin@demo.test");
  await checkPage(page, "/admin/users", "users");
});

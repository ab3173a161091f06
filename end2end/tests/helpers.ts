import { expect, Page } from "@playwright/test";

/** Waits until the WebAssembly has hydrated the page, so forms are enhanced. */
export async function hydrated(page: Page) {
  await expect(page.locator("body[data-hydrated=true]")).toBeAttached();
}

/** A guest page is plain HTML and forms: it loads no script file and no WebAssembly (Leptos's
 * inline data scripts stay; nothing reads them). */
export async function plainHtml(page: Page) {
  await page.waitForLoadState("load");
  await expect(
    page.locator("script[src], script[type=module], link[rel=modulepreload], link[href$='.wasm'], link[href$='.js']"),
  ).toHaveCount(0);
}

/** Records every WebAssembly file the page requests, to show that guest pages ask for none. */
export function wasmRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on("request", (request) => {
    if (request.url().endsWith(".wasm")) seen.push(request.url());
  });
  return seen;
}

export async function signIn(page: Page, email: string) {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("demo-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Events" })).toBeVisible();
  await hydrated(page);
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
}

import { expect, test } from "@playwright/test";
import { hydrated, plainHtml, wasmRequests, signIn, signOut } from "./helpers";
import { clearMail, parsed, rawSource, waitForMail } from "./mail";

// Tobias Lang: approved in the demo data, German, not touched by other journeys
const tobias = "tobias.lang@nordwind.example";
const note = "Lieber Herr Lang, ich würde mich freuen – \"Logistik\", Wein & Gespräche; bis bald!";

test("marketing invites a selected guest; the email reaches a real SMTP server; she opens her link and accepts; her rep sees it", async ({
  page,
  browser,
}) => {
  await clearMail();

  // the rep writes his personal note and video link on his guest
  await signIn(page, "sales@demo.test");
  await page.getByRole("link", { name: "Logistics Leaders Dinner" }).first().click();
  const touchRow = page.locator(`tr[data-guest="${tobias}"]`);
  // the form stands open while a guest has no note yet
  await touchRow.getByLabel("Personal note").fill(note);
  await touchRow.getByLabel("Video link (https)").fill("https://video.example.com/sam/tobias");
  await touchRow.getByRole("button", { name: "Save note and video" }).click();
  // saved: the list comes back with the note in place and its form folded away
  await expect(touchRow.locator("details.personal-touch")).not.toHaveAttribute("open", /.*/);
  await expect(touchRow.getByLabel("Personal note")).toHaveValue(note);
  await signOut(page);

  // marketing sends the invitation to one selected guest and watches it go out
  await signIn(page, "marketing@demo.test");
  await page.getByRole("link", { name: "Logistics Leaders Dinner" }).click();
  await page.getByRole("checkbox", { name: "Select Tobias Lang" }).check();
  await expect(page.getByText("1 selected")).toBeVisible();
  await page.getByRole("button", { name: "Invite selected" }).click();
  await expect(page.getByText("One invitation is on its way.")).toBeVisible();
  await expect(page.getByTestId("delivery-progress")).toContainText("1 of 1 invitations delivered");
  await expect(page.locator(`tr[data-guest="${tobias}"] .chip-sent`)).toHaveText("Invited");

  // the invitation as maildev received it, read by Python's strict email parser and icalendar
  const invitation = parsed(await rawSource(await waitForMail(tobias, "Einladung: Logistics Leaders Dinner")));
  expect(invitation.subject).toBe("Einladung: Logistics Leaders Dinner");
  expect(invitation.from).toBe("Tandem <events@tandem.example>");
  expect(invitation.reply_to).toBe("Sam Sales <sales@demo.test>");
  expect(invitation.to).toBe("Tobias Lang <tobias.lang@nordwind.example>");
  expect(invitation.message_id).toMatch(/^<invitation\.[0-9a-f]{24}@tandem\.example>$/);
  expect(invitation.tree).toEqual({
    type: "multipart/alternative",
    parts: [{ type: "text/plain" }, { type: "text/html" }, { type: "text/calendar" }],
  });
  expect(invitation.text).toContain(note);
  expect(invitation.text).toMatch(/\/rsvp\/[0-9a-f]{64}\/video/);
  expect(invitation.html).toContain("Sam Sales");
  const calendar = invitation.calendar;
  expect(calendar.content_type_method).toBe("REQUEST");
  expect(calendar.method).toBe("REQUEST");
  expect(calendar.events).toBe(1);
  expect(calendar.uid).toMatch(/^event-\d+@tandem\.example$/);
  expect(calendar.summary).toBe("Logistics Leaders Dinner");
  expect(calendar.location).toContain("Alte Münze");
  expect(calendar.organizer).toBe("mailto:events@tandem.example");
  expect(calendar.has_dtstamp).toBe(true);
  expect(calendar.dtstart).toMatch(/\+00:00$/);
  expect(calendar.attendees).toEqual([
    { address: `mailto:${tobias}`, cn: "Tobias Lang", rsvp: "TRUE", partstat: "NEEDS-ACTION" },
  ]);
  expect(calendar.max_line_octets).toBeLessThanOrEqual(75);
  expect(calendar.crlf_only).toBe(true);
  const link: string = invitation.text.match(/http:\/\/127\.0\.0\.1:\d+\/rsvp\/[0-9a-f]{64}/)[0];
  expect(calendar.description).toContain(link);

  // the guest opens her personal link, without an account, in her language, and accepts
  const guestContext = await browser.newContext();
  const guest = await guestContext.newPage();
  const wasm = wasmRequests(guest);
  await guest.goto(link);
  await plainHtml(guest);
  await expect(guest.getByRole("heading", { name: "Logistics Leaders Dinner" })).toBeVisible();
  await expect(guest.getByText("Sam Sales lädt Sie ein")).toBeVisible();
  await expect(guest.getByText(note)).toBeVisible();
  // the video goes through the tracking redirect to exactly the stored address
  const video = guest.getByRole("link", { name: /Videobotschaft|video/i });
  expect(await video.getAttribute("href")).toMatch(/^\/rsvp\/[0-9a-f]{64}\/video$/);
  const redirect = await guest.request.get((await video.getAttribute("href"))!, { maxRedirects: 0 });
  expect(redirect.status()).toBe(303);
  expect(redirect.headers()["location"]).toBe("https://video.example.com/sam/tobias");
  await guest.getByRole("button", { name: "Ja, ich komme" }).click();
  await expect(guest.getByText("Sie haben zugesagt. Wir freuen uns auf Sie!")).toBeVisible();
  const code = (await guest.locator(".door-code-text").textContent())!.trim();
  expect(code).toMatch(/^[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$/);
  await expect(guest.getByRole("img", { name: `Einlass-Code ${code}` })).toBeVisible();
  // her page was plain HTML all along: not one byte of WebAssembly
  expect(wasm).toEqual([]);
  await guestContext.close();

  // her confirmation carries her acceptance for the calendar and the door code, as image and text
  const confirmation = parsed(await rawSource(await waitForMail(tobias, "Sie sind dabei")));
  expect(confirmation.calendar.attendees[0].partstat).toBe("ACCEPTED");
  expect(confirmation.calendar.uid).toBe(calendar.uid);
  expect(confirmation.text).toContain(code);
  expect(confirmation.tree.parts.map((p: { type: string }) => p.type)).toEqual([
    "text/plain",
    "multipart/related",
    "text/calendar",
  ]);
  expect(confirmation.images).toHaveLength(1);
  expect(confirmation.images[0].png).toBe(true);
  expect(confirmation.html).toContain(`src="cid:${confirmation.images[0].cid.replace(/[<>]/g, "")}"`);

  // her rep hears of it on his home page and sees it on the guest list
  const repContext = await browser.newContext();
  const rep = await repContext.newPage();
  await signIn(rep, "sales@demo.test");
  const news = rep.locator("#my-news");
  await expect(news).toContainText("Tobias Lang accepted the invitation to Logistics Leaders Dinner");
  await expect(news).toContainText("Tobias Lang opened the invitation to Logistics Leaders Dinner");
  await expect(news).toContainText("Tobias Lang watched your video for Logistics Leaders Dinner");
  await rep.getByRole("link", { name: "Logistics Leaders Dinner" }).first().click();
  const row = rep.locator(`tr[data-guest="${tobias}"]`);
  await expect(row).toContainText("Viewed");
  await expect(row).toContainText("Accepted");
  await expect(row).toContainText("opened the invitation");
  await repContext.close();
});

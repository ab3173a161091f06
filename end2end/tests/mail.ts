import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect } from "@playwright/test";
import { maildevWeb } from "../playwright.config";

const api = `http://127.0.0.1:${maildevWeb}/api`;

export interface MaildevMail {
  id: string;
  subject: string;
  to: { address: string; name: string }[];
}

export async function clearMail() {
  const res = await fetch(`${api}/email/all`, { method: "DELETE" });
  expect(res.ok).toBeTruthy();
}

export async function allMail(): Promise<MaildevMail[]> {
  const res = await fetch(`${api}/email`);
  expect(res.ok).toBeTruthy();
  return (await res.json()) as MaildevMail[];
}

/** Waits until maildev holds a mail to `address` whose subject contains `subject`. */
export async function waitForMail(address: string, subject: string): Promise<MaildevMail> {
  let found: MaildevMail | undefined;
  await expect
    .poll(
      async () => {
        found = (await allMail()).find(
          (m) => m.to.some((t) => t.address === address) && m.subject.includes(subject),
        );
        return found !== undefined;
      },
      { timeout: 30_000, message: `a mail to ${address} about "${subject}"` },
    )
    .toBe(true);
  return found!;
}

export async function rawSource(mail: MaildevMail): Promise<Buffer> {
  const res = await fetch(`${api}/email/${mail.id}/source`);
  expect(res.ok).toBeTruthy();
  return Buffer.from(await res.arrayBuffer());
}

/** What Python's strict email parser and the icalendar package read from the raw message. */
export function parsed(raw: Buffer): any {
  const out = execFileSync("python3", [path.join(__dirname, "check_mail.py")], { input: raw });
  return JSON.parse(out.toString());
}

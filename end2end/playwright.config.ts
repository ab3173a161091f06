import { defineConfig } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3100);
// maildev: a real SMTP server with an HTTP API; Playwright starts it before Tandem and stops it
// after the run. Its own ports, so a maildev the developer runs on 1025/1080 is left alone.
export const maildevSmtp = Number(process.env.E2E_SMTP_PORT ?? 1125);
export const maildevWeb = Number(process.env.E2E_MAILDEV_PORT ?? 1180);

export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: [
    {
      command: `./node_modules/.bin/maildev --ip 127.0.0.1 --web-ip 127.0.0.1 --smtp ${maildevSmtp} --web ${maildevWeb}`,
      url: `http://127.0.0.1:${maildevWeb}/api/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: `bash ./start-server.sh ${port}`,
      url: `http://127.0.0.1:${port}/healthz`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: "pipe",
      stderr: "pipe",
      // calendar updates go out 2 s after the first change instead of 5 minutes
      env: { SMTP_URL: `smtp://127.0.0.1:${maildevSmtp}`, CALENDAR_UPDATE_DELAY: "2" },
    },
  ],
});

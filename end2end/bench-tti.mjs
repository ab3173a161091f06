// Time to interactive of the RSVP page and the event page in headless Chromium, unthrottled and
// on a slow 4G link (Chromium's network emulation through the DevTools protocol), for
// scripts/bench.sh. "Interactive" is when a person can use the page: for the event page, when the
// WebAssembly has hydrated it (`body[data-hydrated]`); for the RSVP page, which loads no script,
// when it has loaded (its forms work as plain HTML). Prints one JSON object: medians in ms.
// BENCH_NETWORKS: which of fast,slow4g to measure (the smoke measures fast only).
import { chromium } from "@playwright/test";

const runs = Number(process.env.BENCH_RUNS ?? 5);
// Lighthouse's "slow 4G": 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up
const slow4g = { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-quic"],
});

async function measure(url, interactive, network) {
  const context = await browser.newContext();
  const origin = new URL(url).origin;
  if (process.env.BENCH_COOKIE) {
    await context.addCookies([{ name: "tandem_session", value: process.env.BENCH_COOKIE, url: origin }]);
  }
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  if (network) await cdp.send("Network.emulateNetworkConditions", network);
  let bytes = 0;
  let wasm = 0;
  cdp.on("Network.loadingFinished", (e) => (bytes += e.encodedDataLength));
  cdp.on("Network.responseReceived", (e) => { if (e.response.url.endsWith(".wasm")) wasm += 1; });
  const start = Date.now();
  await page.goto(url, { waitUntil: "load", timeout: 180_000 });
  if (interactive === "hydrated") {
    await page.locator("body[data-hydrated=true]").waitFor({ state: "attached", timeout: 180_000 });
  }
  const ms = Date.now() - start;
  await context.close();
  return { ms, bytes, wasm };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const result = {};
for (const [name, url, interactive] of [
  ["rsvp", process.env.BENCH_RSVP, "load"],
  ["event", process.env.BENCH_EVENT, "hydrated"],
]) {
  const profiles = [["fast", null], ["slow4g", slow4g]].filter(([p]) =>
    (process.env.BENCH_NETWORKS ?? "fast,slow4g").split(",").includes(p),
  );
  for (const [profile, network] of profiles) {
    const samples = [];
    for (let i = 0; i < runs; i++) samples.push(await measure(url, interactive, network));
    result[`${name}_${profile}`] = {
      ms: median(samples.map((s) => s.ms)),
      bytes: median(samples.map((s) => s.bytes)),
      wasm_files: samples[0].wasm,
    };
  }
}
await browser.close();
console.log(JSON.stringify(result));

// Scan-to-bag benchmark: how long from a code in front of the (fake) camera to its line in the bag.
//
// Usage: node bench/scan-to-bag.mjs   (after scripts/test.sh has built dist/, the server and the
// tag renderer; or after `bash scripts/run.sh` built them plus
// `cargo build -p shopbag-scanner --example tag_pictures`)
//
// Chromium's fake camera films a seeded product's EAN-13. Two figures, each over 20 scans:
// - warm: the scanner is running and the tag is in view; the shopper taps "Scan next" (after the
//   duplicate cooldown has passed) — from that tap to the line in the bag;
// - cold: a fresh page opens /scan — from the first camera frame on screen (the video's first
//   requestVideoFrameCallback) to the line in the bag; includes fetching and starting the
//   decoder worker.
// "The line in the bag" is the moment the scanner announces the add, which it does right after
// writing the line to the device's bag.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startServer,
  launchBrowser,
  fakeCameraArgs,
  renderTag,
  getJson,
} from '../tests/e2e/harness.mjs';

const SCANS = 20;
const COOLDOWN_MS = 4000; // features/scan/cooldown.rs

const dir = mkdtempSync(join(tmpdir(), 'shopbag-bench-'));
const server = await startServer();
const [summary] = await getJson(`${server.url}/api/v1/products?limit=1`);
const video = renderTag('y4m', join(dir, 'tag.y4m'), { ean13: summary.ean13 });
const browser = await launchBrowser(fakeCameraArgs(video));

/** Records, in page time, when the scanner's announcement next says something was added. */
function watchForAdd() {
  window.__added = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      const text = document.querySelector('.scan-announcement')?.textContent ?? '';
      if (text) {
        observer.disconnect();
        resolve(performance.now());
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

try {
  // Warm: one page, the worker loaded, the tag always in view.
  const warm = [];
  {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.url}/scan`);
    await page.locator('.hit-sheet .scan-next').waitFor();
    for (let i = 0; i < SCANS; i++) {
      await page.waitForTimeout(COOLDOWN_MS + 200);
      await page.evaluate(watchForAdd);
      const tapped = await page.evaluate(() => {
        const at = performance.now();
        document.querySelector('.hit-sheet .scan-next').click();
        return at;
      });
      const addedAt = await page.evaluate(() => window.__added);
      warm.push(addedAt - tapped);
      await page.locator('.hit-sheet .scan-next').waitFor();
    }
    await page.context().close();
  }

  // Cold: a fresh page each time, from its first camera frame.
  const cold = [];
  for (let i = 0; i < SCANS; i++) {
    const page = await (await browser.newContext()).newPage();
    await page.addInitScript(() => {
      window.__firstFrame = new Promise((resolve) => {
        const look = new MutationObserver(() => {
          const video = document.querySelector('video');
          if (video) {
            look.disconnect();
            video.requestVideoFrameCallback((now) => resolve(now));
          }
        });
        document.addEventListener('DOMContentLoaded', () =>
          look.observe(document.body, { subtree: true, childList: true }),
        );
      });
    });
    await page.addInitScript(`document.addEventListener('DOMContentLoaded', ${watchForAdd.toString()})`);
    await page.goto(`${server.url}/scan`);
    const [first, addedAt] = await page.evaluate(() => Promise.all([window.__firstFrame, window.__added]));
    cold.push(addedAt - first);
    await page.context().close();
  }

  const row = (name, xs) =>
    `| ${name} | ${xs.length} | ${median(xs).toFixed(0)} | ${pct(xs, 90).toFixed(0)} | ${Math.min(...xs).toFixed(0)} | ${Math.max(...xs).toFixed(0)} |`;
  console.log('| scan to line in bag | scans | p50 ms | p90 ms | min ms | max ms |\n|---|---:|---:|---:|---:|---:|');
  console.log(row('warm (tap "Scan next", tag in view)', warm));
  console.log(row('cold (first camera frame of a fresh /scan)', cold));
} finally {
  await browser.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}

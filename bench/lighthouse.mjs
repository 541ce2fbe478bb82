// Lighthouse in mobile mode (its default: a mid-range phone, simulated slow 4G and a 4× slower
// CPU) against the release build on the local server: performance, accessibility and best
// practices for the start page, a product page, the bag and the member code's screen.
//
// Usage: node bench/lighthouse.mjs   (after the release build; the server binary as for the e2e
//        tests, SHOPBAG_SERVER_BIN or target/debug/shopbag-server)
//
// Lighthouse is not one of the test dependencies (it brings 180 MB): it comes from the npm
// registry at a pinned version through `npm exec`, on the first run, and runs the system
// Chromium. Each page is measured RUNS times (3 by default) in a fresh profile; the median
// score is reported, as Lighthouse's own docs advise for variance.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, getJson } from '../tests/e2e/harness.mjs';

// 12.x: the last line that runs on Node 20 (13 wants 22).
const LIGHTHOUSE = 'lighthouse@12.8.2';
const RUNS = Number(process.env.RUNS ?? 3);
const CATEGORIES = ['performance', 'accessibility', 'best-practices'];

const server = await startServer();
const dir = mkdtempSync(join(tmpdir(), 'shopbag-lighthouse-'));
try {
  const [product] = await getJson(`${server.url}/api/v1/products?limit=1`);
  const pages = { home: '/', product: `/p/${product.ean13}`, bag: '/bag', 'member code': '/member' };
  console.log(`Lighthouse ${LIGHTHOUSE.split('@')[1]}, mobile, median of ${RUNS} runs`);
  console.log('| page | performance | accessibility | best practices | LCP | TBT |');
  console.log('|---|---:|---:|---:|---:|---:|');
  let failed = false;
  for (const [name, path] of Object.entries(pages)) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(measure(`${server.url}${path}`, join(dir, `${i}.json`)));
    const median = (f) => runs.map(f).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
    const score = (c) => Math.round(median((r) => r.categories[c].score) * 100);
    const ms = (audit) => `${Math.round(median((r) => r.audits[audit].numericValue))} ms`;
    const [performance, accessibility, practices] = CATEGORIES.map(score);
    console.log(`| ${name} (\`${path}\`) | ${performance} | ${accessibility} | ${practices} | ${ms('largest-contentful-paint')} | ${ms('total-blocking-time')} |`);
    for (const r of runs) {
      for (const [id, audit] of Object.entries(r.audits)) {
        if (audit.score === 0 && r.categories.accessibility.auditRefs.some((a) => a.id === id && a.weight > 0)) {
          console.log(`    accessibility: ${id}: ${audit.title}`);
        }
      }
    }
    failed ||= performance < 95 || accessibility < 100;
  }
  process.exitCode = failed ? 1 : 0;
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}

/** One Lighthouse run of `url` in a fresh profile; its JSON report. */
function measure(url, out) {
  const profile = mkdtempSync(join(tmpdir(), 'shopbag-lighthouse-profile-'));
  const flags = [
    '--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`,
  ].join(' ');
  const run = spawnSync(
    'npm',
    [
      'exec', '--yes', `--package=${LIGHTHOUSE}`, '--', 'lighthouse', url, '--quiet', '--output=json',
      `--output-path=${out}`, `--only-categories=${CATEGORIES.join(',')}`, `--chrome-flags=${flags}`,
    ],
    { env: { ...process.env, CHROME_PATH: '/usr/bin/chromium' }, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  rmSync(profile, { recursive: true, force: true });
  if (run.status !== 0) throw new Error(`lighthouse ${url}: exit ${run.status}`);
  return JSON.parse(readFileSync(out, 'utf8'));
}

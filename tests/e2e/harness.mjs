// Shared set-up for the end-to-end flows: a real server on a free port with a fresh SQLite file,
// serving the release build in dist/, and Debian's Chromium driven by playwright-core.

import { spawn, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const CHROMIUM_ARGS = [
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Starts shopbag-server; resolves to { url, port, dir, log, stop }. Pass `{ port, dir }` of a stopped
 * server to start it again on the same address and database (the "server was down" tests), and
 * `dist` to serve another copy of the built app.
 */
export async function startServer({
  port = 0,
  dir = mkdtempSync(join(tmpdir(), 'shopbag-e2e-')),
  addr = '127.0.0.1',
  dist = join(ROOT, 'dist'),
  args = [],
} = {}) {
  const bin = process.env.SHOPBAG_SERVER_BIN ?? join(ROOT, 'target', 'debug', 'shopbag-server');
  const child = spawn(
    bin,
    ['--addr', addr, '--port', String(port), '--database-url', `sqlite://${join(dir, 'e2e.db')}`, '--dist', dist, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // Its log goes on to ours, and is kept: the demo sign-in codes are written there.
  let log = '';
  child.stderr.on('data', (chunk) => {
    log += chunk;
    process.stderr.write(chunk);
  });
  const url = await new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${seen}`)), 60_000);
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      const match = seen.match(/listening on (http:\/\/[0-9.:]+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${seen}`)));
  });
  child.stdout.resume();
  const exited = new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
  return {
    url,
    port: Number(new URL(url).port),
    dir,
    /** What the server logged so far. */
    log: () => log,
    /** Stops the server and keeps its database, to start it again. */
    async halt() {
      child.kill();
      await exited;
    },
    async stop() {
      child.kill();
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, headless; `args` add flags such as a fake camera (see fakeCameraArgs). */
export async function launchBrowser(args = []) {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...args] });
}

/**
 * Flags for a fake camera that films `y4m` in a loop, with camera permission granted (or left to
 * the page's context when `allow` is false).
 */
export function fakeCameraArgs(y4m, { allow = true } = {}) {
  return [
    '--use-fake-device-for-media-stream',
    ...(allow ? ['--use-fake-ui-for-media-stream'] : []),
    `--use-file-for-fake-video-capture=${y4m}`,
  ];
}

/**
 * Renders a tag with our own renderer (crates/scanner/examples/tag_pictures.rs): `kind` is
 * `y4m` (a fake camera video) or `png` (a photo); `code` is `{ ean13 }` or `{ qr }`.
 */
export function renderTag(kind, out, code) {
  const bin = join(ROOT, 'target', 'debug', 'examples', 'tag_pictures');
  const flag = code.ean13 ? ['--ean13', code.ean13] : ['--qr', code.qr];
  execFileSync(bin, [kind, out, ...flag], { stdio: 'inherit' });
  return out;
}

/** A page that records console errors (CSP violations, panics) so tests can assert there are none. */
export async function openPage(browser, options = {}) {
  const context = await browser.newContext({ locale: 'zh-CN', ...options });
  const page = await context.newPage();
  page.consoleErrors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') page.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => page.consoleErrors.push(String(error)));
  return page;
}

export async function getJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

/** Runs axe-core in the page and returns its violations (empty when the page is accessible). */
export async function axeViolations(page) {
  const require = createRequire(import.meta.url);
  const source = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  // evaluate() is not subject to the page's CSP, unlike an injected <script>.
  await page.evaluate(source);
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** The bag as the server holds it for the token this page keeps. */
export async function serverBag(page, url) {
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem('shopbag.bag')).token);
  const response = await fetch(`${url}/api/v1/bag`, { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`GET /bag: ${response.status}`);
  return response.json();
}

/** Sets the test-only fault switch of a server built with `--features fault-injection`. */
export async function setFaults(url, faults) {
  const response = await fetch(`${url}/api/v1/test/faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ fail_next: 0, hang_next: 0, hang_ms: 0, fail_after_commit_next: 0, ...faults }),
  });
  if (!response.ok) throw new Error(`fault switch: ${response.status} (is the server built with fault-injection?)`);
}

/** English UI for this page, whatever the default. */
export async function englishPage(browser, context) {
  const page = await (context ?? (await browser.newContext())).newPage();
  await page.addInitScript(() => localStorage.setItem('shopbag.language', 'en'));
  return page;
}

/** Opens a product page on the variant `found` names and adds it to the bag. */
export async function addToBag(page, url, found) {
  await page.goto(`${url}/p/${found.product.variants.find((v) => v.sku === found.sku).ean13}`);
  await page.getByRole('heading', { level: 1, name: found.product.name.en }).waitFor();
  await page.getByRole('button', { name: 'Add to bag' }).click();
  await page.getByRole('status').filter({ hasText: 'Added to your bag.' }).waitFor();
}

/** Waits until the bag page says Synced, waking the retry loop instead of sitting out its backoff. */
export async function waitForSynced(page) {
  const synced = page.getByRole('status').filter({ hasText: 'Synced' });
  for (let i = 0; i < 40; i++) {
    if (await synced.count()) return;
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await page.waitForTimeout(500);
  }
  await synced.waitFor({ timeout: 1 });
}

/** The release hash the built app in `dist` names in its index.html. */
export function releaseOf(dist) {
  return readFileSync(join(dist, 'index.html'), 'utf8').match(/name="shopbag-release" content="([0-9a-f]{16})"/)[1];
}

/** A copy of the built app, to deploy other releases into while a test's server serves it. */
export function copyOfApp() {
  const dist = mkdtempSync(join(tmpdir(), 'shopbag-dist-'));
  cpSync(join(ROOT, 'dist'), dist, { recursive: true });
  return dist;
}

/**
 * Deploys "the next release" into `dist`, as a rebuild would look to a browser: every file of
 * the running release is gone and the same app is there under a new release hash (the chunks of
 * one release never fit another's main module, so a page must not mix them). Returns the new hash.
 */
export function deployNextRelease(dist) {
  const old = releaseOf(dist);
  const next = [...old].reverse().join('') === old ? old.replace(/./, (c) => (c === 'f' ? '0' : 'f')) : [...old].reverse().join('');
  for (const name of readdirSync(dist)) {
    const path = join(dist, name);
    if (/\.(br|gz)$/.test(name)) {
      rmSync(path);
      continue;
    }
    if (/\.(html|js|bundle)$/.test(name)) {
      // Latin-1 keeps every byte of the bundles' binary parts; the hash is plain ASCII.
      writeFileSync(path, Buffer.from(readFileSync(path).toString('latin1').replaceAll(old, next), 'latin1'));
    }
    if (name.includes(old)) renameSync(path, join(dist, name.replaceAll(old, next)));
  }
  return next;
}

/** Waits until the service worker has kept every file of the release and controls the page. */
export async function appKeptOnDevice(page) {
  const precache = readFileSync(join(ROOT, 'dist', 'sw.js'), 'utf8').match(/const PRECACHE = (\[[\s\S]*?\]);/)[1];
  const wanted = JSON.parse(precache).length;
  const kept = () =>
    page.evaluate(async (wanted) => {
      if (!navigator.serviceWorker.controller) return false;
      const names = await caches.keys();
      const kept = await Promise.all(names.map(async (n) => (await (await caches.open(n)).keys()).length));
      return kept.some((n) => n >= wanted);
    }, wanted);
  for (let waited = 0; !(await kept()); waited += 200) {
    if (waited > 30_000) throw new Error('the service worker did not keep the app within 30 s');
    await page.waitForTimeout(200);
  }
}

/**
 * A cold load of `url`, as a shopper arriving from outside makes it: no service worker, the
 * cache disabled. Waits for `ready(page)` to show and the network to settle, and returns every
 * request of the app (API data left out) with its bytes on the wire (headers included).
 */
export async function coldLoad(browser, url, ready) {
  const context = await browser.newContext({ serviceWorkers: 'block', locale: 'zh-CN' });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const responses = new Map();
    const bytes = new Map();
    cdp.on('Network.responseReceived', (e) => responses.set(e.requestId, e.response));
    cdp.on('Network.loadingFinished', (e) => bytes.set(e.requestId, e.encodedDataLength));
    await page.goto(url);
    await ready(page).waitFor();
    await page.waitForLoadState('networkidle');
    const files = [];
    for (const [id, response] of responses) {
      const path = new URL(response.url).pathname;
      if (path.startsWith('/api/')) continue;
      files.push({ path, encoding: response.headers['content-encoding'] ?? 'identity', bytes: bytes.get(id) ?? 0 });
    }
    return { files, total: files.reduce((sum, f) => sum + f.bytes, 0) };
  } finally {
    await context.close();
  }
}

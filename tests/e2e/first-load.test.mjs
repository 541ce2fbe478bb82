// The first-load budget: a shopper arriving from outside — typed or bookmarked (/), a tag's QR
// code opened by the phone's camera app (/p/…), the QR code at a store's entrance (/s/…), her
// bag (/bag) — downloads at most 150 KB (HTML, JS, wasm, CSS; brotli; bytes on the wire with
// their headers; API data not counted), cold: no cache, no service worker. Bytes are
// deterministic for a build: this is not a timing test.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, getJson, coldLoad } from './harness.mjs';

const BUDGET = 150 * 1024;

let server;
let browser;
let product;
let store;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  [product] = await getJson(`${server.url}/api/v1/products?limit=1`);
  [store] = await getJson(`${server.url}/api/v1/stores`);
  console.log(`first load, brotli, bytes on the wire (budget ${BUDGET.toLocaleString('en-US')} B):`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Loads `path` cold, prints its figure, and checks it against the budget. */
async function withinBudget(path, ready) {
  const { files, total } = await coldLoad(browser, `${server.url}${path}`, ready);
  console.log(`  ${path.padEnd(18)} ${total.toLocaleString('en-US').padStart(9)} B  (${files.length} files)`);
  // Everything the app is made of is text or wasm, precompressed by the server.
  for (const file of files) assert.equal(file.encoding, 'br', file.path);
  assert.ok(total <= BUDGET, `${path}: ${total} B, over the budget by ${total - BUDGET} B`);
}

const heading = (page) => page.locator('main h1');

test('the start page (/) loads within 150 KB', () => withinBudget('/', heading));

test("a tag's product page (/p/…) loads within 150 KB", () => withinBudget(`/p/${product.ean13}`, heading));

test("a store entrance's link (/s/…) loads within 150 KB", () =>
  withinBudget(`/s/${store.id}`, (page) => page.locator('.store-card.here')));

test('the bag (/bag) loads within 150 KB', () => withinBudget('/bag', heading));

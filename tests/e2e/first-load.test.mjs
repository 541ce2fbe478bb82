// The first-load budget: a shopper arriving from outside — typed or bookmarked (/), a tag's QR
// code opened by the phone's camera app (/p/…), the QR code at a store's entrance (/s/…), her
// bag (/bag) — downloads at most 150 KB (HTML, JS, wasm, CSS; brotli; bytes on the wire, API
// data not counted). Bytes are deterministic for a build: this is not a timing test.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, getJson, coldLoad } from './harness.mjs';

const BUDGET = 150 * 1024;

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('every landing page loads within 150 KB', async () => {
  const [product] = await getJson(`${server.url}/api/v1/products?limit=1`);
  const [store] = await getJson(`${server.url}/api/v1/stores`);
  const heading = (page) => page.locator('main h1');
  const landings = [
    ['/', heading],
    [`/p/${product.ean13}`, heading],
    [`/s/${store.id}`, (page) => page.locator('.store-card.here')],
    ['/bag', heading],
  ];
  const over = [];
  console.log('first load, brotli, bytes on the wire (budget 153,600):');
  for (const [path, ready] of landings) {
    const { files, total } = await coldLoad(browser, `${server.url}${path}`, ready);
    console.log(`  ${path.padEnd(18)} ${total.toLocaleString('en-US').padStart(9)} B  (${files.length} files)`);
    // Everything the app is made of is text or wasm, precompressed by the server.
    for (const file of files) assert.equal(file.encoding, 'br', file.path);
    if (total > BUDGET) over.push(`${path}: ${total} B`);
  }
  assert.deepEqual(over, [], 'over the first-load budget');
});

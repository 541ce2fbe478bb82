// First-load benchmark: what each landing page costs a shopper arriving from outside — the
// same measure as tests/e2e/first-load.test.mjs (cold: no cache, no service worker; brotli;
// bytes on the wire with headers; API data left out) — and what the release is made of.
// Usage: node bench/first-load.mjs   (after `bash scripts/test.sh`, or a release build and
// `cargo build -p shopbag-server`)

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { ROOT, startServer, launchBrowser, getJson, coldLoad, englishPage, addToBag } from '../tests/e2e/harness.mjs';

const dist = join(ROOT, 'dist');
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const brotli = (bytes) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const generic = (name) => name.replace(/-[0-9a-f]{13,16}/, '-<hash>');

console.log('| file | raw | brotli q11 |\n|---|---:|---:|');
const files = readdirSync(dist).filter((f) => /\.(wasm|js|css|html|bundle)$/.test(f) && !/^(chunk|split)_/.test(f));
for (const name of files.sort()) {
  const bytes = readFileSync(join(dist, name));
  console.log(`| ${generic(name)} | ${kb(bytes.length)} | ${kb(brotli(bytes))} |`);
}
const chunks = readdirSync(dist).filter((f) => /^(chunk|split)_.*\.wasm$/.test(f));
const chunkBytes = chunks.map((f) => readFileSync(join(dist, f)));
console.log(`| ${chunks.length} chunks (each compressed alone) | ${kb(chunkBytes.reduce((s, b) => s + b.length, 0))} | ${kb(chunkBytes.reduce((s, b) => s + brotli(b), 0))} |`);
console.log('\n| split point: own chunk | raw | brotli q11 |\n|---|---:|---:|');
for (const name of chunks.filter((f) => f.startsWith('split_')).sort()) {
  const bytes = readFileSync(join(dist, name));
  console.log(`| ${generic(name).replace('-<hash>.wasm', '')} | ${kb(bytes.length)} | ${kb(brotli(bytes))} |`);
}

const server = await startServer();
const browser = await launchBrowser();
try {
  const [product] = await getJson(`${server.url}/api/v1/products?limit=3`);
  const [store] = await getJson(`${server.url}/api/v1/stores`);
  const heading = (page) => page.locator('main h1');
  console.log('\n| landing page, cold | files | bytes on the wire |\n|---|---:|---:|');
  for (const [path, ready] of [
    ['/', heading],
    [`/p/${product.ean13}`, heading],
    [`/s/${store.id}`, (page) => page.locator('.store-card.here')],
    ['/bag', heading],
  ]) {
    const load = await coldLoad(browser, `${server.url}${path}`, ready);
    console.log(`| ${path.replace(product.ean13, '{code}').replace(store.id, '{store}')} | ${load.files.length} | ${load.total.toLocaleString('en-US')} B (${kb(load.total)}) |`);
  }
  // A returning shopper's bag: three lines on the device, the cache gone.
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await englishPage(browser, context);
  for (const summary of await getJson(`${server.url}/api/v1/products?limit=3`)) {
    await addToBag(page, server.url, await getJson(`${server.url}/api/v1/codes/${summary.ean13}`));
  }
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const api = new Set();
  let total = 0;
  cdp.on('Network.responseReceived', (e) => {
    if (new URL(e.response.url).pathname.startsWith('/api/')) api.add(e.requestId);
  });
  cdp.on('Network.loadingFinished', (e) => (total += api.has(e.requestId) ? 0 : e.encodedDataLength));
  await page.goto(`${server.url}/bag`);
  await page.locator('.bag-line').first().waitFor();
  await page.waitForLoadState('networkidle');
  console.log(`| /bag with three lines (her bag on the device, the cache gone) | | ${total.toLocaleString('en-US')} B (${kb(total)}) |`);
  await context.close();
} finally {
  await browser.close();
  await server.stop();
}

// First-load benchmark: sizes of the release build (raw, gzip, brotli) and the bytes a cold
// load of the home page really transfers from a running server.
// Usage: node bench/first-load.mjs   (after `trunk build --release` and `cargo build -p shopbag-server`)

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { ROOT, startServer, launchBrowser } from '../tests/e2e/harness.mjs';

const dist = join(ROOT, 'dist');
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

console.log('| file | raw | gzip -9 | brotli q11 |\n|---|---:|---:|---:|');
for (const name of readdirSync(dist).filter((f) => /\.(wasm|js|css|html)$/.test(f)).sort()) {
  const bytes = readFileSync(join(dist, name));
  const gz = gzipSync(bytes, { level: 9 }).length;
  const br = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  console.log(`| ${name.replace(/-[0-9a-f]{13,16}/, '-<hash>')} | ${kb(statSync(join(dist, name)).size)} | ${kb(gz)} | ${kb(br)} |`);
}

const server = await startServer();
const browser = await launchBrowser();
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const urls = new Map();
  const transferred = new Map();
  cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response));
  cdp.on('Network.loadingFinished', (e) => transferred.set(e.requestId, e.encodedDataLength));
  await page.goto(server.url, { waitUntil: 'networkidle' });
  await page.locator('.store-card').first().waitFor();
  let appTotal = 0;
  let apiTotal = 0;
  console.log('\n| request | content-encoding | bytes on the wire |\n|---|---|---:|');
  for (const [id, response] of urls) {
    const bytes = transferred.get(id) ?? 0;
    const path = new URL(response.url).pathname;
    if (path.startsWith('/api/')) apiTotal += bytes;
    else appTotal += bytes;
    const encoding = response.headers['content-encoding'] ?? 'identity';
    console.log(`| ${path.replace(/-[0-9a-f]{13,16}/, '-<hash>')} | ${encoding} | ${bytes} |`);
  }
  console.log(`\napp (HTML + JS + WASM + CSS + icons): ${kb(appTotal)}; API data: ${kb(apiTotal)}; budget for the app: 150 KB`);
} finally {
  await browser.close();
  await server.stop();
}

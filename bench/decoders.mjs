// Decoder benchmark: our wasm decoder worker (crates/scanner, rxing, built by Trunk into dist/)
// against zxing-wasm (zxing-cpp, npm), on the same frames, in the same headless Chromium run.
//
// Pictures: from our renderer (tag_pictures bench-frames) an EAN-13, a QR code and an empty
// scene, each at 640x480 and 1280x720; and real photos from the scan corpus
// (crates/scanner/tests/corpus/: the first two of each folder, larger than 2 KB). Each becomes a
// camera frame in hand — a WebCodecs VideoFrame in I420, the layout Chromium's cameras deliver —
// and is decoded WARMUP + RUNS times by each decoder (interleaved, one message in flight), each
// call getting its own copy, transferred. Reported per picture (medians over RUNS):
//   ours            — inside our worker, frame in hand → answer: the luma plane copied out of the
//                     frame (`pixels_ms`) + rxing in live mode (the rest)
//   zxing           — inside the zxing worker, the way its users use it: the frame drawn on a
//                     canvas and read back, then readBarcodes(ImageData) with its default options
//   zxing readBarcodes — that call alone (its RGBA copy into wasm memory and the decode)
// Both decoders must read the expected text on every rendered EAN/QR call and nothing on the
// empty frames, or a FAIL line is printed and the exit code is 1; on photos what each read is
// reported. Also prints compressed sizes.
//
// Usage: node bench/decoders.mjs    (after the release build has written dist/decoder-worker*;
//        RUNS=50 WARMUP=10 by default, both settable in the environment)

import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { ROOT, launchBrowser } from '../tests/e2e/harness.mjs';

const RUNS = Number(process.env.RUNS ?? 50);
const WARMUP = Number(process.env.WARMUP ?? 10);
const DIST = join(ROOT, 'dist');
const ZXING = join(ROOT, 'node_modules', 'zxing-wasm', 'dist');
const WORKER_FILES = ['decoder-worker_loader.js', 'decoder-worker.js', 'decoder-worker_bg.wasm'];
const EAN = '6931234500018';
const QR = `https://shopbag.example.cn/p/${EAN}`;
// What each decoder must answer: "format:text" in its own format names, or "nothing".
const FRAMES = ['640x480', '1280x720'].flatMap((size) => [
  { name: `ean13-${size}.png`, ours: `EAN_13:${EAN}`, zxing: `EAN13:${EAN}` },
  { name: `qr-${size}.png`, ours: `QR_CODE:${QR}`, zxing: `QRCode:${QR}` },
  { name: `nothing-${size}.png`, ours: 'nothing', zxing: 'nothing' },
]);
const CORPUS = join(ROOT, 'crates', 'scanner', 'tests', 'corpus');
const PHOTOS = readdirSync(CORPUS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort()
  .flatMap((folder) =>
    readdirSync(join(CORPUS, folder))
      .filter((file) => /\.(png|jpe?g|webp)$/.test(file) && statSync(join(CORPUS, folder, file)).size > 2048)
      .sort()
      .slice(0, 2)
      .map((file) => ({ folder, file, name: `${folder}--${file}` })),
  );

for (const file of WORKER_FILES.map((f) => join(DIST, f)).concat(join(ZXING, 'reader', 'zxing_reader.wasm'))) {
  if (!existsSync(file)) {
    console.error(`missing ${file}: build the app (trunk build --release) and run npm ci first`);
    process.exit(2);
  }
}

// 1. Frames, rendered by our own example into a temporary directory.
const frames = mkdtempSync(join(tmpdir(), 'shopbag-bench-frames-'));
const render = ['run', '-q', '-p', 'shopbag-scanner', '--example', 'tag_pictures', '--', 'bench-frames', frames];
console.log(`$ cargo ${render.join(' ')}`);
const rendered = spawnSync('cargo', render, { cwd: ROOT, stdio: 'inherit' });
if (rendered.status !== 0) {
  console.error(`FAIL: rendering the frames exited with ${rendered.status ?? rendered.signal}`);
  process.exit(1);
}
for (const photo of PHOTOS) copyFileSync(join(CORPUS, photo.folder, photo.file), join(frames, photo.name));

// 2. A static server for the page, both workers, the frames and zxing-wasm's files. The COOP/COEP
// headers make the page cross-origin isolated, which gives performance.now() fine resolution.
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
};
function fileFor(pathname) {
  const under = (dir, rest) => {
    const file = normalize(join(dir, rest));
    return file.startsWith(dir + sep) ? file : null;
  };
  if (pathname === '/') return join(ROOT, 'bench', 'decoders.html');
  if (pathname === '/bench/decoders.zxing-worker.mjs') return join(ROOT, 'bench', 'decoders.zxing-worker.mjs');
  if (WORKER_FILES.includes(pathname.slice(1))) return join(DIST, pathname.slice(1));
  if (pathname.startsWith('/frames/')) return under(frames, pathname.slice('/frames/'.length));
  if (pathname.startsWith('/zxing/')) return under(ZXING, pathname.slice('/zxing/'.length));
  return null;
}
const server = createServer((request, response) => {
  const file = fileFor(decodeURIComponent(new URL(request.url, 'http://x').pathname));
  if (!file || !existsSync(file)) {
    response.writeHead(404).end('not found');
    return;
  }
  response.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': 'no-store',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-embedder-policy': 'require-corp',
  });
  response.end(readFileSync(file));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

// 3. The page, in Debian's Chromium.
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const fmt = (ms) => ms.toFixed(2);
const failures = [];
const rows = [];
const browser = await launchBrowser();
try {
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && console.error(`[page] ${m.text()}`));
  page.on('pageerror', (e) => console.error(`[page] ${e}`));
  await page.goto(origin);
  const env = await page.evaluate(() => window.bench.ready);
  console.log(`\nChromium ${browser.version()}; cross-origin isolated: ${env.crossOriginIsolated}`);
  console.log(`zxing-wasm ${env.zxing.version} (zxing-cpp ${env.zxing.commit.slice(0, 12)}), readBarcodes options:`);
  console.log(`  ${JSON.stringify(env.zxing.options)}`);
  console.log(`ours: live mode (EAN-13/EAN-8/UPC-A/UPC-E/Code 128/QR; rows, then QR normal and inverted)`);
  console.log(`${WARMUP} warm-up + ${RUNS} measured decodes per frame and decoder`);
  console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (other work on the machine skews both)\n`);

  for (const frame of [...FRAMES, ...PHOTOS]) {
    const url = `/frames/${encodeURIComponent(frame.name)}`;
    const result = await page.evaluate(([u, o]) => window.bench.measure(u, o), [url, { warmup: WARMUP, runs: RUNS }]);
    for (const [who, side] of Object.entries(result)) {
      const answers = Object.keys(side.seen);
      if (frame[who] && (answers.length !== 1 || answers[0] !== frame[who])) {
        failures.push(`FAIL: ${who} on ${frame.name}: expected ${frame[who]} every time, saw ${JSON.stringify(side.seen)}`);
      }
    }
    const ours = median(result.ours.ms);
    const zxing = median(result.zxing.ms);
    const oursDecode = median(result.ours.decodeMs);
    const zxingDecode = median(result.zxing.decodeMs);
    const short = (seen) => Object.keys(seen).map((t) => (t.length > 28 ? `${t.slice(0, 27)}…` : t)).join(', ');
    rows.push([
      frame.name.replace(/\.png$/, ''),
      fmt(ours),
      fmt(median(result.ours.pixelsMs)),
      fmt(oursDecode),
      fmt(zxing),
      fmt(median(result.zxing.readbackMs)),
      fmt(zxingDecode),
      `${(ours / zxing).toFixed(2)}×`,
      `${(oursDecode / zxingDecode).toFixed(2)}×`,
      `${short(result.ours.seen)} / ${short(result.zxing.seen)}`,
    ]);
  }
} finally {
  await browser.close();
  server.close();
  rmSync(frames, { recursive: true, force: true });
}

console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}; all figures are medians in ms\n`);
console.log('| picture | ours: frame → answer | of it: luma copy | of it: decode | zxing: frame → answer | of it: readback | of it: readBarcodes | ratio, frame → answer | ratio, decode | read (ours / zxing) |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);

// 4. What each decoder costs to download.
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log('\n| file | raw | gzip -9 | brotli q11 |\n|---|---:|---:|---:|');
for (const [label, file] of [
  ['dist/decoder-worker_bg.wasm', join(DIST, 'decoder-worker_bg.wasm')],
  ['dist/decoder-worker.js', join(DIST, 'decoder-worker.js')],
  ['zxing-wasm dist/reader/zxing_reader.wasm', join(ZXING, 'reader', 'zxing_reader.wasm')],
  ['zxing-wasm dist/es/reader/index.js + share.js', [join(ZXING, 'es', 'reader', 'index.js'), join(ZXING, 'es', 'share.js')]],
]) {
  const bytes = Buffer.concat([file].flat().map((f) => readFileSync(f)));
  const gz = gzipSync(bytes, { level: 9 }).length;
  const br = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  console.log(`| ${label} | ${kb(bytes.length)} | ${kb(gz)} | ${kb(br)} |`);
}

if (failures.length) {
  console.log('');
  for (const line of failures) console.log(line);
  process.exit(1);
}
console.log('\nOK: both decoders read every rendered EAN/QR frame and nothing on the empty ones.');

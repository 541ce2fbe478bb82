// Visual search benchmark: enrolment time per photo and the time of one search on the server.
//
// Usage: node bench/visual-search.mjs
// (builds what it needs: `cargo build --profile server -p shopbag-server --bins --example
// garment_photos`, the server as scripts/run.sh builds it; the model from scripts/setup.sh)
//
// 1. `garment_photos` writes the 21 real garments of the accuracy test as photos to enrol, one
//    per seeded product, and a phone's shot of each (cropped, turned, dimmer, blurred, JPEG q60).
// 2. `shopbag-enrol` enrols them into a fresh SQLite database: it prints the time of each photo
//    (decoding, the network, the write).
// 3. The server on that database answers POST /api/v1/visual-search: each of the 21 shots 5
//    times, one at a time (the latency a shopper sees, on loopback), then the same 105 requests
//    from 2 clients at once (the machine's 2 cores both busy). Median and 95th percentile.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startServer } from '../tests/e2e/harness.mjs';

const ROUNDS = 5;
const bin = (name) => join(ROOT, 'target', 'server', name);

execFileSync(
  'cargo',
  ['build', '--profile', 'server', '-p', 'shopbag-server', '--bins', '--example', 'garment_photos'],
  { cwd: ROOT, stdio: 'inherit' },
);
const dir = mkdtempSync(join(tmpdir(), 'shopbag-visual-bench-'));
execFileSync(join(ROOT, 'target', 'server', 'examples', 'garment_photos'), [dir], { stdio: 'inherit' });

const database = join(dir, 'bench.db');
const enrolled = execFileSync(
  bin('shopbag-enrol'),
  [join(dir, 'enrol'), '--database-url', `sqlite://${database}`],
  { cwd: ROOT, encoding: 'utf8' },
);
const enrolMs = [...enrolled.matchAll(/in (\d+) ms/g)].map((m) => Number(m[1]));

process.env.SHOPBAG_SERVER_BIN = bin('shopbag-server');
const server = await startServer({ dir, args: ['--photo-searches-per-address', '0'] });
const shots = readdirSync(join(dir, 'shots')).map((f) => readFileSync(join(dir, 'shots', f)));

async function search(shot) {
  const started = performance.now();
  const response = await fetch(`${server.url}/api/v1/visual-search`, {
    method: 'POST',
    headers: { 'content-type': 'image/jpeg' },
    body: shot,
  });
  await response.json();
  if (!response.ok) throw new Error(`visual-search: ${response.status}`);
  return performance.now() - started;
}

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const row = (what, values) =>
  `| ${what} | ${values.length} | ${quantile(values, 0.5).toFixed(1)} ms | ${quantile(values, 0.95).toFixed(1)} ms |`;

await search(shots[0]); // the first request opens the pool's connections
const alone = [];
for (let round = 0; round < ROUNDS; round++) for (const shot of shots) alone.push(await search(shot));
const queue = Array.from({ length: ROUNDS }, () => shots).flat();
const together = [];
const started = performance.now();
await Promise.all(
  [0, 1].map(async () => {
    while (queue.length) together.push(await search(queue.pop()));
  }),
);
const seconds = (performance.now() - started) / 1000;

console.log(`\nshot sizes: ${shots.map((s) => s.length).sort((a, b) => a - b)[10]} B median (${shots.length} shots)`);
console.log('| what | n | median | p95 |');
console.log('|---|---:|---:|---:|');
console.log(row('enrol one photo (shopbag-enrol)', enrolMs));
console.log(row('search, one at a time', alone));
console.log(row('search, 2 clients at once', together));
console.log(`2 clients at once: ${(together.length / seconds).toFixed(1)} searches a second`);
await server.stop();
rmSync(dir, { recursive: true, force: true });

// Builds the browser app split by screen: Trunk's post-build hook (Trunk.toml), run by
// `trunk build` after it has built the styles, the decoder worker and index.html.
//
// Trunk cannot split a wasm module, so the app's own pipeline lives here:
//   cargo build (linked with --emit-relocs, see build.rs)
//   → wasm-split-cli: the main module plus one chunk per split point (src/app/screens.rs)
//   → wasm-bindgen on the main module only (--keep-lld-exports: the chunks call into it)
//   → wasm-opt on every module
//   → the JS glue minified (terser), every file named with the release hash, index.html told
//     how to start the app, and the service worker told which files make up the release (it
//     keeps them all for offline use).
//
// All files of one build carry the same hash: chunks only fit the main module they were cut
// from, so a release is replaced as a whole.

import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { minify } from 'terser';

const APP = 'shopbag';
const LINK_MODULE = '__wasm_split';
const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) fail('run me from `trunk build` (Trunk.toml hooks): TRUNK_STAGING_DIR is not set');
const release = process.env.TRUNK_PROFILE === 'release';

const raw = buildApp();
const work = join(targetDir(), 'split', release ? 'release' : 'debug');
rmSync(work, { recursive: true, force: true });
const [splitDir, bindgenDir] = [join(work, 'split'), join(work, 'bindgen')];
mkdirSync(splitDir, { recursive: true });

step(`splitting ${relative(process.cwd(), raw)} by screen`);
run('wasm-split-cli', [raw, splitDir, '--out-name', APP]);
const chunks = readdirSync(splitDir).filter((f) => f.endsWith('.wasm') && f !== `${APP}.wasm`);
if (chunks.length === 0) fail('wasm-split found no split points: is the app linked with --emit-relocs?');

step('generating the JS bindings of the main module');
run('wasm-bindgen', [
  '--target', 'web', '--keep-lld-exports', '--no-demangle', '--no-typescript',
  '--out-dir', bindgenDir, '--out-name', APP, join(splitDir, `${APP}.wasm`),
]);
copyFileSync(join(splitDir, `${LINK_MODULE}.js`), join(bindgenDir, `${LINK_MODULE}.js`));
for (const chunk of chunks) copyFileSync(join(splitDir, chunk), join(bindgenDir, chunk));

const modules = [`${APP}_bg.wasm`, ...chunks];
if (release) {
  step(`optimising ${modules.length} modules for size (wasm-opt -Oz)`);
  await inParallel(modules.map((m) => () => runAsync('wasm-opt', ['-Oz', '--output', join(bindgenDir, m), join(bindgenDir, m)])), 2);
}

// One hash for the whole release, from everything it is made of.
const outputs = readdirSync(bindgenDir).sort();
const digest = createHash('sha256');
for (const name of outputs) digest.update(name).update(readFileSync(join(bindgenDir, name)));
const hash = digest.digest('hex').slice(0, 16);
const hashed = (name) => name.replace(/(_bg)?\.(js|wasm)$/, `-${hash}$1.$2`);

// Rename, and point every module specifier and fetched URL at the new names (the wasm's own
// import names stay: they are keys, not addresses). A reference that is not found means a tool
// changed its output, and the build stops rather than ship a broken app.
const rewrites = {
  [`${APP}.js`]: [[`./${LINK_MODULE}.js`, `./${hashed(`${LINK_MODULE}.js`)}`], [`${APP}_bg.wasm`, hashed(`${APP}_bg.wasm`)]],
  [`${LINK_MODULE}.js`]: [[`./${APP}.js`, `./${hashed(`${APP}.js`)}`], ...chunks.map((c) => [`./${c}`, `./${hashed(c)}`])],
};
for (const name of outputs) {
  const from = join(bindgenDir, name);
  if (rewrites[name]) {
    let text = readFileSync(from, 'utf8');
    for (const [before, after] of rewrites[name]) {
      const address = new RegExp(`(from\\s*|new URL\\(\\s*)(['"])${escapeRegExp(before)}\\2`, 'g');
      if (!address.test(text)) fail(`${name} no longer refers to ${before}`);
      text = text.replace(address, (_, how, q) => `${how}${q}${after}${q}`);
    }
    if (release) text = (await minify(text, { module: true })).code;
    writeFileSync(join(staging, hashed(name)), text);
  } else if (statSync(from).isFile()) {
    copyFileSync(from, join(staging, hashed(name)));
  } else {
    fail(`wasm-bindgen wrote ${name}/ (inline JS snippets), which this build does not place yet`);
  }
}

step(`release ${hash}: index.html and the service worker`);
const mainJs = `/${hashed(`${APP}.js`)}`;
const mainWasm = `/${hashed(`${APP}_bg.wasm`)}`;
const boot = `import init from '${mainJs}';init({ module_or_path: '${mainWasm}' });`;
const head = [
  `<meta name="shopbag-release" content="${hash}">`,
  `<link rel="modulepreload" href="${mainJs}">`,
  `<link rel="modulepreload" href="/${hashed(`${LINK_MODULE}.js`)}">`,
  `<link rel="preload" href="${mainWasm}" as="fetch" type="application/wasm" crossorigin>`,
  `<script type="module">${boot}</script>`,
].join('');
const indexPath = join(staging, 'index.html');
const index = readFileSync(indexPath, 'utf8');
if (!index.includes('</head>')) fail('index.html has no </head>');
writeFileSync(indexPath, index.replace('</head>', `${head}</head>`));

// The service worker keeps every file of the release, so every screen opens offline after one
// visit; its bytes change with the release, which is how browsers notice a new one.
const swPath = join(staging, 'sw.js');
const files = listFiles(staging).filter((f) => f !== 'sw.js' && f !== 'index.html').map((f) => `/${f}`).sort();
const sw = readFileSync(swPath, 'utf8');
const manifest = `const RELEASE = '${hash}';\nconst PRECACHE = ${JSON.stringify(['/', ...files], null, 2)};\n`;
const placeholder = /^const RELEASE = .*;\nconst PRECACHE = \[\];\n/m;
if (!placeholder.test(sw)) fail('sw.js lost its RELEASE/PRECACHE placeholder');
writeFileSync(swPath, sw.replace(placeholder, manifest));
step(`app split into the main module and ${chunks.length} chunks`);

function buildApp() {
  step(`building the app (cargo build${release ? ' --release' : ''}, wasm32)`);
  const args = ['build', '--target', 'wasm32-unknown-unknown', '--bin', APP, '--message-format', 'json-render-diagnostics'];
  if (release) args.push('--release');
  const out = execFileSync('cargo', args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 28 });
  const artifact = out
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line))
    .find((m) => m.reason === 'compiler-artifact' && m.target?.name === APP && m.target.kind.includes('bin'));
  const wasm = artifact?.filenames.find((f) => f.endsWith('.wasm'));
  if (!wasm) fail('cargo built no shopbag.wasm');
  return wasm;
}

function targetDir() {
  const meta = JSON.parse(execFileSync('cargo', ['metadata', '--format-version', '1', '--no-deps'], { encoding: 'utf8' }));
  return meta.target_directory;
}

function listFiles(dir, prefix = '') {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name.startsWith('.')) return [];
    const name = prefix ? `${prefix}/${e.name}` : e.name;
    return e.isDirectory() ? listFiles(join(dir, e.name), name) : [name];
  });
}

function run(command, args) {
  execFileSync(command, args, { stdio: 'inherit' });
}

function runAsync(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}`))));
  });
}

async function inParallel(tasks, width) {
  const queue = [...tasks];
  await Promise.all(Array.from({ length: width }, async () => {
    while (queue.length) await queue.shift()();
  }));
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function step(message) {
  console.log(`split-app: ${message}`);
}

function fail(message) {
  console.error(`split-app: ${message}`);
  process.exit(1);
}

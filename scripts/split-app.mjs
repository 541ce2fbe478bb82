// Builds the browser app split by screen: Trunk's post-build hook (Trunk.toml), run by
// `trunk build` after it has built the styles, the decoder worker and index.html.
//
// Trunk cannot split a wasm module, so the app's own pipeline lives here:
//   cargo build (linked with --emit-relocs, see build.rs)
//   → wasm-split-cli: the main module plus chunks, cut at the split points (see src/lazy.rs)
//   → wasm-bindgen on the main module only (--keep-lld-exports: the chunks call into it)
//   → the web-stream classes Leptos brings along dropped from the main module (see trimStreams)
//   → wasm-opt on every module, terser on the JS glue
//   → every file named with the release hash; one bundle per landing screen; index.html told
//     how to start the app; the service worker told which files make up the release.
//
// All files of one build carry the same hash: chunks only fit the main module they were cut
// from, so a release is replaced as a whole.
//
// Landing bundles: wasm-split cuts code shared by different sets of screens into separate chunks,
// so a screen needs 20 to 40 of them. Fetched one by one, a page opened from outside would pay
// a round trip after the main module starts, a response header per chunk, and brotli working on
// each small file alone (about 15 % more bytes). So for each screen a shopper lands on from
// outside, its chunks are also written as one bundle, which index.html starts fetching at once;
// the chunk loader takes modules from it and fetches the rest one by one.
// The main module travels in the bundle too: brotli then finds what the chunks share with it
// (about 5 KB less on every landing page) and the page makes one request less.

import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { minify } from 'terser';

const APP = 'shopbag';
const LOADER = '__wasm_split';
/** Landing screens: how index.html recognises the address, and the split points it renders. */
const LANDINGS = {
  home: { path: '^/$', splits: ['home'] },
  product: { path: '^/p/[^/]+/?$', splits: ['product'] },
  // The entrance chooses the store and goes on to the start page.
  entrance: { path: '^/s/[^/]+/?$', splits: ['store_entrance', 'home'] },
  bag: { path: '^/bag/?$', splits: ['bag'] },
  // Her member code: opened from a home-screen shortcut or a bookmark at the till, where one
  // request instead of the scanner chunk's forty pieces one by one is seconds on a store's 4G.
  member: { path: '^/member/?$', splits: ['scan'] },
};

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) fail('run me from `trunk build` (Trunk.toml hooks): TRUNK_STAGING_DIR is not set');
const release = process.env.TRUNK_PROFILE === 'release';

const raw = buildApp();
const work = join(targetDir(), 'split', release ? 'release' : 'debug');
rmSync(work, { recursive: true, force: true });
const [splitDir, outDir] = [join(work, 'split'), join(work, 'out')];
mkdirSync(splitDir, { recursive: true });

step(`splitting ${relative(process.cwd(), raw)} at its split points`);
run('wasm-split-cli', [raw, splitDir, '--out-name', APP]);
const loader = readLoader(readFileSync(join(splitDir, `${LOADER}.js`), 'utf8'));
const chunks = readdirSync(splitDir).filter((f) => f.endsWith('.wasm') && f !== `${APP}.wasm`);

step('generating the JS bindings of the main module');
run('wasm-bindgen', [
  '--target', 'web', '--keep-lld-exports', '--no-demangle', '--no-typescript',
  '--out-dir', outDir, '--out-name', APP, join(splitDir, `${APP}.wasm`),
]);
for (const chunk of chunks) copyFileSync(join(splitDir, chunk), join(outDir, chunk));
if (readdirSync(outDir).some((f) => !/\.(js|wasm)$/.test(f))) {
  fail('wasm-bindgen wrote files this build does not place yet (inline JS snippets?)');
}

const mainWasm = `${APP}_bg.wasm`;
const modules = [mainWasm, ...chunks];
trimStreams(join(outDir, `${APP}.js`), join(outDir, mainWasm));
if (release) {
  step(`optimising ${modules.length} modules for size (wasm-opt -Oz)`);
  // The toolchain's notes (which compiler, which wasm features) are for tools, not browsers,
  // and each of the hundred-odd modules carried its own copy.
  const strip = ['--strip-producers', '--strip-target-features'];
  await inParallel(modules.map((m) => () => runAsync('wasm-opt', ['-Oz', ...strip, '--output', join(outDir, m), join(outDir, m)])), 2);
}

// One hash for the whole release, from everything it is made of.
const digest = createHash('sha256');
// This script decides the bundles and the glue's final form: a change to it is a new release.
digest.update(readFileSync(fileURLToPath(import.meta.url))).update(loader.source);
for (const name of readdirSync(outDir).sort()) digest.update(name).update(readFileSync(join(outDir, name)));
const hash = digest.digest('hex').slice(0, 16);
const hashed = (name) =>
  name === `${APP}_bg.wasm` ? `${APP}-${hash}_bg.wasm` : name.replace(/\.(js|wasm|bundle)$/, `-${hash}.$1`);

step(`release ${hash}: modules, landing bundles, glue`);
for (const module of modules) copyFileSync(join(outDir, module), join(staging, hashed(module)));
const bundles = {};
for (const [landing, { splits }] of Object.entries(LANDINGS)) {
  const files = [mainWasm, ...new Set(splits.flatMap((s) => loader.modulesOf(s)))];
  const name = hashed(`landing_${landing}.bundle`);
  writeFileSync(join(staging, name), bundle(files.map((f) => [hashed(f), readFileSync(join(outDir, f))])));
  bundles[landing] = `/${name}`;
}
let mainJs = readFileSync(join(outDir, `${APP}.js`), 'utf8');
mainJs = rewrite(`${APP}.js`, mainJs, [[`./${LOADER}.js`, `./${hashed(`${LOADER}.js`)}`], [`${APP}_bg.wasm`, hashed(`${APP}_bg.wasm`)]]);
const loaderJs = rewrite(`${LOADER}.js`, loader.withBundles(), [
  [`./${APP}.js`, `./${hashed(`${APP}.js`)}`],
  ...chunks.map((c) => [`./${c}`, `./${hashed(c)}`]),
]);
for (const [name, text] of [[`${APP}.js`, mainJs], [`${LOADER}.js`, loaderJs]]) {
  writeFileSync(join(staging, hashed(name)), release ? (await minify(text, { module: true })).code : text);
}

step('index.html and the service worker');
const mainJsUrl = `/${hashed(`${APP}.js`)}`;
const mainWasmName = hashed(mainWasm);
// A classic script runs at once, while the module script waits for its imports: the landing
// bundle (or, on other pages, the main module) is on its way before the glue has arrived. A
// wrong guess costs bytes, not correctness: what the bundle lacks is fetched file by file, and a
// bundle that fails in any way is simply not used. Once the service worker keeps this release
// (its cache `shopbag-<release>`, public/sw.js) the files are on the device: no bundle then.
const landingScript = `(()=>{const b=${JSON.stringify(Object.fromEntries(Object.entries(LANDINGS).map(([k, v]) => [v.path, bundles[k]])))};`
  + 'let l=Promise.resolve(new Map);'
  + 'for(const p in b)if(new RegExp(p).test(location.pathname)){'
  + `l=(self.caches?caches.has(${JSON.stringify(`shopbag-${hash}`)}):Promise.resolve(false))`
  + '.then(k=>k?new Map:fetch(b[p]).then(r=>r.ok?r.arrayBuffer():Promise.reject()).then(unbundle)).catch(()=>new Map);break}'
  + `globalThis.shopbagLanding=l;globalThis.shopbagMain=l.then(m=>{const w=m.get(${JSON.stringify(mainWasmName)});m.delete(${JSON.stringify(mainWasmName)});return w||fetch(${JSON.stringify(`/${mainWasmName}`)})});`
  + `function unbundle(buffer){${unbundle()}}})();`;
const boot = `import init from '${mainJsUrl}';init({ module_or_path: globalThis.shopbagMain });`;
const head = [
  `<meta name="shopbag-release" content="${hash}">`,
  `<script>${landingScript}</script>`,
  `<link rel="modulepreload" href="${mainJsUrl}">`,
  `<link rel="modulepreload" href="/${hashed(`${LOADER}.js`)}">`,
  `<script type="module">${boot}</script>`,
].join('');
const indexPath = join(staging, 'index.html');
const index = readFileSync(indexPath, 'utf8');
if (!index.includes('</head>')) fail('index.html has no </head>');
writeFileSync(indexPath, index.replace('</head>', `${head}</head>`));

// The service worker keeps every file of the release (not the bundles: the chunks are in it
// already), so every screen opens offline after one visit; its bytes change with the release,
// which is how browsers notice a new one.
const swPath = join(staging, 'sw.js');
const files = listFiles(staging)
  .filter((f) => !['sw.js', 'index.html'].includes(f) && !f.endsWith('.bundle'))
  .map((f) => `/${f}`)
  .sort();
const sw = readFileSync(swPath, 'utf8');
if (!sw.includes('const CACHE = `shopbag-${RELEASE}`;')) fail('sw.js names its cache differently from index.html');
const manifest = `const RELEASE = '${hash}';\nconst PRECACHE = ${JSON.stringify(['/', ...files], null, 2)};\n`;
const placeholder = /^const RELEASE = .*;\nconst PRECACHE = \[\];\n/m;
if (!placeholder.test(sw)) fail('sw.js lost its RELEASE/PRECACHE placeholder');
writeFileSync(swPath, sw.replace(placeholder, manifest));
step(`app split into the main module and ${chunks.length} chunks, ${Object.keys(bundles).length} landing bundles`);

/**
 * What the loader wasm-split wrote says: which chunk files each split point needs. Its code is
 * pinned with the tool (wasm-split-cli =0.2.4); if its shape changes the build stops here.
 */
function readLoader(source) {
  const chunkFile = new Map();
  for (const m of source.matchAll(/const (__chunk_\d+) = makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/(chunk_\d+\.wasm)"/g)) {
    chunkFile.set(m[1], m[2]);
  }
  const splits = new Map();
  const exportPattern = /export const __wasm_split_load_(\w+) = wrapAsyncCb\(makeLoad\(([\s\S]*?)\n?, \[([^\]]*)\]\)\);/g;
  for (const m of source.matchAll(exportPattern)) {
    const own = m[2].match(/new URL\("\.\/(split_\w+\.wasm)"/);
    const deps = m[3].split(',').map((d) => d.trim()).filter(Boolean).map((d) => {
      if (!chunkFile.has(d)) fail(`${LOADER}.js: ${d} has no file`);
      return chunkFile.get(d);
    });
    splits.set(m[1], own ? [...deps, own[1]] : deps);
  }
  const fetches = source.match(/fetch\(new URL\("\.\/\w+\.wasm", import\.meta\.url\)\)/g) ?? [];
  if (splits.size === 0 || fetches.length !== chunkFile.size + [...splits.values()].filter((s) => s.some((f) => f.startsWith('split_'))).length) {
    fail(`${LOADER}.js does not look like the loader this build knows (wasm-split-cli changed?)`);
  }
  for (const { splits: wanted } of Object.values(LANDINGS)) {
    for (const s of wanted) if (!splits.has(s)) fail(`no split point named ${s} (src/app/screens.rs)`);
  }
  return {
    source,
    modulesOf: (split) => splits.get(split),
    /** The loader, taking its modules from the landing bundle when it has them. */
    withBundles() {
      const patched = source
        .replace(/fetch\(new URL\(("\.\/\w+\.wasm"), import\.meta\.url\)\)/g, 'source($1)')
        .replaceAll('WebAssembly.instantiateStreaming(src, imports)', 'instantiate(src, imports)');
      if (patched.includes('instantiateStreaming')) fail(`${LOADER}.js: an instantiation this build does not know`);
      return `${patched}\n${bundleReader()}`;
    },
  };
}

/** A landing bundle: a little-endian u32 length of a JSON list of [name, size], then the files. */
function bundle(files) {
  const header = Buffer.from(JSON.stringify(files.map(([name, bytes]) => [name, bytes.length])));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  return Buffer.concat([length, header, ...files.map(([, bytes]) => bytes)]);
}

/** The body of index.html's `unbundle(buffer)`: a bundle's files by name (see `bundle`). */
function unbundle() {
  return 'const d=new Uint8Array(buffer),n=new DataView(buffer).getUint32(0,true),m=new Map;let a=4+n;'
    + 'for(const[f,s]of JSON.parse(new TextDecoder().decode(d.subarray(4,a)))){if(a+s>d.length)throw 0;m.set(f,d.subarray(a,a+s));a+=s}return m';
}

/** The loader's side of the landing bundles (appended to wasm-split's loader). */
function bundleReader() {
  return `
// Added by scripts/split-app.mjs: modules from the landing bundle index.html fetched (see
// there), the rest fetched one by one.
async function source(path) {
    const modules = await globalThis.shopbagLanding;
    const name = path.slice(2);
    const module = modules?.get(name);
    if (module) {
        modules.delete(name);
        return module;
    }
    return fetch(new URL(path, import.meta.url));
}
async function instantiate(src, imports) {
    const module = await src;
    return module instanceof Response
        ? WebAssembly.instantiateStreaming(module, imports)
        : WebAssembly.instantiate(module, imports);
}
`;
}

/**
 * Leptos turns on server_fn's browser support, which exports three web-stream classes
 * (IntoUnderlyingSource and friends, from wasm-streams) that only streaming server functions
 * use; an app rendered in the browser never does. Exports are roots no optimiser may drop, so
 * the classes are cut from the glue and the wasm exports only they called are removed with
 * wasm-metadce (~1.5 KB on every page). Nothing to do when Leptos stops bringing them; the
 * build stops if wasm-bindgen writes them in a shape this does not know.
 */
function trimStreams(jsPath, wasmPath) {
  const stream = /IntoUnderlying\w+/gi;
  let js = readFileSync(jsPath, 'utf8');
  const classes = [...js.matchAll(/^(?:export )?class (IntoUnderlying\w+) \{/gm)].map((m) => m[1]);
  if (classes.length === 0) return;
  step(`dropping ${classes.join(', ')} (server_fn's streams, unused here)`);
  for (const name of classes) {
    js = js
      .replace(new RegExp(`^(?:export )?class ${name} \\{[\\s\\S]*?^\\}\n(?:if \\(Symbol\\.dispose\\) ${name}\\.prototype.*\n)?`, 'm'), '')
      .replace(new RegExp(`^const ${name}Finalization = [\\s\\S]*?;\n`, 'm'), '');
  }
  if (stream.test(js)) fail(`${jsPath}: the stream classes are still called (wasm-bindgen changed?)`);
  writeFileSync(jsPath, js);
  const exports = WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(wasmPath)));
  const graph = exports.map(({ name }) => (/^(__wbg_)?intounderlying/.test(name) ? { name, export: name } : { name, export: name, root: true }));
  const graphPath = join(work, 'exports.json');
  writeFileSync(graphPath, JSON.stringify(graph));
  execFileSync('wasm-metadce', [wasmPath, '--graph-file', graphPath, '-o', wasmPath], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Points module specifiers and fetched addresses at their hashed names (stops if one is gone). */
function rewrite(name, text, renames) {
  for (const [before, after] of renames) {
    const address = new RegExp(`(from\\s*|new URL\\(\\s*|source\\()(['"])${escapeRegExp(before)}\\2`, 'g');
    if (!address.test(text)) fail(`${name} no longer refers to ${before}`);
    text = text.replace(address, (_, how, q) => `${how}${q}${after}${q}`);
  }
  return text;
}

function buildApp() {
  step(`building the app (cargo build${release ? ' --release' : ''}, wasm32)`);
  const args = ['build', '--target', 'wasm32-unknown-unknown', '--bin', APP, '--features', 'split', '--message-format', 'json-render-diagnostics'];
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

// Scanning, end to end: Chromium's fake camera films tags we render (EAN-13, a tag QR URL, a
// wrong check digit), the decoder worker reads them, lines land in the bag. Also the watchdog
// restarting a crashed or hung worker, photo upload, typed codes, a keyboard-wedge burst and a
// blocked camera.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { createServer, request } from 'node:http';
import {
  startServer,
  launchBrowser,
  fakeCameraArgs,
  renderTag,
  getJson,
  axeViolations,
  serverBag,
} from './harness.mjs';

let server;
let dir;
let products; // [{ ean13, sku, name }] read from the API like any client would
const browsers = [];

before(async () => {
  server = await startServer();
  dir = mkdtempSync(join(tmpdir(), 'shopbag-scan-'));
  const summaries = await getJson(`${server.url}/api/v1/products?limit=3`);
  products = [];
  for (const summary of summaries) {
    const found = await getJson(`${server.url}/api/v1/codes/${summary.ean13}`);
    products.push({ ean13: summary.ean13, sku: found.sku, name: found.product.name.en });
  }
});

after(async () => {
  for (const browser of browsers) await browser.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A browser whose camera films `code` ({ ean13 } or { qr }). */
async function cameraBrowser(name, code, options) {
  const video = renderTag('y4m', join(dir, `${name}.y4m`), code);
  const browser = await launchBrowser(fakeCameraArgs(video, options));
  browsers.push(browser);
  return browser;
}

/** The scanner screen in English; `prepare(page)` runs before it opens (routes, say). */
async function scanner(browser, path = '/scan', prepare = async () => {}) {
  // Requests a service worker makes are not routed through `page.route`.
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(String(error)));
  await page.addInitScript(() => localStorage.setItem('shopbag.language', 'en'));
  await prepare(page);
  await page.goto(server.url + path);
  return page;
}

/**
 * The first decoder worker the page starts is the real one, made to fail on its first picture:
 * it panics (throws) or hangs (never answers, busy). Later workers are the real one untouched.
 */
async function misbehavingWorkerOnce(page, kind) {
  let served = false;
  await page.route('**/decoder-worker_loader.js', (route) => {
    if (served) return route.continue();
    served = true;
    const fail = kind === 'panic' ? 'throw new Error("the decoder panicked")' : 'for (;;) {}';
    return route.fulfill({
      contentType: 'text/javascript',
      body: `importScripts('./decoder-worker.js');
        wasm_bindgen('./decoder-worker_bg.wasm').then(() => {
          self.onmessage = () => { ${fail}; };
        });`,
    });
  });
}

/**
 * The bag's lines as [sku, quantity], read from the server once it holds every operation this
 * device recorded (so this also proves the scanned lines synced).
 */
async function bagLines(page) {
  const localOps = () =>
    page.evaluate(() => {
      const saved = JSON.parse(localStorage.getItem('shopbag.bag') ?? 'null');
      return saved ? Object.keys(saved.log?.ops ?? {}).length : 0;
    });
  if ((await localOps()) === 0) return [];
  for (let i = 0; i < 50; i++) {
    const bag = await serverBag(page, server.url).catch(() => null);
    if (bag && bag.ops.length === (await localOps())) {
      return bag.lines.map((l) => [l.sku, l.quantity]);
    }
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await page.waitForTimeout(200);
  }
  throw new Error('the bag did not sync within 10 s');
}

async function added(page, product) {
  await page.getByRole('status').filter({ hasText: `Added ${product.name} to your bag.` }).waitFor();
}

test('the camera reads an EAN-13 and the line lands in the bag once', async () => {
  const browser = await cameraBrowser('ean', { ean13: products[0].ean13 });
  const page = await scanner(browser);
  await added(page, products[0]);
  await page.getByRole('heading', { level: 1, name: products[0].name }).waitFor();
  assert.equal(await page.getByLabel('Beep on scan').isChecked(), false);
  await page.getByRole('link', { name: 'Bag 1' }).waitFor();
  // The tag stays in front of the lens: going back to scanning does not add it again.
  await page.getByRole('button', { name: 'Scan next' }).click();
  await page.getByText('Just added.').waitFor();
  assert.deepEqual(await bagLines(page), [[products[0].sku, 1]]);
  await page.context().close();
});

test('"add another" adds one more of the same, deliberately', async () => {
  const browser = await cameraBrowser('ean', { ean13: products[0].ean13 });
  const page = await scanner(browser);
  await added(page, products[0]);
  await page.getByRole('button', { name: 'Add another' }).click();
  await page.waitForFunction(() => Object.keys(JSON.parse(localStorage.getItem('shopbag.bag')).log.ops).length >= 2);
  assert.deepEqual(await bagLines(page), [[products[0].sku, 2]]);
  await page.context().close();
});

test('a tag QR code with the product URL adds that product', async () => {
  const url = `https://shopbag.example.cn/p/${products[1].ean13}`;
  const browser = await cameraBrowser('qr', { qr: url });
  const page = await scanner(browser);
  await added(page, products[1]);
  assert.deepEqual(await bagLines(page), [[products[1].sku, 1]]);
  await page.context().close();
});

/** Counts the decoder's answers to pictures (`{answer: 'read', id, reading}`), seen from the page. */
async function countDecoderAnswers(page) {
  await page.addInitScript(() => {
    window.decoderAnswers = 0;
    const Real = window.Worker;
    window.Worker = function (...args) {
      const worker = new Real(...args);
      worker.addEventListener('message', (event) => {
        if (event.data?.answer === 'read') window.decoderAnswers += 1;
      });
      return worker;
    };
    window.Worker.prototype = Real.prototype;
  });
}

/**
 * Records what kind of picture each camera frame reaches the decoder as (`VideoFrame` or
 * `ImageBitmap`) and its pixel layout; with `withoutWebCodecs`, the page has no `VideoFrame`.
 */
async function watchPictures(page, withoutWebCodecs) {
  await page.addInitScript((without) => {
    if (without) delete window.VideoFrame;
    window.pictures = [];
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (message, transfer) {
      const picture = Array.isArray(message) ? message[1] : null;
      if (picture) window.pictures.push(`${picture.constructor.name}:${picture.format ?? ''}`);
      return post.call(this, message, transfer);
    };
  }, withoutWebCodecs);
}

test('camera frames reach the decoder as VideoFrames (luma copied out), or as bitmaps without WebCodecs', async () => {
  const browser = await cameraBrowser('webcodecs', { ean13: products[0].ean13 });
  for (const [without, kind] of [[false, 'VideoFrame'], [true, 'ImageBitmap']]) {
    const page = await scanner(browser, '/scan', (page) => watchPictures(page, without));
    await added(page, products[0]);
    const pictures = await page.evaluate(() => window.pictures);
    assert.ok(pictures.length >= 2, `${pictures.length} frames`);
    assert.ok(pictures.every((p) => p.startsWith(`${kind}:`)), pictures.join(' '));
    if (!without) {
      // Chromium's camera frames are YUV: the worker copies the luma plane, no canvas.
      assert.match(pictures[0], /^VideoFrame:(I420|NV12)/);
    }
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});

test('a barcode with a wrong check digit adds nothing', async () => {
  const good = products[0].ean13;
  const wrong = good.slice(0, 12) + String((Number(good[12]) + 1) % 10);
  const browser = await cameraBrowser('wrong', { ean13: wrong });
  const page = await scanner(browser, '/scan', countDecoderAnswers);
  await page.locator('.viewfinder[data-camera="on"]').waitFor();
  // Evidence the decoder looked: many frames of the wrong code were read and answered.
  await page.waitForFunction(() => window.decoderAnswers >= 10, null, { timeout: 20_000 });
  assert.equal(await page.getByRole('button', { name: 'Scan next' }).count(), 0);
  assert.deepEqual(await bagLines(page), []);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

for (const kind of ['panic', 'hang']) {
  test(`a decoder worker that ${kind}s is replaced and scanning goes on`, async () => {
    const browser = await cameraBrowser('ean', { ean13: products[0].ean13 });
    const page = await scanner(browser, '/scan', (page) => misbehavingWorkerOnce(page, kind));
    await page.locator('.viewfinder[data-decoder-restarts="1"]').waitFor({ timeout: 10_000 });
    await page.getByText('The code reader was restarted.').waitFor();
    await added(page, products[0]);
    assert.deepEqual(await bagLines(page), [[products[0].sku, 1]]);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

test('an address cannot make the decoder fail: the release has no drill', async () => {
  const browser = await cameraBrowser('ean', { ean13: products[0].ean13 });
  for (const drill of ['panic', 'hang']) {
    const page = await scanner(browser, `/scan?drill=${drill}`);
    await added(page, products[0]);
    assert.equal(await page.locator('.viewfinder').getAttribute('data-decoder-restarts'), '0');
    await page.context().close();
  }
});

test('a photo is read thoroughly in the worker; a photo without a code says so', async () => {
  const browser = await cameraBrowser('wrong-2', { ean13: '4006381333932' });
  const page = await scanner(browser);
  const photo = renderTag('png', join(dir, 'photo.png'), { ean13: products[2].ean13 });
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Choose a photo' }).click();
  await (await chooser).setFiles(photo);
  await added(page, products[2]);
  await page.getByRole('button', { name: 'Scan next' }).click();
  const empty = renderTag('png', join(dir, 'empty.png'), { ean13: '4006381333932' });
  const taking = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Take a photo' }).click();
  await (await taking).setFiles(empty);
  await page.getByText('No code found in this photo.').waitFor();
  assert.deepEqual(await bagLines(page), [[products[2].sku, 1]]);
  await page.context().close();
});

test('a photo of a QR code that holds a letter, not a product, says so and quotes its start on one line', async () => {
  const browser = await cameraBrowser('wrong-4', { ean13: '4006381333932' });
  const page = await scanner(browser);
  const letter = `Shop opening hours\r\n${'Monday to Sunday, 10:00 to 22:00. '.repeat(20)}`;
  const photo = renderTag('png', join(dir, 'letter.png'), { qr: letter });
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Choose a photo' }).click();
  await (await chooser).setFiles(photo);
  await page.getByRole('heading', { name: 'Not a product code' }).waitFor();
  const message = await page.getByRole('alert').locator('p').first().textContent();
  assert.ok(message.startsWith('“Shop opening hours Monday to Sunday, 10:…” is not a product code'), message);
  assert.deepEqual(await bagLines(page), []);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('typed digits are checked as they are typed, then added', async () => {
  const browser = await cameraBrowser('wrong-3', { ean13: '4006381333932' });
  const page = await scanner(browser);
  await page.getByRole('button', { name: 'Type the code' }).click();
  const field = page.getByLabel('Digits under the barcode');
  const code = products[1].ean13;
  await field.fill(code.slice(0, 10));
  await page.getByText('10 digits so far').waitFor();
  const wrong = code.slice(0, 12) + String((Number(code[12]) + 1) % 10);
  await field.fill(wrong);
  await page.getByText('the last digit does not match').waitFor();
  assert.equal(await field.getAttribute('aria-invalid'), 'true');
  await field.fill(code);
  await page.getByText('Check digit correct.').waitFor();
  await page.getByRole('button', { name: 'Add to bag' }).click();
  await added(page, products[1]);
  assert.deepEqual(await bagLines(page), [[products[1].sku, 1]]);
  await page.context().close();
});

test('a keyboard-wedge burst on any page is a scan; people typing are not', async () => {
  const browser = await launchBrowser();
  browsers.push(browser);
  const page = await scanner(browser, '/');
  const box = page.getByRole('textbox');
  await box.click();
  // A person typing a code into the search box and pressing Enter: the product is looked up,
  // nothing is scanned into the bag.
  await box.pressSequentially(products[0].ean13, { delay: 90 });
  await page.keyboard.press('Enter');
  await page.waitForURL(`**/p/${products[0].ean13}`);
  assert.deepEqual(await bagLines(page), []);
  await page.goto(server.url);
  await page.getByRole('textbox').click();
  // A USB scanner: the whole code within milliseconds, then Enter.
  await page.keyboard.type(products[2].ean13, { delay: 4 });
  await page.keyboard.press('Enter');
  await page.waitForURL('**/scan');
  await added(page, products[2]);
  assert.deepEqual(await bagLines(page), [[products[2].sku, 1]]);
  await page.context().close();
});

test('two codes scanned in quick succession: both land in the bag, the later stays on screen', async () => {
  const browser = await launchBrowser();
  browsers.push(browser);
  const [slow, fast] = [products[0], products[1]];
  // The first code's answer is held back until the second has been shown.
  let release, asked;
  const held = new Promise((resolve) => (release = resolve));
  const lookingUp = new Promise((resolve) => (asked = resolve));
  const page = await scanner(browser, '/scan', (page) =>
    page.route(`**/api/v1/codes/${slow.ean13}`, async (route) => {
      asked();
      await held;
      await route.continue();
    }),
  );
  // A USB scanner's bursts: the only way in while a code is being looked up.
  const burst = async (code) => {
    await page.keyboard.type(code, { delay: 4 });
    await page.keyboard.press('Enter');
  };
  await page.getByRole('heading', { level: 1, name: 'Scan a tag' }).waitFor();
  await burst(slow.ean13);
  await lookingUp;
  await burst(fast.ean13);
  await added(page, fast);
  release();
  // The late answer is taken in: its line is in the bag ...
  await page.waitForFunction(() => {
    const saved = JSON.parse(localStorage.getItem('shopbag.bag') ?? 'null');
    return Object.keys(saved?.log?.ops ?? {}).length === 2;
  });
  // ... and the screen still shows the code scanned last.
  await page.getByRole('heading', { level: 1, name: fast.name }).waitFor();
  assert.equal(await page.getByRole('heading', { level: 1, name: slow.name }).count(), 0);
  assert.equal(await page.getByRole('status').filter({ hasText: `Added ${slow.name}` }).count(), 0);
  const lines = await bagLines(page);
  assert.deepEqual(lines.map(([sku]) => sku).sort(), [slow.sku, fast.sku].sort());
  await page.context().close();
});

test('a blocked camera says why and how to allow it, with photo and typing right there', async () => {
  const video = renderTag('y4m', join(dir, 'blocked.y4m'), { ean13: products[0].ean13 });
  const browser = await launchBrowser(fakeCameraArgs(video, { allow: false }));
  browsers.push(browser);
  const page = await scanner(browser);
  await page.getByRole('heading', { level: 2, name: "The camera can't be used" }).waitFor();
  await page.getByText('Camera access is blocked for shopbag.').waitFor();
  await page.getByRole('button', { name: 'Take a photo' }).waitFor();
  await page.getByRole('button', { name: 'Type the code' }).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.context().close();
});

test('over plain HTTP on a LAN address the screen says the camera needs HTTPS', async (t) => {
  const lan = Object.values(networkInterfaces())
    .flat()
    .find((i) => i.family === 'IPv4' && !i.internal);
  if (!lan) {
    t.skip('this machine has no LAN address to serve plain HTTP on');
    return;
  }
  // Not localhost: a page from http://<LAN address> is not a secure context, as on a phone.
  // (The test server, with its fault switch, listens on loopback only: a plain relay on the LAN
  // address stands in for `--addr 0.0.0.0`.)
  const lanServer = await relay(lan.address, server.port);
  try {
    const browser = await cameraBrowser('ean', { ean13: products[0].ean13 });
    const page = await browser.newPage();
    await page.addInitScript(() => localStorage.setItem('shopbag.language', 'en'));
    await page.goto(`http://${lan.address}:${lanServer.port}/scan`);
    assert.equal(await page.evaluate(() => window.isSecureContext), false);
    await page.getByRole('heading', { level: 2, name: "The camera can't be used" }).waitFor();
    await page.getByText('Browsers only allow the camera on secure pages.').waitFor();
    await page.getByRole('button', { name: 'Take a photo' }).waitFor();
    await page.getByRole('button', { name: 'Type the code' }).waitFor();
    await page.close();
  } finally {
    lanServer.close();
  }
});

/** Forwards HTTP from `host` (a free port) to the test server's loopback port. */
async function relay(host, port) {
  const relay = createServer((incoming, answer) => {
    const outgoing = request(
      { host: '127.0.0.1', port, path: incoming.url, method: incoming.method, headers: incoming.headers },
      (upstream) => {
        answer.writeHead(upstream.statusCode, upstream.headers);
        upstream.pipe(answer);
      },
    );
    outgoing.on('error', () => answer.destroy());
    incoming.pipe(outgoing);
  });
  await new Promise((resolve) => relay.listen(0, host, resolve));
  return { port: relay.address().port, close: () => relay.close() };
}

test('the scanner screen is accessible in both languages', async () => {
  const browser = await cameraBrowser('ean', { ean13: products[0].ean13 });
  for (const language of ['en', 'zh-CN']) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.addInitScript((l) => localStorage.setItem('shopbag.language', l), language);
    await page.goto(`${server.url}/scan`);
    await page.locator('.viewfinder[data-camera="on"]').waitFor();
    assert.deepEqual(await axeViolations(page), [], language);
    await context.close();
  }
});

test('the camera stops when the tab is hidden or the screen is left, and restarts on return', async () => {
  const browser = await cameraBrowser('ean', { ean13: products[0].ean13 });
  const context = await browser.newContext();
  const page = await context.newPage();
  // Keeps every stream the page opens, to check its tracks were really stopped.
  await page.addInitScript(() => {
    window.__streams = [];
    const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (c) => {
      const stream = await open(c);
      window.__streams.push(stream);
      return stream;
    };
  });
  const live = () => page.evaluate(() => window.__streams.filter((s) => s.getTracks().some((t) => t.readyState === 'live')).length);
  const setVisibility = (state) =>
    page.evaluate((state) => {
      Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    }, state);
  await page.goto(`${server.url}/scan`);
  await page.locator('.viewfinder[data-camera="on"]').waitFor();
  assert.equal(await live(), 1);
  await setVisibility('hidden');
  await page.locator('.viewfinder[data-camera="off"]').waitFor();
  assert.equal(await live(), 0);
  await setVisibility('visible');
  await page.locator('.viewfinder[data-camera="on"]').waitFor();
  assert.equal(await live(), 1);
  await page.locator('.app-bar .brand').click();
  await page.waitForURL(`${server.url}/`);
  await page.waitForFunction(() => window.__streams.every((s) => s.getTracks().every((t) => t.readyState === 'ended')));
  await context.close();
});

test('the camera switcher goes to the next lens and remembers it', async () => {
  // Two fake lenses showing Chromium's test pattern (a video file would make it one lens).
  const browser = await launchBrowser([
    '--use-fake-device-for-media-stream=device-count=2',
    '--use-fake-ui-for-media-stream',
  ]);
  browsers.push(browser);
  const page = await scanner(browser);
  await page.locator('.viewfinder[data-camera="on"]').waitFor();
  const deviceInUse = () =>
    page.evaluate(() => document.querySelector('video').srcObject.getVideoTracks()[0].getSettings().deviceId);
  const first = await deviceInUse();
  await page.getByRole('button', { name: 'Switch camera' }).click();
  await page.waitForFunction((first) => {
    const stream = document.querySelector('video').srcObject;
    return stream && stream.getVideoTracks()[0].getSettings().deviceId !== first;
  }, first);
  const second = await deviceInUse();
  assert.equal(await page.evaluate(() => localStorage.getItem('shopbag.camera')), second);
  await page.reload();
  await page.locator('.viewfinder[data-camera="on"]').waitFor();
  assert.equal(await deviceInUse(), second);
  await page.context().close();
});

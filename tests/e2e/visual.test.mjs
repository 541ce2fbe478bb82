// Finding a garment by its picture, end to end: staff enrol real photos of garments (cut from
// the group photos npm's @vladmandic/face-api ships as demo pictures), Chromium's fake camera
// films one of them as a shopper's phone would, "Find by photo of the item" shows the three
// closest products, she taps the right one, picks a colour and a size, and it is in her bag.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ROOT,
  startServer,
  launchBrowser,
  fakeCameraArgs,
  openPage,
  getJson,
  serverBag,
  axeViolations,
} from './harness.mjs';

const DEMO = join(ROOT, 'node_modules', '@vladmandic', 'face-api', 'demo');
const MODEL = join(ROOT, 'target', 'vision', 'efficientnet-lite0.f16');
const CASHIER_KEY = 'demo-cashier-key';

/** Garments in the demo photos: [photo, x, y, width, height] (as in the server's accuracy test). */
const GARMENTS = [
  [1, 760, 600, 500, 680], // black leather jacket
  [3, 220, 600, 730, 680], // blush shirt over a navy top
  [4, 920, 440, 400, 840], // geometric-print dress
  [6, 630, 700, 410, 836], // burgundy long-sleeve dress
  [6, 980, 720, 350, 816], // black and white striped jumpsuit
];
/** The one the camera films. */
const FILMED = 2;

let server;
let products; // one seeded product per garment
let work;
let video;
let spare; // a garment photo no product has yet, for the staff page

/**
 * Draws in a blank page of `browser`: the garment cut out as a JPEG to enrol (base64), or as a
 * 640×480 camera frame (RGBA, base64) filled by it — closer, turned a little, in dimmer light.
 */
async function draw(browser, [photo, x, y, w, h], as) {
  const page = await browser.newPage();
  const source = `data:image/jpeg;base64,${readFileSync(join(DEMO, `sample${photo}.jpg`)).toString('base64')}`;
  const out = await page.evaluate(
    async ({ source, box, as }) => {
      const image = new Image();
      image.src = source;
      await image.decode();
      const [x, y, w, h] = box;
      if (as === 'jpeg') {
        const canvas = document.createElement('canvas');
        [canvas.width, canvas.height] = [w, h];
        canvas.getContext('2d').drawImage(image, x, y, w, h, 0, 0, w, h);
        return canvas.toDataURL('image/jpeg', 0.9).split(',')[1];
      }
      const canvas = document.createElement('canvas');
      [canvas.width, canvas.height] = [640, 480];
      const context = canvas.getContext('2d');
      context.filter = 'brightness(0.85) saturate(0.9)';
      context.translate(320, 240);
      context.rotate((4 * Math.PI) / 180);
      // Cover the frame with the garment's middle, a little closer than the staff's photo.
      const scale = Math.max(640 / w, 480 / h) * 1.15;
      context.drawImage(image, x, y, w, h, (-w * scale) / 2, (-h * scale) / 2, w * scale, h * scale);
      const pixels = context.getImageData(0, 0, 640, 480).data;
      let text = '';
      for (let i = 0; i < pixels.length; i += 0x8000) {
        text += String.fromCharCode(...pixels.subarray(i, i + 0x8000));
      }
      return btoa(text);
    },
    { source, box: [x, y, w, h], as },
  );
  await page.close();
  return Buffer.from(out, 'base64');
}

/** One RGBA frame as a y4m video (4:2:0, BT.601) for Chromium's fake camera. */
function y4m(rgba, width, height) {
  const luma = Buffer.alloc(width * height);
  const [u, v] = [Buffer.alloc((width / 2) * (height / 2)), Buffer.alloc((width / 2) * (height / 2))];
  const at = (px, py) => 4 * (py * width + px);
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      const i = at(px, py);
      luma[py * width + px] = 0.299 * rgba[i] + 0.587 * rgba[i + 1] + 0.114 * rgba[i + 2];
    }
  }
  for (let py = 0; py < height; py += 2) {
    for (let px = 0; px < width; px += 2) {
      const i = at(px, py);
      const [r, g, b] = [rgba[i], rgba[i + 1], rgba[i + 2]];
      const c = (py / 2) * (width / 2) + px / 2;
      u[c] = Math.max(0, Math.min(255, 128 - 0.168736 * r - 0.331264 * g + 0.5 * b));
      v[c] = Math.max(0, Math.min(255, 128 + 0.5 * r - 0.418688 * g - 0.081312 * b));
    }
  }
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, u, v]);
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F30:1 Ip A1:1 C420jpeg\n`), frame, frame]);
}

before(async () => {
  server = await startServer({ args: ['--vision-model', MODEL] });
  const summaries = await getJson(`${server.url}/api/v1/products?limit=${GARMENTS.length}`);
  products = await Promise.all(summaries.map((s) => getJson(`${server.url}/api/v1/codes/${s.ean13}`)));
  work = mkdtempSync(join(tmpdir(), 'shopbag-visual-'));
  const painter = await launchBrowser();
  for (const [i, garment] of GARMENTS.entries()) {
    const response = await fetch(`${server.url}/api/v1/staff/products/${products[i].product.id}/photos`, {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg', 'x-cashier-key': CASHIER_KEY },
      body: await draw(painter, garment, 'jpeg'),
    });
    assert.equal(response.status, 201, await response.text());
  }
  spare = await draw(painter, [5, 1100, 500, 380, 560], 'jpeg'); // navy dress
  video = join(work, 'garment.y4m');
  writeFileSync(video, y4m(await draw(painter, GARMENTS[FILMED], 'frame'), 640, 480));
  await painter.close();
});

after(async () => {
  await server?.stop();
});

test('the camera films a garment: the right product is among three, and she puts it in the bag in her colour and size', async () => {
  const browser = await launchBrowser(fakeCameraArgs(video));
  try {
    const page = await openPage(browser);
    await page.goto(`${server.url}/scan`);
    await page.locator('.viewfinder[data-camera="on"]').waitFor();
    await page.getByRole('button', { name: '拍实物找商品' }).click();
    const found = page.locator('.lookalikes li a');
    await found.first().waitFor();
    assert.equal(await found.count(), 3);
    const wanted = products[FILMED].product;
    const hrefs = await found.evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    const rank = hrefs.findIndex((href) => href.endsWith(`/p/${wanted.variants[0].ean13}`));
    assert.ok(rank >= 0, `${wanted.id} not among ${hrefs.join(', ')}`);
    // Each with the photo it matched and how alike it is.
    await page.locator('.lookalikes li').nth(rank).getByText(/相似度 \d+%/).waitFor();
    assert.ok(await page.locator('.lookalikes img').nth(rank).evaluate((img) => img.complete && img.naturalWidth > 0));
    assert.deepEqual(await axeViolations(page), []);
    // Nothing is in the bag before she chooses.
    assert.equal(await page.evaluate(() => localStorage.getItem('shopbag.bag')), null);

    await found.nth(rank).click();
    await page.getByRole('heading', { level: 1, name: wanted.name.zh }).waitFor();
    // Her colour and size: the last of each the product comes in.
    const colour = wanted.colours.at(-1);
    const size = wanted.sizes.at(-1);
    await page.getByRole('radio', { name: colour.name.zh, exact: true }).check();
    await page.getByRole('radio', { name: size, exact: true }).check();
    await page.getByRole('button', { name: '加入购物袋' }).click();
    await page.getByRole('status').filter({ hasText: '已加入购物袋' }).waitFor();
    const sku = wanted.variants.find((v) => v.colour === colour.code && v.size === size).sku;
    for (let i = 0; i < 40; i++) {
      const bag = await serverBag(page, server.url).catch(() => ({ lines: [] }));
      if (bag.lines.some((line) => line.sku === sku)) return;
      await page.waitForTimeout(250);
    }
    assert.fail(`${sku} never reached the server's bag`);
  } finally {
    await browser.close();
  }
});

test('offline, finding by photo says it needs the network and the scanner goes on', async () => {
  const browser = await launchBrowser(fakeCameraArgs(video));
  try {
    const page = await openPage(browser);
    await page.goto(`${server.url}/scan`);
    await page.locator('.viewfinder[data-camera="on"]').waitFor();
    await page.context().setOffline(true);
    await page.getByRole('button', { name: '拍实物找商品' }).click();
    await page.getByRole('alert').filter({ hasText: '拍照找商品需要联网' }).waitFor();
    await page.getByRole('button', { name: '继续扫描' }).click();
    await page.getByRole('button', { name: '拍实物找商品' }).waitFor();
  } finally {
    await browser.close();
  }
});

test('staff enrol a photo on the till\'s page: it is shown, counted and can be deleted, and shoppers find the product by it', async () => {
  const browser = await launchBrowser(fakeCameraArgs(video));
  try {
    const page = await openPage(browser, { serviceWorkers: 'block' });
    await page.addInitScript(() => localStorage.setItem('shopbag.language', 'en'));
    await page.goto(`${server.url}/cashier`);
    await page.getByLabel('Cashier key').fill(CASHIER_KEY);
    await page.getByRole('button', { name: 'Open the till' }).click();
    await page.getByText('Product photos for finding by photo').click();
    // A product with no photo yet, by the code on its tag.
    const product = (await getJson(`${server.url}/api/v1/products?limit=10`)).at(-1);
    await page.getByLabel('Product code (barcode digits)').fill('4006381333931');
    await page.getByRole('button', { name: 'Show its photos' }).click();
    await page.getByRole('alert').filter({ hasText: 'Product not found' }).waitFor();
    await page.getByLabel('Product code (barcode digits)').fill(product.ean13);
    await page.getByRole('button', { name: 'Show its photos' }).click();
    await page.getByText('0 of 3 photos').waitFor();

    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Add a photo' }).click();
    await (await chooser).setFiles({ name: 'dress.jpg', mimeType: 'image/jpeg', buffer: spare });
    await page.getByText('1 of 3 photos').waitFor();
    const shown = page.locator('.enrolled-photos img');
    await shown.first().evaluate((img) => img.decode());
    assert.deepEqual(await axeViolations(page), []);
    const enrolled = await (
      await fetch(`${server.url}/api/v1/staff/products/${product.id}/photos`, { headers: { 'x-cashier-key': CASHIER_KEY } })
    ).json();
    assert.equal(enrolled.photos.length, 1);
    // Sent downscaled, as a JPEG the server keeps and serves.
    const served = await fetch(`${server.url}/api/v1/product-photos/${enrolled.photos[0].id}`);
    assert.equal(served.headers.get('content-type'), 'image/jpeg');

    // The same photo, searched: this product comes first.
    const search = await fetch(`${server.url}/api/v1/visual-search`, {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg' },
      body: spare,
    });
    assert.equal((await search.json()).matches[0].product.id, product.id);

    await page.getByRole('button', { name: 'Remove' }).click();
    await page.getByText('0 of 3 photos').waitFor();
    assert.equal(await shown.count(), 0);
    // The unknown code's 404, which the browser logs; nothing else went wrong.
    assert.deepEqual(page.consoleErrors, ['Failed to load resource: the server responded with a status of 404 (Not Found)']);
  } finally {
    await browser.close();
  }
});

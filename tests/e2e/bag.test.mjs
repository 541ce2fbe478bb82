// The bag on the shop floor: add from the product page, change and remove lines, and never lose
// a line — offline, across reloads, with the server down, and on two devices at once.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer,
  launchBrowser,
  getJson,
  serverBag,
  setFaults,
  englishPage as englishPageOf,
  addToBag,
  waitForSynced,
} from './harness.mjs';

let server;
let browser;
let products; // three seeded products, read from the API

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const summaries = await getJson(`${server.url}/api/v1/products?limit=3`);
  products = await Promise.all(summaries.map((s) => getJson(`${server.url}/api/v1/codes/${s.ean13}`)));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const englishPage = (context) => englishPageOf(browser, context);

test('adding from the product page puts the line in the bag, on the device and on the server', async () => {
  const page = await englishPage();
  await addToBag(page, server.url, products[0]);
  await page.getByRole('link', { name: 'Bag 1' }).click();
  await page.getByRole('heading', { level: 1, name: 'Your bag' }).waitFor();
  await page.getByRole('heading', { level: 3, name: products[0].product.name.en }).waitFor();
  await waitForSynced(page);
  const bag = await serverBag(page, server.url);
  assert.deepEqual(bag.lines.map((l) => [l.sku, l.quantity]), [[products[0].sku, 1]]);
  await page.context().close();
});

test('quantities, notes, and remove with undo', async () => {
  const page = await englishPage();
  await addToBag(page, server.url, products[0]);
  await addToBag(page, server.url, products[1]);
  await page.goto(`${server.url}/bag`);
  const line = page.locator('.bag-line').filter({ hasText: products[0].product.name.en });
  await line.getByRole('button', { name: 'One more' }).click();
  await line.locator('output').filter({ hasText: '2' }).waitFor();
  await line.getByRole('textbox').fill('for the office');
  await line.getByRole('button', { name: 'Save note' }).click();
  await line.getByRole('button', { name: 'Remove' }).click();
  await page.getByRole('status').filter({ hasText: `Removed ${products[0].product.name.en}.` }).waitFor();
  assert.equal(await page.locator('.bag-line').count(), 1);
  await page.getByRole('button', { name: 'Undo' }).click();
  await line.locator('output').filter({ hasText: '2' }).waitFor();
  await waitForSynced(page);
  const bag = await serverBag(page, server.url);
  const saved = bag.lines.find((l) => l.sku === products[0].sku);
  assert.equal(saved.quantity, 2);
  assert.equal(saved.note, 'for the office');
  assert.equal(bag.lines.length, 2);
  await page.context().close();
});

test('lines added while the API is unreachable survive a reload and sync once it is back', async () => {
  const page = await englishPage();
  await page.goto(server.url);
  await page.route('**/api/v1/bag**', (route) => route.abort('internetdisconnected'));
  await addToBag(page, server.url, products[0]);
  await addToBag(page, server.url, products[1]);
  await page.goto(`${server.url}/bag`);
  await page.getByRole('status').filter({ hasText: 'Saved on this device' }).waitFor();
  await page.reload();
  await page.locator('.bag-line').nth(1).waitFor();
  assert.equal(await page.locator('.bag-line').count(), 2);
  await page.unroute('**/api/v1/bag**');
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await waitForSynced(page);
  const bag = await serverBag(page, server.url);
  assert.deepEqual(bag.lines.map((l) => l.sku).sort(), [products[0].sku, products[1].sku].sort());
  await page.context().close();
});

test('lines added while the server is stopped arrive exactly once when it starts again', async () => {
  let own = await startServer();
  const context = await browser.newContext();
  try {
    // Two tabs open on two product pages; then the server goes away.
    const found = await Promise.all(
      products.slice(0, 2).map((p) => getJson(`${own.url}/api/v1/codes/${p.product.variants[0].ean13}`)),
    );
    const tabs = [await englishPage(context), await englishPage(context)];
    for (const [i, tab] of tabs.entries()) {
      await tab.goto(`${own.url}/p/${found[i].product.variants[0].ean13}`);
      await tab.getByRole('button', { name: 'Add to bag' }).waitFor();
    }
    await own.halt();
    for (const tab of tabs) {
      await tab.getByRole('button', { name: 'Add to bag' }).click();
      await tab.getByRole('status').filter({ hasText: 'Added to your bag.' }).waitFor();
    }
    own = await startServer({ port: own.port, dir: own.dir });
    for (const tab of tabs) await tab.evaluate(() => window.dispatchEvent(new Event('online')));
    await tabs[0].goto(`${own.url}/bag`);
    await waitForSynced(tabs[0]);
    await tabs[1].goto(`${own.url}/bag`);
    await waitForSynced(tabs[1]);
    const bag = await serverBag(tabs[0], own.url);
    assert.deepEqual(
      bag.lines.map((l) => [l.sku, l.quantity]).sort(),
      found.map((f) => [f.sku, 1]).sort(),
    );
    const adds = bag.ops.filter((op) => op.type === 'add');
    assert.equal(adds.length, 2, 'each add reached the server once');
  } finally {
    await context.close();
    await own.stop();
  }
});

test('with the app kept on the device, the bag opens with no network at all', async () => {
  const context = await browser.newContext();
  const page = await englishPage(context);
  await addToBag(page, server.url, products[0]);
  await page.goto(`${server.url}/bag`);
  await waitForSynced(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  // Once the worker controls the page, a reload passes the shell and assets through it.
  await page.reload();
  await page.locator('.bag-line').waitFor();
  await context.setOffline(true);
  await page.reload();
  await page.locator('.bag-line').filter({ hasText: products[0].product.name.en }).waitFor();
  await page.getByRole('heading', { level: 1, name: 'Your bag' }).waitFor();
  await context.setOffline(false);
  await context.close();
});

test('a damaged bag in storage is set aside with a message, and the bag still works', async () => {
  const page = await englishPage();
  await page.addInitScript(() => {
    if (!sessionStorage.getItem('damaged-once')) {
      sessionStorage.setItem('damaged-once', '1');
      localStorage.setItem('shopbag.bag', '{"token": "not json');
    }
  });
  await page.goto(`${server.url}/bag`);
  await page.getByRole('alert').filter({ hasText: 'could not be read' }).waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('shopbag.bag.damaged')), '{"token": "not json');
  await addToBag(page, server.url, products[0]);
  await page.goto(`${server.url}/bag`);
  await waitForSynced(page);
  assert.equal((await serverBag(page, server.url)).lines.length, 1);
  await page.context().close();
});

test('a damaged bag keeps its token: what reached the server comes back', async () => {
  const page = await englishPage();
  await addToBag(page, server.url, products[1]);
  await page.goto(`${server.url}/bag`);
  await waitForSynced(page);
  // The stored copy is cut off mid-way (a crash while writing, a full disk): not JSON any more.
  await page.evaluate(() => {
    const text = localStorage.getItem('shopbag.bag');
    localStorage.setItem('shopbag.bag', text.slice(0, text.length - 10));
  });
  await page.reload();
  await page.getByRole('alert').filter({ hasText: 'could not be read' }).waitFor();
  await page.getByRole('heading', { level: 3, name: products[1].product.name.en }).waitFor();
  await waitForSynced(page);
  assert.equal((await serverBag(page, server.url)).lines.length, 1);
  await page.context().close();
});

test('once the bag has a line, the app asks the browser to keep its storage', async () => {
  const page = await englishPage();
  await page.addInitScript(() => {
    window.keepAsked = 0;
    const persist = StorageManager.prototype.persist;
    StorageManager.prototype.persist = function () {
      window.keepAsked += 1;
      return persist.call(this);
    };
  });
  await page.goto(`${server.url}/bag`);
  await page.getByText('Your bag is empty').waitFor();
  assert.equal(await page.evaluate(() => window.keepAsked), 0, 'not for an empty bag');
  await addToBag(page, server.url, products[0]);
  assert.equal(await page.evaluate(() => window.keepAsked), 1, 'from the product page');
  // A later visit asks again (the browser may not have granted it before), once.
  await page.goto(`${server.url}/bag`);
  await page.getByRole('heading', { level: 3, name: products[0].product.name.en }).waitFor();
  assert.equal(await page.evaluate(() => window.keepAsked), 1);
  await page.context().close();
});

test('two tabs and two devices on one bag converge', async () => {
  const phone = await browser.newContext();
  const tabA = await englishPage(phone);
  const tabB = await englishPage(phone);
  await addToBag(tabA, server.url, products[0]);
  await tabB.goto(`${server.url}/bag`);
  await tabB.locator('.bag-line').first().waitFor();
  await addToBag(tabB, server.url, products[1]);
  await tabA.goto(`${server.url}/bag`);
  await tabA.locator('.bag-line').nth(1).waitFor();
  await waitForSynced(tabA);

  // A second device with the same bag token (the hand-off a kiosk QR code will do).
  const stored = await tabA.evaluate(() => JSON.parse(localStorage.getItem('shopbag.bag')));
  const kioskContext = await browser.newContext();
  await kioskContext.addInitScript((token) => {
    if (!localStorage.getItem('shopbag.bag')) {
      localStorage.setItem('shopbag.bag', JSON.stringify({ token, log: { ops: {} }, synced: [], rejected: [], products: {} }));
    }
  }, stored.token);
  const kiosk = await englishPage(kioskContext);
  await kiosk.goto(`${server.url}/bag`);
  await kiosk.locator('.bag-line').nth(1).waitFor();
  // Concurrent edits: the kiosk removes one line while the phone raises the other's quantity.
  const kioskLine = kiosk.locator('.bag-line').filter({ hasText: products[1].product.name.en });
  await kioskLine.getByRole('button', { name: 'Remove' }).click();
  const phoneLine = tabA.locator('.bag-line').filter({ hasText: products[0].product.name.en });
  await phoneLine.getByRole('button', { name: 'One more' }).click();
  await waitForSynced(kiosk);
  await waitForSynced(tabA);
  await kiosk.reload();
  await tabA.reload();
  for (const page of [kiosk, tabA]) {
    await page.locator('.bag-line output').filter({ hasText: '2' }).waitFor();
    assert.equal(await page.locator('.bag-line').count(), 1);
  }
  await phone.close();
  await kioskContext.close();
});

test('server errors, answers lost after the write and hangs lose nothing and duplicate nothing', async () => {
  const page = await englishPage();
  await page.goto(server.url);
  await setFaults(server.url, { fail_next: 2, fail_after_commit_next: 1, hang_next: 1, hang_ms: 2_000 });
  try {
    for (const found of products) await addToBag(page, server.url, found);
    await page.goto(`${server.url}/bag`);
    await waitForSynced(page);
    const bag = await serverBag(page, server.url);
    assert.deepEqual(
      bag.lines.map((l) => [l.sku, l.quantity]).sort(),
      products.map((p) => [p.sku, 1]).sort(),
    );
    assert.equal(bag.ops.filter((op) => op.type === 'add').length, products.length);
    assert.equal(await page.locator('.bag-line').count(), products.length);
  } finally {
    await setFaults(server.url, {});
    await page.context().close();
  }
});

test('a hundred lines with long notes written offline all reach the server once it is back', async () => {
  // The shopper's device after an afternoon offline: 100 lines, a note of 200 characters on
  // each, nothing sent yet. Together far more than one request may carry.
  const skus = [];
  for (const summary of await getJson(`${server.url}/api/v1/products?limit=100`)) {
    const product = await getJson(`${server.url}/api/v1/products/${summary.id}`);
    skus.push(...product.variants.map((v) => v.sku));
    if (skus.length >= 100) break;
  }
  assert.ok(skus.length >= 100, 'the seed sells 100 variants');
  const page = await englishPage();
  await page.goto(server.url);
  await page.evaluate((skus) => {
    const hex = (n) => n.toString(16).padStart(32, '0');
    const ops = {};
    skus.slice(0, 100).forEach((sku, i) => {
      const at = Date.now() - 60_000 + i;
      ops[hex(2 * i + 1)] = { id: hex(2 * i + 1), at, type: 'add', sku, quantity: 1, store: null, note: null, intent: null };
      const note = `给妈妈的礼物，第${i}件：` + '尺码要再确认一下'.repeat(30);
      ops[hex(2 * i + 2)] = { id: hex(2 * i + 2), at: at + 1, type: 'set_note', sku, note: note.slice(0, 200) };
    });
    const token = crypto.randomUUID().replaceAll('-', '');
    localStorage.setItem('shopbag.bag', JSON.stringify({ token, log: { ops }, synced: [], rejected: [] }));
  }, skus);
  await page.goto(`${server.url}/bag`);
  await page.locator('.bag-line').nth(99).waitFor();
  await waitForSynced(page);
  const bag = await serverBag(page, server.url);
  assert.equal(bag.lines.length, 100);
  assert.ok(bag.lines.every((l) => l.note?.length === 200), 'every note reached the server');
  await page.context().close();
});

test('the test build, with its fault switch, refuses to listen beyond this machine', async () => {
  // Anyone on the store Wi-Fi could otherwise make the bag and order requests fail.
  await assert.rejects(startServer({ addr: '0.0.0.0' }), /server exited with 1/);
});

// Ordering from the bag: pickup in a store that has everything, delivery home, the last unit
// going to exactly one shopper, and a retry after a lost answer ordering only once.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer,
  launchBrowser,
  getJson,
  serverBag,
  englishPage,
  addToBag,
  waitForSynced,
  axeViolations,
} from './harness.mjs';

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

/** A seeded variant with exactly `units` on the shelf of some store, with its product. */
async function variantWithStock(units, skip = 0) {
  const summaries = await getJson(`${server.url}/api/v1/products?limit=100`);
  let seen = 0;
  for (const summary of summaries) {
    const product = await getJson(`${server.url}/api/v1/products/${summary.id}`);
    for (const variant of product.variants) {
      const store = variant.store_stock.find((s) => s.quantity === units);
      if (store && seen++ >= skip) {
        const found = await getJson(`${server.url}/api/v1/codes/${variant.ean13}`);
        return { found, store_id: store.store_id };
      }
    }
  }
  throw new Error(`no variant with ${units} units in a store`);
}

/** A variant's stock in a store, or online without a store; asked of `url` (the shared server). */
async function stockOf(sku, storeId, url = server.url) {
  const product = await getJson(`${url}/api/v1/products/${sku.split('-')[0]}`);
  const variant = product.variants.find((v) => v.sku === sku);
  return storeId ? variant.store_stock.find((s) => s.store_id === storeId).quantity : variant.online_stock;
}

/** The order form opens on a tap (its code is fetched then). */
async function openOrderForm(page) {
  await page.getByRole('button', { name: 'Order…' }).click();
}

async function orderPickup(page, storeId, url = server.url) {
  await page.goto(`${url}/bag`);
  await waitForSynced(page);
  await openOrderForm(page);
  await page.getByRole('radio', { name: 'Pick up in a store' }).check();
  await page.getByRole('combobox', { name: 'Store' }).selectOption(storeId);
  await page.getByRole('button', { name: 'Place order' }).click();
}

test('pickup: the order reserves the store stock, empties those lines and shows its number', async () => {
  const { found, store_id } = await variantWithStock(3);
  const page = await englishPage(browser);
  await addToBag(page, server.url, found);
  await orderPickup(page, store_id);
  await page.getByRole('heading', { level: 1, name: 'Order placed' }).waitFor();
  const number = page.url().split('/orders/')[1];
  await page.getByText(`Order number ${number}`).waitFor();
  await page.getByText('Awaiting payment').waitFor();
  await page.getByText(/^Pay by \d\d:\d\d to keep these items$/).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  assert.equal(await stockOf(found.sku, store_id), 2);
  // The reference server's payment: one tap, and the order is hers, also after a reload.
  await page.getByRole('button', { name: 'Pay now' }).click();
  await page.getByText('Paid — the items are yours').waitFor();
  await page.reload();
  await page.getByText('Paid — the items are yours').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Pay now' }).count(), 0);
  assert.equal(await stockOf(found.sku, store_id), 2);
  await page.goto(`${server.url}/bag`);
  await waitForSynced(page);
  await page.getByText('Your bag is empty').waitFor();
  assert.deepEqual((await serverBag(page, server.url)).lines, []);
  await page.context().close();
});

test('delivery: name, phone and address are required, then the order ships from online stock', async () => {
  // A variant sold online (the seed sells some in stores only).
  let found;
  let variant;
  for (const summary of (await getJson(`${server.url}/api/v1/products?limit=40`)).slice(30)) {
    const product = await getJson(`${server.url}/api/v1/products/${summary.id}`);
    variant = product.variants.find((v) => v.online_stock > 0);
    if (variant) {
      found = await getJson(`${server.url}/api/v1/codes/${variant.ean13}`);
      break;
    }
  }
  assert.ok(found, 'the seed sells a variant online');
  const page = await englishPage(browser);
  await addToBag(page, server.url, found);
  await page.goto(`${server.url}/bag`);
  await waitForSynced(page);
  await openOrderForm(page);
  await page.getByRole('radio', { name: 'Deliver to my home' }).check();
  await page.getByRole('button', { name: 'Place order' }).click();
  await page.getByRole('alert').filter({ hasText: 'Fill in name, phone and address' }).waitFor();
  await page.getByRole('textbox', { name: 'Name' }).fill('Li Na');
  await page.getByRole('textbox', { name: 'Phone' }).fill('13800000000');
  await page.getByRole('textbox', { name: 'Address' }).fill('100 Huaihai Road, Shanghai');
  await page.getByRole('button', { name: 'Place order' }).click();
  await page.getByText('Delivered to Li Na, 100 Huaihai Road, Shanghai').waitFor();
  assert.equal(await stockOf(found.sku), variant.online_stock - 1);
  await page.context().close();
});

test('the last unit goes to exactly one of two shoppers; the other is told it sold out', async () => {
  const { found, store_id } = await variantWithStock(1);
  const first = await englishPage(browser);
  const second = await englishPage(browser);
  await addToBag(first, server.url, found);
  await addToBag(second, server.url, found);
  await orderPickup(first, store_id);
  await first.getByRole('heading', { level: 1, name: 'Order placed' }).waitFor();
  await orderPickup(second, store_id);
  await second.getByRole('alert').filter({ hasText: 'sold out in the meantime' }).waitFor();
  assert.equal(await stockOf(found.sku, store_id), 0);
  // The second shopper's bag still holds the line: nothing was lost.
  assert.equal((await serverBag(second, server.url)).lines.length, 1);
  await first.context().close();
  await second.context().close();
});

test('a retry after a lost answer returns the same order and reserves once', async () => {
  const { found, store_id } = await variantWithStock(3, 1);
  const before = await stockOf(found.sku, store_id);
  const page = await englishPage(browser);
  await addToBag(page, server.url, found);
  let lose = true;
  await page.route('**/api/v1/orders', async (route) => {
    if (lose) {
      lose = false;
      await route.fetch(); // the server places the order...
      return route.abort('connectionreset'); // ...and the answer never arrives
    }
    return route.continue();
  });
  await orderPickup(page, store_id);
  await page.getByRole('alert').filter({ hasText: "can't reach the shop" }).waitFor();
  await page.getByRole('button', { name: 'Place order' }).click();
  await page.getByRole('heading', { level: 1, name: 'Order placed' }).waitFor();
  assert.equal(await stockOf(found.sku, store_id), before - 1);
  await page.context().close();
});

test('an order not paid in time says so, and its stock goes back to the shelf', async () => {
  // A store that holds unpaid orders for two seconds.
  const quick = await startServer({ args: ['--pay-within', '2'] });
  try {
    const summaries = await getJson(`${quick.url}/api/v1/products?limit=10`);
    const product = await getJson(`${quick.url}/api/v1/products/${summaries[0].id}`);
    const variant = product.variants.find((v) => v.store_stock.some((s) => s.quantity > 0));
    const { store_id, quantity } = variant.store_stock.find((s) => s.quantity > 0);
    const found = await getJson(`${quick.url}/api/v1/codes/${variant.ean13}`);
    const page = await englishPage(browser);
    await addToBag(page, quick.url, found);
    await orderPickup(page, store_id, quick.url);
    await page.getByText('Awaiting payment').waitFor();
    const shelf = () => stockOf(variant.sku, store_id, quick.url);
    assert.equal(await shelf(), quantity - 1);
    // The server gives the unit back by itself once the deadline passes.
    const deadline = Date.now() + 15_000;
    while ((await shelf()) !== quantity) {
      assert.ok(Date.now() < deadline, 'the stock came back');
      await new Promise((r) => setTimeout(r, 200));
    }
    await page.getByRole('button', { name: 'Pay now' }).click();
    await page.getByText('Not paid in time: the items went back to the shelf').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Pay now' }).count(), 0);
    await page.context().close();
  } finally {
    await quick.stop();
  }
});

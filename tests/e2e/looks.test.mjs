// Complete the look and product pictures: what to wear with a coat, added with one tap in the
// size she last chose, or after she picks one; the bag's own looks; pictures everywhere.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, getJson, openPage, axeViolations, waitForSynced } from './harness.mjs';

let server;
let browser;
let coat; // a seeded coat the stylists' looks hold, as GET /products/{id} answers
let looks; // its looks, for a shopper of no known size

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const coats = await getJson(`${server.url}/api/v1/products?category=outerwear&limit=100`);
  for (const summary of coats) {
    const answer = await getJson(`${server.url}/api/v1/looks?product=${summary.id}`);
    const trousers = answer.looks.flatMap((l) => l.items).find((i) => i.product.category === 'trousers');
    if (trousers) {
      coat = await getJson(`${server.url}/api/v1/products/${summary.id}`);
      looks = answer.looks;
      break;
    }
  }
  assert.ok(coat, 'a coat whose looks offer trousers');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** An English page that records console errors. */
async function englishPage() {
  const page = await openPage(browser);
  await page.addInitScript(() => localStorage.setItem('shopbag.language', 'en'));
  return page;
}
const items = () => looks.flatMap((l) => l.items);
const pageOf = (product) => `${server.url}/p/${product.variants[0].ean13}`;

/** A size of `product` that can be had somewhere, in the colour `colour`. */
function sizeToBeHad(product, colour) {
  return product.variants.find(
    (v) => v.colour === colour && (v.online_stock > 0 || v.store_stock.some((s) => s.quantity > 0)),
  ).size;
}

test("a product shows its picture and the looks that complete it, each item with picture, price and where to get it", async () => {
  const page = await englishPage();
  await page.goto(pageOf(coat));
  await page.getByRole('heading', { level: 1, name: coat.name.en }).waitFor();
  // The product's own picture, in the colour on screen, described in words.
  const colour = coat.colours.find((c) => c.code === coat.variants[0].colour);
  const picture = page.getByRole('img', { name: `${coat.name.en}, ${colour.name.en}` });
  await picture.waitFor();
  assert.equal(await picture.getAttribute('width'), '240');
  assert.equal(await picture.getAttribute('height'), '300');
  const alt = await picture.getAttribute('alt');
  await page.waitForFunction((alt) => [...document.images].find((i) => i.alt === alt)?.naturalWidth > 0, alt);
  // Another colour, another picture.
  const other = coat.colours.find((c) => c.code !== colour.code);
  if (other) {
    await page.getByRole('radio', { name: other.name.en }).check();
    await page.getByRole('img', { name: `${coat.name.en}, ${other.name.en}` }).waitFor();
  }

  // Below the product, fetched when she scrolls to it.
  await page.locator('.when-seen').scrollIntoViewIfNeeded();
  await page.getByRole('heading', { level: 2, name: 'Complete the look' }).waitFor();
  for (const look of looks) {
    await page.getByRole('heading', { level: 3, name: look.name.en }).waitFor();
  }
  const shown = page.locator('.look-item');
  assert.equal(await shown.count(), items().length);
  for (const item of items()) {
    const card = shown.filter({ hasText: item.product.name.en });
    const itemColour = item.product.colours.find((c) => c.code === item.colour);
    const img = card.getByRole('img', { name: `${item.product.name.en}, ${itemColour.name.en}` });
    assert.equal(await img.getAttribute('loading'), 'lazy');
    const yuan = (item.price / 100).toLocaleString('en-US', { minimumFractionDigits: 2 });
    await card.getByText(`¥${yuan}`).waitFor();
    await card.getByText(/In this store|^At |Online, delivered to you/).waitFor();
    assert.notEqual(item.product.category, 'outerwear');
  }
  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test('a look item is added in the size she last chose in its category, or after she picks one', async () => {
  const page = await englishPage();
  const trousers = items().find((i) => i.product.category === 'trousers');
  const size = sizeToBeHad(trousers.product, trousers.colour);
  // She bags another pair of trousers in that size first: the app remembers it.
  const other = (await getJson(`${server.url}/api/v1/products?category=trousers&limit=100`)).find(
    (p) => p.id !== trousers.product.id,
  );
  const otherPair = await getJson(`${server.url}/api/v1/products/${other.id}`);
  await page.goto(pageOf(otherPair));
  await page.getByRole('heading', { level: 1, name: otherPair.name.en }).waitFor();
  const sizeHere = otherPair.variants.find((v) => v.colour === otherPair.variants[0].colour && v.size === size);
  assert.ok(sizeHere, `${other.id} comes in ${size}`);
  await page.getByRole('radio', { name: size, exact: true }).check();
  await page.getByRole('button', { name: 'Add to bag', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Added to your bag.' }).waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('shopbag.size.trousers')), size);

  // On the coat, the trousers now add in that size with one tap.
  await page.goto(pageOf(coat));
  await page.getByRole('heading', { level: 1, name: coat.name.en }).waitFor();
  await page.locator('.when-seen').scrollIntoViewIfNeeded();
  const card = page.locator('.look-item').filter({ hasText: trousers.product.name.en });
  await card.getByRole('button', { name: `Add ${trousers.product.name.en}` }).click();
  await card.getByRole('status').filter({ hasText: 'In your bag' }).waitFor();

  // An item of a category she never chose asks for the size, showing the ones to be had.
  const unknown = items().find((i) => !['trousers', 'outerwear'].includes(i.product.category) && i.product.sizes.length > 1);
  let picked;
  if (unknown) {
    const unknownCard = page.locator('.look-item').filter({ hasText: unknown.product.name.en });
    await unknownCard.getByRole('button', { name: `Choose a size ${unknown.product.name.en}` }).click();
    picked = sizeToBeHad(unknown.product, unknown.colour);
    const sizes = unknownCard.getByRole('group', { name: `Sizes of ${unknown.product.name.en}` });
    await sizes.getByRole('button', { name: picked, exact: true }).click();
    await unknownCard.getByRole('status').filter({ hasText: 'In your bag' }).waitFor();
  }

  await page.goto(`${server.url}/bag`);
  await page.getByRole('heading', { level: 1, name: 'Your bag' }).waitFor();
  const trousersLine = page.locator('.bag-line').filter({ hasText: trousers.product.name.en });
  await trousersLine.getByText(new RegExp(`· ${size}$`)).waitFor();
  if (unknown) {
    const line = page.locator('.bag-line').filter({ hasText: unknown.product.name.en });
    await line.getByText(new RegExp(`· ${picked}$`)).waitFor();
  }
  // Every line shows its picture (drawn in by the bag's extras, fetched after the lines show).
  const lines = await page.locator('.bag-line').count();
  const pictures = page.locator('.bag-line img[alt]:not([alt=""])');
  await pictures.nth(lines - 1).waitFor();
  assert.equal(await pictures.count(), lines);
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test("the bag's looks complete it: nothing it has, nothing that dresses what it already dresses", async () => {
  const page = await englishPage();
  await page.goto(pageOf(coat));
  await page.getByRole('heading', { level: 1, name: coat.name.en }).waitFor();
  await page.getByRole('button', { name: 'Add to bag', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Added to your bag.' }).waitFor();
  await page.goto(`${server.url}/bag`);
  await waitForSynced(page);
  await page.getByRole('heading', { level: 2, name: 'Complete the look' }).waitFor();
  const names = await page.locator('.look-item .look-item-name').allTextContents();
  assert.ok(names.length > 0);
  const coats = await getJson(`${server.url}/api/v1/products?category=outerwear&limit=100`);
  for (const name of names) {
    assert.ok(!coats.some((c) => c.name.en === name), `${name} is another coat`);
  }
  // Adding one from the bag's look puts it in the bag, and the looks are asked again.
  const first = page.locator('.look-item').first();
  const name = await first.locator('.look-item-name').textContent();
  const add = first.getByRole('button', { name: new RegExp(`^(Add|Choose a size) ${name}`) });
  if ((await add.textContent()).startsWith('Add')) {
    await add.click();
  } else {
    await add.click();
    await first.getByRole('group').getByRole('button', { disabled: false }).first().click();
  }
  await page.getByRole('heading', { level: 3, name }).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

// The festivals in the browser, on a set clock (Playwright's clock API): the banner before,
// inside and after each phase, the bag's festival prices, the "time to order" prompt at the
// second the main day starts, a device in another time zone, "add to calendar" read by a real
// iCalendar parser, and reminders the server decides are due, shown on the bag page and as a
// notification.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ICAL from 'ical.js';
import { startServer, launchBrowser, getJson, openPage, axeViolations } from './harness.mjs';

let server;
let browser;
let coat; // a product with a 12.12 price, as GET /products/{id} answers
let sku; // the variant with that price
let price; // its list price and its 12.12 main-day price (fen)

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const products = await getJson(`${server.url}/api/v1/products?limit=12`);
  for (const summary of products) {
    const product = await getJson(`${server.url}/api/v1/products/${summary.id}`);
    const skus = product.variants.map((v) => v.sku).join(',');
    const calendar = await getJson(`${server.url}/api/v1/promotions?skus=${skus}`);
    const offer = calendar.event_prices.find((e) => e.promotion === '1212-2026' && e.phase === 'main_day');
    const variant = product.variants.find((v) => v.sku === offer?.sku && v.store_stock.some((s) => s.quantity > 0));
    if (variant) {
      coat = product;
      sku = variant.sku;
      price = { list: variant.price, festival: offer.price };
      break;
    }
  }
  assert.ok(coat, 'a product with a 12.12 price');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const yuan = (fen) => `¥${(fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;

/** An English page whose clock starts at `time` (a Shanghai time), in `timezoneId`. */
async function pageAt(time, { timezoneId } = {}) {
  const page = await openPage(browser, timezoneId ? { timezoneId } : {});
  await page.addInitScript(() => localStorage.setItem('shopbag.language', 'en'));
  await page.clock.install({ time: new Date(time) });
  return page;
}

/** Puts the 12.12 variant in this page's bag, from its product page. */
async function bagIt(page) {
  const variant = coat.variants.find((v) => v.sku === sku);
  await page.goto(`${server.url}/p/${variant.ean13}`);
  await page.getByRole('heading', { level: 1, name: coat.name.en }).waitFor();
  await page.getByRole('button', { name: 'Add to bag', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Added to your bag.' }).waitFor();
}

const banner = (page) => page.getByRole('timer');

/** On a first visit the start page's festival is below its stores, fetched when she scrolls to it. */
async function scrollToFestival(page) {
  await page.locator('.store-list').waitFor();
  await page.locator('.when-seen').scrollIntoViewIfNeeded();
}

test('before the warm-up the start page counts down to it, in Shanghai time', async () => {
  const page = await pageAt('2026-12-06T22:30:00+08:00');
  await page.goto(server.url);
  await scrollToFestival(page);
  await banner(page).filter({ hasText: '12.12 2026: 12.12 warm-up: bag it now starts in 1 d 1 h (12/8 00:00 Shanghai time).' }).waitFor();
  assert.equal(await page.getByRole('alert').filter({ hasText: 'Time to order' }).count(), 0);
  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test('inside the warm-up the bag shows each line at today’s price and at its 12.12 price', async () => {
  const page = await pageAt('2026-12-10T11:30:00+08:00');
  await bagIt(page);
  await page.goto(`${server.url}/bag`);
  await banner(page).filter({ hasText: '12.12 warm-up: bag it now is on: ends in 1 d 12 h.' }).waitFor();
  const line = page.locator('.bag-line').filter({ hasText: coat.name.en });
  await line.getByText(`Today ${yuan(price.list)} · 12.12 2026 price ${yuan(price.festival)}`).waitFor();
  await page.getByText('On the 12.12 2026 main day').first().waitFor();
  assert.equal(await page.getByRole('alert').filter({ hasText: 'Time to order' }).count(), 0);
  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

for (const timezoneId of ['Asia/Shanghai', 'America/New_York']) {
  test(`at 00:00:00 on 12.12 (a device set to ${timezoneId}) "time to order" appears and leads to ordering`, async () => {
    const page = await pageAt('2026-12-11T23:59:00+08:00', { timezoneId });
    await bagIt(page);
    await page.goto(`${server.url}/bag`);
    await banner(page).filter({ hasText: 'warm-up' }).waitFor();
    await page.clock.pauseAt(new Date('2026-12-11T23:59:58+08:00'));
    await banner(page).filter({ hasText: 'ends in 0 min 2 s.' }).waitFor();
    assert.equal(await page.getByRole('alert').filter({ hasText: 'Time to order' }).count(), 0);
    await page.clock.runFor(3_000);
    const prompt = page.getByRole('alert').filter({ hasText: 'Time to order: 12.12 main day prices are on.' });
    await prompt.waitFor();
    await banner(page).filter({ hasText: '12.12 main day is on: ends in 23 h 59 min.' }).waitFor();
    // Today is the festival: the line's price is its 12.12 price.
    const line = page.locator('.bag-line').filter({ hasText: coat.name.en });
    await line.getByText(`12.12 2026 price today: ${yuan(price.festival)}`).waitFor();
    await prompt.getByRole('button', { name: 'Order now' }).click();
    const ticked = page.getByRole('checkbox', { name: new RegExp(coat.name.en) });
    assert.equal(await ticked.isChecked(), true);
    assert.deepEqual(page.consoleErrors, []);
    await page.context().close();
  });
}

test('"later" puts the prompt away for that phase; the start page prompt leads to the bag', async () => {
  const page = await pageAt('2026-12-12T09:00:00+08:00');
  await page.goto(server.url);
  await scrollToFestival(page);
  const prompt = page.getByRole('alert').filter({ hasText: 'Time to order' });
  await prompt.waitFor();
  assert.equal(await prompt.getByRole('link', { name: 'Order now' }).getAttribute('href'), '/bag?order');
  await prompt.getByRole('button', { name: 'Later' }).click();
  await prompt.waitFor({ state: 'detached' });
  await page.reload();
  await scrollToFestival(page);
  await banner(page).waitFor();
  assert.equal(await prompt.count(), 0);
  await page.context().close();
});

// Next year's 11.11, phase by phase, on the start page: what is on, and from final payment on
// the prompt; once it is over, nothing. (The page's clock runs on from the time set, so each
// time leaves a margin before the countdown's next step.)
const SINGLES_DAY_2027 = [
  ['2027-10-16T09:30:00+08:00', 'Warm-up: add to bag is on: ends in 4 d 10 h.', null],
  ['2027-10-25T10:00:00+08:00', 'is on: ends in', null],
  ['2027-11-10T20:30:00+08:00', 'Final payment is on: ends in 1 d 3 h.', 'Time to order: Final payment prices are on.'],
  ['2027-11-11T09:59:00+08:00', '11.11 main day is on: ends in 14 h 0 min.', 'Time to order: 11.11 main day prices are on.'],
  ['2027-11-12T00:00:00+08:00', null, null],
];

for (const [time, shown, prompt] of SINGLES_DAY_2027) {
  test(`on ${time} the start page shows ${shown ? `"${shown}"` : 'no festival'}${prompt ? ' and "time to order"' : ''}`, async () => {
    const page = await pageAt(time);
    await page.goto(server.url);
    await scrollToFestival(page);
    if (shown) {
      await banner(page).filter({ hasText: shown }).waitFor();
    } else {
      await page.waitForLoadState('networkidle');
      assert.equal(await banner(page).count(), 0);
    }
    const alert = page.getByRole('alert').filter({ hasText: 'Time to order' });
    if (prompt) {
      await alert.filter({ hasText: prompt }).waitFor();
    } else {
      assert.equal(await alert.count(), 0);
    }
    await page.context().close();
  });
}

test('after 12.12 the banner counts down to next year’s 11.11 and the 12.12 price is gone', async () => {
  const page = await pageAt('2026-12-13T00:00:00+08:00');
  await bagIt(page);
  await page.goto(`${server.url}/bag`);
  await banner(page).filter({ hasText: '11.11 Singles Day 2027: Warm-up: add to bag starts in' }).waitFor();
  const line = page.locator('.bag-line').filter({ hasText: coat.name.en });
  await line.getByRole('button', { name: 'Remind me' }).waitFor();
  assert.equal(await line.getByText('12.12 2026 price').count(), 0);
  assert.equal(await page.getByRole('alert').filter({ hasText: 'Time to order' }).count(), 0);
  await page.context().close();
});

test('"add to calendar" downloads an iCalendar file of the coming phases in Shanghai time', async () => {
  const page = await pageAt('2026-12-10T11:30:00+08:00');
  await bagIt(page);
  await page.goto(`${server.url}/bag`);
  await banner(page).waitFor();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Add to calendar' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'shopbag-1212-2026.ics');
  const text = readFileSync(await download.path(), 'utf8');
  const calendar = new ICAL.Component(ICAL.parse(text));
  const zone = calendar.getFirstSubcomponent('vtimezone');
  assert.equal(zone.getFirstPropertyValue('tzid'), 'Asia/Shanghai');
  ICAL.TimezoneService.register(zone);
  const events = calendar.getAllSubcomponents('vevent').map((e) => new ICAL.Event(e));
  assert.equal(events.length, 1);
  const [mainDay] = events;
  assert.equal(mainDay.summary, '12.12 2026: 12.12 main day');
  assert.equal(mainDay.startDate.toString(), '2026-12-12T00:00:00');
  assert.equal(mainDay.startDate.zone.tzid, 'Asia/Shanghai');
  assert.equal(mainDay.startDate.toJSDate().toISOString(), '2026-12-11T16:00:00.000Z');
  assert.match(mainDay.description, new RegExp(`${coat.name.en}: ${yuan(price.festival).replace('.', '\\.')}`));
  await page.context().close();
});

/** Changes the server's data, as the store group's systems would. */
function changeData(sql, ...params) {
  const script = 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1], timeout=10); c.execute(sys.argv[2], sys.argv[3:]); c.commit()';
  execFileSync('python3', ['-c', script, join(server.dir, 'e2e.db'), sql, ...params]);
}

test('"remind me when my size is back" tells her in the app and as a notification once it is', async () => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
  await context.grantPermissions(['notifications'], { origin: server.url });
  const page = await context.newPage();
  page.consoleErrors = [];
  page.on('pageerror', (error) => page.consoleErrors.push(String(error)));
  await page.addInitScript(() => localStorage.setItem('shopbag.language', 'en'));
  changeData('UPDATE stock SET quantity = 0 WHERE sku = ?', sku);
  changeData('UPDATE variants SET online_stock = 0 WHERE sku = ?', sku);
  await bagIt(page);
  await page.goto(`${server.url}/bag`);
  const line = page.locator('.bag-line').filter({ hasText: coat.name.en });
  await line.getByRole('button', { name: 'Remind me' }).click();
  await line.getByRole('button', { name: 'When my size is back' }).click();
  await line.getByRole('status').filter({ hasText: "We'll remind you." }).waitFor();
  await page.reload();
  await banner(page).waitFor();
  const told = page.getByRole('status', { name: 'Reminders' });
  assert.equal(await told.count(), 0);

  changeData("UPDATE stock SET quantity = 3 WHERE sku = ? AND store_id = 'sh-jingan'", sku);
  // She opens the app next on its start page: a device with a bag has the festival and what came
  // due at the top, without scrolling.
  await page.goto(server.url);
  await told.getByText(`Your size of ${coat.name.en} is back.`).waitFor();
  await banner(page).waitFor();
  const fold = page.viewportSize().height;
  for (const shown of [told, banner(page)]) {
    const box = await shown.boundingBox();
    assert.ok(box.y + box.height <= fold, 'above the fold');
  }
  assert.deepEqual(await axeViolations(page), []);
  const shown = await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    for (let i = 0; i < 50; i++) {
      const notes = await registration.getNotifications();
      if (notes.length) return notes.map((n) => n.body);
      await new Promise((r) => setTimeout(r, 100));
    }
    return [];
  });
  assert.deepEqual(shown, [`Your size of ${coat.name.en} is back.`]);
  await told.getByRole('button', { name: 'OK' }).click();
  await told.waitFor({ state: 'detached' });
  await page.goto(`${server.url}/bag`);
  await banner(page).waitFor();
  assert.equal(await told.count(), 0);
  assert.deepEqual(page.consoleErrors, []);
  await context.close();
  changeData('UPDATE variants SET online_stock = 5 WHERE sku = ?', sku);
});

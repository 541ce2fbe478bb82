// Members, end to end, with two browsers: the shopper signs in with the code the server logged
// and shows her member code; the cashier's page, whose fake camera films that code, verifies it
// once, refuses it on replay and confirms the purchase, which adds her points once. Also her
// code in airplane mode, pausing it, her history, consent, data export and erasure.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startServer,
  launchBrowser,
  fakeCameraArgs,
  renderTag,
  getJson,
  axeViolations,
  openPage,
  appKeptOnDevice,
} from './harness.mjs';

const LIN = { phone: '13800002046', masked: '138****2046', name: '林小雨' };
const CHEN = { phone: '13900008812', masked: '139****8812', name: '陈思远' };
const CASHIER_KEY = 'demo-cashier-key';

let server;
let browser;
let dir;
let item; // a product code a till can scan, and its price

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  dir = mkdtempSync(join(tmpdir(), 'shopbag-members-'));
  const [summary] = await getJson(`${server.url}/api/v1/products?limit=1`);
  const found = await getJson(`${server.url}/api/v1/codes/${summary.ean13}`);
  const variant = found.product.variants.find((v) => v.sku === found.sku);
  item = { ean13: summary.ean13, name: found.product.name.en, price: variant.price };
});

after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The last sign-in code the server logged for `masked`. */
function codeFromLog(masked) {
  const found = [...server.log().matchAll(new RegExp(`demo sign-in code for ${masked.replace(/\*/g, '\\*')}: (\\d{6})`, 'g'))];
  assert.ok(found.length, `a code for ${masked} in the server's log`);
  return found.at(-1)[1];
}

/** An English page on `path`. */
async function englishPage(path, context) {
  const page = context ? await context.newPage() : await openPage(browser);
  page.consoleErrors ??= [];
  await page.addInitScript(() => localStorage.setItem('shopbag.language', 'en'));
  await page.goto(server.url + path);
  return page;
}

/** Signs `who` in on the member page; returns the page showing her code. */
async function signIn(page, who) {
  await page.getByLabel('Mobile number').waitFor();
  await page.getByLabel('Mobile number').fill(who.phone);
  await page.getByRole('button', { name: 'Send code' }).click();
  await page.getByRole('status').filter({ hasText: `We sent a code to ${who.masked}.` }).waitFor();
  const code = codeFromLog(who.masked);
  await page.getByLabel('6-digit code').fill(code);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('figure.symbols[data-code]').waitFor();
  return page;
}

/** What the device still keeps of shopbag's beyond its own settings (language, camera…). */
const personalKeys = (page) =>
  page.evaluate(() => {
    const settings = ['shopbag.language', 'shopbag.camera', 'shopbag.scan.beep', 'shopbag.store', 'shopbag.cashier'];
    return Object.keys(localStorage).filter((k) => k.startsWith('shopbag.') && !settings.includes(k));
  });

/** The member code on her screen now. */
const shownCode = (page) => page.locator('figure.symbols').getAttribute('data-code');

/** A cashier's page in a browser whose camera films `code`, its till opened. */
async function cashierFilming(code, name) {
  const video = renderTag('y4m', join(dir, `${name}.y4m`), { qr: code });
  const till = await launchBrowser(fakeCameraArgs(video));
  const context = await till.newContext({ serviceWorkers: 'block' });
  const page = await englishPage('/cashier', context);
  page.consoleErrors = [];
  page.on('pageerror', (error) => page.consoleErrors.push(String(error)));
  await page.getByLabel('Cashier key').fill(CASHIER_KEY);
  await page.getByLabel('Store').selectOption('sh-jingan');
  await page.getByRole('button', { name: 'Open the till' }).click();
  return { till, page };
}

test('a member code shown on her phone is verified once at the till, refused on replay, and adds points once', async () => {
  // From any page, the app bar leads to her member code.
  const shopper = await englishPage('/');
  await shopper.getByRole('banner').getByRole('link', { name: 'Member code' }).click();
  await shopper.getByRole('heading', { name: 'Member code', level: 1 }).waitFor();
  assert.deepEqual(await axeViolations(shopper), []);
  await signIn(shopper, LIN);
  await shopper.getByText('12480 points').waitFor();
  assert.ok(await shopper.getByRole('button', { name: 'Hide code' }).isVisible());
  assert.ok(await shopper.getByRole('button', { name: 'Pause code' }).isVisible());
  await shopper.getByRole('timer').filter({ hasText: /New code in \d+ s/ }).waitFor();
  assert.deepEqual(await axeViolations(shopper), []);
  const code = await shownCode(shopper);
  assert.match(code, /^97\d{16}$/);

  const { till, page: cashier } = await cashierFilming(code, 'lin');
  const verified = cashier.locator('.verdict.verified');
  await verified.getByText(LIN.name).waitFor();
  await verified.getByText('12480 points').waitFor();
  assert.deepEqual(await axeViolations(cashier), []);
  // The items: typed as a USB scanner would send them.
  await cashier.getByLabel('Member code or product code').fill(item.ean13);
  await cashier.getByRole('button', { name: 'Enter' }).click();
  await cashier.locator('.till-lines').getByText(`${item.name} × 1`).waitFor();
  await cashier.getByRole('button', { name: 'Confirm purchase' }).click();
  const done = cashier.locator('.verdict.bought');
  await done.waitFor();
  const [, added, now] = (await done.textContent()).match(/\+(\d+) points, (\d+) points now/);
  assert.equal(Number(now), 12480 + Number(added));
  assert.ok(Number(added) > 0);

  // The same code again (the camera still films it, a new page): refused.
  await cashier.reload();
  await cashier.getByRole('alert').filter({ hasText: 'This code was used already.' }).waitFor();
  assert.deepEqual(cashier.consoleErrors, []);
  await till.close();

  // Her points grew once.
  await shopper.reload();
  await shopper.getByText(`${12480 + Number(added)} points`).waitFor();
  assert.deepEqual(shopper.consoleErrors, []);
  await shopper.context().close();
});

test('a hidden code shows on a tap; a paused code is refused at the till; the code keeps changing in airplane mode', async () => {
  const shopper = await englishPage('/member');
  await signIn(shopper, CHEN);

  // Hide blurs it until tapped.
  await shopper.getByRole('button', { name: 'Hide code' }).click();
  assert.ok(await shopper.locator('figure.symbols.hidden').isVisible());
  await shopper.getByRole('button', { name: 'Tap to show the code' }).click();
  await shopper.locator('figure.symbols:not(.hidden)').waitFor();

  // Paused: the code her screen showed a moment ago is refused, then works once resumed.
  const code = await shownCode(shopper);
  await shopper.getByRole('button', { name: 'Pause code' }).click();
  await shopper.getByRole('status').filter({ hasText: 'Your code is paused' }).waitFor();
  const verify = () =>
    fetch(`${server.url}/api/v1/pos/member-code/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-cashier-key': CASHIER_KEY },
      body: JSON.stringify({ code, store_id: 'sh-jingan' }),
    });
  const refused = await verify();
  assert.equal(refused.status, 403);
  assert.equal((await refused.json()).error.code, 'member_code_rejected');
  await shopper.getByRole('button', { name: 'Turn code back on' }).click();
  await shopper.locator('figure.symbols[data-code]').waitFor();
  assert.equal((await verify()).status, 200);

  // Airplane mode: the app and her code come from the device, and the code still changes.
  await appKeptOnDevice(shopper);
  const context = shopper.context();
  const offline = await context.newPage();
  await offline.clock.install();
  await context.setOffline(true);
  await offline.goto(`${server.url}/member`);
  await offline.locator('figure.symbols[data-code]').waitFor();
  const before = await shownCode(offline);
  assert.equal(before.slice(0, 10), code.slice(0, 10), 'the same device');
  await offline.clock.runFor(30_000);
  await offline.waitForFunction((old) => document.querySelector('figure.symbols')?.dataset.code !== old, before);
  assert.match(await shownCode(offline), /^97\d{16}$/);
  await context.setOffline(false);
  await context.close();
});

test('her history shows the till purchase; she can take her data, agree to follow-up, and erase her account', async () => {
  const shopper = await englishPage('/member');
  await signIn(shopper, LIN);
  await shopper.getByRole('link', { name: 'My history, consent and data' }).click();
  await shopper.getByRole('heading', { name: 'My history' }).waitFor();
  // The purchase confirmed in the first test (tests share the server).
  await shopper.getByText(/Bought in store TP\d{8}-\d{6}/).first().waitFor();
  assert.deepEqual(await axeViolations(shopper), []);

  const consent = shopper.getByLabel(/Tell me when my size is back/);
  assert.equal(await consent.isChecked(), false, 'off until she turns it on');
  await Promise.all([
    shopper.waitForResponse((r) => r.url().endsWith('/api/v1/me/consent') && r.ok()),
    consent.check(),
  ]);

  const [download] = await Promise.all([
    shopper.waitForEvent('download'),
    shopper.getByRole('link', { name: 'Download my data (JSON)' }).click(),
  ]);
  const data = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.equal(data.phone, LIN.phone);
  assert.equal(data.profile.follow_up, true);
  assert.ok(data.history.purchases.length >= 1);

  await shopper.getByRole('button', { name: 'Delete my account' }).click();
  await shopper.getByRole('button', { name: 'Yes, delete my account' }).click();
  await shopper.waitForURL(`${server.url}/`);
  assert.deepEqual(await personalKeys(shopper), []);
  await shopper.goto(`${server.url}/member`);
  await shopper.getByLabel('Mobile number').waitFor();
  await shopper.context().close();
});

test('signing in brings her guest bag along, and signing out leaves nothing of hers on the device', async () => {
  const shopper = await englishPage(`/p/${item.ean13}`);
  await shopper.getByRole('button', { name: 'Add to bag', exact: true }).click();
  await shopper.getByRole('status').filter({ hasText: 'Added to your bag.' }).waitFor();
  await shopper.goto(`${server.url}/member`);
  await signIn(shopper, { phone: '18600005530', masked: '186****5530' });
  // Another device of hers sees that bag: her member bag.
  const other = await englishPage('/member');
  await signIn(other, { phone: '18600005530', masked: '186****5530' });
  await other.goto(`${server.url}/bag`);
  await other.locator('.bag-line').filter({ hasText: item.name }).waitFor();
  await other.context().close();

  await shopper.getByRole('button', { name: 'Sign out' }).click();
  await shopper.waitForURL(`${server.url}/`);
  assert.deepEqual(await personalKeys(shopper), []);
  await shopper.goto(`${server.url}/bag`);
  assert.equal(await shopper.locator('.bag-line').count(), 0);
  await shopper.context().close();
});

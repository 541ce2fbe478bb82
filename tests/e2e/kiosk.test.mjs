// The in-store kiosk, end to end: kiosk mode from its link, the big start, no sign-in; "Take this
// bag with you" read by a phone's camera with our scanner, claimed on the phone, the kiosk
// thanking her and wiping itself; a used or unknown claim code; and the idle warning on a set
// clock: Continue keeps the bag, silence starts the kiosk over with nothing of hers kept.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
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
  addToBag,
} from './harness.mjs';

let server;
let browser;
let dir;
let found; // two products the kiosk adds, as /codes answers them

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  dir = mkdtempSync(join(tmpdir(), 'shopbag-kiosk-'));
  const summaries = await getJson(`${server.url}/api/v1/products?limit=2`);
  found = await Promise.all(summaries.map((s) => getJson(`${server.url}/api/v1/codes/${s.ean13}`)));
});

after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** An English page that records errors, in a fresh context of `within` (our browser by default). */
async function englishPage(within = browser, options = {}) {
  const page = await openPage(within, { serviceWorkers: 'block', ...options });
  await page.addInitScript(() => localStorage.setItem('shopbag.language', 'en'));
  return page;
}

/** A kiosk set up by its link, on its start screen. */
async function kiosk(id, { clock } = {}) {
  const page = await englishPage(browser, { viewport: { width: 1080, height: 1920 } });
  if (clock) await page.clock.install();
  await page.goto(`${server.url}/?kiosk=${id}`);
  await page.getByText('Scan a hang tag to start').waitFor();
  // The kiosk's styles are in: no member code in its app bar.
  await page.locator('.app-bar .member-link').waitFor({ state: 'hidden' });
  return page;
}

/** What the device keeps of a shopper's (everything of shopbag's but its own settings). */
const personalKeys = (page) =>
  page.evaluate(() => {
    const settings = ['shopbag.kiosk', 'shopbag.language', 'shopbag.camera', 'shopbag.scan.beep', 'shopbag.store', 'shopbag.cashier'];
    return Object.keys(localStorage).filter((k) => k.startsWith('shopbag.') && !settings.includes(k));
  });

const bagCount = (page) => page.locator('.app-bar .badge-count').textContent();

test('a kiosk hands its bag to a phone that scans the QR code with our scanner, then wipes itself', async () => {
  const stand = await kiosk('jingan-1');
  // No member code on a kiosk: the app bar has no link to it, and its page offers no sign-in.
  assert.equal(await stand.getByRole('banner').getByRole('link', { name: 'Member code' }).count(), 0);
  assert.deepEqual(await axeViolations(stand), []);
  for (const item of found) await addToBag(stand, server.url, item);
  // Kiosk mode outlives the pages: no link needed after the first.
  await stand.goto(`${server.url}/member`);
  await stand.getByText('Nothing personal is kept on a kiosk').waitFor();
  assert.equal(await stand.getByLabel('Mobile number').count(), 0);

  await stand.getByRole('button', { name: 'Take this bag with you' }).click();
  const dialog = stand.getByRole('dialog', { name: 'Take this bag with you' });
  const symbol = dialog.locator('figure.claim-symbol');
  await symbol.waitFor();
  await dialog.getByText(/The code works for 5 more min/).waitFor();
  assert.deepEqual(await axeViolations(stand), []);
  const link = await symbol.getAttribute('data-link');
  assert.match(link, new RegExp(`^${server.url}/claim/[0-9A-HJKMNP-TV-Z]{20}$`));

  // Her phone: our scanner reads the kiosk's QR code and opens the claim.
  const video = renderTag('y4m', join(dir, 'claim.y4m'), { qr: link });
  const phoneBrowser = await launchBrowser(fakeCameraArgs(video));
  try {
    const phone = await englishPage(phoneBrowser, { viewport: { width: 390, height: 844 } });
    await phone.goto(`${server.url}/scan`);
    await phone.getByRole('heading', { level: 1, name: "Take the kiosk's bag" }).waitFor();
    assert.equal(new URL(phone.url()).pathname, new URL(link).pathname);
    for (const item of found) await phone.locator('.claim-lines').getByText(item.product.name.en).waitFor();
    assert.deepEqual(await axeViolations(phone), []);
    await phone.getByRole('button', { name: 'Put them in my bag' }).click();
    await phone.waitForURL(`${server.url}/bag`);
    for (const item of found) {
      await phone.locator('main').getByText(item.product.name.en).first().waitFor();
    }
    assert.deepEqual(phone.consoleErrors, []);
  } finally {
    await phoneBrowser.close();
  }

  // The kiosk sees the claim, thanks her and starts over with nothing of hers.
  await dialog.getByText('Thank you! Your bag is on your phone now.').waitFor();
  await stand.waitForURL(`${server.url}/`);
  await stand.getByText('Scan a hang tag to start').waitFor();
  await stand.waitForFunction(() => !document.querySelector('.kiosk-take'));
  assert.deepEqual(await personalKeys(stand), []);
  assert.equal(await stand.evaluate(() => localStorage.getItem('shopbag.kiosk')), 'jingan-1');
  assert.deepEqual(stand.consoleErrors, []);

  // The code was used once: a second phone (or the camera app opening the link) is told so.
  const late = await englishPage();
  await late.goto(link);
  await late.getByRole('alert').filter({ hasText: 'This bag was taken by a phone already.' }).waitFor();
  await late.goto(`${server.url}/claim/0123456789ABCDEFGHJK`);
  await late.getByRole('alert').filter({ hasText: "This code is not known: scan the kiosk's code again." }).waitFor();
  assert.deepEqual(await axeViolations(late), []);
  await stand.context().close();
  await late.context().close();
});

test('a kiosk left alone warns after a minute; Continue keeps the bag, silence starts it over', async () => {
  const stand = await kiosk('jingan-2', { clock: true });
  await addToBag(stand, server.url, found[0]);
  await stand.goto(`${server.url}/bag`);
  await stand.locator('main').getByText(found[0].product.name.en).first().waitFor();
  // The kiosk's part of the page is there (it counts from when it arrived).
  await stand.getByRole('button', { name: 'Take this bag with you' }).waitFor();
  const warning = stand.getByRole('alertdialog', { name: 'Are you still there?' });

  await stand.clock.runFor(59_000);
  assert.equal(await warning.count(), 0, 'no warning before a minute');
  await stand.clock.runFor(2_000);
  await warning.waitFor();
  await warning.getByRole('timer').filter({ hasText: /starts over in 1[45] s/ }).waitFor();
  // The warning has the focus, on the button that keeps her bag.
  assert.equal(await stand.evaluate(() => document.activeElement?.textContent.trim()), 'Continue');
  assert.deepEqual(await axeViolations(stand), []);
  await stand.keyboard.press('Enter');
  await warning.waitFor({ state: 'detached' });
  await stand.clock.runFor(30_000);
  assert.equal(await warning.count(), 0);
  assert.notDeepEqual(await personalKeys(stand), []);

  // Nobody answers this time: 60 s after Continue, then 15 s, and the kiosk starts over.
  await stand.clock.runFor(31_000);
  await warning.waitFor();
  await stand.clock.runFor(15_000);
  await stand.waitForURL(`${server.url}/`);
  await stand.getByText('Scan a hang tag to start').waitFor();
  assert.deepEqual(await personalKeys(stand), []);
  assert.equal(await bagCount(stand), '0');
  // At rest on the start screen with an empty bag, it no longer interrupts anybody; anything of
  // a shopper's still stored (a size she chose before emptying her bag) goes without a word.
  await stand.evaluate(() => localStorage.setItem('shopbag.size.coats', '"M"'));
  await stand.clock.runFor(120_000);
  assert.equal(await warning.count(), 0);
  assert.deepEqual(await personalKeys(stand), []);
  await stand.getByText('Scan a hang tag to start').waitFor();
  assert.deepEqual(stand.consoleErrors, []);
  await stand.context().close();
});

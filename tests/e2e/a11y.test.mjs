// WCAG 2.2 AA checks that hold on every screen, at a phone's size and on a kiosk: every target at
// least 24 × 24 CSS px (2.5.8; links inside running text are exempt) and on a kiosk at least
// 64 px high; the whole page reachable by keyboard with the focus always visible and never under
// the sticky app bar (2.4.7, 2.4.11); axe-core clean.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, getJson, axeViolations, openPage } from './harness.mjs';

let server;
let browser;
let product;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  [product] = await getJson(`${server.url}/api/v1/products?limit=1`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const PAGES = () => ['/', `/p/${product.ean13}`, '/bag', '/scan', '/member', '/me', '/cashier', '/claim/0123456789ABCDEFGHJK', '/nowhere'];

async function page(options = {}) {
  const page = await openPage(browser, { serviceWorkers: 'block', permissions: [], ...options });
  await page.addInitScript(() => localStorage.setItem('shopbag.language', 'en'));
  return page;
}

/** Visible targets smaller than `min` px (either side), but links within running text. */
const smallTargets = (page, min) =>
  page.evaluate((min) => {
    const targets = document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, [role=button], summary');
    return [...targets]
      .filter((t) => t.checkVisibility() && !t.closest('p, li > span, figcaption, .visually-hidden'))
      .map((t) => [t, t.getBoundingClientRect()])
      .filter(([, r]) => r.width < min || r.height < min)
      .map(([t, r]) => `${t.tagName.toLowerCase()} "${(t.textContent || t.getAttribute('aria-label') || '').trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
  }, min);

/** A screen that has opened (its chunk arrived, its first answer shown). */
async function opened(page, path) {
  await page.goto(`${server.url}${path}`);
  await page.locator('main h1').waitFor();
  await page.waitForLoadState('networkidle');
}

test('every target on every screen is at least 24 × 24 px on a phone, and axe finds nothing', async () => {
  const phone = await page({ viewport: { width: 390, height: 844 } });
  for (const path of PAGES()) {
    await opened(phone, path);
    assert.deepEqual(await smallTargets(phone, 24), [], path);
    assert.deepEqual(await axeViolations(phone), [], path);
  }
  await phone.context().close();
});

test("a kiosk's targets are thumb-sized (64 px high), and axe finds nothing", async () => {
  const kiosk = await page({ viewport: { width: 1080, height: 1920 } });
  await kiosk.goto(`${server.url}/?kiosk=a11y-1`);
  await kiosk.getByText('Scan a hang tag to start').waitFor();
  for (const path of ['/', `/p/${product.ean13}`, '/bag', '/member']) {
    await opened(kiosk, path);
    await kiosk.locator('.app-bar .member-link').waitFor({ state: 'hidden' });
    const low = await kiosk.evaluate(() =>
      [...document.querySelectorAll('main button, main .button, .kiosk-welcome .button, .app-bar a, .app-bar button')]
        .filter((t) => t.checkVisibility())
        .filter((t) => t.getBoundingClientRect().height < 64)
        .map((t) => `${t.tagName.toLowerCase()} "${t.textContent.trim().slice(0, 30)}" ${Math.round(t.getBoundingClientRect().height)}`),
    );
    assert.deepEqual(low, [], path);
    assert.deepEqual(await axeViolations(kiosk), [], path);
  }
  await kiosk.context().close();
});

test('the keyboard reaches everything, and the focus is never hidden under the app bar', async () => {
  const phone = await page({ viewport: { width: 390, height: 500 } });
  for (const path of ['/', `/p/${product.ean13}`]) {
    await opened(phone, path);
    const seen = new Set();
    for (let i = 0; i < 60; i++) {
      await phone.keyboard.press('Tab');
      const focus = await phone.evaluate(() => {
        const f = document.activeElement;
        if (!f || f === document.body) return null;
        const r = f.getBoundingClientRect();
        const bar = document.querySelector('.app-bar').getBoundingClientRect();
        const inBar = f.closest('.app-bar') !== null;
        return {
          id: `${f.tagName} ${(f.textContent || f.getAttribute('aria-label') || '').trim().slice(0, 30)} ${Math.round(r.top + scrollY)}`,
          visible: f.checkVisibility() && r.bottom > 0 && r.top < innerHeight,
          underBar: !inBar && r.top < bar.bottom - 1,
          outline: getComputedStyle(f).outlineStyle !== 'none' || getComputedStyle(f).boxShadow !== 'none',
        };
      });
      if (!focus || seen.has(focus.id)) break;
      seen.add(focus.id);
      assert.ok(focus.visible, `${path}: ${focus.id} is off screen`);
      assert.ok(!focus.underBar, `${path}: ${focus.id} is under the app bar`);
      assert.ok(focus.outline, `${path}: ${focus.id} shows no focus`);
    }
    assert.ok(seen.size >= 5, `${path}: only ${seen.size} stops`);
  }
  await phone.context().close();
});

// The app split by screen: every screen opens cold from its own chunks, opens offline once the
// app is kept on the device, says so (with a retry that works) when its chunk cannot be fetched,
// a page left open across a new release still navigates, and one kept on the device offers the
// new release with a reload.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import {
  startServer,
  launchBrowser,
  openPage,
  englishPage,
  addToBag,
  getJson,
  appKeptOnDevice,
  copyOfApp,
  deployNextRelease,
  releaseOf,
  axeViolations,
} from './harness.mjs';

let server;
let browser;
let product;
let store;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  [product] = await getJson(`${server.url}/api/v1/products?limit=1`);
  [store] = await getJson(`${server.url}/api/v1/stores`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Every screen, its split point, and what shows it has opened (in English). */
function screens() {
  const heading = (name) => (page) => page.getByRole('heading', { level: 1, name });
  return [
    { path: '/', split: 'home', shows: heading('Find a product') },
    { path: '/scan', split: 'scan', shows: heading('Scan a tag') },
    {
      path: `/p/${product.ean13}`,
      split: 'product',
      shows: heading(product.name.en),
      // Offline, the screen opens and says the product cannot be looked up right now.
      offline: (page) => page.getByRole('alert').getByText("We can't reach the shop right now"),
    },
    { path: '/bag', split: 'bag', shows: heading('Your bag') },
    // An order this bag never placed: the API says 404, which the browser logs.
    {
      path: '/orders/SB-00000000-0000',
      split: 'order',
      shows: (page) => page.getByText("We can't find this order for this bag."),
      logs404: true,
      offline: (page) => page.getByRole('alert').getByText("We can't reach the shop right now"),
    },
    // A kiosk's claim code no kiosk offered: the API says 404.
    {
      path: '/claim/0123456789ABCDEFGHJK',
      split: 'order',
      shows: (page) => page.getByRole('alert').getByText("This code is not known: scan the kiosk's code again."),
      logs404: true,
      offline: (page) => page.getByRole('alert').getByText('That did not reach us: check your connection and try again.'),
    },
    { path: '/nowhere', split: 'not_found', shows: heading('Page not found') },
  ];
}

/** A page in English with no service worker (a first visit, nothing kept yet). */
async function coldPage(options = {}) {
  const page = await openPage(browser, { serviceWorkers: 'block', ...options });
  await page.addInitScript(() => localStorage.setItem('shopbag.language', 'en'));
  return page;
}

const splitsFetched = (requests) =>
  requests.map((url) => new URL(url).pathname.match(/^\/split_(\w+?)-[0-9a-f]{16}\.wasm$/)?.[1]).filter(Boolean);

test('every screen opens cold, fetching no chunk of a screen it does not show', async () => {
  for (const { path, split, shows, logs404 } of screens()) {
    const page = await coldPage();
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${server.url}${path}`);
    await shows(page).waitFor();
    await page.waitForLoadState('networkidle');
    // Its own split point only (a landing screen gets it in its bundle): not the bag's sync on
    // a new device, not the search, the locating, the order form or another screen.
    const others = splitsFetched(requests).filter((s) => s !== split);
    assert.deepEqual(others, [], `${path} fetched chunks of other screens`);
    const bundles = requests.map((u) => new URL(u).pathname.match(/^\/landing_(\w+)-/)?.[1]).filter(Boolean);
    assert.ok(bundles.length <= 1, `${path}: ${bundles}`);
    // The main module arrives once: in the landing bundle, or on its own on other pages.
    const mains = requests.filter((u) => /^\/shopbag-[0-9a-f]{16}_bg\.wasm$/.test(new URL(u).pathname));
    assert.equal(bundles.length + mains.length, 1, `${path}: ${bundles} ${mains}`);
    const errors = page.consoleErrors.filter((e) => !(logs404 && e.includes('status of 404')));
    assert.deepEqual(errors, [], path);
    await page.context().close();
  }
});

test("a device with no bag starts the bag's sync when another tab changes the bag, not its store", async () => {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const [here, there] = [await englishPage(browser, context), await englishPage(browser, context)];
  const isSync = (request) => /^\/split_bag_sync-/.test(new URL(request.url()).pathname);
  const syncs = [];
  here.on('request', (r) => isSync(r) && syncs.push(r.url()));
  await here.goto(`${server.url}/`);
  await here.locator('main h1').waitFor();
  await there.goto(`${server.url}/nowhere`);
  await there.locator('main h1').waitFor();
  // Another tab chooses a store: this one hears it (and lets its own listeners run first).
  await here.evaluate(() => {
    window.heard = new Promise((resolve) => addEventListener('storage', (e) => setTimeout(() => resolve(e.key)), { once: true }));
  });
  await there.evaluate((id) => localStorage.setItem('shopbag.store', id), store.id);
  assert.equal(await here.evaluate(() => window.heard), 'shopbag.store');
  assert.deepEqual(syncs, [], 'no bag, nothing to sync');
  // Her bag starts in the other tab: this one syncs it too.
  const syncing = here.waitForRequest(isSync);
  await addToBag(there, server.url, await getJson(`${server.url}/api/v1/codes/${product.ean13}`));
  await syncing;
  await context.close();
});

test('the store entrance link chooses the store and goes on to the start page', async () => {
  const page = await coldPage();
  await page.goto(`${server.url}/s/${store.id}`);
  await page.waitForURL(`${server.url}/`);
  await page.getByRole('heading', { level: 1, name: 'Find a product' }).waitFor();
  await page.locator('.app-bar').getByText(store.name.en).waitFor();
  // The entrance replaced itself: "back" does not land on the QR link again.
  assert.equal(await page.evaluate(() => history.length), 2);
  await page.goto(`${server.url}/s/no-such-store`);
  await page.getByRole('heading', { level: 1, name: 'Store not found' }).waitFor();
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test('after one visit, every screen opens with no network at all', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.addInitScript(() => localStorage.setItem('shopbag.language', 'en'));
  await page.goto(server.url);
  await appKeptOnDevice(page);
  await context.setOffline(true);
  // Opened cold, from the address bar: the kept page starts the app from the kept files.
  for (const { path, shows, offline } of screens()) {
    await page.goto(`${server.url}${path}`);
    await (offline ?? shows)(page).waitFor();
  }
  // And inside the app, from screen to screen.
  await page.goto(server.url);
  await page.locator('.app-bar .scan-link').click();
  await page.getByRole('heading', { level: 1, name: 'Scan a tag' }).waitFor();
  await page.locator('.app-bar .bag-link').click();
  await page.getByRole('heading', { level: 1, name: 'Your bag' }).waitFor();
  await context.close();
});

test('the app installs with its icons, and a release deployed later is offered with a reload', async () => {
  const manifest = await getJson(`${server.url}/manifest.webmanifest`);
  const purposes = manifest.icons.map((icon) => `${icon.sizes} ${icon.purpose ?? 'any'}`);
  for (const wanted of ['192x192 any', '512x512 any', '512x512 maskable']) assert.ok(purposes.includes(wanted), wanted);
  for (const icon of manifest.icons) {
    const response = await fetch(`${server.url}${icon.src}`);
    assert.equal(response.status, 200, icon.src);
    assert.equal(response.headers.get('content-type'), icon.type, icon.src);
  }

  const dist = copyOfApp();
  const own = await startServer({ dist });
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const page = await context.newPage();
    await page.addInitScript(() => localStorage.setItem('shopbag.language', 'en'));
    await page.goto(own.url);
    await page.getByRole('heading', { level: 1, name: 'Find a product' }).waitFor();
    await appKeptOnDevice(page);
    const offer = page.getByRole('status').filter({ hasText: 'A new version of shopbag is ready.' });
    assert.equal(await offer.count(), 0, 'no offer for the release the page runs');
    const next = deployNextRelease(dist);
    // The browser's own check for a new service worker, made now.
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
    await offer.waitFor();
    assert.deepEqual(await axeViolations(page), []);
    await offer.getByRole('button', { name: 'Reload' }).click();
    await page.waitForFunction((next) => document.querySelector('meta[name="shopbag-release"]')?.content === next, next);
    await page.getByRole('heading', { level: 1, name: 'Find a product' }).waitFor();
    assert.equal(await offer.count(), 0);
    // The new release is the one kept: it starts with no network.
    await appKeptOnDevice(page);
    await context.setOffline(true);
    await page.goto(`${own.url}/bag`);
    await page.getByRole('heading', { level: 1, name: 'Your bag' }).waitFor();
    assert.equal(await page.locator('meta[name="shopbag-release"]').getAttribute('content'), next);
  } finally {
    await context.close();
    await own.stop();
    rmSync(dist, { recursive: true, force: true });
  }
});

test('a screen whose chunk cannot be fetched says so, and its retry works', async () => {
  const page = await coldPage();
  await page.goto(server.url);
  await page.getByRole('heading', { level: 1, name: 'Find a product' }).waitFor();
  await page.route(/\/split_bag-[0-9a-f]{16}\.wasm$/, (route) => route.abort('internetdisconnected'));
  await page.locator('.app-bar .bag-link').click();
  await page.getByRole('heading', { level: 1, name: 'This screen could not be loaded' }).waitFor();
  await page.getByRole('alert').getByText('Check your connection').waitFor();
  // The app bar still works, and so does everything else.
  assert.equal(await page.locator('.app-bar .brand').isVisible(), true);
  await page.unroute(/\/split_bag-[0-9a-f]{16}\.wasm$/);
  await page.getByRole('button', { name: 'Try again' }).click();
  await page.getByRole('heading', { level: 1, name: 'Your bag' }).waitFor();
  await page.context().close();
});

test('a screen shows the loading skeleton while its chunk is on its way', async () => {
  const page = await coldPage();
  await page.goto(server.url);
  await page.getByRole('heading', { level: 1, name: 'Find a product' }).waitFor();
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route(/\/split_bag-[0-9a-f]{16}\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.locator('.app-bar .bag-link').click();
  await page.locator('main .skeleton[aria-busy="true"]').waitFor();
  release();
  await page.getByRole('heading', { level: 1, name: 'Your bag' }).waitFor();
  await page.context().close();
});

test('a page open across a new release still navigates', async () => {
  // Without a service worker: the old chunks are gone, so the app reloads into the new release.
  for (const kept of [false, true]) {
    const dist = copyOfApp();
    const own = await startServer({ dist });
    const context = await browser.newContext({ locale: 'en-US', serviceWorkers: kept ? 'allow' : 'block' });
    try {
      const page = await context.newPage();
      await page.addInitScript(() => localStorage.setItem('shopbag.language', 'en'));
      await page.goto(own.url);
      await page.getByRole('heading', { level: 1, name: 'Find a product' }).waitFor();
      if (kept) await appKeptOnDevice(page);
      const before = releaseOf(dist);
      const next = deployNextRelease(dist);
      await page.locator('.app-bar .bag-link').click();
      await page.getByRole('heading', { level: 1, name: 'Your bag' }).waitFor();
      const running = await page.locator('meta[name="shopbag-release"]').getAttribute('content');
      // Kept on the device, the page runs on with its own release; otherwise it moved to the new one.
      assert.equal(running, kept ? before : next);
      await page.locator('.app-bar .scan-link').click();
      await page.getByRole('heading', { level: 1, name: 'Scan a tag' }).waitFor();
    } finally {
      await context.close();
      await own.stop();
      rmSync(dist, { recursive: true, force: true });
    }
  }
});

// The shop-floor flows of the foundation: find a product by code, see why a code fails,
// switch language, pick a store, recover from a network failure, and stay accessible.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, getJson, axeViolations } from './harness.mjs';

/** A well-formed EAN-13 (German prefix) that the Shanghai demo catalogue does not sell. */
const FOREIGN_EAN = '4006381333931';

let server;
let browser;
let product; // a seeded product, read from the API like any client would

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const [summary] = await getJson(`${server.url}/api/v1/products?limit=1`);
  const found = await getJson(`${server.url}/api/v1/codes/${summary.ean13}`);
  product = { ...found.product, ean13: summary.ean13, sku: found.sku };
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function enterCode(page, text) {
  await page.getByRole('textbox').fill(text);
  await page.getByRole('textbox').press('Enter');
}

test('home opens in Chinese by default and lists the stores', async () => {
  const page = await openPage(browser, { locale: 'en-US' });
  await page.goto(server.url);
  await page.getByRole('heading', { level: 1, name: '查找商品' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  const stores = await getJson(`${server.url}/api/v1/stores`);
  for (const store of stores) {
    await page.getByRole('heading', { level: 3, name: store.name.zh }).waitFor();
  }
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test('entering a seeded code shows the product with colours, sizes, price and stock', async () => {
  const page = await openPage(browser);
  await page.goto(server.url);
  await enterCode(page, product.ean13);
  await page.waitForURL(`**/p/${product.ean13}`);
  await page.getByRole('heading', { level: 1, name: product.name.zh }).waitFor();
  const variant = product.variants.find((v) => v.sku === product.sku);
  const yuan = (variant.price / 100).toLocaleString('en-US', { minimumFractionDigits: 2 });
  await page.getByText(`¥${yuan}`).first().waitFor();
  const colour = product.colours.find((c) => c.code === variant.colour);
  assert.equal(await page.getByRole('radio', { name: colour.name.zh }).isChecked(), true);
  assert.equal(await page.getByRole('radio', { name: variant.size, exact: true }).isChecked(), true);
  await page.getByText('线上，送货到家').waitFor();
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test('an in-store code and a tag QR link open the same product', async () => {
  const page = await openPage(browser);
  const variant = product.variants.find((v) => v.sku === product.sku);
  await page.goto(`${server.url}/p/${variant.in_store_code}`);
  await page.getByRole('heading', { level: 1, name: product.name.zh }).waitFor();
  const link = encodeURIComponent(`https://tags.example.cn/01/0${product.ean13}`);
  await page.goto(`${server.url}/p/${link}`);
  await page.getByRole('heading', { level: 1, name: product.name.zh }).waitFor();
  await page.context().close();
});

test('an unknown code gets a clear message and a way back', async () => {
  const page = await openPage(browser);
  await page.goto(server.url);
  await enterCode(page, FOREIGN_EAN);
  await page.getByRole('alert').filter({ hasText: `没有找到编码 ${FOREIGN_EAN}` }).waitFor();
  await page.getByRole('link', { name: '输入其他编码' }).click();
  await page.getByRole('heading', { level: 1, name: '查找商品' }).waitFor();
  await page.context().close();
});

test('a mistyped code is explained before anything is looked up', async () => {
  const page = await openPage(browser, { locale: 'en-US' });
  let lookups = 0;
  page.on('request', (r) => r.url().includes('/api/v1/codes/') && lookups++);
  await page.goto(server.url);
  const wrongCheckDigit = product.ean13.slice(0, 12) + ((Number(product.ean13[12]) + 1) % 10);
  await enterCode(page, wrongCheckDigit);
  await page.getByText('最后一位校验码不符').waitFor();
  assert.equal(await page.getByRole('textbox').getAttribute('aria-invalid'), 'true');
  // A link straight to a malformed code explains itself too.
  await page.goto(`${server.url}/p/ABC123`);
  await page.getByRole('alert').filter({ hasText: '商品编码只包含数字' }).waitFor();
  assert.equal(lookups, 0);
  await page.context().close();
});

test('the language switch changes every string and is remembered', async () => {
  const page = await openPage(browser);
  await page.goto(`${server.url}/p/${product.ean13}`);
  await page.getByRole('heading', { level: 1, name: product.name.zh }).waitFor();
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await page.getByRole('heading', { level: 1, name: product.name.en }).waitFor();
  await page.getByText('Online, delivered home').waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.reload();
  await page.getByRole('heading', { level: 1, name: product.name.en }).waitFor();
  await page.goto(server.url);
  await page.getByRole('heading', { level: 1, name: 'Find a product' }).waitFor();
  await page.getByRole('button', { name: '切换到中文' }).click();
  await page.getByRole('heading', { level: 1, name: '查找商品' }).waitFor();
  await page.context().close();
});

test('the chosen store becomes "here" for stock figures', async () => {
  const page = await openPage(browser);
  const stores = await getJson(`${server.url}/api/v1/stores`);
  const store = stores[1];
  await page.goto(server.url);
  await page.getByRole('button', { name: '我在这家店' }).nth(1).click();
  await page.getByText(`门店：${store.name.zh}`).waitFor();
  await page.goto(`${server.url}/p/${product.ean13}`);
  const variant = product.variants.find((v) => v.sku === product.sku);
  const inStore = variant.store_stock.find((s) => s.store_id === store.id).quantity;
  const row = page.locator('.stock-here');
  await row.getByText('本店').waitFor();
  assert.equal(await row.locator('strong').textContent(), inStore === 0 ? '已售罄' : `剩 ${inStore} 件`);
  await page.context().close();
});

test('the QR link at a store entrance makes that store "here"', async () => {
  const stores = await getJson(`${server.url}/api/v1/stores`);
  const page = await openPage(browser);
  await page.goto(`${server.url}/s/${stores[2].id}`);
  await page.waitForURL(`${server.url}/`);
  await page.getByText(`门店：${stores[2].name.zh}`).waitFor();
  await page.goto(`${server.url}/s/no-such-store`);
  await page.getByRole('alert').filter({ hasText: '没有找到门店“no-such-store”' }).waitFor();
  await page.context().close();
});

test('the nearest store is suggested from the position the shopper allows, and explained when refused', async () => {
  const stores = await getJson(`${server.url}/api/v1/stores`);
  const target = stores[stores.length - 1];
  const allowed = await openPage(browser, {
    geolocation: { latitude: target.position.lat + 0.001, longitude: target.position.lng - 0.001 },
    permissions: ['geolocation'],
  });
  await allowed.goto(server.url);
  await allowed.getByRole('button', { name: '查找离我最近的门店' }).click();
  const card = allowed.locator('.store-card').filter({ hasText: target.name.zh });
  await card.getByText('离您最近').waitFor();
  await allowed.context().close();
  const refused = await openPage(browser);
  await refused.goto(server.url);
  await refused.getByRole('button', { name: '查找离我最近的门店' }).click();
  await refused.getByText('无法获取您的位置').waitFor();
  await refused.context().close();
});

test('searching by name lists matching products', async () => {
  const page = await openPage(browser);
  await page.goto(server.url);
  await enterCode(page, product.name.zh);
  await page.getByRole('heading', { level: 2, name: '商品' }).waitFor();
  await page.getByRole('link', { name: new RegExp(product.name.zh) }).first().click();
  await page.getByRole('heading', { level: 1, name: product.name.zh }).waitFor();
  await page.context().close();
});

test("an earlier search that answers late does not replace the newer search's results", async () => {
  // Two products whose searches find nothing of each other.
  const catalogue = await getJson(`${server.url}/api/v1/products?limit=50`);
  const found = async (p) => (await getJson(`${server.url}/api/v1/products?q=${encodeURIComponent(p.name.zh)}`)).map((r) => r.id);
  let pair;
  for (const first of catalogue) {
    const second = catalogue.find((p) => p.name.zh !== first.name.zh);
    if (!(await found(first)).includes(second.id) && !(await found(second)).includes(first.id)) {
      pair = [first, second];
      break;
    }
  }
  assert.ok(pair, 'two products with separate search results');
  const [slow, latest] = pair;
  // Requests a service worker makes are not routed through `page.route`: this flow needs none.
  const page = await openPage(browser, { serviceWorkers: 'block' });
  let release, asked;
  const held = new Promise((r) => (release = r));
  const slowAsked = new Promise((r) => (asked = r));
  const searches = (url) => url.pathname === '/api/v1/products' && url.searchParams.has('q');
  await page.route(searches, async (route) => {
    if (new URL(route.request().url()).searchParams.get('q') === slow.name.zh) {
      asked();
      await held;
    }
    return route.continue();
  });
  await page.goto(server.url);
  await enterCode(page, slow.name.zh);
  // The first search is on its way (and held) before the shopper types the next words.
  await slowAsked;
  await enterCode(page, latest.name.zh);
  const results = page.locator('.product-list');
  await results.getByRole('link', { name: new RegExp(latest.name.zh) }).first().waitFor();
  // Now the first search answers.
  const late = page.waitForResponse((r) => new URL(r.url()).searchParams.get('q') === slow.name.zh);
  release();
  await late;
  await page.waitForLoadState('networkidle');
  assert.equal(await results.getByRole('link', { name: new RegExp(slow.name.zh) }).count(), 0);
  await results.getByRole('link', { name: new RegExp(latest.name.zh) }).first().waitFor();
  await page.context().close();
});

test('a slow network shows a skeleton, a failed one a message with a retry that works', async () => {
  const page = await openPage(browser);
  let failNext = true;
  await page.route('**/api/v1/codes/**', async (route) => {
    if (failNext) {
      failNext = false;
      await new Promise((r) => setTimeout(r, 500));
      return route.abort('internetdisconnected');
    }
    return route.continue();
  });
  await page.goto(`${server.url}/p/${product.ean13}`);
  await page.locator('.skeleton[aria-busy="true"]').waitFor();
  await page.getByRole('alert').filter({ hasText: '暂时无法连接商店' }).waitFor();
  await page.getByRole('button', { name: '重试' }).click();
  await page.getByRole('heading', { level: 1, name: product.name.zh }).waitFor();
  await page.context().close();
});

test('an unknown address shows the not-found page', async () => {
  const page = await openPage(browser);
  await page.goto(`${server.url}/no/such/page`);
  await page.getByRole('heading', { level: 1, name: '页面不存在' }).waitFor();
  await page.context().close();
});

test('on a 390 px phone the app bar fits, in both languages, with full-size touch targets', async () => {
  const [store] = await getJson(`${server.url}/api/v1/stores`);
  for (const locale of ['zh-CN', 'en']) {
    const page = await openPage(browser, { viewport: { width: 390, height: 844 } });
    await page.addInitScript((locale) => localStorage.setItem('shopbag.language', locale), locale);
    await page.goto(`${server.url}/s/${store.id}`);
    await page.locator('.app-bar .here').getByText(locale === 'en' ? store.name.en : store.name.zh).waitFor();
    const bar = await page.evaluate(() => ({
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      items: ['.brand', '.scan-link', '.member-link', '.bag-link', '.language'].map((selector) => {
        const box = document.querySelector(`.app-bar ${selector}`).getBoundingClientRect();
        return { selector, width: box.width, height: box.height };
      }),
      here: document.querySelector('.app-bar .here').getBoundingClientRect().width,
    }));
    assert.ok(bar.overflow <= 0, `${locale}: the page scrolls sideways by ${bar.overflow} px`);
    for (const { selector, height } of bar.items) {
      // 44 px is the touch target; taller means the words broke onto a second line.
      assert.ok(height >= 44 && height < 50, `${locale}: ${selector} is ${height} px tall`);
    }
    assert.ok(bar.here > 150, `${locale}: the store's name has ${bar.here} px`);
    await page.context().close();
  }
});

test('every page passes an axe-core accessibility scan in both languages', async () => {
  const pages = [
    ['home', '/', '.store-card'],
    ['search', `/?q=${encodeURIComponent(product.name.zh)}`, '.product-list'],
    ['product', `/p/${product.ean13}`, '.stock'],
    ['unknown code', `/p/${FOREIGN_EAN}`, '.problem'],
    ['malformed code', '/p/ABC', '.problem'],
    ['not found', '/nope', '.not-found'],
    ['bag', '/bag', '.bag-line'],
    // The order form opens on a tap.
    ['order form', '/bag', '.order-form', (page) => page.getByRole('button', { name: /^(Order…|去下单…)$/ }).click()],
  ];
  for (const locale of ['zh-CN', 'en']) {
    const page = await openPage(browser);
    if (locale === 'en') {
      await page.goto(server.url);
      await page.getByRole('button', { name: 'Switch to English' }).click();
    }
    // A line in the bag, so the bag page shows its lines and can open the order form.
    await page.goto(`${server.url}/p/${product.ean13}`);
    await page.locator('.add-to-bag .button.primary').click();
    await page.locator('.add-to-bag [role="status"] a').waitFor();
    for (const [name, path, ready, open] of pages) {
      await page.goto(server.url + path);
      if (open) await open(page);
      await page.locator(ready).first().waitFor();
      assert.deepEqual(await axeViolations(page), [], `${name} (${locale})`);
    }
    await page.context().close();
  }
});

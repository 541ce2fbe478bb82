// Inside super-apps, end to end: pages opened with WeChat's, Alipay's, Taobao's and DingTalk's
// user agents and a fake bridge object injected as each host would provide it. The host's scanner
// opens first on the scanner screen and its code lands in the bag; a failing bridge falls back to
// our own camera; a host token in the address signs her in; nothing links off our origin.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startServer, launchBrowser, getJson, axeViolations, openPage } from './harness.mjs';

const AGENTS = {
  wechat:
    'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0 Mobile Safari/537.36 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN',
  alipay:
    'Mozilla/5.0 (Linux; U; Android 13; zh-CN; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0 Mobile Safari/537.36 Nebula AlipayDefined(nt:WIFI) AliApp(AP/10.5.16.6000) AlipayClient/10.5.16.6000 Language/zh-Hans',
  taobao:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 16_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 AliApp(TB/10.26.20) WindVane/8.7.2 1170x2532',
  dingtalk:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 AliApp(DingTalk/7.0.40) com.laiwang.DingTalk/31103366 language/zh-Hans-CN',
};

let server;
let browser;
let item; // a product code and its English name

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const [summary] = await getJson(`${server.url}/api/v1/products?limit=1`);
  item = { ean13: summary.ean13, name: summary.name.en };
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/**
 * A page in `host`'s webview, English, whose bridge answers a scan with `answer` (or fails when
 * it is null). The bridges' shapes are the hosts' own: `wx.scanQRCode`, `AlipayJSBridge.call`,
 * `WindVane.call`, `dd.biz.util.scan`. Calls to our own camera are counted.
 */
async function hostPage(host, answer) {
  const page = await openPage(browser, { userAgent: AGENTS[host], serviceWorkers: 'block', viewport: { width: 390, height: 844 } });
  await page.addInitScript(
    ({ host, answer }) => {
      localStorage.setItem('shopbag.language', 'en');
      window.ownCameraCalls = 0;
      const own = navigator.mediaDevices?.getUserMedia?.bind(navigator.mediaDevices);
      if (own) navigator.mediaDevices.getUserMedia = (c) => (window.ownCameraCalls++, own(c));
      const later = (f) => setTimeout(f, 50);
      if (host === 'wechat') {
        window.wx = { scanQRCode: (o) => later(() => (answer ? o.success({ resultStr: answer }) : o.fail({ errMsg: 'scanQRCode:fail' }))) };
      } else if (host === 'alipay') {
        window.AlipayJSBridge = { call: (name, o, cb) => later(() => cb(answer ? { code: answer } : { error: 11 })) };
      } else if (host === 'taobao') {
        window.WindVane = { call: (c, m, o, ok, fail) => later(() => (answer ? ok({ content: answer }) : fail({}))) };
      } else if (host === 'dingtalk') {
        window.dd = { biz: { util: { scan: (o) => later(() => (answer ? o.onSuccess({ text: answer }) : o.onFail({}))) } } };
      }
    },
    { host, answer },
  );
  return page;
}

for (const [host, answer] of [
  ['wechat', () => `EAN_13,${item.ean13}`],
  ['alipay', () => item.ean13],
  ['taobao', () => item.ean13],
  ['dingtalk', () => item.ean13],
]) {
  test(`in ${host}, the scanner screen opens the host's scanner and its code goes into the bag`, async () => {
    const page = await hostPage(host, answer());
    await page.goto(`${server.url}/scan`);
    await page.getByRole('status').filter({ hasText: `Added ${item.name}` }).waitFor();
    await page.locator('.app-bar .badge-count').filter({ hasText: '1' }).waitFor();
    // Ours did not start meanwhile: it is a tap away.
    assert.equal(await page.evaluate(() => window.ownCameraCalls), 0);
    assert.ok(await page.getByRole('button', { name: "Use this app's camera" }).isVisible());
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(page.consoleErrors, []);
    await page.context().close();
  });
}

test("a host scanner that fails leaves her our own camera, with a word why", async () => {
  const page = await hostPage('wechat', null);
  await page.goto(`${server.url}/scan`);
  await page.getByRole('status').filter({ hasText: 'The WeChat scanner did not answer' }).waitFor();
  await page.locator('.viewfinder video').waitFor({ state: 'attached' });
  await page.getByRole('button', { name: 'Scan with WeChat' }).waitFor();
  await page.context().close();
});

test('a host token in the address signs her in, and leaves the address', async () => {
  const payload = { host: 'wechat', user: 'wx-o6_bmjrPTlm6_2sgVt7hMZOPfL2M', name: '王小明', exp: Math.floor(Date.now() / 1000) + 600 };
  const signed = `v1.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  const token = `${signed}.${createHmac('sha256', 'demo-host-secret').update(signed).digest('base64url')}`;
  const page = await hostPage('wechat', item.ean13);
  await page.goto(`${server.url}/member#host-token=${token}`);
  await page.getByText('Hello, 王小明').waitFor();
  await page.locator('figure.symbols[data-code]').waitFor();
  assert.equal(new URL(page.url()).hash, '');
  assert.equal(await page.evaluate(() => location.href.includes('host-token')), false);

  // A forged token signs nobody in.
  const forged = await hostPage('wechat', item.ean13);
  await forged.goto(`${server.url}/member#host-token=${signed}.AAAA`);
  await forged.getByRole('alert').filter({ hasText: /./ }).waitFor();
  assert.equal(await forged.getByText('Hello, 王小明').count(), 0);
  await page.context().close();
  await forged.context().close();
});

test('inside a host nothing links off our origin, and the page may run under the notch', async () => {
  const page = await hostPage('alipay', item.ean13);
  for (const path of ['/', `/p/${item.ean13}`, '/bag', '/member']) {
    await page.goto(`${server.url}${path}`);
    await page.locator('main h1').waitFor();
    const foreign = await page.evaluate(() =>
      [...document.querySelectorAll('a[href]')].map((a) => a.href).filter((href) => new URL(href).origin !== location.origin),
    );
    assert.deepEqual(foreign, [], path);
  }
  const viewport = await page.locator('meta[name="viewport"]').getAttribute('content');
  assert.match(viewport, /viewport-fit=cover/);
  await page.context().close();
});

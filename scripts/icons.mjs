// Draws the app's icons (public/icon-*.png) from our own artwork, with the system Chromium:
// `node scripts/icons.mjs`. Run by hand when the artwork changes; the PNGs are committed, so
// builds need no browser. The manifest lists them (public/manifest.webmanifest).
//
// "any" icons are the bag on a rounded square (public/icon.svg); the maskable one fills the whole
// square with the brand colour and keeps the bag inside the middle 60 %, the part every
// platform's mask (circle, squircle, rounded square) leaves visible.

import { chromium } from 'playwright-core';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const PUBLIC = join(dirname(fileURLToPath(import.meta.url)), '..', 'public');
const bag = '<path d="M18 24h28l-2 28H20z" fill="#f6f4f0"/><path d="M25 24v-4a7 7 0 0 1 14 0v4" fill="none" stroke="#f6f4f0" stroke-width="4"/>';
const maskable = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="#1f2a44"/><g transform="translate(32 35) scale(0.62) translate(-32 -36)">${bag}</g></svg>`;
const any = readFileSync(join(PUBLIC, 'icon.svg'), 'utf8');

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  for (const [name, svg, size] of [
    ['icon-192.png', any, 192],
    ['icon-512.png', any, 512],
    ['icon-maskable-512.png', maskable, 512],
  ]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const sized = svg.replace('<svg ', `<svg width="${size}" height="${size}" `);
    await page.setContent(`<html><body style="margin:0;background:transparent">${sized}</body></html>`);
    writeFileSync(join(PUBLIC, name), await page.screenshot({ omitBackground: true, type: 'png' }));
    await page.close();
    console.log(`public/${name}`);
  }
} finally {
  await browser.close();
}

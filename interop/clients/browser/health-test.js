#!/usr/bin/env node
// Licensed under the MIT License. See LICENSE in the repository root.
// The web UI's device health section in Debian's Chromium (playwright-core), run inside the test's private
// network namespace (the browser only ever browses 127.0.0.1):
//   node health-test.js <base url> <path> [<path> ...] [--fix <old path> <new path>]
// Opens the home page, waits until each path has a problem card in #health, and reports each card's heading
// and text, whether #health is the first element under the header and above the rest of the page.
// With --fix, then does what the card says through the UART plugin's page (#/plugin-page/20): replaces the old
// device by the new one in the device list, saves, goes back home and waits until the old path's card is gone;
// reports the save message and the cards left.
// Prints one JSON line with the findings; exits non-zero on failure.
'use strict';

const { launchChromium } = require('./launch');
const { checkAtBothSizes } = require('./page-checks');

const args = process.argv.slice(2);
const fixAt = args.indexOf('--fix');
const fix = fixAt < 0 ? null : { from: args[fixAt + 1], to: args[fixAt + 2] };
const [base, ...paths] = fixAt < 0 ? args : args.slice(0, fixAt);
if (fix && (!fix.from || !fix.to)) {
  console.error('--fix needs <old path> <new path>');
  process.exit(2);
}
if (!base || !base.startsWith('http://127.0.0.1:') || paths.length === 0) {
  console.error('usage: health-test.js http://127.0.0.1:<port> <device path>...');
  process.exit(2);
}

// The user's fix for a missing device: the plugin page's device list, saved; then the home page again.
async function fixDevice(page) {
  await page.goto(base + '/#/plugin-page/20', { waitUntil: 'load' });
  const list = page.locator('#plugin-page textarea[name="device"]');
  await list.waitFor({ timeout: 10000 });
  const devices = (await list.inputValue()).split('\n').map((d) => (d.trim() === fix.from ? fix.to : d));
  await list.fill(devices.join('\n'));
  await page.locator('#plugin-form button[type=submit]').click();
  await page.waitForFunction(() => /Saved/.test(document.getElementById('plugin-page-message').textContent), null, { timeout: 15000 });
  const failures = await checkAtBothSizes(page, 'UART plugin page');
  const saved = await page.locator('#plugin-page-message').textContent();
  const status = await page.locator('#plugin-page-status').textContent();
  await page.goto(base + '/#/', { waitUntil: 'load' });
  await page.waitForFunction((old) => {
    const cards = [...document.querySelectorAll('#health article.problem')];
    return cards.length > 0 && !cards.some((c) => c.querySelector('h3').textContent.includes(old));
  }, fix.from, { timeout: 20000 });
  const left = await page.evaluate(() => [...document.querySelectorAll('#health article.problem h3')].map((h) => h.textContent));
  return { saved, status, left, failures };
}

async function main() {
  const browser = await launchChromium();
  const result = { ok: false, pageErrors: [] };
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => result.pageErrors.push(String(e)));
    await page.goto(base + '/', { waitUntil: 'load' });
    await page.waitForFunction((want) => {
      const cards = [...document.querySelectorAll('#health article.problem')];
      return want.every((p) => cards.some((c) => c.querySelector('h3').textContent.includes(p)));
    }, paths, { timeout: 20000 });
    Object.assign(result, await page.evaluate((want) => {
      const section = document.getElementById('health');
      const header = document.querySelector('header');
      const main = document.querySelector('main');
      const cards = [...section.querySelectorAll('article.problem')];
      return {
        heading: section.querySelector('h2').textContent,
        visible: !section.hidden && section.getBoundingClientRect().height > 0,
        firstAfterHeader: header.nextElementSibling === section,
        aboveMain: section.getBoundingClientRect().bottom <= main.getBoundingClientRect().top,
        labelledBy: section.getAttribute('aria-labelledby'),
        cards: want.map((p) => {
          const c = cards.find((x) => x.querySelector('h3').textContent.includes(p));
          return { path: p, title: c.querySelector('h3').textContent, text: c.innerText };
        }),
        pluginNotes: [...section.querySelectorAll('.health-plugin-state')].map((n) => n.textContent),
      };
    }, paths));
    // The home page as the user meets it here, its health cards shown: axe-core and no sideways scroll, both sizes.
    result.failures = await checkAtBothSizes(page, 'home page with health cards');
    if (fix) {
      result.fix = await fixDevice(page);
      result.failures.push(...result.fix.failures);
    }
    result.ok = result.pageErrors.length === 0 && result.failures.length === 0;
  } finally {
    await browser.close();
  }

  console.log(JSON.stringify(result));
  process.exit(result.ok ? 0 : 1);
}

main().catch((e) => {
  console.log(JSON.stringify({ ok: false, error: String(e && e.stack || e) }));
  process.exit(1);
});

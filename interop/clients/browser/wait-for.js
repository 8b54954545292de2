#!/usr/bin/env node
// Licensed under the MIT License. See LICENSE in the repository root.
// Opens a page in Debian's Chromium (playwright-core) and waits until an element is visible:
//   node wait-for.js <url on 127.0.0.1> <css selector> [timeout ms, default 20000]
// Prints one JSON line {"visible":bool,"html":outerHTML of the element's parent or "","dom":page if not visible}.
// Exit status: 0 visible, 1 not visible in time, 2 usage or browser error.
// Unlike `chromium --dump-dom`, which dumps at the load event, this sees what the page's script adds later
// (a fetch that lands after load on a loaded machine).
'use strict';

const { launchChromium } = require('./launch');

const [url, selector, timeoutText] = process.argv.slice(2);
const timeout = timeoutText === undefined ? 20000 : Number(timeoutText);
if (!url || !url.startsWith('http://127.0.0.1:') || !selector || !Number.isInteger(timeout) || timeout <= 0) {
  console.error('usage: wait-for.js http://127.0.0.1:<port>/... <css selector> [timeout ms]');
  process.exit(2);
}

async function main() {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(url);
    const element = page.locator(selector).first();
    try {
      await element.waitFor({ state: 'visible', timeout });
    } catch {
      console.log(JSON.stringify({ visible: false, html: '', dom: await page.content() }));
      return 1;
    }
    const html = await element.evaluate((e) => (e.parentElement ?? e).outerHTML);
    console.log(JSON.stringify({ visible: true, html }));
    return 0;
  } finally {
    await browser.close();
  }
}

main().then((code) => process.exit(code), (err) => {
  console.error(String(err && err.stack ? err.stack : err));
  process.exit(2);
});

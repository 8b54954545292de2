#!/usr/bin/env node
// Licensed under the MIT License. See LICENSE in the repository root.
// The web UI's "Pi setup" page in Debian's Chromium (playwright-core), inside the test's private network
// namespace (the browser only ever browses 127.0.0.1):
//   node setup-test.js <base url>
// Opens the UI, follows the "Pi setup" link, waits for the checks and reports the page's heading, summary,
// the checks needing attention (id, outcome word, fix) and the folded rest; then reloads /#/setup directly.
// Prints one JSON line with the findings; exits non-zero on failure.
'use strict';

const { launchChromium } = require('./launch');

const [base] = process.argv.slice(2);
if (!base || !base.startsWith('http://127.0.0.1:')) {
  console.error('usage: setup-test.js http://127.0.0.1:<port>');
  process.exit(2);
}

async function readPage(page) {
  await page.locator('#setup-summary').waitFor({ timeout: 20000 });
  return page.evaluate(() => ({
    heading: document.querySelector('#setup h2')?.textContent,
    summary: document.querySelector('#setup-summary')?.textContent,
    setupVisible: !document.getElementById('setup').hidden,
    universeHidden: document.getElementById('universe').hidden,
    attention: [...document.querySelectorAll('#setup-attention > li')].map((li) => ({
      id: li.dataset.id,
      outcome: li.querySelector('.setup-outcome')?.textContent,
      heading: li.querySelector('h4')?.textContent,
      fix: li.querySelector('code')?.textContent ?? null,
    })),
    rest: [...document.querySelectorAll('#setup-rest > li')].map((li) => ({ id: li.dataset.id, outcome: li.querySelector('.setup-outcome')?.textContent })),
  }));
}

async function main() {
  // launch() gives Chromium a fresh, empty temp profile (--user-data-dir) and removes it on close.
  const browser = await launchChromium();
  const result = {};
  const pageErrors = [];
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${base}/`);
    await page.getByRole('link', { name: 'Pi setup' }).click();
    result.viaLink = await readPage(page);
    result.hash = new URL(page.url()).hash;
    await page.getByRole('button', { name: 'Check again' }).click();
    await page.locator('#setup-status', { hasText: 'Checked at' }).waitFor({ timeout: 20000 });

    // A bookmark of the page opens it directly.
    await page.goto(`${base}/#/setup`);
    await page.reload();
    result.direct = await readPage(page);
    result.pageErrors = pageErrors;
    result.ok = pageErrors.length === 0;
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

#!/usr/bin/env node
// Licensed under the MIT License. See LICENSE in the repository root.
// The web UI's device health section in Debian's Chromium (playwright-core), run inside the test's private
// network namespace (the browser only ever browses 127.0.0.1):
//   node health-test.js <base url> <path> [<path> ...]
// Opens the home page, waits until each path has a problem card in #health, and reports each card's heading
// and text, whether #health is the first element under the header and above the rest of the page.
// Prints one JSON line with the findings; exits non-zero on failure.
'use strict';

const { launchChromium } = require('./launch');

const [base, ...paths] = process.argv.slice(2);
if (!base || !base.startsWith('http://127.0.0.1:') || paths.length === 0) {
  console.error('usage: health-test.js http://127.0.0.1:<port> <device path>...');
  process.exit(2);
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
    result.ok = result.pageErrors.length === 0;
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

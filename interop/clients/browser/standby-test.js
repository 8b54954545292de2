#!/usr/bin/env node
// Licensed under the MIT License. See LICENSE in the repository root.
// The web UI's hot-standby badge and switch-over button in Debian's Chromium (playwright-core), inside the
// test's private network namespace (the browser only ever browses 127.0.0.1):
//   node standby-test.js <base url>
// First the real server's state (standalone: no badge, no panel). Then the page's /json/standby and
// /json/standby/switch are answered by this script (a standby server whose partner 198.18.0.2 is active): the
// badge on the home page and on the plugins page, the panel's sentence, axe at both sizes; the switch-over
// button asks first (Cancel sends nothing), OK sends one POST; a refusal (409) shows the reason, an accepted
// switch shows the new role. Prints one JSON line with the findings; exits non-zero on failure.
'use strict';

const { launchChromium } = require('./launch');
const { checkAtBothSizes } = require('./page-checks');

const [base] = process.argv.slice(2);
if (!base || !base.startsWith('http://127.0.0.1:')) {
  console.error('usage: standby-test.js http://127.0.0.1:<port>');
  process.exit(2);
}

const standby = {
  outputs: 'standby: partner 198.18.0.2 active, outputs silent, UART line released',
  outputs_driven: false,
  partner: '198.18.0.2',
  partner_last_heard_ms: 40,
  partner_role: 'active',
  reason: 'the partner is active (heartbeat every 100 ms)',
  role: 'standby',
  since: '2026-12-03T00:30:00Z',
  transitions: 1,
};
const active = { ...standby, outputs: 'active: this server drives the outputs (partner 198.18.0.2 is standby)', outputs_driven: true, partner_role: 'standby', role: 'active', reason: 'switched over by hand', transitions: 2 };

const read = (page) => page.evaluate(() => ({
  badgeVisible: !document.getElementById('standby-badge').hidden,
  badge: document.getElementById('standby-badge').textContent,
  panelVisible: !document.getElementById('standby-panel').hidden && !document.getElementById('home').hidden,
  outputs: document.getElementById('standby-outputs').textContent,
  button: document.getElementById('standby-switch').textContent,
  message: document.getElementById('standby-message').textContent,
}));

async function main() {
  const browser = await launchChromium();
  const result = { pageErrors: [], posts: 0 };
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('pageerror', (e) => result.pageErrors.push(String(e)));

    // The real server: standalone.
    await page.goto(`${base}/`);
    await page.waitForFunction(async () => (await fetch('/json/standby')).ok);
    await page.waitForTimeout(500);
    result.real = await read(page);
    result.realJson = await page.evaluate(async () => (await fetch('/json/standby')).json());

    // A standby server (the answers are this script's).
    let state = standby;
    let refuse = 'the partner 198.18.0.2 is not heard: handing over would leave the outputs dark';
    await page.route('**/json/standby', (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: JSON.stringify(state) }));
    await page.route('**/json/standby/switch', (route) => {
      result.posts++;
      result.postMethod = route.request().method();
      if (refuse) return route.fulfill({ status: 409, contentType: 'text/plain', body: refuse });
      state = active;
      return route.fulfill({ status: 200, contentType: 'text/plain', body: JSON.stringify(state) });
    });
    await page.reload();
    await page.waitForFunction(() => !document.getElementById('standby-badge').hidden, null, { timeout: 10000 });
    result.standby = await read(page);
    result.failures = await checkAtBothSizes(page, 'home page in standby');

    await page.goto(`${base}/#/plugins`);
    await page.waitForTimeout(300);
    result.pluginsPage = await read(page);
    await page.goto(`${base}/#/`);

    // Cancel: nothing sent.
    await page.locator('#standby-switch').click();
    await page.locator('#confirm-dialog[open]').waitFor({ timeout: 5000 });
    result.confirmTitle = await page.locator('#confirm-heading').textContent();
    await page.locator('#confirm-cancel').click();
    result.postsAfterCancel = result.posts;

    // OK, refused: the reason shows.
    await page.locator('#standby-switch').click();
    await page.locator('#confirm-ok').click();
    await page.waitForFunction(() => /Not switched/.test(document.getElementById('standby-message').textContent), null, { timeout: 10000 });
    result.refused = await read(page);

    // OK, accepted: the new role shows.
    refuse = null;
    await page.locator('#standby-switch').click();
    await page.locator('#confirm-ok').click();
    await page.waitForFunction(() => /^Active/.test(document.getElementById('standby-badge').textContent), null, { timeout: 10000 });
    result.switched = await read(page);
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

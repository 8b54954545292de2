#!/usr/bin/env node
// Licensed under the MIT License. See LICENSE in the repository root.
// The UART plugin page in Debian's Chromium (playwright-core), run inside the test's private network
// namespace (the browser only ever browses 127.0.0.1):
//   node plugins-test.js <base url> <device path>
// Opens the web UI, reaches the UART plugin's name in the plugin table with the keyboard and opens its page,
// types a bad break and saves (the error must appear next to the field, tied to it by aria-describedby, and
// nothing is written), then replaces the device with <device path>, enables the plugin and saves: the page
// must show the device running. Prints one JSON line with the findings; exits non-zero on failure.
'use strict';

const { launchChromium } = require('./launch');

const [base, device] = process.argv.slice(2);
if (!base || !base.startsWith('http://127.0.0.1:') || !device) {
  console.error('usage: plugins-test.js http://127.0.0.1:<port> <device path>');
  process.exit(2);
}

async function uartPage(page, result) {
  await page.goto(base + '/#/plugins');
  const link = page.locator('#plugin-list [data-plugin-settings="20"]');
  await link.waitFor({ state: 'visible', timeout: 10000 });
  // Keyboard: the name is a real button, reached by focus and opened with Enter.
  await link.focus();
  await page.keyboard.press('Enter');
  const section = page.locator('#plugin-page');
  await section.waitFor({ state: 'visible', timeout: 10000 });
  await page.locator('#plugin-page input[name="/dev/ttyACM0-break"]').waitFor({ timeout: 10000 });
  result.title = await page.locator('#plugin-page-title').textContent();
  result.confPath = await page.locator('#plugin-page-path').textContent();
  const before = await (await fetch(`${base}/json/plugin_settings?id=20`)).text();

  // A bad break: the server's message appears next to the field.
  const breakInput = page.locator('#plugin-page input[name="/dev/ttyACM0-break"]');
  result.breakLabel = await page.locator(`label[for="${await breakInput.getAttribute('id')}"]`).textContent();
  await breakInput.fill('10');
  await page.locator('#plugin-form button[type=submit]').click();
  const describedBy = (await breakInput.getAttribute('aria-describedby')).split(' ');
  const errorId = describedBy.find((id) => id.endsWith('-error'));
  const error = page.locator(`#${CSS_escape(errorId)}`);
  await error.waitFor({ state: 'visible', timeout: 10000 });
  result.breakError = await error.textContent();
  result.breakInvalid = await breakInput.getAttribute('aria-invalid');
  result.errorFocused = await breakInput.evaluate((e) => e === document.activeElement);
  result.messageAfterError = await page.locator('#plugin-page-message').textContent();
  result.unchangedAfterError = before === await (await fetch(`${base}/json/plugin_settings?id=20`)).text();
  if (!result.breakError.includes('88..1000000')) throw new Error(`break error: ${result.breakError}`);

  // The device, enabled: saved, the plugin restarts, the device runs.
  await breakInput.fill('100');
  await page.locator('#plugin-page textarea[name="device"]').fill(device);
  await page.locator('#plugin-page input[name="enabled"]').check();
  await page.locator('#plugin-form button[type=submit]').click();
  await page.waitForFunction(() => /Saved/.test(document.getElementById('plugin-page-message').textContent), null, { timeout: 15000 });
  result.savedMessage = await page.locator('#plugin-page-message').textContent();
  result.status = await page.locator('#plugin-page-status').textContent();
  result.legends = await page.locator('#plugin-page fieldset legend').allTextContents();
  result.errorsShown = await page.locator('#plugin-page .field-error:not([hidden])').count();
  if (!result.status.includes(device)) throw new Error(`status: ${result.status}`);
}

// CSS.escape for an id in a selector (ids here are [A-Za-z0-9_-] only, by construction).
function CSS_escape(id) {
  return id.replace(/[^A-Za-z0-9_-]/g, (c) => '\\' + c);
}

async function main() {
  const browser = await launchChromium();
  const result = {};
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    result.consoleErrors = [];
    // Script errors only: Chromium also logs every non-2xx answer (the expected 400, a favicon 404) as an error.
    page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) result.consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => result.consoleErrors.push(String(e)));
    await uartPage(page, result);
    result.ok = true;
  } catch (e) {
    result.ok = false;
    result.error = String(e && e.stack ? e.stack : e);
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(result));
  process.exit(result.ok ? 0 : 1);
}

main().catch((e) => { console.error(e); process.exit(1); });

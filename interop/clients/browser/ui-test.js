#!/usr/bin/env node
// Licensed under the MIT License. See LICENSE in the repository root.
// Drives OlaSharp's web UI in Debian's Chromium with playwright-core. Run inside the test's private
// network namespace: the browser only ever browses 127.0.0.1, with background networking off.
//   node ui-test.js <base url> <universe> <screenshot.png>
// Prints one JSON line with the measurements; exits non-zero on failure.
'use strict';

const { chromium } = require('playwright-core');
const { execFile } = require('node:child_process');

const [base, universeText, screenshot] = process.argv.slice(2);
const universe = Number(universeText);
if (!base || !base.startsWith('http://127.0.0.1:') || !Number.isInteger(universe) || !screenshot) {
  console.error('usage: ui-test.js http://127.0.0.1:<port> <universe> <screenshot.png>');
  process.exit(2);
}

async function getDmx() {
  const r = await fetch(`${base}/get_dmx?u=${universe}`);
  return (await r.json()).dmx;
}

function olaSetDmx(values) {
  return new Promise((resolve, reject) => {
    execFile('ola_set_dmx', ['-u', String(universe), '-d', values.join(',')], (err, stdout, stderr) => (err ? reject(new Error(`ola_set_dmx: ${err.message} ${stderr}`)) : resolve()));
  });
}

async function main() {
  // launch() gives Chromium a fresh, empty temp profile (--user-data-dir) and removes it on close.
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const result = {};
  const pageErrors = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('request', (req) => {
      if (!req.url().startsWith(base) && !req.url().startsWith('data:')) pageErrors.push(`request outside the server: ${req.url()}`);
    });

    // 1. Load the UI and see the universe.
    await page.goto(`${base}/`);
    const item = page.locator(`#universe-list li[data-id="${universe}"]`);
    await item.waitFor({ timeout: 10000 });
    await item.click();
    await page.locator('#universe-id', { hasText: String(universe) }).waitFor({ timeout: 10000 });
    result.universeListed = await item.textContent();
    result.outputPorts = await page.locator('#port-list tbody tr').count();

    // 2. Frames from ola_set_dmx (OLA RPC) appear in the live view; measure how fast, five times. This runs
    //    before the slider adds the HTTP source: olasharpd re-merges when the RPC client disconnects
    //    (olad does not), so with the HTTP source present the slider's frame would come back at once.
    const latencies = [];
    for (let n = 1; n <= 5; n++) {
      const values = [n * 10, n * 20, n * 30];
      const start = performance.now();
      await olaSetDmx(values);
      const sent = performance.now();
      await page.waitForFunction((v) => [1, 2, 3].every((c, i) => document.getElementById(`slot-${c}`).textContent === String(v[i])), values, { polling: 'raf', timeout: 5000 });
      latencies.push({ fromSpawnMs: Math.round(performance.now() - start), fromExitMs: Math.round(performance.now() - sent) });
    }
    result.liveLatencies = latencies;

    // 3. Move the first slider to 200: the slot changes in /get_dmx and in the live view.
    const slider = page.locator('input.slider[data-channel="1"]');
    await slider.waitFor({ timeout: 10000 });
    await slider.fill('200');
    let dmx = [];
    for (let i = 0; i < 100 && dmx[0] !== 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      dmx = await getDmx();
    }
    if (dmx[0] !== 200) throw new Error(`slider: /get_dmx shows ${JSON.stringify(dmx)}, not 200 in slot 1`);
    result.sliderGetDmx = dmx.slice(0, 4);
    await page.locator('#slot-1', { hasText: '200' }).waitFor({ timeout: 5000 });

    // 4. Name the universe and set its merge mode in the UI: /json/universe_info shows both.
    await page.fill('#universe-name', 'Named in the browser');
    await page.selectOption('#universe-merge', 'HTP');
    await page.click('#universe-settings button[type=submit]');
    let info = {};
    for (let i = 0; i < 100 && info.name !== 'Named in the browser'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      info = await (await fetch(`${base}/json/universe_info?id=${universe}`)).json();
    }
    if (info.name !== 'Named in the browser' || info.merge_mode !== 'HTP') throw new Error(`naming: universe_info shows ${JSON.stringify(info)}`);
    await page.locator(`#universe-list li[data-id="${universe}"]`, { hasText: 'Named in the browser' }).waitFor({ timeout: 5000 });
    result.renamed = info.name;
    result.mergeMode = info.merge_mode;

    // The sources table refreshes every second; the slider made the HTTP source.
    await page.locator('#source-list tbody tr').first().waitFor({ timeout: 5000 });
    result.sources = await page.locator('#source-list tbody tr').count();
    await page.screenshot({ path: screenshot, fullPage: true });
    result.screenshot = screenshot;
    if (pageErrors.length > 0) throw new Error(`page errors: ${pageErrors.join('; ')}`);
    result.ok = true;
  } catch (e) {
    result.ok = false;
    result.error = String(e && e.stack ? e.stack : e);
    result.pageErrors = pageErrors;
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(result));
  process.exit(result.ok ? 0 : 1);
}

main().catch((e) => { console.error(e); process.exit(1); });

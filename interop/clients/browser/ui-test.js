#!/usr/bin/env node
// Licensed under the MIT License. See LICENSE in the repository root.
// Drives OlaSharp's web UI in Debian's Chromium with playwright-core. Run inside the test's private
// network namespace: the browser only ever browses 127.0.0.1, with background networking off.
//   node ui-test.js <base url> <universe> <screenshot dir>
// The server needs: universe <universe> with the dummy output 1-O-0 patched, an Art-Net device on loopback
// (use_loopback = true) whose input 2-I-0 is free, and port 6454 on 127.0.0.1 (the namespace's own).
// Prints one JSON line with the measurements; exits non-zero on failure.
//
// The pages checked with axe-core and for sideways scrolling, at 1280x900 and 390x844, are VIEWS below; add a
// page there (or pass more as JSON in OLASHARP_UI_VIEWS: [{"name", "hash", "ready"}]).
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const dgram = require('node:dgram');
const { launchChromium } = require('./launch');
const { SIZES, runAxe, isBad, sideways } = require('./page-checks');
const { execFile } = require('node:child_process');

const [base, universeText, shotDir] = process.argv.slice(2);
const universe = Number(universeText);
if (!base || !base.startsWith('http://127.0.0.1:') || !Number.isInteger(universe) || !shotDir) {
  console.error('usage: ui-test.js http://127.0.0.1:<port> <universe> <screenshot dir>');
  process.exit(2);
}

// name: file name part; hash: the page's address after '/'; ready: a selector that shows the page has loaded.
const VIEWS = [
  { name: 'home', hash: '#/', ready: '#universe-list button' },
  { name: 'universe', hash: `#/universe/${universe}`, ready: '#port-list tbody tr' },
  { name: 'plugins', hash: '#/plugins', ready: '#plugin-list tbody tr' },
  { name: 'plugin-dummy', hash: '#/plugin-page/1', ready: '#plugin-fields input' },
  { name: 'plugin-grpc', hash: '#/plugin-page/grpc', ready: '#plugin-fields input' },
  { name: 'setup', hash: '#/setup', ready: '#setup-summary' },
  ...JSON.parse(process.env.OLASHARP_UI_VIEWS || '[]'),
];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function getDmx() {
  const r = await fetch(`${base}/get_dmx?u=${universe}`);
  return (await r.json()).dmx;
}

async function waitDmx(test, what) {
  let dmx = [];
  for (let i = 0; i < 100; i++) {
    dmx = await getDmx();
    if (test(dmx)) return dmx;
    await sleep(50);
  }
  throw new Error(`${what}: /get_dmx shows ${dmx.length} slots ${JSON.stringify(dmx.slice(0, 8))}…`);
}

function olaSetDmx(values) {
  return new Promise((resolve, reject) => {
    execFile('ola_set_dmx', ['-u', String(universe), '-d', values.join(',')], (err, stdout, stderr) => (err ? reject(new Error(`ola_set_dmx: ${err.message} ${stderr}`)) : resolve()));
  });
}

// ------------------------------------------------------------------ an Art-Net sender on 127.0.0.2
function artDmx(portAddress, sequence, data) {
  const b = Buffer.alloc(18 + data.length);
  b.write('Art-Net\0', 0, 'latin1');
  b.writeUInt16LE(0x5000, 8);
  b.writeUInt16BE(14, 10);
  b[12] = sequence; b[13] = 0;
  b.writeUInt16LE(portAddress & 0x7FFF, 14);
  b.writeUInt16BE(data.length, 16);
  Buffer.from(data).copy(b, 18);
  return b;
}

function artPollReply(ip, shortName, longName, portAddress) {
  const b = Buffer.alloc(239);
  b.write('Art-Net\0', 0, 'latin1');
  b.writeUInt16LE(0x2100, 8);
  ip.split('.').forEach((o, i) => { b[10 + i] = Number(o); });
  b.writeUInt16LE(0x1936, 14);
  b[18] = (portAddress >> 8) & 0x7F; b[19] = (portAddress >> 4) & 0x0F;
  b.write(shortName, 26, 17, 'latin1');
  b.write(longName, 44, 63, 'latin1');
  b.writeUInt16BE(1, 172);
  b[174] = 0x40; // an input port: it sends DMX onto the network
  b[186] = portAddress & 0x0F;
  b[211] = 1;
  return b;
}

async function withArtNetSender(fn) {
  const sock = dgram.createSocket('udp4');
  await new Promise((resolve, reject) => { sock.once('error', reject); sock.bind(6454, '127.0.0.2', resolve); });
  const send = (b) => new Promise((resolve, reject) => sock.send(b, 6454, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
  try {
    return await fn(send);
  } finally {
    sock.close();
  }
}

// ------------------------------------------------------------------ checks on every view
async function checkViews(context, result, failures) {
  result.views = [];
  for (const size of SIZES) {
    const page = await context.newPage();
    await page.setViewportSize({ width: size.width, height: size.height });
    for (const view of VIEWS) {
      await page.goto(`${base}/${view.hash}`);
      await page.locator(view.ready).first().waitFor({ timeout: 10000 });
      await sleep(300); // a live frame and the first sources refresh
      const violations = await runAxe(page);
      const bad = violations.filter(isBad);
      const w = await sideways(page);
      const shot = path.join(shotDir, `${view.name}-${size.name}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      result.views.push({ view: view.name, size: size.name, violations: violations.map((v) => `${v.impact}:${v.id}`), ...w, screenshot: shot });
      if (bad.length > 0) failures.push(`${view.name} at ${size.name}: axe ${JSON.stringify(bad)}`);
      if (w.scrollWidth > w.clientWidth) failures.push(`${view.name} at ${size.name}: scrolls sideways (${w.scrollWidth} > ${w.clientWidth})`);
    }
    await page.close();
  }
}

async function main() {
  fs.mkdirSync(shotDir, { recursive: true });
  // launch() gives Chromium a fresh, empty temp profile (--user-data-dir) and removes it on close.
  const browser = await launchChromium();
  const result = {};
  const pageErrors = [];
  const failures = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.on('page', (p) => {
      p.on('pageerror', (e) => pageErrors.push(String(e)));
      p.on('request', (req) => {
        if (!req.url().startsWith(base) && !req.url().startsWith('data:')) pageErrors.push(`request outside the server: ${req.url()}`);
      });
    });
    const page = await context.newPage();

    // 1. Load the UI; the universe list is reached with Tab and Enter opens the universe.
    await page.goto(`${base}/`);
    const item = page.locator(`#universe-list button[data-id="${universe}"]`);
    await item.waitFor({ timeout: 10000 });
    let tabs = 0;
    for (; tabs < 30; tabs++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement?.matches('#universe-list button') ?? false)) break;
    }
    if (tabs === 30) throw new Error('Tab never reached the universe list');
    result.tabsToUniverseList = tabs + 1;
    result.focusVisible = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle !== 'none');
    if (!result.focusVisible) failures.push('the focused universe button shows no outline');
    await item.focus();
    await page.keyboard.press('Enter');
    await page.locator('#universe-id', { hasText: String(universe) }).waitFor({ timeout: 10000 });
    result.universeListed = (await item.textContent()).replace(/\s+/g, ' ').trim();
    result.outputPorts = await page.locator('#port-list tbody tr').count();
    result.header = (await page.locator('#server-info').innerText()).replace(/\s+/g, ' ');
    for (const term of ['Host', 'IP', 'Config']) if (!result.header.includes(term)) failures.push(`header lacks ${term}: ${result.header}`);
    const icon = await page.evaluate(async () => {
      const href = document.querySelector('link[rel=icon]')?.href;
      if (!href) return null;
      const r = await fetch(href);
      return { status: r.status, type: r.headers.get('content-type'), svg: (await r.text()).startsWith('<svg') };
    });
    result.favicon = icon;
    if (!icon || icon.status !== 200 || icon.type !== 'image/svg+xml' || !icon.svg) failures.push(`favicon: ${JSON.stringify(icon)}`);
    result.gridCell5 = (await page.locator('#slot-5').locator('..').innerText()).replace(/\s+/g, ' ');
    if (!/^5\b/.test(result.gridCell5)) failures.push(`live grid cell 5 does not show its channel: ${result.gridCell5}`);

    // 2. Frames from ola_set_dmx (OLA RPC) appear in the live view; measure how fast, five times. This runs
    //    before the faders add the HTTP source: olasharpd re-merges when the RPC client disconnects
    //    (olad does not), so with the HTTP source present the fader's frame would come back at once.
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

    // 3. A fader keeps the whole frame: another client sets all 512 slots (after the page loaded its faders),
    //    then fader 3 moves; /get_dmx has 512 slots, slot 3 at 200 and every other slot unchanged.
    const pattern = Array.from({ length: 512 }, (_, i) => (i * 7 + 11) % 256);
    const setAll = await fetch(`${base}/set_dmx`, { method: 'POST', body: new URLSearchParams({ u: String(universe), d: pattern.join(',') }) });
    if (!setAll.ok) throw new Error(`set_dmx: ${setAll.status}`);
    await page.locator('#slot-512', { hasText: String(pattern[511]) }).waitFor({ timeout: 5000 });
    const fader = page.locator('input.slider[data-channel="3"]');
    await fader.fill('200');
    const expected = pattern.slice();
    expected[2] = 200;
    let dmx = await waitDmx((d) => d[2] === 200, 'fader 3');
    if (dmx.length !== 512 || dmx.some((v, i) => v !== expected[i])) {
      failures.push(`fader 3 changed more than slot 3: ${dmx.length} slots, first differences ${JSON.stringify(dmx.map((v, i) => [i + 1, v, expected[i]]).filter(([, v, e]) => v !== e).slice(0, 5))}`);
    }
    result.faderFrame = { slots: dmx.length, slot3: dmx[2], unchanged: dmx.filter((v, i) => i !== 2 && v === pattern[i]).length };
    await page.locator('#slot-3', { hasText: '200' }).waitFor({ timeout: 5000 });

    // 4. Blackout (no question), Undo, Full (asks first; Cancel keeps the frame), Blackout.
    await page.click('#blackout');
    dmx = await waitDmx((d) => d.length === 512 && d.every((v) => v === 0), 'blackout');
    result.blackout = dmx.length;
    await page.click('#undo');
    dmx = await waitDmx((d) => d.length === 512 && d.every((v, i) => v === expected[i]), 'undo after blackout');
    await page.click('#full');
    await page.locator('#confirm-dialog[open]').waitFor({ timeout: 5000 });
    await page.click('#confirm-cancel');
    await sleep(300);
    if ((await getDmx())[0] !== expected[0]) failures.push('Full went ahead although the question was cancelled');
    await page.click('#full');
    await page.locator('#confirm-dialog[open]').waitFor({ timeout: 5000 });
    await page.click('#confirm-ok');
    dmx = await waitDmx((d) => d.length === 512 && d.every((v) => v === 255), 'full');
    result.full = dmx.length;
    await page.click('#blackout');
    await waitDmx((d) => d.length === 512 && d.every((v) => v === 0), 'second blackout');

    // 5. Name the universe and set its merge mode in the UI: /json/universe_info shows both.
    await page.fill('#universe-name', 'Named in the browser');
    await page.selectOption('#universe-merge', 'HTP');
    await page.click('#universe-settings button[type=submit]');
    let info = {};
    // The server sets the name, then the merge mode: wait for both.
    for (let i = 0; i < 100 && (info.name !== 'Named in the browser' || info.merge_mode !== 'HTP'); i++) {
      await sleep(50);
      info = await (await fetch(`${base}/json/universe_info?id=${universe}`)).json();
    }
    if (info.name !== 'Named in the browser' || info.merge_mode !== 'HTP') throw new Error(`naming: universe_info shows ${JSON.stringify(info)}`);
    await page.locator(`#universe-list button[data-id="${universe}"]`, { hasText: 'Named in the browser' }).waitFor({ timeout: 5000 });
    result.renamed = info.name;
    result.mergeMode = info.merge_mode;

    // 5b. The failsafe box: capture the current look as a scene, set blackout 0.5 s after the last frame; the
    //     UI's own source (no timeout) stopped sending after step 4, so the box says it is acting; then back to
    //     hold (the rest of the test expects the sources' merge).
    await page.locator('#failsafe-box').scrollIntoViewIfNeeded();
    await page.fill('#scene-name', 'ui_look');
    await page.click('#scene-capture');
    await page.locator('#failsafe-message', { hasText: "Scene 'ui_look' captured" }).waitFor({ timeout: 5000 });
    let failsafe = await (await fetch(`${base}/json/universe/failsafe?id=${universe}`)).json();
    const captured = failsafe.scenes.find((x) => x.name === 'ui_look');
    if (!captured || captured.slots !== 512) failures.push(`capture: ${JSON.stringify(failsafe.scenes)}`);
    result.sceneCaptured = captured ? captured.slots : 0;
    await page.selectOption('#failsafe-mode', 'blackout');
    await page.fill('#failsafe-after', '0.5');
    await page.click('#failsafe-save');
    await page.locator('#failsafe-message', { hasText: 'Failsafe saved' }).waitFor({ timeout: 5000 });
    await page.locator('#failsafe-state', { hasText: /^In failsafe: blackout since \d\d:\d\d:\d\d$/ }).waitFor({ timeout: 5000 });
    result.failsafeLine = await page.locator('#failsafe-state').textContent();
    failsafe = await (await fetch(`${base}/json/universe/failsafe?id=${universe}`)).json();
    result.failsafeMode = failsafe.mode;
    result.failsafeAfterMs = failsafe.after_ms;
    if (!failsafe.in_failsafe) failures.push(`failsafe not acting: ${JSON.stringify(failsafe)}`);
    await page.screenshot({ path: path.join(shotDir, 'failsafe-desktop.png'), fullPage: true });
    await page.selectOption('#failsafe-mode', 'hold');
    await page.fill('#failsafe-after', '');
    await page.click('#failsafe-save');
    await page.locator('#failsafe-message', { hasText: 'Failsafe saved' }).waitFor({ timeout: 5000 });

    // 6. Patch the Art-Net input through the UI; an Art-Net node on 127.0.0.2 answers a poll with its names and
    //    sends: the sources list it by IP and short name; 10 s after it stops (Art-Net 4's merge timeout) it is
    //    listed as stopped, greyed, not dropped.
    await page.selectOption('#add-port', '2-I-0');
    await page.click('#add-port-button');
    await page.locator('#port-list tbody tr', { hasText: '2-I-0' }).waitFor({ timeout: 5000 });
    await withArtNetSender(async (send) => {
      await send(artPollReply('127.0.0.2', 'Desk node', 'Desk node in the browser test', universe));
      for (let s = 1; s <= 10; s++) {
        await send(artDmx(universe, s, [1, 2, 3, 4]));
        await sleep(100);
      }
    });
    const artRow = page.locator('#source-list tbody tr', { hasText: '127.0.0.2' });
    await artRow.waitFor({ timeout: 5000 });
    result.artNetSender = (await artRow.innerText()).replace(/\s+/g, ' ');
    if (!result.artNetSender.includes('Desk node')) failures.push(`the Art-Net sender's name is missing: ${result.artNetSender}`);
    // HTP (set in step 5): the live frame has the node's 1,2,3,4 on top of the UI's blackout. Fader 10 sends the
    // UI's own levels, not the merged frame: once the node has gone, slots 1-4 fall back to 0.
    await page.locator('#slot-4', { hasText: '4' }).waitFor({ timeout: 5000 });
    await page.locator('input.slider[data-channel="10"]').fill('50');
    await waitDmx((d) => d[9] === 50 && d[0] === 1, 'fader 10 in HTP');
    await page.locator('#source-list tbody tr.stopped', { hasText: '127.0.0.2' }).waitFor({ timeout: 20000 });
    dmx = await waitDmx((d) => d[0] === 0, 'HTP after the Art-Net node stopped');
    result.htpAfterNodeStopped = dmx.slice(0, 10);
    if (dmx.length !== 512 || dmx.slice(0, 4).some((v) => v !== 0) || dmx[9] !== 50) failures.push(`HTP: the fader held other sources' levels: ${JSON.stringify(dmx.slice(0, 10))}`);
    // The Art-Net sender's row (the earlier ola_set_dmx client's source may have stopped by now too).
    await page.locator('#source-list tbody tr.stopped', { hasText: '127.0.0.2' }).filter({ hasText: /stopped \d+ s ago/ }).waitFor({ timeout: 5000 });
    result.artNetStopped = (await page.locator('#source-list tbody tr.stopped', { hasText: '127.0.0.2' }).innerText()).replace(/\s+/g, ' ');
    if (!result.artNetStopped.includes('Desk node')) failures.push(`the stopped Art-Net sender lost its name: ${result.artNetStopped}`);
    await page.screenshot({ path: path.join(shotDir, 'sources-stopped-desktop.png'), fullPage: true });

    // 7. New universe with an id that exists: said so next to the field, nothing posted.
    await page.fill('#new-universe-id', String(universe));
    await page.click('#new-universe button[type=submit]');
    await page.locator('#new-universe-id-error', { hasText: `Universe ${universe} already exists` }).waitFor({ timeout: 5000 });
    result.alreadyExists = await page.locator('#new-universe-id-error').textContent();

    // 8. Unpatching an output asks first: Cancel keeps it, OK unpatches it.
    const unpatch = page.locator('button.unpatch[data-port="1-O-0"]');
    await unpatch.click();
    await page.locator('#confirm-dialog[open]').waitFor({ timeout: 5000 });
    result.unpatchQuestion = await page.locator('#confirm-message').textContent();
    const axeDialog = (await runAxe(page)).filter(isBad);
    if (axeDialog.length > 0) failures.push(`unpatch dialog: axe ${JSON.stringify(axeDialog)}`);
    await page.screenshot({ path: path.join(shotDir, 'unpatch-confirm-desktop.png') });
    await page.click('#confirm-cancel');
    await sleep(500);
    info = await (await fetch(`${base}/json/universe_info?id=${universe}`)).json();
    if (!info.output_ports.some((p) => p.id === '1-O-0')) failures.push('Cancel unpatched the output');
    await unpatch.click();
    await page.locator('#confirm-dialog[open]').waitFor({ timeout: 5000 });
    await page.click('#confirm-ok');
    for (let i = 0; i < 100 && info.output_ports.some((p) => p.id === '1-O-0'); i++) {
      await sleep(50);
      info = await (await fetch(`${base}/json/universe_info?id=${universe}`)).json();
    }
    if (info.output_ports.some((p) => p.id === '1-O-0')) failures.push('OK did not unpatch the output');
    result.unpatched = !info.output_ports.some((p) => p.id === '1-O-0');

    // 9. Every view at both sizes: axe-core (no critical or serious violation), no sideways scroll, screenshots.
    await checkViews(context, result, failures);

    if (pageErrors.length > 0) failures.push(`page errors: ${pageErrors.join('; ')}`);
    if (failures.length > 0) throw new Error(failures.join('\n'));
    result.ok = true;
  } catch (e) {
    result.ok = false;
    result.error = String(e && e.stack ? e.stack : e);
    result.failures = failures;
    result.pageErrors = pageErrors;
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(result));
  process.exit(result.ok ? 0 : 1);
}

main().catch((e) => { console.error(e); process.exit(1); });

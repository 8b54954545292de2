#!/usr/bin/env node
// Licensed under the MIT License. See LICENSE in the repository root.
// The HTTP API's guard in Debian's Chromium (playwright-core), run inside the test's private network
// namespace (the browser only ever browses 127.0.0.1):
//   node guard-test.js cross-site <base url> <universe>
//     A page served from another origin (this script's own HTTP server on another 127.0.0.1 port) tries to
//     change universe <universe>: an auto-submitted form POST to /set_dmx, no-cors fetches to /set_dmx,
//     /modify_universe and /new_universe, and a form in a sandboxed iframe (Origin: null). Reports what the
//     server answered and whether anything changed.
//   node guard-test.js token <base url> <universe> <token>
//     The server has auth_token set: the UI asks for the token on its first change (a wrong one is asked
//     again), the change applies, and after a reload the UI does not ask again.
// Prints one JSON line with the findings; exits non-zero on failure.
'use strict';

const http = require('node:http');
const { launchChromium } = require('./launch');

const [mode, base, universeText, token] = process.argv.slice(2);
const universe = Number(universeText);
if (!['cross-site', 'token'].includes(mode) || !base || !base.startsWith('http://127.0.0.1:') || !Number.isInteger(universe) || (mode === 'token' && !token)) {
  console.error('usage: guard-test.js cross-site|token http://127.0.0.1:<port> <universe> [token]');
  process.exit(2);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function state() {
  const dmx = (await (await fetch(`${base}/get_dmx?u=${universe}`)).json()).dmx;
  const info = await (await fetch(`${base}/json/universe_info?id=${universe}`)).json();
  const list = await (await fetch(`${base}/json/universe_plugin_list`)).json();
  return { dmx, name: info.name, mergeMode: info.merge_mode, universes: list.universes.map((u) => u.id) };
}

function evilPage() {
  const form = (id, path, fields) => `<form id="${id}" method="POST" action="${base}${path}" target="${id}-frame">${
    Object.entries(fields).map(([k, v]) => `<input name="${k}" value="${v}">`).join('')}</form><iframe name="${id}-frame"></iframe>`;
  const sandboxed = `<form method="POST" action="${base}/set_dmx"><input name="u" value="${universe}"><input name="d" value="33,33,33"></form><script>addEventListener('load', () => setTimeout(() => document.forms[0].submit(), 50))</script>`;
  return `<!doctype html><html><body><h1>A page that wants your lights</h1>
${form('f1', '/set_dmx', { u: universe, d: '255,255,255' })}
${form('f2', '/modify_universe', { id: universe, name: 'Owned', merge_mode: 'LTP' })}
<iframe sandbox="allow-forms allow-scripts" srcdoc="${sandboxed.replace(/"/g, '&quot;')}"></iframe>
<script>
const body = (o) => new URLSearchParams(o);
Promise.allSettled([
  fetch('${base}/set_dmx', { method: 'POST', mode: 'no-cors', body: body({ u: '${universe}', d: '77,77,77' }) }),
  fetch('${base}/modify_universe', { method: 'POST', mode: 'no-cors', body: body({ id: '${universe}', name: 'Owned by fetch' }) }),
  fetch('${base}/new_universe', { method: 'POST', mode: 'no-cors', body: body({ id: '99', name: 'Evil', add_ports: '1-O-0' }) }),
]).then(() => { document.getElementById('f1').submit(); document.getElementById('f2').submit(); document.title = 'sent'; });
</script></body></html>`;
}

async function crossSite(browser, result) {
  const server = http.createServer((req, res) => { res.writeHead(200, { 'Content-Type': 'text/html' }); res.end(evilPage()); });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const evil = `http://127.0.0.1:${server.address().port}`;
  try {
    const before = await state();
    result.before = before;
    const context = await browser.newContext();
    const page = await context.newPage();
    const answers = [];
    context.on('response', (r) => {
      if (r.url().startsWith(base) && r.request().method() === 'POST') answers.push({ path: new URL(r.url()).pathname, status: r.status() });
    });
    const browserLog = [];
    context.on('requestfailed', (r) => browserLog.push(`${r.method()} ${r.url()}: ${r.failure() && r.failure().errorText}`));
    page.on('console', (m) => browserLog.push(`console: ${m.text()}`));
    result.browserLog = browserLog;
    await page.goto(`${evil}/`);
    await page.waitForFunction(() => document.title === 'sent', null, { timeout: 10000 });
    // 3 fetches, 2 forms, 1 sandboxed form: wait for all six answers.
    for (let i = 0; i < 400 && answers.length < 6; i++) await sleep(50);
    result.evilOrigin = evil;
    result.answers = answers;
    if (answers.length < 6) throw new Error(`only ${answers.length} of 6 requests reached the server: ${JSON.stringify(answers)}`);
    const refused = answers.filter((a) => a.status === 403).length;
    if (refused !== answers.length) throw new Error(`not all refused: ${JSON.stringify(answers)}`);
    await sleep(300);
    const after = await state();
    result.after = after;
    if (JSON.stringify(after) !== JSON.stringify(before)) throw new Error(`state changed: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
  } finally {
    server.close();
  }
}

async function dialogOpen(page) {
  return page.evaluate(() => document.getElementById('token-dialog').open);
}

async function moveSlider(page, value) {
  const slider = page.locator('input.slider[data-channel="1"]');
  await slider.waitFor({ timeout: 10000 });
  await slider.fill(String(value));
}

async function waitSlot(value) {
  let dmx = [];
  for (let i = 0; i < 100 && dmx[0] !== value; i++) {
    await sleep(50);
    dmx = (await (await fetch(`${base}/get_dmx?u=${universe}`)).json()).dmx;
  }
  return dmx[0] === value;
}

async function tokenFlow(browser, result) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const statuses = [];
  page.on('response', (r) => { if (r.request().method() === 'POST') statuses.push(r.status()); });
  await page.goto(`${base}/`);
  await page.locator(`#universe-list button[data-id="${universe}"]`).click();

  // First change: 401, the dialog asks; a wrong token is refused and asked again; the right one applies.
  await moveSlider(page, 111);
  await page.locator('#token-dialog[open]').waitFor({ timeout: 10000 });
  result.firstPrompt = await page.locator('#token-message').textContent();
  await page.fill('#token-input', 'not-the-token');
  await page.click('#token-ok');
  await page.locator('#token-dialog[open]').waitFor({ timeout: 10000 });
  result.wrongTokenPrompt = await page.locator('#token-message').textContent();
  if (!/refused/.test(result.wrongTokenPrompt)) throw new Error(`after a wrong token the dialog says: ${result.wrongTokenPrompt}`);
  await page.fill('#token-input', token);
  await page.click('#token-ok');
  if (!(await waitSlot(111))) throw new Error('the slider change never applied after the token was entered');
  result.appliedAfterToken = true;
  result.statusesBeforeReload = [...statuses];

  // After a reload the token is remembered: no dialog, the change and a rename apply.
  await page.reload();
  await page.locator(`#universe-list button[data-id="${universe}"]`).click();
  statuses.length = 0;
  await moveSlider(page, 222);
  if (!(await waitSlot(222))) throw new Error('after the reload the slider change did not apply');
  await page.fill('#universe-name', 'Renamed with the token');
  await page.click('#universe-settings button[type=submit]');
  let name = '';
  for (let i = 0; i < 100 && name !== 'Renamed with the token'; i++) {
    await sleep(50);
    name = (await (await fetch(`${base}/json/universe_info?id=${universe}`)).json()).name;
  }
  if (name !== 'Renamed with the token') throw new Error(`rename after reload: ${name}`);
  result.askedAfterReload = await dialogOpen(page);
  result.statusesAfterReload = [...statuses];
  if (result.askedAfterReload || statuses.some((s) => s !== 200)) throw new Error(`asked again after reload: ${JSON.stringify(statuses)}`);
  result.storedToken = (await page.evaluate(() => localStorage.getItem('olasharp.token'))) === token;
}

async function main() {
  // Keeps the sandboxed iframe in the page's process, so playwright reliably sees its request's answer.
  const browser = await launchChromium(['--disable-features=IsolateSandboxedIframes']);
  const result = { mode };
  try {
    if (mode === 'cross-site') await crossSite(browser, result);
    else await tokenFlow(browser, result);
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

// Licensed under the MIT License. See LICENSE in the repository root.
// OlaSharp web UI: plain JS over OLA's JSON API, with the live view on server-sent events (/live).
'use strict';

const $ = (sel) => document.querySelector(sel);
const state = { universe: null, live: null, frame: [], faders: new Array(512).fill(0), fadersLoaded: false, sending: false, pending: false, sourceFrames: new Map(), settingsEdited: false };

async function getJson(url) {
  const r = await fetch(url, { cache: 'no-store' });
  if (!r.ok) throw new Error(`${url}: ${r.status} ${(await r.text()).replace(/<[^>]+>/g, ' ').trim()}`);
  return r.json();
}

// Every request that changes state goes through send(): when the server has an API token (auth_token in
// ola-grpc.conf) it answers 401, the UI asks for the token once, keeps it in localStorage and sends it as
// "Authorization: Bearer <token>" from then on; a wrong token asks again.
const TOKEN_KEY = 'olasharp.token';
let tokenPrompt = null;

async function send(url, init = {}) {
  for (;;) {
    const token = localStorage.getItem(TOKEN_KEY);
    const r = await fetch(url, { cache: 'no-store', ...init, headers: token ? { Authorization: `Bearer ${token}` } : {} });
    if (r.status !== 401) return r;
    // Another request's prompt changed the token while this one was on its way: retry with the new one.
    if (localStorage.getItem(TOKEN_KEY) !== token) continue;
    const entered = await askToken(token !== null);
    if (!entered) return r;
    localStorage.setItem(TOKEN_KEY, entered);
  }
}

// One dialog for all the requests refused at the same time (the faders send many); null when cancelled.
function askToken(wrong) {
  tokenPrompt ??= new Promise((resolve) => {
    const dialog = $('#token-dialog');
    $('#token-message').textContent = wrong ? 'That token was refused. Enter the API token again:' : 'This server needs its API token (auth_token in ola-grpc.conf) to change anything:';
    $('#token-input').value = '';
    dialog.returnValue = '';
    dialog.addEventListener('close', () => {
      tokenPrompt = null;
      resolve(dialog.returnValue === 'ok' ? $('#token-input').value.trim() : null);
    }, { once: true });
    dialog.showModal();
  });
  return tokenPrompt;
}

async function post(url, fields) {
  const r = await send(url, { method: 'POST', body: new URLSearchParams(fields) });
  const text = await r.text();
  if (!r.ok) throw new Error(text.replace(/<[^>]+>/g, ' ').trim());
  return text;
}

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, props);
  for (const c of children) e.append(c);
  return e;
}

async function loadServer() {
  const s = await getJson('/json/server_stats');
  $('#server-info').textContent = `${s.instance_name} · OLA API ${s.version} · up since ${s.up_since}`;
}

async function loadLists() {
  const list = await getJson('/json/universe_plugin_list');
  const ul = $('#universe-list');
  ul.replaceChildren(...list.universes.map((u) => {
    const li = el('li', { textContent: `${u.id}: ${u.name} (${u.input_ports} in, ${u.output_ports} out)` });
    li.dataset.id = u.id;
    if (u.id === state.universe) li.classList.add('selected');
    li.addEventListener('click', () => selectUniverse(u.id));
    return li;
  }));
  $('#plugin-list tbody').replaceChildren(...list.plugins.map((p) => {
    const box = el('input', { type: 'checkbox', checked: p.enabled });
    box.dataset.plugin = p.id;
    box.addEventListener('change', async () => {
      await post('/set_plugin_state', { plugin_id: p.id, state: box.checked ? 'true' : 'false' });
      await loadLists();
    });
    return el('tr', {}, el('td', { textContent: p.id }), el('td', {}, window.olasharpPluginLink ? window.olasharpPluginLink(p) : p.name), el('td', { textContent: p.active ? 'yes' : 'no' }), el('td', {}, box));
  }));
  await fillPortSelect($('#new-universe-port'), '/json/get_ports');
  if (state.universe === null && list.universes.length > 0) selectUniverse(list.universes[0].id);
}

async function fillPortSelect(select, url) {
  const ports = await getJson(url);
  select.replaceChildren(el('option', { value: '', textContent: '(none)' }),
    ...ports.map((p) => el('option', { value: p.id, textContent: `${p.id} ${p.is_output ? 'out' : 'in'}: ${p.device} · ${p.description}` })));
}

// Ports with a priority capability get an editor (modify_universe's modify_ports, as OLA's UI does).
function priorityEditor(p) {
  if (!p.priority || p.priority.current_mode === undefined) return '';
  const mode = el('select', {}, el('option', { value: 'static', textContent: 'static' }));
  if (p.priority.priority_capability === 'full') mode.append(el('option', { value: 'inherit', textContent: 'inherit' }));
  mode.value = p.priority.current_mode;
  const value = el('input', { type: 'number', min: 0, max: 200, value: p.priority.value, size: 4 });
  const set = el('button', { type: 'button', textContent: 'Set' });
  set.addEventListener('click', () => modify({ modify_ports: p.id, [`${p.id}_priority_mode`]: mode.value, [`${p.id}_priority_value`]: value.value }));
  return el('span', {}, mode, value, set);
}

// The selected universe's JSON at path (?id=N) with its id, or null when none is selected or the request
// fails (onError, if given, gets the message).
async function universeJson(path, onError) {
  const id = state.universe;
  if (id === null) return null;
  try {
    return { id, data: await getJson(`${path}?id=${id}`) };
  } catch (e) {
    if (onError) onError(e.message);
    return null;
  }
}

async function loadUniverse() {
  const got = await universeJson('/json/universe_info', (message) => { $('#universe-message').textContent = message; });
  if (!got) return;
  const { id, data: info } = got;
  $('#universe-id').textContent = id;
  // A reload that lands while the user edits the name or merge mode must not undo the edit before it is saved.
  if (!state.settingsEdited) {
    if (document.activeElement !== $('#universe-name')) $('#universe-name').value = info.name;
    $('#universe-merge').value = info.merge_mode;
  }
  const rows = [...info.input_ports, ...info.output_ports].map((p) => {
    const remove = el('button', { type: 'button', textContent: 'Unpatch' });
    remove.addEventListener('click', () => modify({ remove_ports: p.id }));
    return el('tr', {}, el('td', { textContent: `${p.id} ${p.is_output ? 'out' : 'in'}` }), el('td', { textContent: p.device }), el('td', { textContent: p.description }), el('td', {}, priorityEditor(p)), el('td', {}, remove));
  });
  $('#port-list tbody').replaceChildren(...rows);
  await fillPortSelect($('#add-port'), `/json/get_ports?id=${id}`);
}

async function loadSources() {
  const got = await universeJson('/json/universe_sources');
  if (!got) return;
  const { data: s } = got;
  const now = performance.now();
  const rate = (key, count) => {
    const prev = state.sourceFrames.get(key);
    state.sourceFrames.set(key, { frames: count, at: now });
    return prev ? ((count - prev.frames) * 1000) / (now - prev.at) : 0;
  };
  const seenText = (ms) => (ms < 0 ? 'never' : `${(ms / 1000).toFixed(1)} s ago`);
  const rows = [];
  for (const src of s.sources) {
    const fps = rate(`${src.kind}/${src.name}`, src.frames);
    const row = el('tr', {}, el('td', { textContent: src.kind }), el('td', { textContent: src.name }), el('td', { textContent: src.priority }), el('td', { textContent: fps.toFixed(1) }), el('td', { textContent: seenText(src.last_seen_ms) }));
    if (!src.active) row.classList.add('message');
    rows.push(row);
    // Senders a port merges itself (sACN CIDs): one row each, under the port's source.
    for (const b of src.senders || []) {
      const who = `${b.name}${b.address ? ` @ ${b.address}` : ''}${b.slot_priorities ? ' (0xDD)' : ''}`;
      const senderRow = el('tr', { className: 'sender' }, el('td', { textContent: `${src.kind} sender` }), el('td', { textContent: who }), el('td', { textContent: b.priority }), el('td', { textContent: rate(`${src.kind}/${src.name}/${b.id}`, b.packets).toFixed(1) }), el('td', { textContent: seenText(b.last_seen_ms) }));
      rows.push(senderRow);
    }
  }
  $('#source-list tbody').replaceChildren(...rows);
}

async function modify(extra) {
  const fields = { id: state.universe, name: $('#universe-name').value, merge_mode: $('#universe-merge').value, ...extra };
  try {
    await post('/modify_universe', fields);
    state.settingsEdited = false;
    $('#universe-message').textContent = 'saved';
  } catch (e) {
    $('#universe-message').textContent = e.message;
  }
  await loadLists();
  await loadUniverse();
}

function buildGrid() {
  const grid = $('#dmx-grid');
  const cells = [];
  for (let i = 1; i <= 512; i++) {
    const c = el('div', { id: `slot-${i}`, title: `channel ${i}`, textContent: '-' });
    c.classList.add('absent');
    cells.push(c);
  }
  grid.replaceChildren(...cells);
}

function showFrame(dmx) {
  state.frame = dmx;
  for (let i = 0; i < 512; i++) {
    const c = document.getElementById(`slot-${i + 1}`);
    const v = i < dmx.length ? dmx[i] : null;
    const text = v === null ? '-' : String(v);
    if (c.textContent !== text) {
      c.textContent = text;
      c.classList.toggle('absent', v === null);
      c.classList.toggle('set', v !== null && v > 0);
      c.style.setProperty('--level', `${((v ?? 0) * 100) / 255}%`);
    }
  }
  if (!state.fadersLoaded) {
    state.fadersLoaded = true;
    dmx.forEach((v, i) => { state.faders[i] = v; });
    buildFaders();
  }
}

function openLive(id) {
  if (state.live) state.live.close();
  const es = new EventSource(`/live?u=${id}`);
  state.live = es;
  es.onmessage = (e) => {
    const msg = JSON.parse(e.data);
    $('#live-state').textContent = `${msg.dmx.length} slots`;
    showFrame(msg.dmx);
  };
  es.addEventListener('missing', () => { $('#live-state').textContent = 'universe does not exist'; showFrame([]); });
  es.onerror = () => { $('#live-state').textContent = 'reconnecting…'; };
}

function buildFaders() {
  const start = Math.min(497, Math.max(1, Number($('#fader-start').value) || 1));
  const faders = [];
  for (let ch = start; ch < start + 16; ch++) {
    const input = el('input', { type: 'range', min: 0, max: 255, value: state.faders[ch - 1] });
    input.classList.add('slider');
    input.dataset.channel = ch;
    const value = el('span', { textContent: state.faders[ch - 1] });
    input.addEventListener('input', () => {
      state.faders[ch - 1] = Number(input.value);
      value.textContent = input.value;
      sendFaders(ch);
    });
    faders.push(el('label', {}, value, input, el('span', { textContent: ch })));
  }
  $('#faders').replaceChildren(...faders);
}

// One request in flight; moves during it collapse into one more request with the latest values.
async function sendFaders(channel) {
  state.length = Math.max(state.length ?? 0, channel, state.frame.length);
  if (state.sending) { state.pending = true; return; }
  state.sending = true;
  try {
    do {
      state.pending = false;
      await post('/set_dmx', { u: state.universe, d: state.faders.slice(0, state.length).join(',') });
    } while (state.pending);
  } catch (e) {
    $('#live-state').textContent = e.message;
  } finally {
    state.sending = false;
  }
}

function selectUniverse(id) {
  state.universe = id;
  state.fadersLoaded = false;
  state.length = 0;
  state.sourceFrames.clear();
  state.settingsEdited = false;
  $('#universe').hidden = false;
  for (const li of document.querySelectorAll('#universe-list li')) li.classList.toggle('selected', Number(li.dataset.id) === id);
  buildGrid();
  openLive(id);
  loadUniverse();
  loadSources();
}

$('#universe-settings').addEventListener('submit', (e) => { e.preventDefault(); modify({}); });
$('#universe-name').addEventListener('input', () => { state.settingsEdited = true; });
$('#universe-merge').addEventListener('change', () => { state.settingsEdited = true; });
$('#add-port-button').addEventListener('click', () => { const p = $('#add-port').value; if (p) modify({ add_ports: p }); });
$('#fader-start').addEventListener('change', buildFaders);
$('#reload').addEventListener('click', async () => { await send('/reload'); await loadLists(); await loadUniverse(); });
$('#new-universe').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  try {
    const r = JSON.parse(await post('/new_universe', { id: f.get('id'), name: f.get('name'), add_ports: f.get('add_ports') }));
    $('#new-universe-message').textContent = r.ok ? `universe ${r.universe} created` : r.message;
    await loadLists();
    if (r.ok) selectUniverse(r.universe);
  } catch (err) {
    $('#new-universe-message').textContent = err.message;
  }
});

loadServer();
loadLists();
// Sources and ports change rarely; a slow refresh is enough (the slots come over /live).
setInterval(() => { loadSources(); }, 1000);
setInterval(() => { loadLists(); }, 5000);

// Notices (/json/notices): things the user can fix, e.g. Art-Net arriving for a universe no input port listens to.
async function loadNotices() {
  let n;
  try {
    n = await getJson('/json/notices');
  } catch {
    return;
  }
  const box = $('#notices');
  box.hidden = n.notices.length === 0;
  box.replaceChildren(...n.notices.map((x) => el('p', { className: 'notice', textContent: `${x.message} (${x.count} packets, last ${(x.last_seen_ms / 1000).toFixed(1)} s ago)` })));
}
loadNotices();
setInterval(loadNotices, 2000);

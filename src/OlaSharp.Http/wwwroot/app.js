// Licensed under the MIT License. See LICENSE in the repository root.
// OlaSharp web UI: plain JS over OLA's JSON API, with the live view on server-sent events (/live).
//
// For the other scripts of the UI (health.js, setup.js, plugins.js): load them after app.js and use
// window.olasharp instead of copying these:
//   olasharp.getJson(url)          GET, parsed JSON; throws Error(message) on a non-2xx answer
//   olasharp.post(url, fields)     POST a form (object of fields) with the API token; the reply's text;
//                                  throws Error(server's text) on a non-2xx answer
//   olasharp.send(url, init)       fetch() that adds the API token (asks the user once on 401)
//   olasharp.el(tag, props, ...children)   createElement + Object.assign(props) + append(children)
//   olasharp.field(id, label, input, help)  a form field: <div class="field"> label, input, help, error text
//   olasharp.setFieldError(input, text)     error text next to a field made by field() ('' clears it)
//   olasharp.confirm(title, message, okText) a modal confirmation; resolves true/false
//   olasharp.notice(text, kind)    a line in the notices box under the header (kind: 'error' | 'ok' | '')
//   olasharp.addPage(name, linkText, show)  a page: <section class="page" id=name> in <main>, shown at
//                                  #/name[/arg] by calling show(arg); linkText (optional) adds a nav link
//   olasharp.addNavLink(href, text)         a link in the header's nav
// Shared CSS classes (app.css): .card, .form, .field (label + input + .help + .field-error), .row (fields
// side by side), .actions, table.stack (rows stack into label/value pairs on phones; td data-label),
// .notice (.error, .ok), .muted, .message, .danger (buttons), .sr-only.
'use strict';

const $ = (sel) => document.querySelector(sel);
const SLOTS = 512;
const state = {
  universe: null,
  live: null,
  frame: [],
  edits: new Map(), // channel -> { value, at }: fader moves not yet seen in a live frame
  sending: false,
  pending: false,
  undo: null,
  own: null, // HTP: the levels the UI last sent (its source's own frame)
  mergeMode: 'LTP',
  sourceFrames: new Map(),
  seenSources: new Map(), // key -> { row data, lastActive }: keeps stopped senders listed for a while
  settingsEdited: false,
  universes: [],
};
// A sender that stops stays listed, greyed, this long (then it is forgotten).
const FORGET_STOPPED_MS = 60000;

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
  if (!r.ok) throw new Error(text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim());
  return text;
}

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, props);
  for (const c of children) e.append(c);
  return e;
}

// A table cell with the column's name for the phone layout (table.stack shows it before the value).
function td(label, ...children) {
  const c = el('td', {}, ...children);
  c.dataset.label = label;
  return c;
}

let fieldCount = 0;
function field(id, label, input, help) {
  input.id ||= id || `field-${++fieldCount}`;
  const error = el('p', { className: 'field-error', id: `${input.id}-error` });
  const described = [error.id];
  const parts = [el('label', { htmlFor: input.id, textContent: label }), input];
  if (help) {
    const h = el('p', { className: 'help', id: `${input.id}-help`, textContent: help });
    described.unshift(h.id);
    parts.push(h);
  }
  input.setAttribute('aria-describedby', described.join(' '));
  parts.push(error);
  return el('div', { className: 'field' }, ...parts);
}

function setFieldError(input, text) {
  const error = document.getElementById(`${input.id}-error`);
  if (error) error.textContent = text || '';
  if (text) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

// A modal yes/no; resolves true when confirmed.
function confirmDialog(title, message, okText = 'OK') {
  return new Promise((resolve) => {
    const dialog = $('#confirm-dialog');
    $('#confirm-heading').textContent = title;
    $('#confirm-message').textContent = message;
    $('#confirm-ok').textContent = okText;
    dialog.returnValue = '';
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.showModal();
    $('#confirm-cancel').focus();
  });
}

function notice(text, kind = '') {
  const box = $('#ui-notices') ?? $('#notices').parentNode.insertBefore(el('div', { id: 'ui-notices', className: 'notices', role: 'status' }), $('#notices'));
  const p = el('p', { className: `notice ${kind}`.trim(), textContent: text });
  const close = el('button', { type: 'button', className: 'link', textContent: 'Dismiss' });
  close.addEventListener('click', () => p.remove());
  p.append(' ', close);
  box.append(p);
  return p;
}

// ------------------------------------------------------------------ pages and navigation
const pages = new Map([['home', () => {}], ['plugins', () => {}]]);

function addNavLink(href, text) {
  const a = el('a', { href, textContent: text });
  $('#nav-links').append(el('li', {}, a));
  return a;
}

function addPage(name, linkText, show) {
  pages.set(name, show || (() => {}));
  if (linkText) addNavLink(`#/${name}`, linkText).dataset.page = name;
  route();
}

function showPage(name) {
  for (const s of document.querySelectorAll('main > section.page')) s.hidden = s.id !== name;
  for (const a of document.querySelectorAll('#nav-links a')) {
    if (a.dataset.page === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

// #/ (home), #/universe/N (home with universe N open), #/<page>[/<arg>].
function route() {
  const [, name = '', arg] = location.hash.split('/');
  if (name === '' || name === 'universe') {
    showPage('home');
    if (name === 'universe' && arg !== undefined && Number(arg) !== state.universe) selectUniverse(Number(arg));
    return;
  }
  if (pages.has(name) && document.getElementById(name)) {
    showPage(name);
    pages.get(name)(arg === undefined ? undefined : decodeURIComponent(arg));
  }
}

window.addEventListener('hashchange', route);

// ------------------------------------------------------------------ server, lists
async function loadServer() {
  const s = await getJson('/json/server_stats');
  const item = (term, value, cls) => [el('dt', { textContent: term, className: cls || '' }), el('dd', { textContent: value, className: cls || '' })];
  $('#server-info').replaceChildren(
    ...item('Host', s.hostname || s.instance_name),
    ...item('IP', s.ip && s.ip !== '0.0.0.0' ? s.ip : location.hostname),
    ...item('Config', s.config_dir),
    ...item('Up since', s.up_since, 'wide-only'));
  $('#server-info').title = `${s.instance_name} · OLA API ${s.version} · up since ${s.up_since}`;
  document.title = `OlaSharp · ${s.hostname || s.instance_name}`;
}

async function loadLists() {
  const list = await getJson('/json/universe_plugin_list');
  state.universes = list.universes;
  const ul = $('#universe-list');
  const focused = document.activeElement?.closest?.('#universe-list button')?.dataset.id;
  ul.replaceChildren(...list.universes.map((u) => {
    const b = el('button', { type: 'button', className: 'universe-item' },
      el('span', { className: 'uid', textContent: u.id }), ' ',
      el('span', { className: 'uname', textContent: u.name }), ' ',
      el('span', { className: 'muted', textContent: `${u.input_ports} in, ${u.output_ports} out` }));
    b.dataset.id = u.id;
    if (u.id === state.universe) b.setAttribute('aria-current', 'true');
    b.addEventListener('click', () => { location.hash = `#/universe/${u.id}`; selectUniverse(u.id); });
    return el('li', {}, b);
  }));
  if (focused !== undefined) ul.querySelector(`button[data-id="${focused}"]`)?.focus();
  $('#universe-list-empty').hidden = list.universes.length > 0;
  $('#plugin-list tbody').replaceChildren(...list.plugins.map((p) => {
    const box = el('input', { type: 'checkbox', checked: p.enabled });
    box.setAttribute('aria-label', `Enable ${p.name}`);
    box.dataset.plugin = p.id;
    box.addEventListener('change', async () => {
      try {
        await post('/set_plugin_state', { plugin_id: p.id, state: box.checked ? 'true' : 'false' });
      } catch (e) {
        notice(`Could not ${box.checked ? 'enable' : 'disable'} ${p.name}: ${e.message}`, 'error');
      }
      await loadLists();
    });
    const row = el('tr', {}, td('Id', p.id), td('Name', window.olasharpPluginLink ? window.olasharpPluginLink(p) : p.name), td('Active', p.active ? 'yes' : 'no'), td('Enabled', box));
    row.dataset.plugin = p.id;
    return row;
  }));
  await fillPortSelect($('#new-universe-port'), '/json/get_ports');
  if (state.universe === null && list.universes.length > 0 && !location.hash.startsWith('#/universe/')) selectUniverse(list.universes[0].id);
}

async function fillPortSelect(select, url) {
  const ports = await getJson(url);
  const keep = select.value;
  select.replaceChildren(el('option', { value: '', textContent: '(choose a port)' }),
    ...ports.map((p) => el('option', { value: p.id, textContent: `${p.id} ${p.is_output ? 'out' : 'in'}: ${p.device} · ${p.description}` })));
  if ([...select.options].some((o) => o.value === keep)) select.value = keep;
}

// Ports with a priority capability get an editor (modify_universe's modify_ports, as OLA's UI does).
function priorityEditor(p) {
  if (!p.priority || p.priority.current_mode === undefined) return '';
  const mode = el('select', {}, el('option', { value: 'static', textContent: 'static' }));
  mode.setAttribute('aria-label', `Priority mode of port ${p.id}`);
  if (p.priority.priority_capability === 'full') mode.append(el('option', { value: 'inherit', textContent: 'inherit' }));
  mode.value = p.priority.current_mode;
  const value = el('input', { type: 'number', min: 0, max: 200, value: p.priority.value, size: 4, className: 'narrow' });
  value.setAttribute('aria-label', `Priority of port ${p.id} (0 to 200)`);
  const set = el('button', { type: 'button', textContent: 'Set' });
  set.addEventListener('click', () => modify({ modify_ports: p.id, [`${p.id}_priority_mode`]: mode.value, [`${p.id}_priority_value`]: value.value }, `Priority of port ${p.id} set`));
  return el('span', { className: 'inline' }, mode, value, set);
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
  const got = await universeJson('/json/universe_info', () => {
    $('#universe-message').textContent = `Universe ${state.universe} does not exist (any more): a universe exists only while a port is patched to it.`;
  });
  if (!got) return;
  const { id, data: info } = got;
  $('#universe-id').textContent = id;
  state.mergeMode = info.merge_mode;
  // A reload that lands while the user edits the name or merge mode must not undo the edit before it is saved.
  if (!state.settingsEdited) {
    if (document.activeElement !== $('#universe-name')) $('#universe-name').value = info.name;
    $('#universe-merge').value = info.merge_mode;
  }
  const rows = [...info.input_ports, ...info.output_ports].map((p) => {
    const remove = el('button', { type: 'button', textContent: 'Unpatch', className: 'unpatch' });
    remove.setAttribute('aria-label', `Unpatch port ${p.id} (${p.device})`);
    remove.dataset.port = p.id;
    remove.addEventListener('click', () => unpatch(p));
    return el('tr', {}, td('Port', `${p.id} ${p.is_output ? 'out' : 'in'}`), td('Device', p.device), td('Description', p.description), td('Priority', priorityEditor(p)), td('', remove));
  });
  $('#port-list tbody').replaceChildren(...rows);
  await fillPortSelect($('#add-port'), `/json/get_ports?id=${id}`);
}

// An output carries the universe to a line or the network: ask before taking it away (inputs go at once).
async function unpatch(p) {
  if (p.is_output) {
    const ok = await confirmDialog(`Unpatch output ${p.id}?`,
      `${p.device} (${p.description}) stops sending universe ${state.universe}: whatever it drives keeps its last levels or goes dark.`, 'Unpatch');
    if (!ok) return;
  }
  await modify({ remove_ports: p.id }, `Port ${p.id} unpatched`, async () => `Port ${p.id} is no longer patched to universe ${state.universe}.`);
}

function sourceRow(cells, className) {
  const row = el('tr', { className }, ...cells.map(([label, text]) => td(label, text)));
  return row;
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
  const entries = [];
  for (const src of s.sources) {
    const senders = src.senders || [];
    // A port that merges its own senders (Art-Net IPs, sACN CIDs) is listed by its senders, one row each.
    if (senders.length === 0 || !src.active) {
      entries.push({ key: `${src.kind}/${src.name}`, active: src.active, lastAt: src.last_seen_ms < 0 ? null : now - src.last_seen_ms,
        cells: [['Protocol', src.kind], ['Sender', src.name], ['Priority', src.priority], ['fps', rate(`${src.kind}/${src.name}`, src.frames).toFixed(1)], ['Last seen', seenText(src.last_seen_ms)]] });
    }
    for (const b of senders) {
      const key = `${src.kind}/${src.name}/${b.id}`;
      // A node's name comes from its ArtPollReplies; keep the last one known if the node stops answering polls.
      const name = b.name || state.seenSources.get(key)?.entry.name || '';
      const who = [name, b.address && b.address !== name ? b.address : '', b.slot_priorities ? '(per-slot priority)' : ''].filter(Boolean).join(' · ') || b.id;
      entries.push({ key, name, active: true, sender: true, lastAt: now - b.last_seen_ms,
        cells: [['Protocol', src.kind], ['Sender', who], ['Priority', b.priority], ['fps', rate(key, b.packets).toFixed(1)], ['Last seen', seenText(b.last_seen_ms)]] });
    }
  }
  // Senders that left the list (timed out) stay, greyed, as stopped (since their last packet), until
  // forgotten FORGET_STOPPED_MS after the UI saw them go.
  const listed = new Set(entries.map((e) => e.key));
  for (const e of entries) state.seenSources.set(e.key, { entry: e, goneAt: e.active ? null : (state.seenSources.get(e.key)?.goneAt ?? now) });
  for (const [key, seen] of state.seenSources) {
    if (listed.has(key)) continue;
    seen.goneAt ??= now;
    if (now - seen.goneAt > FORGET_STOPPED_MS) { state.seenSources.delete(key); continue; }
    entries.push({ ...seen.entry, active: false });
  }
  const rows = entries.map((e) => {
    const cells = e.cells.map((c) => [...c]);
    if (!e.active) {
      cells[3][1] = '0.0';
      cells[4][1] = e.lastAt === null ? 'stopped' : `stopped ${Math.round((now - e.lastAt) / 1000)} s ago`;
    }
    return sourceRow(cells, `${e.sender ? 'sender' : ''} ${e.active ? '' : 'stopped'}`.trim());
  });
  $('#source-list tbody').replaceChildren(...rows);
  $('#source-list-empty').hidden = rows.length > 0;
}

// modify_universe answers olad's "Update failed" for anything; explain failures from what we know.
async function modify(extra, okText = 'Saved', explain = null) {
  const fields = { id: state.universe, name: $('#universe-name').value, merge_mode: $('#universe-merge').value, ...extra };
  const message = $('#universe-message');
  if (!fields.name.trim()) {
    message.textContent = 'Give the universe a name first (OLA needs one to change anything).';
    message.className = 'message error';
    $('#universe-name').focus();
    return false;
  }
  let ok = true;
  try {
    await post('/modify_universe', fields);
    state.settingsEdited = false;
    message.textContent = okText;
    message.className = 'message ok';
  } catch (e) {
    ok = false;
    let why = e.message;
    if (extra.add_ports) why = await patchProblem(state.universe, extra.add_ports) || why;
    else if (explain) why = `${await explain()} (${e.message})`;
    message.textContent = why;
    message.className = 'message error';
  }
  await loadLists();
  await loadUniverse();
  return ok;
}

// Why patching port to universe would fail, in words ('' when the server sees no problem).
async function patchProblem(universe, port) {
  try {
    const r = await getJson(`/json/patch_check?id=${encodeURIComponent(universe)}&port=${encodeURIComponent(port)}`);
    return r.problem;
  } catch {
    return '';
  }
}

// ------------------------------------------------------------------ live grid
function buildGrid() {
  const cells = [];
  for (let i = 1; i <= SLOTS; i++) {
    const value = el('span', { id: `slot-${i}`, className: 'v', textContent: '-' });
    const c = el('div', { className: 'slot absent', title: `channel ${i}` }, el('span', { className: 'ch', textContent: i }), value);
    cells.push(c);
  }
  $('#dmx-grid').replaceChildren(...cells);
}

function showFrame(dmx) {
  state.frame = dmx;
  for (let i = 0; i < SLOTS; i++) {
    const v = document.getElementById(`slot-${i + 1}`);
    const level = i < dmx.length ? dmx[i] : null;
    const text = level === null ? '-' : String(level);
    if (v.textContent !== text) {
      v.textContent = text;
      const c = v.parentNode;
      c.classList.toggle('absent', level === null);
      c.classList.toggle('set', level !== null && level > 0);
      c.style.setProperty('--level', `${((level ?? 0) * 100) / 255}%`);
    }
  }
  // Edits the frame now shows are done; ones older than 2 s are dropped (another source won the slot).
  const now = performance.now();
  for (const [ch, e] of state.edits) {
    if (dmx[ch - 1] === e.value || now - e.at > 2000) state.edits.delete(ch);
  }
  syncFaders();
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

// ------------------------------------------------------------------ faders, blackout, full
function faderStart() {
  return Math.min(SLOTS - 15, Math.max(1, Math.round(Number($('#fader-start').value) || 1)));
}

// A channel's level for the faders and for sending. LTP: the live frame (what the line carries, and what the
// UI's frame replaces). HTP: the UI's source adds to the others by maximum; basing it on the merged frame would
// copy the other sources' levels into it and hold them up after those sources fade, so it is what the UI last
// sent (state.own), which starts as the live frame at the first send after the universe is opened (OLA's API
// has no way to read the HTTP source's own levels).
function level(ch) {
  const edit = state.edits.get(ch);
  if (edit) return edit.value;
  if (state.mergeMode === 'HTP' && state.own) return state.own[ch - 1];
  return state.frame[ch - 1] ?? 0;
}

function buildFaders() {
  const start = faderStart();
  $('#fader-start').value = start;
  const faders = [];
  for (let ch = start; ch < start + 16; ch++) {
    const input = el('input', { type: 'range', min: 0, max: 255, value: level(ch), id: `fader-${ch}`, className: 'slider' });
    input.dataset.channel = ch;
    input.setAttribute('aria-label', `Channel ${ch}`);
    const value = el('output', { textContent: level(ch), htmlFor: input.id });
    input.addEventListener('input', () => {
      value.textContent = input.value;
      state.edits.set(ch, { value: Number(input.value), at: performance.now() });
      sendLevels();
    });
    faders.push(el('div', { className: 'fader' }, value, input, el('label', { htmlFor: input.id, textContent: ch })));
  }
  $('#faders').replaceChildren(...faders);
}

// Faders follow the live frame, except the one in the user's hand.
function syncFaders() {
  for (const input of document.querySelectorAll('#faders input.slider')) {
    const ch = Number(input.dataset.channel);
    if (document.activeElement === input && state.edits.has(ch)) continue;
    const v = String(level(ch));
    if (input.value !== v) {
      input.value = v;
      input.previousSibling.textContent = v;
    }
  }
}

// The web UI is one source (olad's HTTP source, priority 100). set_dmx replaces that source's whole frame
// with the values sent, and its length becomes the frame's length; so every send carries all 512 slots: the
// frame shown (what the line carries now), with the fader moves applied. A short send would cut the line
// to the highest channel sent. One request in flight; moves during it collapse into one more request.
async function sendLevels() {
  if (state.sending) { state.pending = true; return; }
  state.sending = true;
  try {
    do {
      state.pending = false;
      const d = new Array(SLOTS);
      for (let ch = 1; ch <= SLOTS; ch++) d[ch - 1] = level(ch);
      state.own = d;
      await post('/set_dmx', { u: state.universe, d: d.join(',') });
    } while (state.pending);
    $('#levels-message').textContent = '';
  } catch (e) {
    $('#levels-message').textContent = `Could not set the levels: ${e.message}`;
  } finally {
    state.sending = false;
  }
}

// Blackout is instant (what a lighting person expects of the button); Full asks first, since strobe, fog and
// motor channels go to 255 too. Both can be undone: Undo sends the frame from before.
async function setAll(value) {
  const before = Array.from({ length: SLOTS }, (_, i) => level(i + 1));
  const all = new Array(SLOTS).fill(value);
  try {
    await post('/set_dmx', { u: state.universe, d: all.join(',') });
    state.own = all;
    state.edits.clear();
    state.undo = before;
    $('#undo').disabled = false;
    const others = [...document.querySelectorAll('#source-list tbody tr:not(.stopped)')].filter((r) => r.cells[0].textContent !== 'http').length;
    const htp = state.mergeMode === 'HTP';
    $('#levels-message').textContent = (value === 0 ? 'Blackout: the web UI sends 0 on all 512 channels.' : 'Full: the web UI sends 255 on all 512 channels.')
      + (others > 0 ? ` ${others} other source${others > 1 ? 's' : ''} send${others > 1 ? '' : 's'} to this universe: ${htp ? 'in HTP their levels still show' : 'the next frame from them takes over (LTP)'}.` : '');
  } catch (e) {
    $('#levels-message').textContent = `Could not set the levels: ${e.message}`;
  }
}

async function undoAll() {
  if (!state.undo) return;
  try {
    await post('/set_dmx', { u: state.universe, d: state.undo.join(',') });
    state.own = state.undo;
    state.undo = null;
    state.edits.clear();
    $('#undo').disabled = true;
    $('#levels-message').textContent = 'Levels restored.';
  } catch (e) {
    $('#levels-message').textContent = `Could not restore the levels: ${e.message}`;
  }
}

function selectUniverse(id) {
  if (!Number.isInteger(id) || id < 0) return;
  state.universe = id;
  state.edits.clear();
  state.undo = null;
  state.own = null;
  state.sourceFrames.clear();
  state.seenSources.clear();
  state.settingsEdited = false;
  state.frame = [];
  $('#undo').disabled = true;
  $('#levels-message').textContent = '';
  $('#universe-message').textContent = '';
  $('#universe').hidden = false;
  for (const b of document.querySelectorAll('#universe-list button')) {
    if (Number(b.dataset.id) === id) b.setAttribute('aria-current', 'true');
    else b.removeAttribute('aria-current');
  }
  buildGrid();
  buildFaders();
  openLive(id);
  loadUniverse();
  loadSources();
}

// ------------------------------------------------------------------ new universe
async function createUniverse(e) {
  e.preventDefault();
  const idInput = $('#new-universe-id');
  const portSelect = $('#new-universe-port');
  const message = $('#new-universe-message');
  setFieldError(idInput, '');
  setFieldError(portSelect, '');
  message.textContent = '';
  const idText = idInput.value.trim();
  const id = Number(idText);
  if (idText === '' || !Number.isInteger(id) || id < 0 || id > 2147483647) {
    setFieldError(idInput, 'Enter a universe id: a whole number, 0 or more.');
    idInput.focus();
    return;
  }
  await loadLists().catch(() => {});
  if (state.universes.some((u) => u.id === id)) {
    setFieldError(idInput, `Universe ${id} already exists. Open it to patch more ports or rename it.`);
    const open = el('button', { type: 'button', className: 'link', textContent: `Open universe ${id}` });
    open.addEventListener('click', () => { location.hash = `#/universe/${id}`; selectUniverse(id); });
    message.replaceChildren(open);
    idInput.focus();
    return;
  }
  if (!portSelect.value) {
    setFieldError(portSelect, 'Choose a port: a universe exists only while a port is patched to it.');
    portSelect.focus();
    return;
  }
  try {
    const r = JSON.parse(await post('/new_universe', { id, name: $('#new-universe-name').value, add_ports: portSelect.value }));
    if (r.ok) {
      message.textContent = `Universe ${r.universe} created`;
      message.className = 'message ok';
      await loadLists();
      location.hash = `#/universe/${r.universe}`;
      selectUniverse(r.universe);
    } else {
      setFieldError(portSelect, await patchProblem(id, portSelect.value) || `${r.message}: port ${portSelect.value} could not be patched to universe ${id}.`);
      await loadLists();
    }
  } catch (err) {
    message.textContent = err.message;
    message.className = 'message error';
  }
}

$('#universe-settings').addEventListener('submit', (e) => { e.preventDefault(); modify({}); });
$('#universe-name').addEventListener('input', () => { state.settingsEdited = true; });
$('#universe-merge').addEventListener('change', () => { state.settingsEdited = true; });
$('#add-port-button').addEventListener('click', () => {
  const p = $('#add-port').value;
  if (p) modify({ add_ports: p }, `Port ${p} patched`);
  else { $('#universe-message').textContent = 'Choose a port to patch first.'; $('#universe-message').className = 'message error'; }
});
$('#fader-start').addEventListener('change', buildFaders);
$('#fader-prev').addEventListener('click', () => { $('#fader-start').value = faderStart() - 16; buildFaders(); });
$('#fader-next').addEventListener('click', () => { $('#fader-start').value = faderStart() + 16; buildFaders(); });
$('#blackout').addEventListener('click', () => setAll(0));
$('#full').addEventListener('click', async () => {
  if (await confirmDialog('All channels to full?', 'Every one of the 512 channels goes to 255, strobe, fog and motor channels too.', 'Full')) setAll(255);
});
$('#undo').addEventListener('click', undoAll);
$('#reload').addEventListener('click', async () => {
  const r = await send('/reload');
  if (!r.ok) notice(`Reload failed: ${r.status}`, 'error');
  await loadLists();
  await loadUniverse();
});
$('#new-universe').addEventListener('submit', createUniverse);

window.olasharp = { getJson, post, send, el, field, setFieldError, confirm: confirmDialog, notice, addPage, addNavLink, showPage, td };

loadServer().catch(() => {});
loadLists().catch((e) => notice(`Cannot reach the server: ${e.message}`, 'error'));
route();
// Sources and ports change rarely; a slow refresh is enough (the slots come over /live).
setInterval(() => { loadSources(); }, 1000);
setInterval(() => { loadLists().catch(() => {}); }, 5000);

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

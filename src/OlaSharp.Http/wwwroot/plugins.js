// Licensed under the MIT License. See LICENSE in the repository root.
// Plugin settings pages: every key of a plugin's conf file (or ola-grpc.conf) with its value in use, edited
// and saved through /json/plugin_settings and /plugin_settings. The server checks every value with the conf
// reader's rules; its messages are shown next to their fields.
'use strict';

(() => {
  const { el, getJson, send } = window.olasharp;

  const page = () => document.getElementById('plugin-page');
  let current = null; // { query, data, inputs: Map(key -> {field, input, error, initial}) }

  const style = document.createElement('style');
  style.textContent = `
#plugin-page fieldset { border: 1px solid #30363d; border-radius: 4px; margin: .8em 0; padding: .5em .8em; }
#plugin-page .field { margin: .6em 0; }
#plugin-page .field label { display: block; margin: 0; font-weight: 600; }
#plugin-page .field small { display: block; color: var(--dim, #8b949e); }
#plugin-page .field-error { display: block; color: #ff7b72; font-weight: 600; }
#plugin-page [aria-invalid=true] { border-color: #ff7b72; }
#plugin-page textarea { font: inherit; width: 100%; max-width: 30em; background: #0d1117; color: inherit; border: 1px solid #30363d; border-radius: 4px; }
#plugin-page input[type=text], #plugin-page input[type=number], #plugin-page input[type=password] { width: 100%; max-width: 20em; }
#plugin-page .ok { color: #3fb950; }
#plugin-page .bad { color: #ff7b72; }
#plugin-page code { overflow-wrap: anywhere; }
.plugin-link { background: none; border: none; color: var(--accent, #3fa9f5); text-decoration: underline; padding: 0; cursor: pointer; }
`;
  document.head.append(style);

  const safeId = (key) => 'pf-' + key.replace(/[^A-Za-z0-9_-]/g, (c) => '_' + c.charCodeAt(0).toString(16));

  function fieldValue(f) {
    return Array.isArray(f.value) ? f.value.join('\n') : f.value;
  }

  function makeInput(f, id) {
    let input;
    if (f.kind === 'bool') {
      input = el('input', { type: 'checkbox', id, checked: f.value === 'true' });
    } else if (f.kind === 'choice') {
      input = el('select', { id }, ...f.choices.map((c) => el('option', { value: c, textContent: c })));
      input.value = f.value;
    } else if (f.kind === 'list') {
      input = el('textarea', { id, rows: Math.max(2, f.value.length + 1), value: fieldValue(f), spellcheck: false });
    } else if (f.secret) {
      input = el('input', { type: 'password', id, autocomplete: 'new-password', placeholder: f.set ? '(set; type a new one to replace it)' : '(not set)' });
    } else {
      input = el('input', { type: f.kind === 'number' ? 'number' : 'text', id, value: f.value, spellcheck: false });
      if (f.kind === 'number') {
        input.inputMode = 'numeric';
        if (f.min !== undefined) input.min = f.min;
        if (f.max !== undefined) input.max = f.max;
      }
      if (f.kind === 'ip' && f.choices) {
        const list = el('datalist', { id: id + '-choices' }, ...f.choices.map((c) => el('option', { value: c })));
        input.setAttribute('list', list.id);
        input.after(list);
        input._datalist = list;
      }
    }
    input.name = f.key;
    return input;
  }

  function readInput(input) {
    return input.type === 'checkbox' ? (input.checked ? 'true' : 'false') : input.value;
  }

  function renderField(f) {
    const id = safeId(f.key);
    const input = makeInput(f, id);
    const help = el('small', { id: id + '-help', textContent: f.help + (f.restart ? ' (takes effect when olasharpd restarts)' : '') });
    const error = el('span', { id: id + '-error', className: 'field-error', hidden: true });
    input.setAttribute('aria-describedby', `${id}-help ${id}-error`);
    const label = el('label', { htmlFor: id, textContent: f.label });
    const box = el('div', { className: 'field' }, label);
    if (f.kind === 'bool') {
      box.replaceChildren(el('label', { htmlFor: id }, input, ' ', f.label));
    } else {
      box.append(input);
      if (input._datalist) box.append(input._datalist);
    }
    let clear = null;
    if (f.secret && f.set) {
      clear = el('input', { type: 'checkbox', id: id + '-clear' });
      box.append(el('label', { htmlFor: clear.id }, clear, ' Remove the token'));
    }
    if (f.restart_pending) box.append(el('small', { textContent: 'Saved; waiting for a restart.' }));
    box.append(help, error);
    current.inputs.set(f.key, { field: f, input, error, clear, initial: f.secret ? '' : readInput(input) });
    return box;
  }

  function render(data) {
    const p = page();
    current.data = data;
    current.inputs = new Map();
    p.querySelector('#plugin-page-title').textContent = `${data.name} settings`;
    p.querySelector('#plugin-page-path').textContent = data.conf_path;
    const status = p.querySelector('#plugin-page-status');
    if (data.id !== undefined) {
      const devices = (data.devices ?? []).map((d) => d.id).join(', ');
      status.textContent = `Active: ${data.active ? 'yes' : 'no'}` + (devices ? ` · devices running: ${devices}` : ' · no device running');
    } else {
      status.textContent = data.restart_needed.length ? `Waiting for a restart: ${data.restart_needed.join(', ')}` : '';
    }
    const groups = new Map();
    const wide = el('fieldset', {}, el('legend', { textContent: data.id !== undefined ? 'Plugin' : 'Settings' }));
    for (const f of data.fields) {
      if (f.device === undefined) {
        wide.append(renderField(f));
        continue;
      }
      if (!groups.has(f.device)) groups.set(f.device, el('fieldset', { className: 'device' }, el('legend', { textContent: f.device })));
      groups.get(f.device).append(renderField(f));
    }
    p.querySelector('#plugin-fields').replaceChildren(wide, ...groups.values());
  }

  function showErrors(errors) {
    let first = null;
    const other = [];
    for (const [key, message] of Object.entries(errors)) {
      const entry = current.inputs.get(key);
      if (!entry) {
        other.push(`${key}: ${message}`);
        continue;
      }
      entry.error.textContent = message;
      entry.error.hidden = false;
      entry.input.setAttribute('aria-invalid', 'true');
      first ??= entry.input;
    }
    setMessage(`Not saved: ${Object.keys(errors).length} value(s) refused.` + (other.length ? ' ' + other.join('; ') : ''), false);
    if (first) first.focus();
  }

  function clearErrors() {
    for (const entry of current.inputs.values()) {
      entry.error.textContent = '';
      entry.error.hidden = true;
      entry.input.removeAttribute('aria-invalid');
    }
  }

  function setMessage(text, ok) {
    const m = page().querySelector('#plugin-page-message');
    m.textContent = text;
    m.className = ok === undefined ? 'message' : ok ? 'message ok' : 'message bad';
  }

  async function save(event) {
    event.preventDefault();
    clearErrors();
    const body = new URLSearchParams(current.query);
    // Only what changed is sent: keys nobody touched stay as they are in the file (olad's defaults stay implicit).
    for (const [key, entry] of current.inputs) {
      const value = readInput(entry.input);
      if (entry.clear?.checked) body.append('clear', key);
      else if (value !== entry.initial) body.append(key, value);
    }
    setMessage('Saving…');
    let r;
    try {
      r = await send('/plugin_settings', { method: 'POST', body });
    } catch (e) {
      setMessage(`Not saved: ${e.message}`, false);
      return;
    }
    const text = await r.text();
    if (r.status === 400 && text.startsWith('{')) {
      showErrors(JSON.parse(text).errors);
      return;
    }
    if (!r.ok) {
      setMessage(`Not saved: ${text.replace(/<[^>]+>/g, ' ').trim()}`, false);
      return;
    }
    const data = JSON.parse(text);
    render(data);
    setMessage(data.message ?? 'Saved.', data.active !== false || data.enabled === false);
    if (typeof window.loadLists === 'function') window.loadLists().catch(() => {});
  }

  // The page is #/plugin-page/<plugin id> (or /grpc for ola-grpc.conf): a bookmark or Back opens it again.
  function open(query) {
    const hash = `#/plugin-page/${query.conf ?? query.id}`;
    if (location.hash !== hash) location.hash = hash;
    else load(query);
  }

  async function load(query) {
    const p = page();
    current = { query, data: null, inputs: new Map() };
    setMessage('');
    try {
      render(await getJson('/json/plugin_settings?' + new URLSearchParams(query)));
    } catch (e) {
      setMessage(e.message, false);
    }
    p.querySelector('#plugin-page-title').focus();
  }

  function close() {
    location.hash = '#/plugins';
  }

  // The hook app.js calls for the plugin table: the plugin's name as a button that opens its page.
  window.olasharpPluginLink = (p) => {
    const b = el('button', { type: 'button', className: 'plugin-link', textContent: p.name });
    b.dataset.pluginSettings = p.id;
    b.setAttribute('aria-label', `${p.name} settings`);
    b.addEventListener('click', () => open({ id: p.id }));
    return b;
  };

  const p = page();
  p.querySelector('#plugin-form').addEventListener('submit', save);
  p.querySelector('#plugin-page-close').addEventListener('click', close);
  document.getElementById('grpc-settings-open')?.addEventListener('click', () => open({ conf: 'grpc' }));
  window.olasharp.addPage('plugin-page', null, (arg) => {
    if (arg !== undefined) load(/^\d+$/.test(arg) ? { id: arg } : { conf: arg });
  });

  window.olasharpPlugins = { open, close };
})();

// Licensed under the MIT License. See LICENSE in the repository root.
// The universe page's failsafe box (/json/universe/failsafe and its POSTs): what the outputs carry when the
// universe's data is lost (hold, blackout, full or a captured scene; after how long), the scenes, the startup
// scene shown from server start until a source sends, and a line saying when the failsafe is acting.
'use strict';

(() => {
  const { el, field, send, confirm } = window.olasharp;
  const universe = document.getElementById('universe');
  if (!universe) return;

  const modeWords = {
    hold: 'Hold the last look',
    blackout: 'Blackout (all 0)',
    full: 'Full (all 255)',
    scene: 'A scene',
  };

  const mode = el('select', { id: 'failsafe-mode' }, ...Object.entries(modeWords).map(([v, t]) => el('option', { value: v, textContent: t })));
  const after = el('input', { id: 'failsafe-after', type: 'number', min: '0.001', max: '86400', step: 'any', inputMode: 'decimal', placeholder: 'when the last source goes' });
  const scene = el('select', { id: 'failsafe-scene' });
  const save = el('button', { type: 'submit', id: 'failsafe-save', textContent: 'Save failsafe' });
  const stateLine = el('p', { id: 'failsafe-state', className: 'message', role: 'status' });
  const message = el('p', { id: 'failsafe-message', className: 'message', role: 'status' });
  const sceneName = el('input', { id: 'scene-name', type: 'text', maxLength: 32, autocomplete: 'off', pattern: '[A-Za-z0-9_-]{1,32}' });
  const capture = el('button', { type: 'button', id: 'scene-capture', textContent: 'Capture current look as scene' });
  const remove = el('button', { type: 'button', id: 'scene-delete', className: 'danger', textContent: 'Delete scene' });
  const startup = el('select', { id: 'startup-scene' });
  const startupSave = el('button', { type: 'button', id: 'startup-save', textContent: 'Set startup scene' });

  const form = el('form', { className: 'form', id: 'failsafe-form', noValidate: true },
    el('div', { className: 'row' },
      field('', 'When the data is lost', mode),
      field('', 'After (seconds)', after, 'Empty: when the last source goes away (its own timeout). Set: this long after the last frame.'),
      field('', 'Scene', scene),
      el('div', { className: 'field actions' }, save)));
  const box = el('section', { className: 'card', id: 'failsafe-box' },
    el('h3', { id: 'failsafe-heading', textContent: 'Failsafe' }),
    stateLine,
    form,
    el('div', { className: 'row' },
      field('', 'Scene name', sceneName, 'Letters, digits, _ or -, up to 32.'),
      el('div', { className: 'field actions' }, capture, remove)),
    el('div', { className: 'row' },
      field('', 'Startup scene', startup, 'Shown from server start until a source sends (fixtures come up in a known state).'),
      el('div', { className: 'field actions' }, startupSave)),
    message);
  box.setAttribute('aria-labelledby', 'failsafe-heading');
  const columns = universe.querySelector('.columns');
  if (columns) columns.after(box);
  else universe.append(box);

  let shownFor = null;
  let edited = false;
  form.addEventListener('input', () => { edited = true; });

  // Local time as 12:01:03 (toLocaleTimeString gives "24:01:03" or AM/PM depending on the browser's locale).
  function clock(d) {
    return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  }

  function currentId() {
    const text = document.getElementById('universe-id')?.textContent ?? '';
    return universe.hidden || text === '' ? null : Number(text);
  }

  function say(text, ok) {
    message.textContent = text;
    message.className = `message ${ok ? 'ok' : 'error'}`;
  }

  function options(select, names, selected, none) {
    const list = none ? [el('option', { value: '', textContent: none })] : [];
    for (const n of names) list.push(el('option', { value: n, textContent: n }));
    select.replaceChildren(...list);
    select.value = selected ?? '';
  }

  function show(f) {
    const names = f.scenes.map((s) => s.name);
    if (f.in_failsafe) {
      const since = f.since ? clock(new Date(f.since)) : '?';
      stateLine.textContent = `In failsafe: ${f.active_mode}${f.active_mode === 'scene' ? ` '${f.scene}'` : ''} since ${since}`;
      stateLine.className = 'message error';
    } else if (f.startup_scene_shown) {
      stateLine.textContent = `Showing the startup scene '${f.startup_scene}' until a source sends.`;
      stateLine.className = 'message';
    } else {
      stateLine.textContent = `Not in failsafe (${f.configured ? 'set for this universe' : 'the server default'}: ${f.mode}${f.after_ms === null ? ', when the last source goes away' : `, ${f.after_ms / 1000} s after the last frame`}).`;
      stateLine.className = 'message ok';
    }
    const keepScene = scene.value;
    options(scene, names, edited ? keepScene : f.scene, names.length ? null : '(no scene yet)');
    if (document.activeElement !== startup) options(startup, names, f.startup_scene, '(none)');
    if (!edited) {
      mode.value = f.mode;
      after.value = f.after_ms === null ? '' : String(f.after_ms / 1000);
    }
  }

  async function refresh() {
    const id = currentId();
    if (id === null || Number.isNaN(id)) return;
    if (id !== shownFor) { shownFor = id; edited = false; message.textContent = ''; }
    try {
      const r = await fetch(`/json/universe/failsafe?id=${id}`, { cache: 'no-store' });
      if (!r.ok) return;
      const f = await r.json();
      if (currentId() === id) show(f);
    } catch {
      // The next poll tries again.
    }
  }

  // POSTs answer the failsafe JSON, or {"error": "..."} with 400/404/409; a 401/403 is the guard's text.
  async function postAndShow(path, fields, okText) {
    const id = currentId();
    if (id === null) return false;
    const r = await send(path, { method: 'POST', body: new URLSearchParams({ id, ...fields }) });
    const text = await r.text();
    let body = null;
    try { body = JSON.parse(text); } catch { /* not JSON */ }
    if (!r.ok) {
      say(body?.error ?? text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim(), false);
      return false;
    }
    edited = false;
    show(body);
    say(okText, true);
    return true;
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const seconds = after.value.trim();
    const ms = seconds === '' ? '' : String(Math.round(Number(seconds) * 1000));
    if (seconds !== '' && !(Number(ms) >= 1)) {
      say('After must be a number of seconds (0.001 or more), or empty.', false);
      return;
    }
    postAndShow('/universe/failsafe', { mode: mode.value, after_ms: ms, scene: mode.value === 'scene' ? scene.value : '' }, 'Failsafe saved.');
  });

  capture.addEventListener('click', () => {
    const name = sceneName.value.trim();
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(name)) {
      say('Name the scene first: letters, digits, _ or -, up to 32.', false);
      sceneName.focus();
      return;
    }
    postAndShow('/universe/scene/capture', { name }, `Scene '${name}' captured.`);
  });

  remove.addEventListener('click', async () => {
    const name = scene.value;
    if (!name) { say('Choose a scene in the Scene list to delete.', false); return; }
    if (await confirm(`Delete scene '${name}'?`, 'The scene is removed from this universe and its conf file.', 'Delete')) {
      postAndShow('/universe/scene/delete', { name }, `Scene '${name}' deleted.`);
    }
  });

  startupSave.addEventListener('click', () => {
    const name = startup.value;
    postAndShow('/universe/startup_scene', { name }, name ? `Startup scene: '${name}'.` : 'No startup scene.');
  });

  refresh();
  setInterval(refresh, 1000);
  window.addEventListener('hashchange', () => setTimeout(refresh, 100));
})();

// Licensed under the MIT License. See LICENSE in the repository root.
// Device health on the home page (/json/health): a device that cannot carry DMX is the first thing seen,
// with what is wrong, since when, the patch waiting for it and the fix; polled every 2 s, so a device that
// comes back is shown as open again. Meaning is in the words (state, "Problem", "Open again"), not only colour.
'use strict';

(() => {
  const POLL_MS = 2000;
  const section = document.getElementById('health');
  if (!section) return;
  // Devices seen broken since this page was opened: shown as "open again" once they recover.
  const wasBroken = new Map();
  let lastText = '';

  const stateWords = {
    missing: 'missing',
    permission_denied: 'permission denied',
    busy: 'busy (held by another process)',
    not_a_tty: 'not a serial port',
    baud_not_settable: '250 kbaud not settable',
    driver_enable_failed: 'driver-enable GPIO failed',
    write_errors: 'write errors',
    open_failed: 'cannot be opened',
    open: 'open',
  };

  function node(tag, props, ...children) {
    const e = document.createElement(tag);
    Object.assign(e, props || {});
    for (const c of children) e.append(c);
    return e;
  }

  function ago(seconds) {
    if (seconds < 60) return `${seconds} s`;
    if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
    return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
  }

  function since(d) {
    const t = new Date(d.since);
    return `${t.toLocaleString()} (${ago(d.seconds)} ago)`;
  }

  function waiting(d) {
    if (!d.waiting_universes || d.waiting_universes.length === 0) return 'no universe is patched to it';
    return d.waiting_universes.map((u) => `universe ${u}`).join(', ');
  }

  function row(term, value) {
    return [node('dt', { textContent: term }), node('dd', { textContent: value })];
  }

  function problemCard(d) {
    const title = `${d.path}: ${stateWords[d.state] || d.state}`;
    const list = node('dl', {},
      ...row('Since', since(d)),
      ...row('Waiting patch', waiting(d)),
      ...(d.last_error ? row('Last error', d.last_error) : []),
      ...row('Fix', d.fix));
    return node('article', { className: 'health-device problem', id: `health-${d.device}` },
      node('h3', { textContent: `Problem: ${title}` }),
      node('p', { className: 'health-plugin', textContent: `${d.plugin} (device ${d.device})` }),
      node('p', { className: 'health-text', textContent: d.problem }),
      list);
  }

  function recoveredCard(d) {
    return node('article', { className: 'health-device recovered', id: `health-${d.device}` },
      node('h3', { textContent: `Open again: ${d.path}` }),
      node('p', { className: 'health-text', textContent: `${d.plugin}: open since ${since(d)}; ${waiting(d)}.` }));
  }

  function render(h) {
    const broken = h.devices.filter((d) => d.state !== 'open');
    for (const d of broken) wasBroken.set(d.device, true);
    const recovered = h.devices.filter((d) => d.state === 'open' && wasBroken.has(d.device));
    const inactive = h.plugins.filter((p) => p.enabled && !p.active && p.reason);
    const text = JSON.stringify([broken, recovered, inactive]);
    if (text === lastText) return;
    lastText = text;
    section.hidden = broken.length === 0 && recovered.length === 0 && inactive.length === 0;
    const heading = broken.length > 0
      ? `${broken.length} device${broken.length === 1 ? '' : 's'} cannot send DMX`
      : 'All DMX devices are open';
    section.replaceChildren(
      node('h2', { id: 'health-title', textContent: heading }),
      ...inactive.map((p) => node('p', { className: 'health-plugin-state', textContent: `Plugin ${p.name} is not active: ${p.reason}.` })),
      ...broken.map(problemCard),
      ...recovered.map(recoveredCard));
  }

  async function poll() {
    try {
      const r = await fetch('/json/health', { cache: 'no-store' });
      if (r.ok) render(await r.json());
    } catch {
      // The server restarts or is gone for a moment: try again on the next poll.
    }
    setTimeout(poll, POLL_MS);
  }

  poll();
})();

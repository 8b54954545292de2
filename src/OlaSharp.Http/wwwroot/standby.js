// Licensed under the MIT License. See LICENSE in the repository root.
// Hot standby (/json/standby): a badge in the header on every page ("Active", "Standby — partner 198.18.0.2
// active"; nothing when standalone) and, on the home page, a panel saying why this server is or is not driving
// its outputs, with the switch-over button (asks first; POST /json/standby/switch). Polled every 2 s.
'use strict';

(() => {
  const POLL_MS = 2000;
  const badge = document.getElementById('standby-badge');
  const panel = document.getElementById('standby-panel');
  if (!badge || !panel || !window.olasharp) return;
  const { el, getJson, send, confirm } = window.olasharp;
  const $ = (id) => document.getElementById(id);
  let current = null;
  let busy = false;

  function heard(ms) {
    if (ms === null || ms === undefined) return 'never';
    return ms < 10000 ? `${ms} ms ago` : `${Math.round(ms / 1000)} s ago`;
  }

  function badgeText(s) {
    switch (s.role) {
      case 'active': return s.partner ? `Active — partner ${s.partner} ${s.partner_role}` : 'Active';
      case 'standby': return `Standby — partner ${s.partner} active`;
      case 'starting': return `Starting — listening for partner ${s.partner}`;
      default: return 'Standalone';
    }
  }

  function show(s) {
    current = s;
    const paired = s.role !== 'standalone';
    badge.hidden = !paired;
    badge.textContent = badgeText(s);
    badge.className = `standby-badge ${s.role}`;
    badge.title = s.outputs;
    panel.hidden = !paired;
    if (!paired) return;
    $('standby-role').textContent = s.role;
    $('standby-outputs').textContent = s.outputs.charAt(0).toUpperCase() + s.outputs.slice(1) + '.';
    $('standby-reason').textContent = s.reason;
    const facts = [['Partner', `${s.partner} (${s.partner_role})`], ['Partner last heard', heard(s.partner_last_heard_ms)],
      ['Since', new Date(s.since).toLocaleString()], ['Role changes', String(s.transitions)]];
    $('standby-facts').replaceChildren(...facts.flatMap(([t, v]) => [el('dt', { textContent: t }), el('dd', { textContent: v })]));
    const button = $('standby-switch');
    button.textContent = s.role === 'active' ? 'Hand the outputs to the partner' : 'Take over the outputs';
    button.disabled = busy;
  }

  async function refresh() {
    try {
      show(await getJson('/json/standby'));
    } catch {
      // The server is restarting or gone: keep the last state; the next poll tries again.
    }
  }

  $('standby-switch').addEventListener('click', async () => {
    if (!current || busy) return;
    const handOver = current.role === 'active';
    const ok = await confirm(
      handOver ? 'Hand over the outputs?' : 'Take over the outputs?',
      handOver
        ? `This server stops driving its outputs and partner ${current.partner} takes them over.`
        : `This server starts driving its outputs and partner ${current.partner} goes silent.`,
      handOver ? 'Hand over' : 'Take over');
    if (!ok) return;
    busy = true;
    $('standby-message').textContent = 'Switching over…';
    try {
      const r = await send('/json/standby/switch', { method: 'POST' });
      const text = await r.text();
      if (r.ok) {
        $('standby-message').textContent = 'Switched over.';
        show(JSON.parse(text));
      } else {
        $('standby-message').textContent = `Not switched: ${text.replace(/<[^>]+>/g, ' ').trim()}`;
      }
    } catch (e) {
      $('standby-message').textContent = `Not switched: ${e.message}`;
    } finally {
      busy = false;
      await refresh();
    }
  });

  refresh();
  setInterval(refresh, POLL_MS);
})();

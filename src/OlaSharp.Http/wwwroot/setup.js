// Licensed under the MIT License. See LICENSE in the repository root.
// The "Pi setup" page: `olasharpd doctor`'s checks of this machine (GET /json/setup), what needs attention
// first, each with what was found and the exact fix. Outcomes are written as words, never shown by colour alone.
'use strict';

(() => {
  const { el, getJson } = window.olasharp;
  const section = document.getElementById('setup');
  if (!section) return;

  const OUTCOME_TEXT = { fail: 'FAIL', warn: 'WARN', pass: 'PASS', not_applicable: 'N/A' };
  const OUTCOME_WORDS = { fail: 'failed', warn: 'warning', pass: 'passed', not_applicable: 'not applicable' };

  function renderCheck(c) {
    const item = el('li', { className: `setup-check setup-${c.outcome}` });
    item.dataset.outcome = c.outcome;
    item.dataset.id = c.id;
    item.append(el('h4', {}, el('span', { className: 'setup-outcome', title: OUTCOME_WORDS[c.outcome] ?? c.outcome }, `${OUTCOME_TEXT[c.outcome] ?? c.outcome}`), ` ${c.title}`));
    item.append(el('p', {}, el('strong', {}, 'Found: '), c.found));
    if (c.fix && (c.outcome === 'fail' || c.outcome === 'warn')) {
      item.append(el('p', {}, el('strong', {}, 'Fix: '), el('code', {}, c.fix)));
    }
    return item;
  }

  function render(report) {
    const failed = report.checks.filter((c) => c.outcome === 'fail');
    const warned = report.checks.filter((c) => c.outcome === 'warn');
    const rest = report.checks.filter((c) => c.outcome === 'pass' || c.outcome === 'not_applicable');
    const body = el('div', { id: 'setup-body' });
    body.append(el('p', {}, el('strong', {}, 'Board: '), report.model));
    body.append(el('p', {}, el('strong', {}, 'Boot config: '), report.boot_config ?? 'none found'));
    const summary = report.ok
      ? `All checks passed${warned.length ? `, ${warned.length} warning${warned.length === 1 ? '' : 's'}` : ''}.`
      : `${failed.length} check${failed.length === 1 ? '' : 's'} failed${warned.length ? `, ${warned.length} warning${warned.length === 1 ? '' : 's'}` : ''}. Fix them as shown, top to bottom.`;
    body.append(el('p', { id: 'setup-summary', role: 'status' }, summary));
    if (failed.length + warned.length > 0) {
      body.append(el('h3', {}, 'Needs attention'));
      body.append(el('ol', { className: 'setup-list', id: 'setup-attention' }, ...[...failed, ...warned].map(renderCheck)));
      body.append(el('p', {}, 'The boot-file fixes (config.txt, cmdline.txt) can be applied on the Pi with ', el('code', {}, 'sudo olasharpd doctor --fix'), ', then a reboot. Service and group changes are commands to run yourself.'));
    }
    const details = el('details', {}, el('summary', {}, `Passed or not applicable (${rest.length})`));
    details.append(el('ul', { className: 'setup-list', id: 'setup-rest' }, ...rest.map(renderCheck)));
    body.append(details);
    document.getElementById('setup-body')?.replaceWith(body);
  }

  async function load() {
    const status = document.getElementById('setup-status');
    status.textContent = 'Checking…';
    try {
      render(await getJson('/json/setup'));
      status.textContent = `Checked at ${new Date().toLocaleTimeString()}.`;
    } catch (e) {
      status.textContent = `Could not run the checks: ${e.message}`;
    }
  }

  function build() {
    section.replaceChildren(
      el('h2', { id: 'setup-heading', tabIndex: -1 }, 'Raspberry Pi setup'),
      el('p', {}, 'The same checks as ', el('code', {}, 'olasharpd doctor'), ': the UART on GPIO 14/15, the serial console, permissions, the driver-enable pin and the UART plugin\'s settings.'),
      el('p', {}, el('button', { type: 'button', id: 'setup-refresh' }, 'Check again'), ' ', el('span', { id: 'setup-status', className: 'message', role: 'status' })),
      el('div', { id: 'setup-body' }),
    );
    section.setAttribute('aria-labelledby', 'setup-heading');
    document.getElementById('setup-refresh').addEventListener('click', load);
  }

  // The page (#/setup, "Pi setup" in the header's nav): built once, checked each time it is shown.
  function show() {
    if (!section.firstChild) build();
    document.getElementById('setup-heading').focus();
    load();
  }

  window.olasharp.addPage('setup', 'Pi setup', show);
})();

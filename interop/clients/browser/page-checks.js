// Licensed under the MIT License. See LICENSE in the repository root.
// What the browser tests check on every page they open: axe-core's violations (the tests fail on critical or
// serious ones) and whether the page scrolls sideways; the two sizes they check at.
'use strict';

const fs = require('node:fs');

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const SIZES = [{ name: 'desktop', width: 1280, height: 900 }, { name: 'phone', width: 390, height: 844 }];

async function runAxe(page) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    const res = await window.axe.run(document, { resultTypes: ['violations'] });
    return res.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
}

const isBad = (v) => v.impact === 'critical' || v.impact === 'serious';

async function sideways(page) {
  return page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
}

// Both checks at both sizes on the page as it is now (the viewport is set back to the first size after).
async function checkAtBothSizes(page, name) {
  const failures = [];
  for (const size of [...SIZES].reverse()) {
    await page.setViewportSize({ width: size.width, height: size.height });
    const bad = (await runAxe(page)).filter(isBad);
    const w = await sideways(page);
    if (bad.length > 0) failures.push(`${name} at ${size.name}: axe ${JSON.stringify(bad)}`);
    if (w.scrollWidth > w.clientWidth) failures.push(`${name} at ${size.name}: scrolls sideways (${w.scrollWidth} > ${w.clientWidth})`);
  }
  return failures;
}

module.exports = { SIZES, runAxe, isBad, sideways, checkAtBothSizes };

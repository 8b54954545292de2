// Licensed under the MIT License. See LICENSE in the repository root.
// Debian's Chromium, headless, for the browser test scripts: one set of flags (no sandbox as root, nothing
// fetched from the network), plus what a script needs on top.
'use strict';

const { chromium } = require('playwright-core');

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

function launchChromium(extraArgs = []) {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [...ARGS, ...extraArgs] });
}

module.exports = { launchChromium };

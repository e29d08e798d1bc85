#!/usr/bin/env node
'use strict';
// `npx telnyx-emulator ...`: runs this platform's binary with the same arguments and stdio,
// forwards Ctrl-C and SIGTERM to it and exits with its status.

const { spawn } = require('node:child_process');
const { binaryPath } = require('../lib/platform.cjs');

let bin;
try {
  bin = binaryPath();
} catch (e) {
  process.stderr.write(`telnyx-emulator: ${e.message}\n`);
  process.exit(1);
}
const child = spawn(bin, process.argv.slice(2), { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => child.kill(sig));
}
child.on('error', (e) => {
  process.stderr.write(`telnyx-emulator: cannot run ${bin}: ${e.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (signal) {
    // Die of the same signal, as a shell expects.
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  } else {
    process.exit(code ?? 1);
  }
});

'use strict';
// Which binary package serves this machine, and where its binary is.

const path = require('node:path');
const fs = require('node:fs');

/** Platforms a binary package is built for: `${process.platform}-${process.arch}` -> Rust target. */
const PLATFORMS = {
  'linux-x64': 'x86_64-unknown-linux-gnu',
  'linux-arm64': 'aarch64-unknown-linux-gnu',
  'darwin-x64': 'x86_64-apple-darwin',
  'darwin-arm64': 'aarch64-apple-darwin',
  'win32-x64': 'x86_64-pc-windows-msvc',
};

const MAIN_PACKAGE = 'telnyx-account-emulator';

/** The binary package's name for a platform key such as `linux-x64`. */
function packageName(platformKey) {
  return `${MAIN_PACKAGE}-${platformKey}`;
}

/**
 * The path of the `telnyx-emulator` binary: `$TELNYX_EMULATOR_BINARY` when set, else the one in
 * this platform's package. Throws an error naming the platforms that exist when there is none.
 */
function binaryPath(env = process.env) {
  const override = env.TELNYX_EMULATOR_BINARY;
  if (override) {
    if (!fs.existsSync(override)) {
      throw new Error(`TELNYX_EMULATOR_BINARY is set to ${override}, which does not exist; unset it or point it at a telnyx-emulator binary`);
    }
    return override;
  }
  const key = `${process.platform}-${process.arch}`;
  const exe = process.platform === 'win32' ? 'telnyx-emulator.exe' : 'telnyx-emulator';
  const known = Object.keys(PLATFORMS).join(', ');
  if (!(key in PLATFORMS)) {
    throw new Error(
      `${MAIN_PACKAGE} has no binary for this platform (${key}); packages exist for: ${known}. ` +
        'Build it from source (cargo install --git <repository> telnyx-emulator) and set TELNYX_EMULATOR_BINARY to its path.',
    );
  }
  let dir;
  try {
    dir = path.dirname(require.resolve(`${packageName(key)}/package.json`));
  } catch {
    throw new Error(
      `the binary package ${packageName(key)} for this platform (${key}) is not installed; ` +
        `packages exist for: ${known}. It is an optional dependency of ${MAIN_PACKAGE}: reinstall ` +
        'without --no-optional/--omit=optional, or set TELNYX_EMULATOR_BINARY to a telnyx-emulator binary.',
    );
  }
  const bin = path.join(dir, 'bin', exe);
  if (!fs.existsSync(bin)) {
    throw new Error(`${packageName(key)} is installed but has no ${path.join('bin', exe)}; reinstall it`);
  }
  return bin;
}

module.exports = { PLATFORMS, MAIN_PACKAGE, packageName, binaryPath };

#!/usr/bin/env bash
# Installs the packed npm files of PACK_DIR (scripts/package.sh npm PACK_DIR) into a scratch
# project outside the repository, with the official `telnyx` SDK, and runs emulator.test.mjs
# there with node:test. No registry publish: the packages come from the .tgz files.
#   packages/npm/test/run.sh PACK_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
pack="$(cd "${1:?usage: packages/npm/test/run.sh PACK_DIR}" && pwd)"
main=$(ls "$pack"/telnyx-account-emulator-[0-9]*.tgz | tail -n 1)
platform=$(ls "$pack"/telnyx-account-emulator-"$(node -p 'process.platform + "-" + process.arch')"-*.tgz | tail -n 1)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
npm init -y >/dev/null
npm pkg set type=module >/dev/null
npm install --no-audit --no-fund --silent telnyx@7.24.0 "$platform" "$main"
cp "$here/emulator.test.mjs" .
node --test --test-reporter=spec emulator.test.mjs

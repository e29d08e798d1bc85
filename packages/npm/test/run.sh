#!/usr/bin/env bash
# Installs the packed npm files of PACK_DIR (scripts/package.sh npm PACK_DIR) into a scratch
# project outside the repository, with the official `telnyx` SDK, type-checks types.check.*ts
# against the .d.ts and runs emulator.test.mjs there with node:test. No registry publish: the
# packages come from the .tgz files.
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
npm install --no-audit --no-fund --silent telnyx@7.24.0 typescript@5.6.3 "$platform" "$main"
# The .d.ts against ESM and CommonJS use (the SDK's own declarations need `ws` types: skipLibCheck).
cp "$here/types.check.mts" "$here/types.check.cts" .
npx --no-install tsc --noEmit --strict --skipLibCheck --module nodenext --moduleResolution nodenext \
  --target es2022 types.check.mts types.check.cts
echo "tsc: the declarations type-check"
cp "$here/emulator.test.mjs" .
node --test --test-reporter=spec emulator.test.mjs

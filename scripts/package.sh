#!/usr/bin/env bash
# Builds the emulator's release binary once (cargo profile `dist`: release, stripped) and packs it
# for a package manager:
#
#   scripts/package.sh npm  OUT_DIR [--target TRIPLE]   # OUT_DIR/telnyx-account-emulator-<platform>-<v>.tgz
#                                                        # and OUT_DIR/telnyx-account-emulator-<v>.tgz
#   scripts/package.sh pypi OUT_DIR [--target TRIPLE]   # OUT_DIR/telnyx_account_emulator-<v>-py3-none-<tag>.whl
#
# Versions follow crates/telnyx-emulator's. The main npm package lists as optional dependencies
# every platform package of the same version found in OUT_DIR: a release builds each platform on
# its own runner, gathers their .tgz files into one OUT_DIR and packs the main package last
# (README, "Packages"). Needs cargo; npm for `npm`; maturin (`pip install maturin`) for `pypi`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

usage() {
  echo "usage: scripts/package.sh npm|pypi OUT_DIR [--target TRIPLE]" >&2
  exit 2
}
[ $# -ge 2 ] || usage
kind=$1
out=$2
shift 2
target=""
while [ $# -gt 0 ]; do
  case $1 in
    --target) [ $# -ge 2 ] || usage; target=$2; shift 2 ;;
    --target=*) target=${1#--target=}; shift ;;
    *) echo "scripts/package.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
case $kind in npm|pypi) ;; *) echo "scripts/package.sh: the kind is 'npm' or 'pypi', not '$kind'" >&2; usage ;; esac
mkdir -p "$out"
out="$(cd "$out" && pwd)"

host=$(rustc -vV | sed -n 's/^host: //p')
triple=${target:-$host}
version=$(cargo metadata --manifest-path "$root/Cargo.toml" --no-deps --format-version 1 |
  python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"]=="telnyx-emulator"))')

# One build for both kinds: cargo finds it fresh the second time, and maturin runs the same
# cargo command (profile, target, features).
cargo_args=(--profile dist -p telnyx-emulator --bin telnyx-emulator --locked)
[ -n "$target" ] && cargo_args+=(--target "$target")
echo "== cargo build ${cargo_args[*]} (telnyx-emulator $version for $triple) =="
start=$(date +%s)
cargo build --manifest-path "$root/Cargo.toml" "${cargo_args[@]}"
echo "built in $(( $(date +%s) - start )) s"
target_dir=$(cargo metadata --manifest-path "$root/Cargo.toml" --no-deps --format-version 1 |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
exe=telnyx-emulator
case $triple in *windows*) exe=telnyx-emulator.exe ;; esac
bin="$target_dir/${target:+$target/}dist/$exe"
[ -x "$bin" ] || { echo "scripts/package.sh: no binary at $bin after the build" >&2; exit 1; }
echo "binary: $bin ($(wc -c <"$bin") bytes)"

# npm platform keys (process.platform-process.arch), as in packages/npm/telnyx-account-emulator/lib/platform.cjs.
npm_platform() {
  case $1 in
    x86_64-unknown-linux-gnu) echo "linux x64" ;;
    aarch64-unknown-linux-gnu) echo "linux arm64" ;;
    x86_64-apple-darwin) echo "darwin x64" ;;
    aarch64-apple-darwin) echo "darwin arm64" ;;
    x86_64-pc-windows-msvc) echo "win32 x64" ;;
    *) echo "scripts/package.sh: no npm platform for $1; known: x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu x86_64-apple-darwin aarch64-apple-darwin x86_64-pc-windows-msvc" >&2; return 1 ;;
  esac
}

pack_npm() {
  local os cpu key stage name main
  read -r os cpu <<<"$(npm_platform "$triple")"
  key="$os-$cpu"
  name="telnyx-account-emulator-$key"
  stage=$(mktemp -d)
  trap 'rm -rf "$stage"' RETURN
  mkdir -p "$stage/platform/bin"
  cp "$bin" "$stage/platform/bin/$exe"
  cp "$root/packages/npm/platform/README.md" "$root/crates/telnyx-emulator/LICENSE-MIT" \
    "$root/crates/telnyx-emulator/LICENSE-APACHE" "$stage/platform/"
  NAME=$name VERSION=$version OS=$os CPU=$cpu node -e '
    const e = process.env;
    const pkg = {
      name: e.NAME, version: e.VERSION,
      description: `The telnyx-emulator binary for ${e.OS}-${e.CPU} (installed by telnyx-account-emulator).`,
      license: "MIT OR Apache-2.0", repository: "https://github.com/example/telnyx-rust",
      os: [e.OS], cpu: [e.CPU], files: ["bin", "LICENSE-MIT", "LICENSE-APACHE"], preferUnplugged: true,
    };
    require("fs").writeFileSync(process.argv[1], JSON.stringify(pkg, null, 2) + "\n");
  ' "$stage/platform/package.json"
  (cd "$stage/platform" && npm pack --silent --pack-destination "$out" >/dev/null)
  echo "wrote $out/$name-$version.tgz ($(wc -c <"$out/$name-$version.tgz") bytes)"

  main="$stage/main"
  cp -R "$root/packages/npm/telnyx-account-emulator" "$main"
  cp "$root/crates/telnyx-emulator/LICENSE-MIT" "$root/crates/telnyx-emulator/LICENSE-APACHE" "$main/"
  VERSION=$version OUT=$out node -e '
    const fs = require("fs"), e = process.env;
    const pkg = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    pkg.version = e.VERSION;
    pkg.optionalDependencies = {};
    const re = /^telnyx-account-emulator-([a-z0-9]+-[a-z0-9]+)-(.+)\.tgz$/;
    for (const f of fs.readdirSync(e.OUT).sort()) {
      const m = re.exec(f);
      if (m && m[2] === e.VERSION) pkg.optionalDependencies[`telnyx-account-emulator-${m[1]}`] = e.VERSION;
    }
    fs.writeFileSync(process.argv[1], JSON.stringify(pkg, null, 2) + "\n");
    console.log("main package optionalDependencies:", Object.keys(pkg.optionalDependencies).join(", "));
  ' "$main/package.json"
  (cd "$main" && npm pack --silent --pack-destination "$out" >/dev/null)
  echo "wrote $out/telnyx-account-emulator-$version.tgz ($(wc -c <"$out/telnyx-account-emulator-$version.tgz") bytes)"
}

pack_pypi() {
  local maturin=${MATURIN:-maturin}
  command -v "$maturin" >/dev/null || {
    echo "scripts/package.sh: maturin not found; pip install maturin (or set MATURIN to its path)" >&2
    exit 1
  }
  local m_args=(build --profile dist --locked --out "$out")
  [ -n "$target" ] && m_args+=(--target "$target")
  (cd "$root/packages/python" && "$maturin" "${m_args[@]}")
  ls -l "$out"/telnyx_account_emulator-"$version"-*.whl
}

case $kind in
  npm) pack_npm ;;
  pypi) pack_pypi ;;
esac

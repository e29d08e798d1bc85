#!/usr/bin/env bash
# Installs the wheel of PACK_DIR (scripts/package.sh pypi PACK_DIR) into a scratch virtualenv
# outside the repository, with the official `telnyx` SDK, PyNaCl (its webhook verification)
# and pytest, and runs test_emulator.py there through the package's pytest plugin.
#   packages/python/tests/run.sh PACK_DIR [PYTHON]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
pack="$(cd "${1:?usage: packages/python/tests/run.sh PACK_DIR [PYTHON]}" && pwd)"
python=${2:-python3}
wheel=$(ls "$pack"/telnyx_account_emulator-*.whl | tail -n 1)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$python" -m venv "$scratch/venv"
"$scratch/venv/bin/pip" install --quiet --disable-pip-version-check \
  telnyx==4.189.0 pynacl==1.6.2 pytest==9.2.0 "$wheel"
mkdir "$scratch/project"
cp "$here/test_emulator.py" "$scratch/project/"
cat >"$scratch/project/pytest.ini" <<'INI'
[pytest]
telnyx_emulator_start_time = 2026-01-15T00:00:00Z
INI
cd "$scratch/project"
# Not activated: the plugin must find the binary from the interpreter alone.
"$scratch/venv/bin/python" -m pytest -p no:cacheprovider -v test_emulator.py

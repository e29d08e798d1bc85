"""Where the ``telnyx-emulator`` binary of this installation is."""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from pathlib import Path

_EXE = "telnyx-emulator.exe" if sys.platform == "win32" else "telnyx-emulator"


def binary_path() -> str:
    """The binary to run: ``$TELNYX_EMULATOR_BINARY`` when set, else the one this wheel
    installed next to the interpreter's scripts, else the first on ``PATH``."""
    override = os.environ.get("TELNYX_EMULATOR_BINARY")
    if override:
        if not Path(override).is_file():
            raise FileNotFoundError(
                f"TELNYX_EMULATOR_BINARY is set to {override}, which does not exist; "
                "unset it or point it at a telnyx-emulator binary"
            )
        return override
    candidates = [Path(sysconfig.get_path("scripts")) / _EXE, Path(sys.executable).parent / _EXE]
    user_scheme = f"{os.name}_user"
    if user_scheme in sysconfig.get_scheme_names():
        candidates.append(Path(sysconfig.get_path("scripts", scheme=user_scheme)) / _EXE)
    for c in candidates:
        if c.is_file():
            return str(c)
    found = shutil.which(_EXE)
    if found:
        return found
    raise FileNotFoundError(
        f"the telnyx-emulator binary is not installed (looked in {', '.join(str(c.parent) for c in candidates)} "
        "and PATH); reinstall telnyx-account-emulator (wheels exist for linux x86_64/aarch64, macOS "
        "x86_64/arm64 and Windows x86_64) or set TELNYX_EMULATOR_BINARY to a telnyx-emulator binary"
    )

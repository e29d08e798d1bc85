"""A local, stateful Telnyx Account API for tests.

>>> import telnyx, telnyx_emulator
>>> with telnyx_emulator.Emulator(start_time="2026-01-01T00:00:00Z") as emu:  # doctest: +SKIP
...     client = telnyx.Telnyx(api_key=emu.api_key, base_url=emu.base_url)
...     client.balance.retrieve()
...     emu.advance("31d")

With pytest, the ``telnyx_emulator`` fixture gives each test a fresh account on one emulator
per session.
"""

from ._binary import binary_path
from ._emulator import Account, Emulator, EmulatorError, connect

__all__ = ["Account", "Emulator", "EmulatorError", "binary_path", "connect"]

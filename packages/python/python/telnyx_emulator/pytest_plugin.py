"""pytest plugin (entry point ``pytest11``): one emulator per test session, a fresh account per
test.

Fixtures:

- ``telnyx_emulator``: an :class:`~telnyx_emulator.Account` with its own random API key, so tests
  never see each other's state and need no reset.
- ``telnyx_emulator_server``: the session's :class:`~telnyx_emulator.Emulator`.

Settings (``pytest.ini``/``pyproject.toml`` ``[tool.pytest.ini_options]``):
``telnyx_emulator_start_time`` (RFC 3339) and ``telnyx_emulator_seed``.
"""

from __future__ import annotations

from typing import Iterator

import pytest

from ._emulator import Account, Emulator


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("telnyx_emulator_start_time", "RFC 3339 time every emulated account's clock starts at", default="")
    parser.addini("telnyx_emulator_seed", "seed of the emulator's generated data", default="")


@pytest.fixture(scope="session")
def telnyx_emulator_server(pytestconfig: pytest.Config) -> Iterator[Emulator]:
    """One ``telnyx-emulator`` process for the whole session, stopped at its end."""
    start_time = str(pytestconfig.getini("telnyx_emulator_start_time")) or None
    seed = str(pytestconfig.getini("telnyx_emulator_seed"))
    with Emulator(start_time=start_time, seed=int(seed) if seed else None) as emu:
        yield emu


@pytest.fixture
def telnyx_emulator(telnyx_emulator_server: Emulator) -> Account:
    """A fresh account on the session's emulator: ``telnyx.Telnyx(api_key=acct.api_key,
    base_url=acct.base_url)``."""
    return telnyx_emulator_server.new_account()

"""The installed wheel (telnyx-account-emulator) with the official ``telnyx`` PyPI SDK, in a
scratch virtualenv (packages/python/tests/run.sh sets it up). Uses the ``telnyx_emulator``
fixture of the package's pytest plugin: one emulator per session, a fresh account per test."""

from __future__ import annotations

import asyncio
import http.server
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Tuple

import pytest
import telnyx

import telnyx_emulator
from telnyx_emulator import Account, Emulator, EmulatorError

# Kept across the two "fresh account" tests, which run in file order.
_first_account: Dict[str, Any] = {}


def alive(pid: int) -> bool:
    """True while the process exists and is not a zombie (Linux: /proc state)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat[stat.rindex(")") + 2] != "Z"
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
            return True
        except OSError:
            return False


def eventually(what: str, cond: Callable[[], bool]) -> None:
    """Polls ``cond``; a minute is a hung test, not a timing assertion."""
    deadline = time.monotonic() + 60
    while not cond():
        if time.monotonic() > deadline:
            pytest.fail(f"never happened: {what}")
        time.sleep(0.025)


@pytest.fixture
def webhook_receiver() -> Iterator[Tuple[str, List[Tuple[Dict[str, str], str]]]]:
    """An HTTP server on 127.0.0.1 that records every POST."""
    received: List[Tuple[Dict[str, str], str]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("content-length", "0"))).decode()
            received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()


def test_balance_paging_and_an_advance_that_closes_a_month(telnyx_emulator: Account) -> None:
    client = telnyx.Telnyx(api_key=telnyx_emulator.api_key, base_url=telnyx_emulator.base_url)
    balance = client.balance.retrieve().data.balance
    assert isinstance(balance, str) and Decimal(balance) == Decimal("300.00")

    audit = list(client.audit_events.list(page_size=3))
    assert len(audit) == 20 and len({e.id for e in audit}) == 20

    before = list(client.invoices.list(page_size=5))
    report = telnyx_emulator.advance("31d")
    assert report["from"] == "2026-01-15T00:00:00Z" and report["to"] == "2026-02-15T00:00:00Z"
    assert report["invoices_closed"] == 1 and report["usage_records"] > 0
    after = list(client.invoices.list(page_size=5, sort="-period_start"))
    assert len(after) == len(before) + 1
    assert str(after[0].period_start)[:10] == "2026-01-01"
    assert client.balance.retrieve().data.balance == report["balance"]


def test_async_client_sees_the_same_account(telnyx_emulator: Account) -> None:
    async def run() -> Tuple[str, int]:
        client = telnyx.AsyncTelnyx(api_key=telnyx_emulator.api_key, base_url=telnyx_emulator.base_url)
        telnyx_emulator.advance(31)
        b = await client.balance.retrieve()
        n = 0
        async for _ in client.audit_events.list(page_size=7):
            n += 1
        await client.close()
        return b.data.balance, n

    balance, audit = asyncio.run(run())
    assert audit == 20
    sync = telnyx.Telnyx(api_key=telnyx_emulator.api_key, base_url=telnyx_emulator.base_url)
    assert balance == sync.balance.retrieve().data.balance
    assert telnyx_emulator.now().isoformat() == "2026-02-15T00:00:00+00:00"


def test_triggered_webhook_verifies_with_the_public_key(telnyx_emulator: Account, webhook_receiver: Any) -> None:
    url, received = webhook_receiver
    telnyx_emulator.set_webhook_url(url)
    sent = telnyx_emulator.trigger("message.finalized")
    assert sent["url"] == url
    eventually("the webhook POST", lambda: len(received) > 0)
    headers, body = received[0]
    client = telnyx.Telnyx(api_key=telnyx_emulator.api_key, base_url=telnyx_emulator.base_url, public_key=telnyx_emulator.public_key)
    event = client.webhooks.unwrap(body, headers=headers)
    assert event.data.event_type == "message.finalized"
    assert event.data.id == sent["event_id"]
    with pytest.raises(Exception):
        client.webhooks.unwrap(body.replace("finalized", "sent"), headers=headers)
    eventually("the delivery is recorded", lambda: any(d["id"] == sent["delivery_id"] for d in telnyx_emulator.deliveries()))
    made = telnyx_emulator.deliveries()
    assert len(made) == 1 and made[0]["status"] == "delivered"
    assert client.webhook_deliveries.retrieve(sent["delivery_id"]).data.status == "delivered"


def test_each_test_gets_a_fresh_account_first(telnyx_emulator: Account) -> None:
    client = telnyx.Telnyx(api_key=telnyx_emulator.api_key, base_url=telnyx_emulator.base_url)
    client.payment.create_stored_payment_transaction(amount="120.00")
    telnyx_emulator.advance("10d")
    _first_account.update(key=telnyx_emulator.api_key, port=telnyx_emulator.port)
    assert Decimal(client.balance.retrieve().data.balance) > Decimal("300.00")


def test_each_test_gets_a_fresh_account_second(telnyx_emulator: Account) -> None:
    assert _first_account, "runs after test_each_test_gets_a_fresh_account_first"
    assert telnyx_emulator.api_key != _first_account["key"]
    assert telnyx_emulator.port == _first_account["port"], "one emulator per session"
    client = telnyx.Telnyx(api_key=telnyx_emulator.api_key, base_url=telnyx_emulator.base_url)
    assert client.balance.retrieve().data.balance == "300.00", "nothing of the other test's payment"
    assert telnyx_emulator.now().isoformat() == "2026-01-15T00:00:00+00:00", "nor its advance"
    assert telnyx_emulator.deliveries() == []


def test_emulator_context_manager_stops_the_process() -> None:
    with Emulator(start_time="2026-06-01T00:00:00Z", seed=3) as emu:
        pid = emu.pid
        assert alive(pid)
        client = telnyx.Telnyx(api_key=emu.api_key, base_url=emu.base_url)
        assert client.balance.retrieve().data.balance
        acct = emu.new_account()
        assert acct.api_key != emu.api_key and acct.base_url == emu.base_url
        with pytest.raises(EmulatorError) as bad:
            acct.set_traffic({"messaging": -1})
        assert bad.value.status == 400 and "'messaging' must be an integer" in str(bad.value)
    assert not alive(pid)
    assert emu.stop() == 0


def test_no_emulator_left_after_the_parent_is_sigkilled() -> None:
    script = (
        "import sys, time, telnyx_emulator\n"
        "emu = telnyx_emulator.Emulator()\n"
        "print(emu.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    pid = int(parent.stdout.readline())
    assert alive(pid)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    eventually(f"emulator {pid} exits after its parent is killed", lambda: not alive(pid))


def test_a_failed_start_surfaces_stderr() -> None:
    with pytest.raises(EmulatorError) as err:
        Emulator(args=["--rate-limit", "0/s"])
    assert "did not start: it exited with status 2" in str(err.value)
    assert "positive number of requests per second" in err.value.stderr


def test_the_binary_is_on_path_and_found() -> None:
    exe = shutil.which("telnyx-emulator", path=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    assert exe, "pip install puts telnyx-emulator next to the interpreter"
    assert os.path.samefile(telnyx_emulator.binary_path(), exe)
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True).stdout
    assert out.strip().startswith("telnyx-emulator ")
    typed = Path(telnyx_emulator.__file__).with_name("py.typed")
    assert typed.is_file(), "the package is typed"


def test_missing_binary_override_is_clear(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELNYX_EMULATOR_BINARY", "/nonexistent/telnyx-emulator")
    with pytest.raises(FileNotFoundError, match="TELNYX_EMULATOR_BINARY is set to /nonexistent"):
        Emulator()


def test_plugin_is_registered(pytestconfig: pytest.Config) -> None:
    plugin = pytestconfig.pluginmanager.get_plugin("telnyx_emulator")
    assert plugin is not None and plugin.__name__ == "telnyx_emulator.pytest_plugin"

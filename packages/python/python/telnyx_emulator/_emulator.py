"""``Emulator``: one telnyx-emulator process on a free loopback port, and a handle to drive its
accounts through the control API (``/_emulator/...``)."""

from __future__ import annotations

import json
import queue
import re
import secrets
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from datetime import datetime, timezone
from typing import Any, Deque, Dict, List, Mapping, Optional, Sequence, Union

from ._binary import binary_path

Json = Dict[str, Any]
_STDERR_KEEP = 64 * 1024


class EmulatorError(Exception):
    """Starting the emulator or a control API call failed. ``stderr`` holds the binary's
    output when it did not start; ``status`` the HTTP status of a failed call."""

    def __init__(self, message: str, *, stderr: str = "", status: Optional[int] = None, body: Any = None):
        super().__init__(message)
        self.stderr = stderr
        self.status = status
        self.body = body


def _new_api_key() -> str:
    return f"KEY_test_{secrets.token_hex(12)}"


def _rfc3339(t: Union[str, datetime]) -> str:
    if isinstance(t, datetime):
        if t.tzinfo is None:
            raise ValueError("start_time needs a timezone, e.g. datetime(2026, 1, 1, tzinfo=timezone.utc)")
        return t.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    return t


def _advance_body(by: Union[str, int, datetime]) -> Json:
    if isinstance(by, bool):
        raise TypeError("advance() takes a number of days, '31d', a datetime or an RFC 3339 string")
    if isinstance(by, int):
        return {"days": by}
    if isinstance(by, datetime):
        return {"to": _rfc3339(by)}
    if isinstance(by, str):
        m = re.fullmatch(r"\s*(\d+)\s*d?\s*", by)
        return {"days": int(m.group(1))} if m else {"to": by}
    raise TypeError(f"advance() takes a number of days, '31d', a datetime or an RFC 3339 string, got {type(by).__name__}")


def _request(url: str, method: str, body: Optional[Json] = None, headers: Optional[Mapping[str, str]] = None) -> Any:
    data = None
    hdrs = dict(headers or {})
    if body is not None:
        data = json.dumps(body).encode()
        hdrs["content-type"] = "application/json"
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    # The emulator is on loopback: never through a proxy from the environment.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(req, timeout=60) as resp:
            text = resp.read().decode()
    except urllib.error.HTTPError as e:
        text = e.read().decode(errors="replace")
        try:
            parsed: Any = json.loads(text)
            detail = parsed["errors"][0]["detail"]
        except (ValueError, KeyError, IndexError, TypeError):
            parsed, detail = text, text
        raise EmulatorError(f"{method} {url} answered {e.code}: {detail}", status=e.code, body=parsed) from None
    except urllib.error.URLError as e:
        raise EmulatorError(f"{method} {url} failed: {e.reason}; is the emulator still running?") from None
    return json.loads(text) if text else {}


class Account:
    """One account of a running emulator: its own API key, clock, ledger and webhook endpoint.

    ``telnyx.Telnyx(api_key=acct.api_key, base_url=acct.base_url)`` talks to it."""

    api_key: str
    base_url: str
    control_url: str
    port: int
    webhook_url: Optional[str]

    def __init__(self, base_url: str, control_url: str, port: int, api_key: str, webhook_url: Optional[str] = None):
        self.base_url = base_url
        self.control_url = control_url
        self.port = port
        self.api_key = api_key
        self.webhook_url = None
        self._clock_start = ""
        self._init(webhook_url)

    def _init(self, webhook_url: Optional[str]) -> None:
        q = urllib.parse.quote(self.api_key, safe="")
        # Creates the account (first use) and fixes where its own history starts.
        self._clock_start = self._call("GET", f"/clock?api_key={q}")["now"]
        self._public_key: Optional[str] = None
        if webhook_url:
            self.set_webhook_url(webhook_url)

    @property
    def public_key(self) -> str:
        """Base64 Ed25519 key this account's webhooks verify with (``TELNYX_PUBLIC_KEY``)."""
        if self._public_key is None:
            q = urllib.parse.quote(self.api_key, safe="")
            self._public_key = str(self._call("GET", f"/webhooks/public_key?api_key={q}")["public_key"])
        return self._public_key

    def _call(self, method: str, path: str, body: Optional[Json] = None) -> Json:
        answer: Json = _request(self.control_url + path, method, body)
        return answer

    def advance(self, by: Union[str, int, datetime]) -> Json:
        """Moves the clock (``"31d"``, a number of days, a datetime or an RFC 3339 time); answers
        the report (``invoices_closed``, ``usage_records``, ``balance``, ...)."""
        return self._call("POST", "/clock/advance", {"api_key": self.api_key, **_advance_body(by)})

    def now(self) -> datetime:
        """The account's virtual clock."""
        q = urllib.parse.quote(self.api_key, safe="")
        now: str = self._call("GET", f"/clock?api_key={q}")["now"]
        return datetime.fromisoformat(now.replace("Z", "+00:00"))

    def set_traffic(self, per_day: Mapping[str, int]) -> Json:
        """Replaces the usage profile: records per virtual day by type, ``{"messaging": 500}``."""
        return self._call("PUT", "/traffic", {"api_key": self.api_key, "per_day": dict(per_day)})

    def set_webhook_url(self, url: str, failover_url: Optional[str] = None) -> Json:
        """Sends this account's webhooks to ``url`` (loopback unless the emulator allows the host)."""
        body: Json = {"api_key": self.api_key, "url": url}
        if failover_url:
            body["failover_url"] = failover_url
        answer: Json = self._call("PUT", "/webhooks", body)
        self.webhook_url = url
        self._public_key = str(answer["public_key"])
        return answer

    def trigger(self, event_type: str, payload: Optional[Json] = None) -> Json:
        """Emits one webhook event now; answers ``event_id``, ``delivery_id``, ``url``, ``event``."""
        body: Json = {"api_key": self.api_key, "event_type": event_type}
        if payload is not None:
            body["payload"] = payload
        return self._call("POST", "/events", body)

    def deliveries(self) -> List[Json]:
        """The webhook deliveries the emulator made for this account, newest first, as
        ``GET /v2/webhook_deliveries`` shows them (the seeded history before the clock's start
        is left out)."""
        start = datetime.fromisoformat(self._clock_start.replace("Z", "+00:00"))
        made: List[Json] = []
        page = 1
        while True:
            url = f"{self.base_url}/webhook_deliveries?page%5Bnumber%5D={page}&page%5Bsize%5D=250"
            body = _request(url, "GET", headers={"authorization": f"Bearer {self.api_key}"})
            data = body.get("data") or []
            for d in data:
                started = d.get("started_at")
                if started and datetime.fromisoformat(started.replace("Z", "+00:00")) < start:
                    return made
                made.append(d)
            if not data or page >= (body.get("meta") or {}).get("total_pages", page):
                return made
            page += 1

    def reset(self) -> None:
        """Forgets this account's state (regenerated from its key on next use); keeps its webhook URL."""
        self._call("POST", "/reset", {"api_key": self.api_key})
        self._init(self.webhook_url)

    def new_account(self, *, api_key: Optional[str] = None, webhook_url: Optional[str] = None) -> "Account":
        """A fresh account on the same emulator, with its own random key."""
        return Account(self.base_url, self.control_url, self.port, api_key or _new_api_key(), webhook_url)


class Emulator(Account):
    """A ``telnyx-emulator`` process on a free loopback port and its first account.

    Use it as a context manager (``with Emulator(start_time=...) as emu:``) or call ``stop()``.
    The process exits by itself when this Python process dies (its stdin closes)."""

    pid: int

    def __init__(
        self,
        *,
        start_time: Union[str, datetime, None] = None,
        seed: Optional[int] = None,
        webhook_url: Optional[str] = None,
        api_key: Optional[str] = None,
        log_requests: bool = False,
        args: Sequence[str] = (),
        binary: Optional[str] = None,
        timeout: float = 30.0,
    ):
        exe = binary or binary_path()
        argv = [exe, "--bind", "127.0.0.1:0", "--ready-json", "--exit-on-stdin-close"]
        if seed is not None:
            argv += ["--seed", str(seed)]
        if start_time is not None:
            argv += ["--start-time", _rfc3339(start_time)]
        if log_requests:
            argv.append("--log-requests")
        argv += [str(a) for a in args]
        self._stderr: Deque[str] = deque()
        self._stderr_len = 0
        self._lock = threading.Lock()
        self._stderr_done = threading.Event()
        try:
            self._proc = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1
            )
        except OSError as e:
            raise EmulatorError(f"cannot run {exe}: {e}") from None
        self.pid = self._proc.pid
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        ready = self._ready_line(timeout)
        try:
            super().__init__(ready["base_url"], ready["control_url"], int(ready["port"]), api_key or _new_api_key(), webhook_url)
        except BaseException:
            self.stop()
            raise

    def _drain_stderr(self) -> None:
        assert self._proc.stderr is not None
        for line in self._proc.stderr:
            with self._lock:
                self._stderr.append(line)
                self._stderr_len += len(line)
                while self._stderr_len > _STDERR_KEEP and len(self._stderr) > 1:
                    self._stderr_len -= len(self._stderr.popleft())
        self._stderr_done.set()

    @property
    def stderr(self) -> str:
        """The binary's stderr so far (its last 64 KiB)."""
        with self._lock:
            return "".join(self._stderr)

    def _ready_line(self, timeout: float) -> Json:
        lines: "queue.Queue[str]" = queue.Queue()

        def read() -> None:
            assert self._proc.stdout is not None
            lines.put(self._proc.stdout.readline())  # "" when the process exits first
            # Keep draining, so the emulator never blocks on a full pipe.
            for _ in self._proc.stdout:
                pass

        threading.Thread(target=read, daemon=True).start()
        try:
            first = lines.get(timeout=timeout)
            why = ""
        except queue.Empty:
            first, why = "", f"no ready line within {timeout:.0f} s"
        if not first:
            if not why:
                # stdout closed before a line: the process is exiting; take its status.
                try:
                    why = f"it exited with status {self._proc.wait(10)} before it was ready"
                except subprocess.TimeoutExpired:
                    why = "it closed its stdout without a ready line"
            self._kill()
            self._stderr_done.wait(5)
            err = self.stderr.strip()
            raise EmulatorError(
                f"telnyx-emulator did not start: {why}" + (f"\n--- its stderr ---\n{err}" if err else ""), stderr=err
            )
        try:
            line: Json = json.loads(first)
            return line
        except ValueError:
            self._kill()
            raise EmulatorError(f"telnyx-emulator's first line is not JSON: {first!r}", stderr=self.stderr) from None

    def _kill(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()

    def stop(self, grace: float = 10.0) -> Optional[int]:
        """Stops the process (closes its stdin, then kills it after ``grace`` seconds); returns
        its exit status."""
        if self._proc.poll() is None:
            try:
                if self._proc.stdin:
                    self._proc.stdin.close()
            except OSError:
                pass
            self._proc.terminate()
            try:
                self._proc.wait(grace)
            except subprocess.TimeoutExpired:
                self._kill()
        return self._proc.returncode

    def __enter__(self) -> "Emulator":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __del__(self) -> None:
        proc = getattr(self, "_proc", None)
        if proc is not None and proc.poll() is None:
            proc.kill()


def connect(base_url: str, *, api_key: Optional[str] = None, webhook_url: Optional[str] = None) -> Account:
    """A handle on an account of an emulator started elsewhere (another process, a
    ``telnyx-emulator`` in a terminal), from its base URL: a fresh account with a random key
    unless ``api_key`` is given."""
    u = urllib.parse.urlsplit(base_url)
    origin = f"{u.scheme}://{u.netloc}"
    return Account(f"{origin}/v2", f"{origin}/_emulator", u.port or 80, api_key or _new_api_key(), webhook_url)

"""Startup cost of ``telnyx_emulator.Emulator()``: from the call to the first successful
official-SDK call (GET /balance), against spawning the bare binary and polling its health, in
the same run. Run with the wheel and ``telnyx`` installed, with the binary both sides use:

    TELNYX_EMULATOR_BINARY=target/dist/telnyx-emulator python startup.py [RUNS]

Prints one JSON line: {"runs","bare_ms","helper_ms","ratio"} (medians)."""

import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

import telnyx

import telnyx_emulator

BIN = os.environ.get("TELNYX_EMULATOR_BINARY") or sys.exit("set TELNYX_EMULATOR_BINARY to the binary both sides run")
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 21
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def helper() -> float:
    t0 = time.perf_counter()
    emu = telnyx_emulator.Emulator(binary=BIN)
    telnyx.Telnyx(api_key=emu.api_key, base_url=emu.base_url).balance.retrieve()
    ms = (time.perf_counter() - t0) * 1000
    emu.stop()
    return ms


def bare() -> float:
    port = free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen([BIN, "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL)
    while True:
        try:
            NO_PROXY.open(f"http://127.0.0.1:{port}/_emulator/health").read()
            break
        except OSError:
            time.sleep(0.001)
    telnyx.Telnyx(api_key="KEY_bare", base_url=f"http://127.0.0.1:{port}/v2").balance.retrieve()
    ms = (time.perf_counter() - t0) * 1000
    proc.terminate()
    proc.wait()
    return ms


bare()  # warm imports and the page cache
helper()
b, h = [], []
for _ in range(RUNS):
    b.append(bare())
    h.append(helper())
mb, mh = statistics.median(b), statistics.median(h)
print(json.dumps({"runs": RUNS, "bare_ms": round(mb, 2), "helper_ms": round(mh, 2), "ratio": round(mh / mb, 2)}))

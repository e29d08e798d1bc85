"""Drives `telnyx mcp --emulator` with the official Python MCP SDK (PyPI `mcp`), over stdio
(handshake-era 2025-11-25 and the current 2026-07-28 protocol) and over streamable HTTP, and
checks that a foreign Origin gets 403. The SDK validates every structuredContent against the
tool's outputSchema. Usage: python mcp_python.py /path/to/telnyx. Prints one line per check;
exits non-zero on the first failure."""

import asyncio
import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from decimal import Decimal

from mcp import Client, StdioServerParameters

TELNYX = sys.argv[1]
READ_TOOLS = [
    "get_balance", "summarize_charges", "compare_charges", "get_charges_breakdown",
    "search_detail_records", "list_webhook_deliveries", "list_audit_events", "list_invoices",
    "get_invoice", "get_auto_recharge_prefs", "list_user_tags",
]
WRITE_TOOLS = ["update_auto_recharge_prefs", "create_stored_payment_transaction"]
ARGS = {"search_detail_records": {"record_type": "messaging", "limit": 3}}


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def structured(result, name):
    check(not result.is_error, f"{name} failed: {result.content}")
    text = json.loads(result.content[0].text)
    check(text == result.structured_content, f"{name}: text and structuredContent differ")
    return result.structured_content


async def exercise(client, label, writes=False):
    tools = await client.list_tools()
    names = [t.name for t in tools.tools]
    check(names == READ_TOOLS + (WRITE_TOOLS if writes else []), f"{label}: tools {names}")
    for t in tools.tools:
        if t.name in READ_TOOLS:
            check(t.annotations.read_only_hint is True, f"{t.name} readOnlyHint")
    bal = structured(await client.call_tool("get_balance", {}), "get_balance")
    check(re.fullmatch(r"-?\d+\.\d+", bal["balance"]["amount"]), f"balance {bal}")
    check(bal["balance"]["currency"] == "USD", f"currency {bal}")
    invoice_id = None
    for name in READ_TOOLS:
        if name == "get_invoice":
            if invoice_id is None:
                continue
            args = {"invoice_id": invoice_id}
        else:
            args = ARGS.get(name, {})
        out = structured(await client.call_tool(name, args), name)
        if name == "list_invoices" and out["rows"]:
            invoice_id = out["rows"][0]["invoice_id"]
    # A disabled write tool: a tool error naming the flag.
    r = await client.call_tool(
        "create_stored_payment_transaction",
        {"amount": "5.00", "idempotency_key": "py-1"},
    )
    if writes:
        out = structured(r, "payment dry run")
        check(out["dry_run"] is True, f"dry run by default: {out}")
    else:
        check(r.is_error, "payment refused without --allow-payments")
        check("--allow-payments" in r.content[0].text, r.content[0].text)
    print(f"ok {label}: {len(names)} tools, every read tool answered, balance {bal['balance']['amount']}")


async def stdio(mode, extra=()):
    params = StdioServerParameters(
        command=TELNYX, args=["mcp", "--emulator", "--advance", "40d", *extra]
    )
    async with Client(params, mode=mode) as client:
        await exercise(client, f"stdio mode={mode} {' '.join(extra)}".strip(), writes=bool(extra))
        return client.protocol_version


def start_http():
    proc = subprocess.Popen(
        [TELNYX, "mcp", "--emulator", "--advance", "40d", "--http", "127.0.0.1:0"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    url = None
    for _ in range(20):
        line = proc.stderr.readline()
        if not line:
            break
        m = re.search(r"listening on (http://\S+)", line)
        if m:
            url = m.group(1)
            break
    if url is None:
        proc.kill()
        raise AssertionError("telnyx mcp --http did not say where it listens")
    return proc, url


def post_initialize(url, origin):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {},
        "clientInfo": {"name": "origin-check", "version": "1"}}}).encode()
    req = urllib.request.Request(url, data=body, method="POST", headers={
        "content-type": "application/json",
        "accept": "application/json, text/event-stream",
        "origin": origin,
    })
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:
            return resp.status
    except urllib.error.HTTPError as e:
        return e.code


async def http():
    proc, url = start_http()
    try:
        async with Client(url, mode="legacy") as client:
            await exercise(client, "http mode=legacy")
        async with Client(url) as client:
            bal = structured(await client.call_tool("get_balance", {}), "get_balance")
            print(f"ok http mode=auto: protocol {client.protocol_version}, balance {bal['balance']['amount']}")
        status = post_initialize(url, "https://evil.example")
        check(status == 403, f"foreign Origin: HTTP {status}")
        own = url.rsplit("/", 1)[0]
        status = post_initialize(url, own)
        check(status == 200, f"own Origin {own}: HTTP {status}")
        print("ok http: foreign Origin 403, own Origin 200")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def control(origin, path, body):
    req = urllib.request.Request(origin + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read())


async def against_the_cli():
    """One emulator shared by `telnyx mcp` and the CLI's own commands: the figures agree."""
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    emu = subprocess.Popen(
        [TELNYX, "emulator", "--bind", f"127.0.0.1:{port}", "--start-time", "2026-01-01T00:00:00Z"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(origin + "/_emulator/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        key = "KEY_PY_CLI"
        control(origin, "/_emulator/clock/advance", {"api_key": key, "days": 20})
        flags = ["--base-url", origin + "/v2", "--api-key", key]

        def cli(*args):
            out = subprocess.run([TELNYX, *flags, "-o", "json", *args], capture_output=True,
                                 text=True, timeout=120)
            check(out.returncode == 0, f"telnyx {args}: {out.stderr}")
            return json.loads(out.stdout)

        params = StdioServerParameters(command=TELNYX, args=["mcp", *flags])
        async with Client(params, mode="legacy") as client:
            bal = structured(await client.call_tool("get_balance", {}), "get_balance")
            cli_bal = cli("balance")
            check(bal["balance"]["amount"] == cli_bal["balance"], f"balance {bal} vs {cli_bal}")
            check(bal["available_credit"]["amount"] == cli_bal["available_credit"], "available credit")
            period = {"start_date": "2026-01-01", "end_date": "2026-02-01"}
            summary = structured(await client.call_tool("summarize_charges", period), "summarize_charges")
            cli_summary = cli("charges", "summary", "--start", "2026-01-01", "--end", "2026-02-01")
            check(summary["total"]["amount"] == cli_summary["total"]["grand_total"],
                  f"total {summary['total']} vs {cli_summary['total']}")
            found = structured(await client.call_tool(
                "search_detail_records", {"record_type": "messaging"}), "search_detail_records")
            report = cli("usage", "report", "--type", "messaging")
            agg = found["aggregates"]
            check(agg["count"] == report[0]["quantity"], f"count {agg['count']} vs {report}")
            check(Decimal(agg["cost"][0]["amount"]) == Decimal(report[0]["cost"]),
                  f"cost {agg['cost']} vs {report}")
        print(f"ok against the CLI: balance {bal['balance']['amount']}, January total "
              f"{summary['total']['amount']}, {agg['count']} messages costing {agg['cost'][0]['amount']}")
    finally:
        emu.terminate()
        emu.wait(timeout=10)


async def main():
    await against_the_cli()
    legacy = await stdio("legacy")
    check(legacy == "2025-11-25", f"legacy protocol {legacy}")
    modern = await stdio("auto")
    print(f"ok protocols: legacy {legacy}, auto {modern}")
    await stdio("legacy", ("--allow-writes", "--allow-payments"))
    await http()
    print("ALL OK")


asyncio.run(main())

"""Smoke test: the official PyPI `telnyx` SDK (4.189.0), unchanged, against the emulator.

Usage: TELNYX_BASE_URL=http://127.0.0.1:PORT/v2 python python_smoke.py
"""
import os
import sys

from telnyx import Telnyx

base_url = os.environ["TELNYX_BASE_URL"]
import json
from decimal import Decimal

# The balance the account should show (the test may advance its clock first).
WANT = {"balance": "300.00", "available_credit": "400.00", "audit_events": 20, "messaging": 40, "invoices": 12}
WANT.update(json.loads(os.environ.get("TELNYX_EXPECT_JSON", "{}")))
EXPECTED = Decimal(WANT["balance"])
client = Telnyx(api_key=os.environ.get("TELNYX_API_KEY", f"KEY_py_{os.getpid()}"), base_url=base_url, max_retries=0)
failures = 0
steps = 0


def step(name, fn):
    global failures, steps
    try:
        fn()
        steps += 1
        print(f"ok   {name}")
    except Exception as e:  # noqa: BLE001
        failures += 1
        print(f"FAIL {name}: {e!r}")


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def expect_status(fn, status):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        check(getattr(e, "status_code", None) == status, f"expected {status}, got {e!r}")
        return
    raise AssertionError(f"expected {status}")


def balance():
    b = client.balance.retrieve()
    check(Decimal(b.data.balance) == EXPECTED, b)


def audit():
    check(len(list(client.audit_events.list())) == WANT["audit_events"], "auto-pagination")
    check(len(list(client.audit_events.list(page_size=3))) == WANT["audit_events"], "by 3")
    client.audit_events.list(filter={"created_after": "2021-01-09T00:00:00+00:00"})


def charges():
    client.charges_breakdown.retrieve(start_date="2025-05-01")
    client.charges_breakdown.retrieve(start_date="2025-05-01", format="csv")
    s = client.charges_summary.retrieve(start_date="2025-05-01", end_date="2025-06-01")
    check(isinstance(s.data.total.grand_total, str), s)


def detail_records():
    page = client.detail_records.list(
        filter={"record_type": "messaging", "date_range": "yesterday", "cld": {"contains": "456"}},
        sort=["-created_at", "cld"],
        page_size=2,
    )
    check(isinstance(page.data, list), page)
    check(len(list(client.detail_records.list(filter={"record_type": "messaging"}, page_size=50))) == WANT["messaging"], "all")


def invoices():
    allv = list(client.invoices.list(sort="-period_start"))
    check(len(allv) == WANT["invoices"], len(allv))
    check(len(list(client.invoices.list(page_size=2))) == WANT["invoices"], "by 2")
    inv = client.invoices.retrieve(allv[0].invoice_id, action="link")
    check(inv.data.download_url.endswith(".pdf"), inv)
    expect_status(lambda: client.invoices.retrieve("182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"), 404)
    expect_status(lambda: client.invoices.retrieve("a b/c?d"), 400)


def prefs():
    client.payment.auto_recharge_prefs.list()
    client.payment.auto_recharge_prefs.update()
    u = client.payment.auto_recharge_prefs.update(
        enabled=True, invoice_enabled=False, preference="ach", recharge_amount="104.00", threshold_amount="50.00"
    )
    check(u.data.preference == "ach", u)


def tags():
    t = client.user_tags.list(filter={"starts_with": "my-tag"})
    check(t.data.number_tags == ["my-tag", "my-tag-2"], t)
    e = client.user_tags.list(filter={"starts_with": "a b+c&d=\u00e9"})
    check(len(e.data.number_tags) == 1, e)


def payment():
    t = client.payment.create_stored_payment_transaction(amount="120.00")
    check(t.data.amount_cents == 12000, t)
    check(Decimal(client.balance.retrieve().data.balance) == EXPECTED + 120, "credited")
    expect_status(lambda: client.payment.create_stored_payment_transaction(amount="120"), 422)


def webhooks():
    allv = list(client.webhook_deliveries.list(page_size=250))
    check(WANT["webhook_deliveries"] > 30 and len(allv) == WANT["webhook_deliveries"], len(allv))
    # One the emulator really delivered: a 500 from the primary, then 200 from the failover.
    live = client.webhook_deliveries.retrieve(WANT["failed_over_delivery"]).data
    check(live.status == "delivered" and len(live.attempts) == 2, live)
    check(live.attempts[0].http.request.url.endswith("/failover") and live.attempts[0].http.response.status == 200, "failover attempt")
    check(live.attempts[1].http.response.status == 500 and live.attempts[1].errors == [75499], "primary attempt")
    check(live.webhook.record_type == "event" and bool(live.webhook.event_type), "webhook")
    f = list(client.webhook_deliveries.list(filter={"status": {"eq": "delivered"}, "event_type": "call_initiated,call.initiated", "started_at": {"gte": "2019-03-29T11:10:00Z"}}))
    check(all(w.status == "delivered" for w in f), "filtered")
    check(client.webhook_deliveries.retrieve(allv[0].id).data.id == allv[0].id, "retrieve")
    expect_status(lambda: client.webhook_deliveries.retrieve("C9C0797E-901D-4349-A33C-C2C8F31A92C2"), 404)


for name, fn in [("balance", balance), ("audit_events", audit), ("charges", charges), ("detail_records", detail_records),
                 ("invoices", invoices), ("auto_recharge_prefs", prefs), ("user_tags", tags), ("stored payment", payment),
                 ("webhook_deliveries", webhooks)]:
    step(name, fn)
print(f"{steps} steps passed")
print("python smoke: FAILED" if failures else "python smoke: OK")
sys.exit(1 if failures else 0)

"""Reconciliation cost: ``--days`` days of a ``--orders``-order store against the QuickBooks
Online simulator with its real limits (500 requests/min, 10 at once) on a clock ``--scale`` times
faster.

Usage: ``python bench/reconcile.py [--orders 10000] [--days 90] [--scale 10]`` (run it small, e.g.
``--orders 500``). The company holds one sales receipt per order (seeded inside the simulator, not
timed), the journal one posted create per order; then one ``reconcile`` is timed.

The bound, measured in the same run: the read-back needs at least one query page per 1,000
documents of each document entity it lists (QBO's MAXRESULTS cap), and at least one query per
entity; a full page cannot say it was the last (the query API gives no total with the rows, and
asking for a count is a call too), so an entity of ``docs`` documents needs ``docs // 1000 + 1``
pages: ``min_calls = sum over SalesReceipt, Invoice, RefundReceipt, CreditMemo of
(docs // 1000 + 1)``. At 500 requests per 60 s the time those calls need at the limit is
``max(0, min_calls - 500) / 500 * 60 / scale`` seconds (0 while they fit the first minute's
allowance: then the time is not rate-bound and is reported split into the ledger read-back,
measured again alone, and the local comparison). Printed: calls and their ratio to
``min_calls``, wall time, time and calls per day reconciled, and the difference (must be 0.00).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ecom_ledger_desktop.connectors.registry import ConnectorFactory
from ecom_ledger_desktop.demo import (
    CLIENT_ID,
    CLIENT_SECRET,
    DEMO_COMPANY,
    REDIRECT_URI,
    configure_pair,
)
from ecom_ledger_desktop.sandbox.qbo import (
    QboSimulator,
    operations,
)
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from ecom_ledger_desktop.sync.reconcile import reconcile
from ecom_ledger_desktop.sync.service import SyncService
from ecom_ledger_desktop.testing.journal_seed import journal_posted_receipt

ENTITIES = ("SalesReceipt", "Invoice", "RefundReceipt", "CreditMemo")
PAGE = 1000
PER_MINUTE = 500
UNUSED_STORE_KEY = "bench-never-sent"  # the store is never contacted


def _seed(ledger: QboSimulator, db_path: Path, pair_id: int, orders: int, first: date,
          days: int, rng: random.Random) -> None:
    """One sales receipt per order in the company, and its posted create in the journal."""
    from ecom_ledger_desktop.db.state import State

    company = ledger.company
    with company.lock:
        customer = operations.create(company, "Customer", {"DisplayName": "Bench Buyer"}, set())
        item = operations.create(company, "Item", {
            "Name": "Bench Item", "Type": "NonInventory", "UnitPrice": 10,
            "IncomeAccountRef": {"value": company.live("Account")[0].id}}, set())
    state = State(db_path)
    try:
        with state.tx():
            for n in range(orders):
                day = first + timedelta(days=n % days)
                amount = Decimal(rng.randint(500, 20000)) / 100
                with company.lock:
                    row = operations.create(company, "SalesReceipt", {
                        "DocNumber": f"B{n:06d}", "TxnDate": day.isoformat(),
                        "CustomerRef": {"value": customer["Id"]},
                        "Line": [{"Amount": float(amount), "DetailType": "SalesItemLineDetail",
                                  "SalesItemLineDetail": {"ItemRef": {"value": item["Id"]},
                                                          "Qty": 1, "UnitPrice": float(amount)}}],
                        "PrivateNote": f"bench key: b{n}"}, set())
                total = Decimal(str(row["TotalAmt"]))
                journal_posted_receipt(state, pair_id, n, day, total, str(row["Id"]))
    finally:
        state.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--scale", type=float, default=10.0)
    args = parser.parse_args()
    ledger = QboSimulator(client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                          redirect_uris=(REDIRECT_URI,), time_scale=args.scale, limits=True,
                          company_profile=DEMO_COMPANY).start()
    try:
        with tempfile.TemporaryDirectory(prefix="reconcile-") as tmp:
            db_path = Path(tmp) / "ledger-sync.sqlite3"
            secrets = MemorySecretStore()
            last = ledger.company.today()
            first = last - timedelta(days=args.days - 1)
            pair_id = configure_pair(db_path, secrets, ledger=ledger.demo_connection(),
                                     store_url="http://127.0.0.1:9", start_date=first,
                                     store_token=UNUSED_STORE_KEY, demo=False,
                                     ledger_settings={"limits_time_scale": str(args.scale)})
            _seed(ledger, db_path, pair_id, args.orders, first, args.days, random.Random(7))
            factory = ConnectorFactory()
            service = SyncService(db_path, secrets, store_factory=factory.store,
                                  ledger_factory=factory.ledger)
            with service.context(pair_id) as ctx:
                ctx.ledger.facts()  # type: ignore[attr-defined]  # company facts: not the read-back
                before = ledger.stats()
                started = time.monotonic()
                result = reconcile(ctx, days=args.days, end=last)
                wall = time.monotonic() - started
                after = ledger.stats()
                probe = time.monotonic()  # the read-back alone (same calls again)
                ctx.ledger.documents_between(result.start, result.end)  # type: ignore[attr-defined]
                read = time.monotonic() - probe
    finally:
        ledger.stop()
    counts = {"SalesReceipt": args.orders, "Invoice": 0, "RefundReceipt": 0, "CreditMemo": 0}
    min_calls = sum(counts[e] // PAGE + 1 for e in ENTITIES)
    calls = int(after["requests"] - before["requests"])
    limit_seconds = max(0, min_calls - PER_MINUTE) / PER_MINUTE * 60 / args.scale
    differences = ", ".join(f"{amount} {cur}" for cur, amount in result.differences().items())
    print(f"orders {args.orders}  days {args.days}  scale {args.scale}")
    print(f"calls {calls} (reconcile counted {result.ledger_calls})  min_calls {min_calls}  "
          f"ratio {calls / min_calls:.2f}x")
    rate = (f"bound at the rate limit {limit_seconds:.2f} s, ratio {wall / limit_seconds:.2f}x"
            if limit_seconds else f"{min_calls} calls fit the first minute's {PER_MINUTE}: "
            "not rate-bound")
    print(f"wall {wall:.2f} s (ledger read-back {read:.2f} s, comparison {max(0.0, wall - read):.2f}"
          f" s); {rate}")
    print(f"per day reconciled: {wall / args.days * 1000:.1f} ms, "
          f"{calls / args.days:.3f} calls")
    print(f"difference: {differences or '0.00'}  reconciled: {result.reconciled}")
    return 0 if result.reconciled else 1


if __name__ == "__main__":
    sys.exit(main())

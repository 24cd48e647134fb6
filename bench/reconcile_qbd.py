"""Reconciliation cost for QuickBooks Desktop, whose company is read only during Web Connector
updates: ``--days`` days of an ``--orders``-order store against the company simulator.

Usage: ``python bench/reconcile_qbd.py [--orders 10000] [--days 90] [--edits 15]`` (run it small,
e.g. ``--orders 500``). The company holds one sales receipt per order (seeded inside the simulator,
not timed), the journal one posted create per order. Timed, in order:

1. the first read of the company into its copy (the 90-day window and the lists, by iterator
   pages of ``refresh.PAGE``): exchanges against the floor, the most pages any one query needs
   (``max(ceil(records / PAGE))`` over the sales queries and the lists; all queries share each
   exchange);
2. a reconciliation between updates, answered by the copy: exchanges (0) and time;
3. ``--edits`` receipts changed or deleted by hand, then the next update's incremental read
   (``ModifiedDateRangeFilter`` / ``TxnDeletedQuery``): exchanges (floor 1) and records it carried;
4. the reconciliation again: the hand edits are found (deleted and changed), nothing else.

Exchanges go straight to the simulator (each costs one Web Connector round trip in real use:
``bench/qbwc_session.py`` measures those).
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ecom_ledger_desktop.connectors.ledgers.qbd import refresh
from ecom_ledger_desktop.connectors.ledgers.qbd.mailbox import forget_mailbox, mailbox_for
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import parse
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.build import Request, message_set
from ecom_ledger_desktop.connectors.ledgers.qbd.readback import QbdReadBack
from ecom_ledger_desktop.connectors.registry import ConnectorFactory
from ecom_ledger_desktop.core.clock import ManualClock, SystemClock
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.models.rules import PostingRules
from ecom_ledger_desktop.sandbox.qbd import Company, QbdCompanySimulator, seed_company
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from ecom_ledger_desktop.sync.reconcile import reconcile
from ecom_ledger_desktop.sync.service import SyncService
from ecom_ledger_desktop.testing.journal_seed import journal_posted_receipt


def _seed(sim: QbdCompanySimulator, clock: ManualClock, db_path: Path, orders: int, days: int,
          rng: random.Random) -> tuple[int, list[str]]:
    """The pair, one sales receipt per order in the company (one a second, as a shop's
    postings are spread in time) and its posted create."""
    company = sim.company
    today = company.now().date()
    state = State(db_path)
    txns: list[str] = []
    try:
        with state.tx():
            shop = state.connections.add_connection(ConnectionConfig(
                name="shop", kind="magento2", settings={"base_url": "http://127.0.0.1:9"}))
            books = state.connections.add_connection(ConnectionConfig(name="books", kind="qbd"))
            pair_id = state.connections.add_pair("bench", shop, books, PostingRules(
                start_date=today - timedelta(days=days), timezone="UTC"))
            buyer = company.named("Customer", "Jordan Rivera")
            assert buyer is not None
            for n in range(orders):
                day = today - timedelta(days=n % days)
                total = Decimal(rng.randint(500, 20000)) / 100
                with company.lock:
                    record = company.add("SalesReceipt", {
                        "TxnNumber": str(n + 1), "CustomerRef": {"ListID": buyer.id,
                                                                 "FullName": buyer.name},
                        "TxnDate": day.isoformat(), "RefNumber": f"B{n:06d}",
                        "Subtotal": total, "SalesTaxTotal": Decimal("0.00"),
                        "TotalAmount": total, "Memo": f"ecom-ledger key: b{n}",
                        "SalesReceiptLineRet": []})
                txns.append(record.id)
                clock.advance(1)
                journal_posted_receipt(state, pair_id, n, day, total, record.id)
    finally:
        state.close()
    return pair_id, txns


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--edits", type=int, default=15)
    args = parser.parse_args()
    clock = ManualClock(datetime.now(UTC) - timedelta(seconds=args.orders + 60))
    sim = QbdCompanySimulator(seed_company(Company(now=clock.now)))
    carried: list[int] = []

    def ask(*requests: Request, record: str = "") -> list[parse.Response]:
        by_id = parse.parse_response(sim.process(message_set(list(requests)))).by_request_id()
        answers = [by_id[r.request_id] for r in requests]
        carried.append(sum(len(a.rets) for a in answers))
        return answers

    with tempfile.TemporaryDirectory(prefix="reconcile-qbd-") as tmp:
        db_path = Path(tmp) / "ledger-sync.sqlite3"
        pair_id, txns = _seed(sim, clock, db_path, args.orders, args.days, random.Random(7))
        secrets = MemorySecretStore()
        secrets.set("shop", "token", "bench-never-sent")
        factory = ConnectorFactory(lock_dir=Path(tmp))
        service = SyncService(db_path, secrets, store_factory=factory.store,
                              ledger_factory=factory.ledger)
        try:
            with service.context(pair_id) as ctx:  # the copy and names from the database
                mailbox = mailbox_for("books")
                reader = QbdReadBack(ask, lambda: "USD", mailbox, SystemClock())
                mailbox.ticket = "bench"  # as inside a Web Connector session
                started = time.monotonic()
                reader.refresh()
                first_read = time.monotonic() - started
                first_calls = reader.calls
                mailbox.ticket = None
                started = time.monotonic()
                clean = reconcile(ctx, days=args.days)
                between = time.monotonic() - started
                clock.advance(60)  # a minute later, by hand in QuickBooks
                rng = random.Random(11)
                for n, txn in enumerate(rng.sample(txns, args.edits)):
                    if n % 3 == 0:
                        sim.company.delete("SalesReceipt", txn)
                        continue
                    receipt = sim.company.get("SalesReceipt", txn)
                    assert receipt is not None
                    receipt.data["TotalAmount"] += Decimal("1.00")
                    sim.company.touch(receipt)
                mailbox.ticket = "bench"
                before, carried_before = reader.calls, len(carried)
                started = time.monotonic()
                reader.refresh()
                incremental = time.monotonic() - started
                mailbox.ticket = None
                incremental_records = sum(carried[carried_before:])
                found = reconcile(ctx, days=args.days)
        finally:
            forget_mailbox("books")
    items = len([r for kind in sim.company.records if kind.startswith("Item")
                 for r in sim.company.all(kind)])
    customers = len(list(sim.company.all("Customer")))
    floor = max(1, *(math.ceil(n / refresh.PAGE) for n in (args.orders, items, customers)))
    reasons: dict[str, int] = {}
    for line in found.lines:
        for finding in line.findings:
            reasons[finding.reason] = reasons.get(finding.reason, 0) + 1
    print(f"orders {args.orders}  days {args.days}  page {refresh.PAGE}  at "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"first read: {first_calls} exchanges (floor {floor}), {first_read:.2f} s")
    print(f"reconcile between updates: {clean.ledger_calls} exchanges, {between:.2f} s "
          f"({between / args.days * 1000:.1f} ms per day), reconciled: {clean.reconciled}")
    print(f"incremental read after {args.edits} hand edits: {reader.calls - before} exchange(s) "
          f"(floor 1), {incremental_records} records carried, {incremental:.2f} s")
    print(f"found afterwards: {reasons}")
    return 0 if clean.reconciled and sum(reasons.values()) == args.edits else 1


if __name__ == "__main__":
    sys.exit(main())

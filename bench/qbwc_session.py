"""Orders per Web Connector session, and the longest exchange of our own processing.

Usage: ``python bench/qbwc_session.py [--orders 500] [--validate]``. Seeds a Magento simulator
with N paid orders, journals them while QuickBooks is away (a scheduled sync), then runs ONE Web
Connector update against our endpoint (loopback HTTP) with the company simulator behind it, and
prints the orders posted in that session (a backlog goes 25 adds to a message set), its
exchanges, and the longest time our service took to answer one call (``sendRequestXML`` /
``receiveResponseXML``, measured at the Web Connector; QuickBooks' own time between the calls is
not ours and is printed apart).

The bound, by construction (``connectors/ledgers/qbd/source.py``): ``sendRequestXML`` answers
within TAKE_WAIT (20 s) — with the next request, or a keep-alive query when the sync is still
preparing one — and ``receiveResponseXML`` within SETTLE_WAIT (20 s); so one exchange costs at
most 20 + 20 = 40 s of our processing, under the 60 s target and the Web Connector's ~120 s per
call. Exit status 0 when >= 500 orders (or all of a smaller --orders) posted in the session and
no exchange exceeded 60 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ecom_ledger_desktop.connectors.ledgers.qbd.mailbox import forget_mailbox
from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector import PASSWORD_KEY
from ecom_ledger_desktop.connectors.registry import ConnectorFactory
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.models.rules import PaymentRoute, PostingRules
from ecom_ledger_desktop.sandbox.magento2 import Magento2Simulator
from ecom_ledger_desktop.sandbox.qbd import Company, QbdCompanySimulator, seed_company
from ecom_ledger_desktop.sandbox.qbwc import QuickBooksDesktop, WebConnectorSimulator
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from ecom_ledger_desktop.sync.background import Background
from ecom_ledger_desktop.sync.service import SyncService

TOKEN, PASSWORD = "bench-token", "bench-password"
CATALOG = [{"sku": "MB-TOTE-BLK", "name": "Canvas Tote (Black)", "price": "24.00", "qty": 100000},
           {"sku": "24-UG06", "name": "Affirm Water Bottle", "price": "7.00", "qty": 100000}]
TARGET_ORDERS, LIMIT_SECONDS = 500, 60.0
SCHEMA = Path(__file__).resolve().parent.parent.parent / "shared/reference/specs/qbxml/qbxmlops130.xsd"


def order(n: int) -> dict[str, Any]:
    return {"customer": {"email": f"buyer{n % 50}@example.com", "firstname": "Buyer",
                         "lastname": f"No {n % 50}"},
            "lines": [{"sku": "MB-TOTE-BLK", "name": "Canvas Tote (Black)", "qty": 1 + n % 3,
                       "price": "24.00", "tax_percent": "8.25"},
                      {"sku": "24-UG06", "name": "Affirm Water Bottle", "qty": 1, "price": "7.00"}],
            "shipping": "5.00", "currency": "USD", "payment_method": "braintree", "paid": True}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=TARGET_ORDERS)
    parser.add_argument("--validate", action="store_true",
                        help="the company simulator validates each request against the XSD")
    args = parser.parse_args()
    store = Magento2Simulator(token=TOKEN, seed=1, seed_orders=0).start()
    company = QbdCompanySimulator(seed_company(Company(), CATALOG),
                                  schema_path=SCHEMA if args.validate else None)
    quickbooks = QuickBooksDesktop(process=company.process, on_session_end=company.end_session)
    qb_seconds = [0.0]
    execute = quickbooks.execute

    def timed_execute(xml: str) -> str:
        began = time.perf_counter()
        try:
            return execute(xml)
        finally:
            qb_seconds[0] += time.perf_counter() - began

    quickbooks.execute = timed_execute  # type: ignore[method-assign]
    background = None
    try:
        for n in range(args.orders):
            store.add_order(order(n))
        with tempfile.TemporaryDirectory() as tmp:
            secrets = MemorySecretStore()
            secrets.set("shop", "token", TOKEN)
            secrets.set("books", PASSWORD_KEY, PASSWORD)
            db = Path(tmp) / "ledger-sync.sqlite3"
            state = State(db)
            with state.tx():
                shop = state.connections.add_connection(ConnectionConfig(
                    name="shop", kind="magento2", settings={"base_url": store.base_url}))
                books = state.connections.add_connection(ConnectionConfig(
                    name="books", kind="qbd", settings={"port": "0",
                                                        "tax_items": "8.25=CA Sales Tax"}))
                pair = state.connections.add_pair("bench", shop, books, PostingRules(
                    start_date=date(2026, 1, 1),
                    payment_routes={"braintree": PaymentRoute(payment_method="Visa")}))
            state.close()
            factory = ConnectorFactory()
            service = SyncService(db, secrets, store_factory=factory.store,
                                  ledger_factory=factory.ledger)
            offline = service.run_pair(pair, "schedule")
            print(f"journaled while QuickBooks was away: {offline.message}")
            background = Background(service)
            background.start_companions()
            url = background.companions["books"].url  # type: ignore[attr-defined]
            calls: list[tuple[str, float]] = []
            with WebConnectorSimulator(url, "books", PASSWORD, quickbooks) as wc:
                call = wc.transport.call

                def timed_call(operation: str, params: list[tuple[str, str]]) -> Any:
                    began = time.perf_counter()
                    try:
                        return call(operation, params)
                    finally:
                        calls.append((operation, time.perf_counter() - began))

                wc.transport.call = timed_call  # type: ignore[method-assign]
                began = time.perf_counter()
                report = wc.run_session()
                wall = time.perf_counter() - began
            state = State(db)
            posted = state.conn.execute("SELECT COUNT(*) FROM postings WHERE pair_id = ? AND state = "
                                   "'posted' AND record_kind = 'order'", (pair,)).fetchone()[0]
            waiting = len(state.journal.open_postings(pair))
            state.close()
            background.stop()
            background = None
    finally:
        if background is not None:
            background.stop()
        forget_mailbox("books")
        store.stop()
    exchanges = [seconds for op, seconds in calls if op in ("sendRequestXML", "receiveResponseXML")]
    longest = max(exchanges, default=0.0)
    by_op: dict[str, float] = {}
    for op, seconds in calls:
        by_op[op] = max(by_op.get(op, 0.0), seconds)
    print(f"session: {report.outcome}, {report.exchanges} exchanges, wall {wall:.1f} s "
          f"(QuickBooks' own processing {qb_seconds[0]:.1f} s)")
    print(f"orders posted in the session: {posted} of {args.orders}; still waiting: {waiting}")
    print("longest call of our processing: " + ", ".join(f"{op} {s:.2f} s"
                                                         for op, s in sorted(by_op.items())))
    target = min(TARGET_ORDERS, args.orders)
    ok = report.outcome == "done" and posted >= target and longest <= LIMIT_SECONDS
    print(f"target >= {target} orders in one session, no exchange over {LIMIT_SECONDS:.0f} s: "
          f"{'met' if ok else 'NOT met'} (longest {longest:.2f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Month-end audit of X-Cart -> QuickBooks Online through the journal: the seeded shop synced
into the simulated company; every posted document equals the shop's order or refund to the cent
(total and tax), is dated on the shop's local day (an offline order: the day it was paid), and
each month's sales and tax add up to the shop's."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.registry import ConnectorFactory
from ecom_ledger_desktop.connectors.stores.xcart.client import XCartStore
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.demo import configure_pair
from ecom_ledger_desktop.models.rules import PaymentRoute, PostingRules
from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from ecom_ledger_desktop.sandbox.server import SimClock
from ecom_ledger_desktop.sandbox.xcart import XCartSimulator
from ecom_ledger_desktop.sandbox.xcart.seed import DEMO_CATALOG, GIFT
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from ecom_ledger_desktop.sync.service import SyncService
from tests.sync.conftest import bench_ledger

NOW = datetime(2026, 12, 6, 18, 0, tzinfo=UTC)
ZONE = "America/New_York"
D = Decimal


@dataclass
class Books:
    shop: XCartSimulator
    ledger: QboSimulator
    service: SyncService
    db_path: Path
    pair_id: int

    def flagged_numbers(self) -> set[str]:
        state = State(self.db_path)
        try:
            return {e.record_ref for e in state.errors.entries(self.pair_id, "open")}
        finally:
            state.close()


@pytest.fixture
def books(tmp_path: Path) -> Iterator[Books]:
    shop = XCartSimulator(seed=11, seed_orders=120, clock=SimClock(start=NOW), timezone=ZONE)
    shop.start()
    ledger = bench_ledger()
    try:
        ledger.seed_items([dict(entry) for entry in DEMO_CATALOG])
        secrets = MemorySecretStore()
        db_path = tmp_path / "ledger-sync.sqlite3"
        routes = {code: PaymentRoute(payment_method=name)
                  for code, name in XCartSimulator.demo_payment_methods.items()}
        rules = PostingRules(start_date=date(2026, 1, 1), payment_routes=routes)
        pair_id = configure_pair(db_path, secrets, ledger=ledger.demo_connection(),
                                 store_url=shop.base_url, store_token="unused",
                                 start_date=rules.start_date, demo=False, rules=rules)
        factory = ConnectorFactory(policy=RetryPolicy(backoff_base=0.01, backoff_max=0.05))

        def store(config: Any, secrets: Any) -> XCartStore:
            return XCartStore(shop.base_url, shop.token, policy=factory.policy,
                              gift_card_skus=frozenset({GIFT[0]}))

        service = SyncService(db_path, secrets, store_factory=store,
                              ledger_factory=factory.ledger)
        yield Books(shop, ledger, service, db_path, pair_id)
    finally:
        shop.stop()
        ledger.stop()


def _day(stamp: int) -> str:
    return datetime.fromtimestamp(stamp, UTC).astimezone(ZoneInfo(ZONE)).date().isoformat()


def _paid_day(doc: dict[str, Any]) -> str:
    """The day an offline order's payment status became Paid, else the day it was placed."""
    became = [e["date"] for e in doc["events"] if "Paid" in e["description"]]
    return _day(min(became)) if became else _day(doc["date"])


def test_month_end_books_match_the_shop(books: Books) -> None:
    for _ in range(2):
        assert books.service.run_pair(books.pair_id, "test").status in ("ok", "flagged")
    flagged = books.flagged_numbers()
    assert len(flagged) == 6  # the demo's planted problems, nothing else

    receipts = {d["DocNumber"]: d for d in books.ledger.entities("SalesReceipt")}
    refunds = {d["DocNumber"]: d for d in books.ledger.entities("RefundReceipt")}
    months: dict[str, list[Decimal]] = defaultdict(lambda: [D(0), D(0), D(0), D(0)])
    checked_refunds = 0
    for oid in sorted(books.shop.state.orders):
        doc = books.shop.order_json(oid)
        number, status = doc["orderNumber"], doc["paymentStatus"]["code"]
        if number in flagged or status in ("Q", "C", "D"):
            assert number not in receipts, f"order {number} must not be in the books"
            continue
        receipt = receipts[number]
        total = D(str(doc["total"]))
        tax = sum((D(str(s["value"])) for s in doc["surcharges"] if s["type"] == "tax"), D(0))
        offline = doc["payment_transactions"][0]["method_name"] in (
            "Check", "PhoneOrdering", "COD", "PurchaseOrder", "WireTransfer")
        assert D(str(receipt["TotalAmt"])) == total, number
        assert D(str(receipt["TxnTaxDetail"]["TotalTax"])) == tax, number
        assert receipt["TxnDate"] == (_paid_day(doc) if offline else _day(doc["date"])), number
        month = receipt["TxnDate"][:7]
        months[month][0] += total
        months[month][1] += tax
        months[month][2] += D(str(receipt["TotalAmt"]))
        months[month][3] += D(str(receipt["TxnTaxDetail"]["TotalTax"]))
        backends = sorted((b for t in doc["payment_transactions"]
                           for b in t["backend_transactions"]), key=lambda b: b["date"])
        for n, backend in enumerate(backends, 1):
            refund = refunds[f"R-{number}-{n}"]  # the n-th refund of the order
            assert D(str(refund["TotalAmt"])) == D(str(backend["value"]))
            assert refund["TxnDate"] == _day(backend["date"])
            checked_refunds += 1
    assert checked_refunds >= 5
    assert len(months) >= 3
    for month, (shop_sales, shop_tax, book_sales, book_tax) in months.items():
        assert (book_sales, book_tax) == (shop_sales, shop_tax), month


def test_a_flaky_shop_loses_nothing_and_posts_nothing_twice(books: Books) -> None:
    """5xx, dropped connections and notes applied but unanswered, then a calm run."""
    books.shop.faults.update({"error_rate": 0.15, "drop_rate": 0.05,
                              "drop_after_apply_rate": 0.3, "seed": 4})
    for _ in range(3):
        assert books.service.run_pair(books.pair_id, "test").status in (
            "ok", "flagged", "failed")  # a run may stop on the shop; nothing is lost by it
    books.shop.faults.update({"error_rate": 0.0, "drop_rate": 0.0, "drop_after_apply_rate": 0.0})
    books.service.run_pair(books.pair_id, "test")
    assert books.service.run_pair(books.pair_id, "test").posted == 0
    flagged = books.flagged_numbers()
    numbers = [d["DocNumber"] for d in books.ledger.entities("SalesReceipt")]
    assert len(numbers) == len(set(numbers)), "a sale posted twice"
    for oid in sorted(books.shop.state.orders):
        doc = books.shop.order_json(oid)
        if doc["orderNumber"] in flagged or doc["paymentStatus"]["code"] in ("Q", "C", "D"):
            continue
        assert doc["orderNumber"] in numbers, f"order {doc['orderNumber']} was lost"
        notes = doc["adminNotes"].splitlines()
        assert len([n for n in notes if n.startswith("Sent to Accounting")]) == 1, notes

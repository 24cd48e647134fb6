"""X-Cart → FreshBooks end to end (the pair merchants ask for most): the seeded X-Cart shop
synced into the simulated FreshBooks business through the journal. Every invoice equals the
shop's order to the cent, each refund (X-Cart keeps only an amount) is a credit note of that
amount, the MultiCurrency order is invoiced in the currency X-Cart billed, the buyer FreshBooks
knows twice is flagged (never a silent second client), faults on both sides post nothing twice
and lose nothing, and each month's tax in FreshBooks' own figures is the shop's."""

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
from ecom_ledger_desktop.connectors.ledgers.freshbooks.documents import ROUNDING_LINE
from ecom_ledger_desktop.connectors.registry import ConnectorFactory
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.demo import configure_pair
from ecom_ledger_desktop.models.rules import PaymentRoute, PostingRules
from ecom_ledger_desktop.sandbox.freshbooks import FreshBooksSimulator
from ecom_ledger_desktop.sandbox.server import SimClock
from ecom_ledger_desktop.sandbox.xcart import XCartSimulator
from ecom_ledger_desktop.sandbox.xcart.seed import DEMO_CATALOG
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from ecom_ledger_desktop.sync.service import SyncService

NOW = datetime(2026, 12, 6, 18, 0, tzinfo=UTC)
ZONE = "America/New_York"
OFFLINE = ("Check", "PhoneOrdering", "COD", "PurchaseOrder", "WireTransfer")
D = Decimal


@dataclass
class Books:
    shop: XCartSimulator
    ledger: FreshBooksSimulator
    service: SyncService
    db_path: Path
    pair_id: int

    def sync(self) -> str:
        return self.service.run_pair(self.pair_id, "test").status

    def errors(self) -> list[Any]:
        state = State(self.db_path)
        try:
            return state.errors.entries(self.pair_id, "open")
        finally:
            state.close()

    def live(self, resource: str) -> list[dict[str, Any]]:
        return [r for r in self.ledger.records(resource) if r["vis_state"] == 0]


@pytest.fixture
def books(tmp_path: Path) -> Iterator[Books]:
    shop = XCartSimulator(seed=11, seed_orders=60, clock=SimClock(start=NOW), timezone=ZONE)
    ledger = FreshBooksSimulator("fb-client", "fb-secret", ("http://127.0.0.1/callback",))
    shop.start()
    ledger.start()
    try:
        ledger.seed_demo_books([dict(entry) for entry in DEMO_CATALOG])
        secrets = MemorySecretStore()
        db_path = tmp_path / "ledger-sync.sqlite3"
        routes = {code: PaymentRoute(payment_method=name)
                  for code, name in XCartSimulator.demo_payment_methods.items()}
        rules = PostingRules(start_date=date(2026, 1, 1), payment_routes=routes)
        settings, keys = shop.demo_connection()
        pair_id = configure_pair(db_path, secrets, ledger=ledger.demo_connection(),
                                 ledger_kind="freshbooks", store_kind="xcart",
                                 store_settings=settings, store_secrets=keys,
                                 start_date=rules.start_date, demo=False, rules=rules)
        factory = ConnectorFactory(policy=RetryPolicy(backoff_base=0.01, backoff_max=0.05,
                                                      breaker_reset=0.5))
        service = SyncService(db_path, secrets, store_factory=factory.store,
                              ledger_factory=factory.ledger)
        yield Books(shop, ledger, service, db_path, pair_id)
    finally:
        shop.stop()
        ledger.stop()


def _day(stamp: int) -> str:
    return datetime.fromtimestamp(stamp, UTC).astimezone(ZoneInfo(ZONE)).date().isoformat()


def _tax(doc: dict[str, Any]) -> Decimal:
    return sum((D(str(s["value"])) for s in doc["surcharges"] if s["type"] == "tax"), D(0))


def _refunds(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted((b for t in doc["payment_transactions"] for b in t["backend_transactions"]
                   if b["status"] == "S" and str(b["type"]).lower().startswith("refund")),
                  key=lambda b: (b["date"], b["id"]))


def _month(day: str) -> tuple[int, int]:
    return int(day[:4]), int(day[5:7])


def _month_range(month: tuple[int, int]) -> tuple[date, date]:
    first = date(*month, 1)
    following = date(month[0] + month[1] // 12, month[1] % 12 + 1, 1)
    return first, date.fromordinal(following.toordinal() - 1)


def test_month_end_books_match_the_shop(books: Books) -> None:
    for _ in range(2):
        assert books.sync() in ("ok", "flagged")
    errors = books.errors()
    flagged = {e.record_ref for e in errors}
    invoices = {i["invoice_number"]: i for i in books.live("invoices")}
    assert len(invoices) == len(books.ledger.records("invoices")), "an invoice was deleted"
    payments = defaultdict(list)
    for payment in books.live("payments"):
        payments[payment["invoiceid"]].append(payment)
    credits = books.live("credit_notes")
    tax_by_month: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    credit_amounts: list[Decimal] = []
    multicurrency = 0
    for oid in sorted(books.shop.state.orders):
        doc = books.shop.order_json(oid)
        number, status = doc["orderNumber"], doc["paymentStatus"]["code"]
        if number in flagged or status in ("Q", "C", "D"):
            assert number not in invoices, f"order {number} must not be in the books"
            continue
        invoice = invoices[number]
        total = D(str(doc["total"]))
        assert D(str(invoice["amount"]["amount"])) == total, number
        assert invoice["currency_code"] == doc["currency"]["code"], number  # what X-Cart billed
        if doc.get("selectedMultiCurrency"):
            multicurrency += 1
            assert invoice["currency_code"] == "USD" != doc["selectedMultiCurrency"]["code"]
        assert invoice["payment_status"] == "paid", number
        assert sum((D(str(p["amount"]["amount"])) for p in payments[invoice["id"]]),
                   D(0)) == total, number
        offline = doc["payment_transactions"][0]["method_name"] in OFFLINE
        if not offline:
            assert invoice["create_date"] == _day(doc["date"]), number
        tax_by_month[_month(invoice["create_date"])] += _tax(doc)
        for backend in _refunds(doc):
            refunded = D(str(backend["value"]))
            credit_amounts.append(refunded)
            if refunded == total:  # a whole order back: its tax too (a part: an amount only)
                tax_by_month[_month(_day(backend["date"]))] -= _tax(doc)
    assert multicurrency >= 1
    # every refund is one credit note of the refunded amount
    assert sorted(D(str(c["amount"]["amount"])) for c in credits) == sorted(credit_amounts)
    assert len(credit_amounts) >= 3
    # FreshBooks' own tax report, month by month, plus the documents' rounding lines (FreshBooks
    # rounds tax per line; the cent it misses is its own line) is the shop's tax
    rounding: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for sign, docs in ((1, invoices.values()), (-1, credits)):
        for document in docs:
            for line in document["lines"]:
                if line["name"] == ROUNDING_LINE:
                    gap = D(str(line["unit_cost"]["amount"]))
                    assert abs(gap) <= D("0.05"), document
                    rounding[_month(document["create_date"])] += sign * gap
    assert len(tax_by_month) >= 3
    for month, expected in tax_by_month.items():
        start, end = _month_range(month)
        figures = books.ledger.reports.tax_collected(start, end, "USD")
        assert sum(figures.values(), D(0)) + rounding[month] == expected, month
    # the buyer FreshBooks knows twice waits for the merchant, no second client
    [twice] = [e for e in errors if "Jordan" in e.message or "jordan" in e.message]
    assert twice.record_ref not in invoices
    assert len([c for c in books.live("clients")
                if c["email"] == "jordan.rivera@example.com"]) == 2



def test_faults_on_both_sides_post_nothing_twice_and_lose_nothing(books: Books) -> None:
    """X-Cart 5xx and dropped answers, FreshBooks writes applied but unanswered (an invoice, a
    payment, a credit note), 429s, then a calm run: each order once, each payment once."""
    books.shop.faults.update({"error_rate": 0.1, "drop_rate": 0.05,
                              "drop_after_apply_rate": 0.2, "seed": 5})
    books.ledger.faults.update({"error_rate": 0.1, "drop_after_apply_rate": 0.15, "seed": 6})
    books.ledger.drop_next_writes_after_apply(1, "invoices")
    books.ledger.throttle_next(3)
    for _ in range(3):
        assert books.sync() in ("ok", "flagged", "failed")  # a run may stop; nothing is lost
    books.shop.faults.update({"error_rate": 0.0, "drop_rate": 0.0, "drop_after_apply_rate": 0.0})
    books.ledger.faults.update({"error_rate": 0.0, "drop_after_apply_rate": 0.0})
    books.sync()
    assert books.service.run_pair(books.pair_id, "test").posted == 0
    flagged = {e.record_ref for e in books.errors()}
    numbers = [i["invoice_number"] for i in books.ledger.records("invoices")]
    assert len(numbers) == len(set(numbers)), "an order was invoiced twice"
    invoices = {i["invoice_number"]: i for i in books.live("invoices")}
    paid = defaultdict(list)
    for payment in books.live("payments"):
        paid[payment["invoiceid"]].append(payment)
    for oid in sorted(books.shop.state.orders):
        doc = books.shop.order_json(oid)
        number = doc["orderNumber"]
        if number in flagged or doc["paymentStatus"]["code"] in ("Q", "C", "D"):
            continue
        assert number in invoices, f"order {number} was lost"
        [payment] = paid[invoices[number]["id"]]  # never paid twice
        assert D(str(payment["amount"]["amount"])) == D(str(doc["total"]))
    credits = [D(str(c["amount"]["amount"])) for c in books.live("credit_notes")]
    refunds = [D(str(b["value"])) for oid in books.shop.state.orders
               for b in _refunds(books.shop.order_json(oid))]
    assert sorted(credits) == sorted(refunds)

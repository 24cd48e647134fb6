"""Month-end audit of Magento → FreshBooks: the books an accountant signs off, read from the
FreshBooks simulator's own figures (tax collected per tax name, receivables) against the shop's
(tax per store-local month, what is still owed), with orders at month ends in the store's zone,
a coupon, a refund in the next month, an open purchase order and an order in euros."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tests.connectors.freshbooks.bench import ZONE, open_bench, order, utc

MONTHS = {(2026, 10): (date(2026, 10, 1), date(2026, 10, 31)),
          (2026, 11): (date(2026, 11, 1), date(2026, 11, 30)),
          (2026, 12): (date(2026, 12, 1), date(2026, 12, 31))}


def local_day(stamp: str) -> date:
    moment = datetime.fromisoformat(stamp).replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(ZONE)).date()


def test_month_end_books_match_the_store(tmp_path: Path) -> None:
    with open_bench(tmp_path) as bench:
        store = bench.store
        ids = {
            "late": store.add_order(order(created_at=utc("2026-10-31 23:30"))),
            "coupon": store.add_order(order(created_at=utc("2026-11-12 10:00"),
                                            discount="10.00", coupon_code="SAVE10")),
            "december": store.add_order(order(created_at=utc("2026-12-01 09:00"))),
            "po_open": store.add_order(order(created_at=utc("2026-11-27 09:00"),
                                             payment_method="purchaseorder", paid=False)),
            "refunded": store.add_order(order(created_at=utc("2026-10-28 15:00"))),
            "euros": store.add_order(order(created_at=utc("2026-11-15 14:00"), currency="EUR",
                                           base_currency="USD", base_to_order_rate="0.9215")),
        }
        memo_id = store.state.refund_order(
            ids["refunded"], {"lines": [{"sku": "MB-TOTE-BLK", "qty": 1, "back_to_stock": True}],
                              "shipping": 0}, now=utc("2026-11-30 23:45"))
        summary = bench.sync()
        assert summary.status == "ok", [(e.code, e.message) for e in bench.open_errors()]

        # tax per store-local month and currency, from the shop
        expected: dict[tuple[str, tuple[int, int]], Decimal] = defaultdict(Decimal)
        orders = {name: store.order_json(entity) for name, entity in ids.items()}
        for placed in orders.values():
            day = local_day(placed["created_at"])
            expected[(placed["order_currency_code"], (day.year, day.month))] += \
                Decimal(str(placed["tax_amount"]))
        memo: dict[str, Any] = store.state.creditmemos[memo_id]
        day = local_day(memo["created_at"])
        expected[("USD", (day.year, day.month))] -= Decimal(str(memo["tax_amount"]))

        # ... and from FreshBooks' own books
        for currency in ("USD", "EUR"):
            for month, (start, end) in MONTHS.items():
                figures = bench.ledger.reports.tax_collected(start, end, currency)
                assert sum(figures.values(), Decimal(0)) == expected[(currency, month)], (
                    currency, month, figures)
        assert expected[("USD", (2026, 10))] > 0 and expected[("USD", (2026, 11))] > 0

        dated = {i["invoice_number"]: i["create_date"] for i in bench.live("invoices")}
        number = {name: placed["increment_id"] for name, placed in orders.items()}
        assert dated[number["late"]] == "2026-10-31"  # the UTC day was already November
        assert dated[number["december"]] == "2026-12-01"
        [credit] = bench.live("credit_notes")
        assert credit["create_date"] == "2026-11-30"
        for name, placed in orders.items():
            invoice = next(i for i in bench.live("invoices")
                           if i["invoice_number"] == number[name])
            assert Decimal(invoice["amount"]["amount"]) == Decimal(str(placed["grand_total"]))
        [owed] = bench.ledger.reports.open_receivables(as_of=date(2026, 11, 30))
        assert owed.invoice_number == number["po_open"]
        assert owed.outstanding == Decimal(str(orders["po_open"]["grand_total"]))

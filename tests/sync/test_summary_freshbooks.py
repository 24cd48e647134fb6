"""Summary posting into FreshBooks (Magento → FreshBooks simulators): a day's orders become one
invoice to the standard customer, paid, its tax per tax name the store's; a refund of the day's
orders is one summary credit; the day's invoice is posted once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from ecom_ledger_desktop.core.clock import ManualClock
from tests.connectors.freshbooks.bench import open_bench, order, rules, utc


def test_a_day_of_orders_is_one_paid_freshbooks_invoice_with_the_stores_tax(
        tmp_path: Path) -> None:
    summary_rules = rules().switch_mode("daily_summary", None)
    with open_bench(tmp_path, pair_rules=summary_rules) as bench:
        store = bench.store
        ids = [store.add_order(order(created_at=utc(f"2026-11-12 1{n}:00"))) for n in range(3)]
        memo_id = store.state.refund_order(
            ids[0], {"lines": [{"sku": "MB-TOTE-BLK", "qty": 1, "back_to_stock": True}],
                     "shipping": 0}, now=utc("2026-11-12 20:00"))
        bench.service.clock = ManualClock(datetime(2026, 11, 14, tzinfo=UTC))
        result = bench.sync()
        assert result.status == "ok", [(e.code, e.message) for e in bench.open_errors()]
        placed = [store.order_json(i) for i in ids]
        [invoice] = bench.live("invoices")
        assert invoice["invoice_number"].startswith("S261112-")
        assert Decimal(invoice["amount"]["amount"]) == sum(
            (Decimal(str(p["grand_total"])) for p in placed), Decimal(0))
        memo = store.state.creditmemos[memo_id]
        [credit] = bench.live("credit_notes")  # the day's summary credit
        assert Decimal(credit["amount"]["amount"]) == Decimal(str(memo["grand_total"]))
        tax = bench.ledger.reports.tax_collected(date(2026, 11, 1), date(2026, 11, 30), "USD")
        assert sum(tax.values(), Decimal(0)) == sum(
            (Decimal(str(p["tax_amount"])) for p in placed), Decimal(0)) - Decimal(
            str(memo["tax_amount"]))
        assert bench.ledger.reports.open_receivables(as_of=date(2026, 11, 30)) == []
        assert bench.sync().posted == 0


def test_a_late_edit_updates_the_days_freshbooks_invoice(tmp_path: Path) -> None:
    with open_bench(tmp_path, pair_rules=rules().switch_mode("daily_summary", None)) as bench:
        store = bench.store
        ids = [store.add_order(order(created_at=utc(f"2026-11-12 1{n}:00"))) for n in range(2)]
        bench.service.clock = ManualClock(datetime(2026, 11, 14, tzinfo=UTC))
        assert bench.sync().status == "ok"
        [before] = bench.live("invoices")
        store.edit_order(ids[0], {"lines": [{"sku": "MB-TOTE-BLK", "name": "Canvas Tote",
                                             "qty": 3, "price": "24.00",
                                             "tax_percent": "8.25"}]})
        assert bench.sync().status == "ok", [(e.code, e.message) for e in bench.open_errors()]
        [after] = bench.live("invoices")
        assert after["id"] == before["id"], "the day's invoice is updated, not a second one"
        assert after["amount"]["amount"] != before["amount"]["amount"]
        assert Decimal(after["amount"]["amount"]) == sum(
            (Decimal(str(store.order_json(i)["grand_total"])) for i in ids), Decimal(0))

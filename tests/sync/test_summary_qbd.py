"""Summary posting into QuickBooks Desktop (Magento → engine → Web Connector → company
simulators): a day's orders become one sales receipt to the standard customer, its total and
Sales Tax line the sums of the store's, delivered once by the Web Connector."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from ecom_ledger_desktop.core.clock import ManualClock
from tests.sync.qbd_bench import open_bench, order, rules


def test_a_day_of_orders_is_one_desktop_sales_receipt_posted_once(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    summary_rules = rules().switch_mode("daily_summary", None)
    with open_bench(tmp_path, reference_if_present, pair_rules=summary_rules,
                    clock=ManualClock(datetime(2026, 11, 14, tzinfo=UTC))) as bench:
        ids = [bench.store.add_order(order(created_at=f"2026-11-12 1{n}:00:00"))
               for n in range(2)]
        placed = [bench.store.order_json(i) for i in ids]
        assert bench.sync().status == "ok", [e.message for e in bench.open_errors()]
        assert bench.session().outcome == "done"
        [receipt] = bench.txns("SalesReceipt")
        assert str(receipt.data["RefNumber"]).startswith("S261112-")
        assert Decimal(str(receipt.data["TotalAmount"])) == sum(
            (Decimal(str(p["grand_total"])) for p in placed), Decimal(0))
        lines = {line["ItemRef"]["FullName"]: line for line in receipt.data["SalesReceiptLineRet"]}
        assert Decimal(str(lines["CA Sales Tax"]["Amount"])) == sum(
            (Decimal(str(p["tax_amount"])) for p in placed), Decimal(0))
        assert Decimal(str(lines["MB-TOTE-BLK"]["Quantity"])) == 4
        assert bench.open_postings() == [] and bench.open_errors() == []
        assert bench.session().outcome in ("done", "no_work")
        assert len(bench.txns("SalesReceipt")) == 1


def test_a_late_edit_modifies_the_days_desktop_receipt(tmp_path: Path,
                                                       reference_if_present: Path | None) -> None:
    with open_bench(tmp_path, reference_if_present, pair_rules=rules().switch_mode("daily_summary", None),
                    clock=ManualClock(datetime(2026, 11, 14, tzinfo=UTC))) as bench:
        ids = [bench.store.add_order(order(created_at=f"2026-11-12 1{n}:00:00"))
               for n in range(2)]
        assert bench.sync().status == "ok"
        assert bench.session().outcome == "done"
        [before] = bench.txns("SalesReceipt")
        txn_id, total_before = before.data["TxnID"], Decimal(str(before.data["TotalAmount"]))
        bench.store.edit_order(ids[0], {"lines": [{"sku": "MB-TOTE-BLK", "name": "Canvas Tote",
                                                   "qty": 3, "price": "24.00",
                                                   "tax_percent": "8.25"}]})
        assert bench.sync().status == "ok", [e.message for e in bench.open_errors()]
        assert bench.session().outcome == "done"
        [after] = bench.txns("SalesReceipt")
        assert after.data["TxnID"] == txn_id, "the day's receipt is modified, not a second one"
        assert Decimal(str(after.data["TotalAmount"])) == sum(
            (Decimal(str(bench.store.order_json(i)["grand_total"])) for i in ids), Decimal(0))
        assert Decimal(str(after.data["TotalAmount"])) != total_before

"""Summary posting notes each store order with the daily summary it is in (Magento → QuickBooks
Online simulators), once the summary is in the books."""

from __future__ import annotations

from datetime import UTC, datetime

from ecom_ledger_desktop.core.clock import ManualClock
from tests.sync.conftest import SyncBench, order_spec


def test_each_order_of_a_summary_is_noted_with_the_summary_document(bench: SyncBench) -> None:
    bench.set_rules(posting_mode="daily_summary")
    ids = [bench.store.add_order(order_spec(created_at="2026-11-12 15:00:00")) for _ in range(2)]
    bench.service.clock = ManualClock(datetime(2026, 11, 14, tzinfo=UTC))
    assert bench.sync().status == "ok"
    [summary] = bench.docs("SalesReceipt")
    for order_id in ids:
        comments = bench.store.comments(order_id)
        assert any(summary["DocNumber"] in c and "daily summary" in c
                   and summary["Id"] in c for c in comments), comments
    bench.sync()
    assert all(len([c for c in bench.store.comments(i) if "daily summary" in c]) == 1
               for i in ids), "noted once"

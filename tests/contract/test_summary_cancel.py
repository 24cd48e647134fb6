"""Summary posting: a cancellation of an order of a day already summarised updates that day's
document; cancelling the day's last order voids it (PrestaShop → QuickBooks Online simulators,
whose shop cancels a paid order)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from ecom_ledger_desktop.sync.sales_by_day import sales_per_day
from tests.contract.conftest import ContractBench
from tests.contract.harness import LineSpec, OrderSpec

D = Decimal
CENT = D("0.01")
TOTE = LineSpec("MB-TOTE-BLK", "Canvas Tote (Black)", 2, "24.00", "8.875")
BOTTLE = LineSpec("WB-BOTTLE", "Steel Water Bottle", 1, "18.50", "0")
pytestmark = pytest.mark.parametrize("make_harness", ["prestashop"], indirect=True)


def _live(bench: ContractBench) -> list[dict]:
    return [d for d in bench.docs("SalesReceipt")
            if "Voided" not in str(d.get("PrivateNote", "")) and D(str(d["TotalAmt"])) != 0]


def test_cancelling_orders_of_a_summarised_day_updates_then_voids_its_summary(
        bench: ContractBench) -> None:
    store = bench.store
    bench.change_rules(lambda rules: rules.switch_mode("daily_summary", None))
    placed = datetime(2026, 11, 12, 15, tzinfo=UTC)
    first, second = (store.add_order(OrderSpec(lines, created_at=placed, updated_at=store.now()))
                     for lines in ([TOTE], [BOTTLE]))
    bench.sync()
    [summary] = _live(bench)
    both = store.order_total(first) + store.order_total(second)
    assert D(str(summary["TotalAmt"])) == both.quantize(CENT)
    state = bench.state()
    try:  # the dashboard's chart counts summarised orders by their own day
        [day] = sales_per_day(state, date(2026, 11, 12), 1, bench.pair_id)
    finally:
        state.close()
    assert (day.orders, day.amount) == (2, both)
    store.cancel(first)
    store.advance(2)
    bench.sync()
    assert bench.open_errors() == [], [e.message for e in bench.open_errors()]
    [updated] = _live(bench)
    assert updated["Id"] == summary["Id"], "the day's document is updated, not a second one"
    assert D(str(updated["TotalAmt"])) == store.order_total(second).quantize(CENT)
    store.cancel(second)
    store.advance(2)
    bench.sync()
    assert bench.open_errors() == [], [e.message for e in bench.open_errors()]
    assert _live(bench) == [], "nothing left in the day: its summary is voided"

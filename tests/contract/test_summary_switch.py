"""Summary posting end to end (Magento → QuickBooks Online simulators): per-order days, a switch
to daily summaries from a cut-over date, a switch back, a late edit and a refund;
the ledger's own reports count every order exactly once in income and tax, day by day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from ecom_ledger_desktop.core.clock import ManualClock
from ecom_ledger_desktop.sync.reconcile import reconcile
from tests.contract.conftest import ContractBench
from tests.contract.harness import LineSpec, OrderSpec, RefundSpec

D = Decimal
CENT = D("0.01")
ZONE = ZoneInfo("America/New_York")
TOTE = LineSpec("MB-TOTE-BLK", "Canvas Tote (Black)", 2, "24.00", "8.875")
BOTTLE = LineSpec("WB-BOTTLE", "Steel Water Bottle", 1, "18.50", "0")
pytestmark = pytest.mark.parametrize("make_harness", ["magento2"], indirect=True)


def _at(day: int, hour: int = 15) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)  # 10:00 in New York, same day


def _switch(bench: ContractBench, mode: str, from_day: date) -> None:
    state = bench.state()
    try:
        pair = state.connections.pair(bench.pair_id)
        assert pair is not None
        with state.tx():
            state.connections.save_rules(bench.pair_id,
                                         pair.rules.switch_mode(mode, from_day))  # type: ignore[arg-type]
    finally:
        state.close()


def _books_by_day(bench: ContractBench, days: list[date]) -> dict[date, tuple[D, D]]:
    """(income, tax) per day from the simulated company's own reports."""
    out = {}
    for day in days:
        pnl = bench.ledger.reports.profit_and_loss(day, day)
        tax = sum(bench.ledger.reports.tax_liability(day, day).values(), D(0))
        out[day] = (pnl["Net Income"], tax)
    return out


def test_switching_modes_counts_every_order_once_in_income_and_tax(
        bench: ContractBench) -> None:
    store = bench.store
    orders: dict[str, tuple[str, date]] = {}

    def place(name: str, day: int, lines: list[LineSpec]) -> None:
        orders[name] = (store.add_order(OrderSpec(lines, shipping_tax_percent="8.875",
                                                  created_at=_at(day),
                                                  updated_at=store.now())),
                        date(2026, 11, day))

    place("a10", 10, [TOTE])
    place("b11", 11, [TOTE, BOTTLE])
    bench.sync()  # per order
    _switch(bench, "daily_summary", date(2026, 11, 12))
    place("c12", 12, [TOTE])
    place("d12", 12, [BOTTLE, TOTE])
    place("e13", 13, [BOTTLE])
    place("f13", 13, [TOTE])
    place("late11", 11, [BOTTLE])  # arrives late for a per-order day: per order
    store.advance(2)
    bench.sync()
    assert bench.open_errors() == [], [e.message for e in bench.open_errors()]
    receipts = {str(d["DocNumber"]): d for d in bench.docs("SalesReceipt")}
    numbers = {name: store.order_number(oid) for name, (oid, _d) in orders.items()}
    for name in ("a10", "b11", "late11"):
        assert numbers[name] in receipts, f"{name} was posted per order"
    for name in ("c12", "d12", "e13", "f13"):
        assert numbers[name] not in receipts, f"{name} is in a summary, not its own receipt"
    summaries = [d for d in receipts.values() if str(d["DocNumber"]).startswith("S26")]
    assert sorted(d["TxnDate"] for d in summaries) == ["2026-11-12", "2026-11-13"]

    _switch(bench, "per_order", date(2026, 11, 14))
    place("g14", 14, [TOTE])
    store.edit_order(orders["c12"][0], [TOTE, BOTTLE])  # a late edit of a summarised day
    store.advance(2)
    bench.sync()
    refund = store.refund(orders["d12"][0], RefundSpec([("WB-BOTTLE", 1)]))
    store.advance(2)
    bench.sync()
    assert not bench.docs("RefundReceipt"), "the refund's day is not closed yet: it waits"
    refund_day = store.now().astimezone(ZONE).date()
    bench.service.clock = ManualClock(datetime.combine(refund_day + timedelta(days=1), time(
        2, 1), tzinfo=ZONE).astimezone(UTC))  # 02:01 the next morning: the 2-hour grace is over
    bench.sync()
    assert bench.open_errors() == [], [e.message for e in bench.open_errors()]

    receipts = {str(d["DocNumber"]): d for d in bench.docs("SalesReceipt")}
    assert store.order_number(orders["g14"][0]) in receipts, "after the switch back: per order"
    assert len([d for d in receipts.values() if str(d["DocNumber"]).startswith("S26")]) == 2
    # every live order once: the books of each day equal the store's figures of that day
    days = sorted({day for _oid, day in orders.values()})
    expected: dict[date, tuple[D, D]] = {day: (D(0), D(0)) for day in days}
    for oid, day in orders.values():
        income, tax = expected[day]
        total, order_tax = store.order_total(oid), store.order_tax(oid)
        expected[day] = (income + total - order_tax, tax + order_tax)
    books = _books_by_day(bench, days)
    refund_books = _books_by_day(bench, [refund_day])[refund_day]
    for day in days:
        if day == refund_day:
            continue
        income, tax = books[day]
        assert abs(income - expected[day][0].quantize(CENT)) <= CENT, (day, books[day], expected[day])
        assert abs(tax - expected[day][1].quantize(CENT)) <= CENT, (day, books[day], expected[day])
    [credit] = bench.docs("RefundReceipt")  # the day's summary credit
    assert str(credit["DocNumber"]).startswith("SR26") and credit["TxnDate"] == refund_day.isoformat()
    assert D(str(credit["TotalAmt"])) == store.refund_total(refund).quantize(CENT)
    # the day's refund summary takes back its net and tax, as a per-order refund would
    refund_tax = D(str(credit["TxnTaxDetail"]["TotalTax"]))
    assert refund_books == (-(D(str(credit["TotalAmt"])) - refund_tax), -refund_tax)
    # the reconciliation reads the books back: every day, summaries and all, to the cent
    with bench.service.context(bench.pair_id) as ctx:
        result = reconcile(ctx, days=40, end=refund_day)
    assert result.reconciled, [(line.key, [f.reason for f in line.findings])
                               for line in result.differing()]
    assert {line.key.day for line in result.lines} >= set(days)


def test_a_summary_creates_the_items_its_orders_need_and_equals_them_by_method(
        bench: ContractBench) -> None:
    store = bench.store
    bench.change_rules(lambda rules: rules.switch_mode("daily_summary_by_method", None)
                       .model_copy(update={"unmapped_sku_policy": "create_item"}))
    novel = LineSpec("NEW-CANDLE", "Soy Candle", 3, "12.00", "8.875")
    ids = [store.add_order(OrderSpec(lines, created_at=_at(20), updated_at=store.now()))
           for lines in ([TOTE], [novel, BOTTLE])]
    bench.sync()
    assert bench.open_errors() == [], [e.message for e in bench.open_errors()]
    [summary] = bench.docs("SalesReceipt")
    assert summary["TxnDate"] == "2026-11-20" and summary["PaymentMethodRef"]
    assert D(str(summary["TotalAmt"])) == sum((store.order_total(i) for i in ids), D(0)).quantize(
        CENT)
    assert D(str(summary["TxnTaxDetail"]["TotalTax"])) == sum(
        (store.order_tax(i) for i in ids), D(0)).quantize(CENT)
    assert any(i.get("Sku") == "NEW-CANDLE" for i in bench.ledger.entities("Item"))
    assert bench.sync().posted == 0  # exactly once
    with bench.service.context(bench.pair_id) as ctx:  # per day and payment method
        result = reconcile(ctx, days=5, end=date(2026, 11, 22))
    assert result.reconciled, [(line.key, [f.reason for f in line.findings])
                               for line in result.differing()]
    [line] = [line for line in result.lines if line.ledger_documents]
    assert line.key.method == summary["PaymentMethodRef"]["name"]


def test_a_summary_flagged_for_an_unknown_sku_posts_once_the_sku_is_mapped(
        bench: ContractBench) -> None:
    store = bench.store
    bench.change_rules(lambda rules: rules.switch_mode("daily_summary", None))
    novel = LineSpec("NEW-CANDLE", "Soy Candle", 1, "12.00", "0")
    ids = [store.add_order(OrderSpec(lines, created_at=_at(21), updated_at=store.now()))
           for lines in ([TOTE], [novel])]
    bench.sync()
    [entry] = bench.open_errors()  # one entry for the day, naming the SKU
    assert entry.record_kind == "summary" and "NEW-CANDLE" in entry.message
    assert bench.docs("SalesReceipt") == []
    outcome = bench.service.fix(entry.id, "map_sku", "Steel Water Bottle")
    assert bench.open_errors() == [], outcome
    [summary] = bench.docs("SalesReceipt")
    assert D(str(summary["TotalAmt"])) == sum((store.order_total(i) for i in ids), D(0)).quantize(
        CENT)
    assert bench.sync().posted == 0


def test_undoing_a_run_voids_the_daily_summary_it_posted_and_a_rerun_posts_nothing(
        bench: ContractBench) -> None:
    from ecom_ledger_desktop.sync.undo_run import post_again, undo

    store = bench.store
    bench.change_rules(lambda rules: rules.switch_mode("daily_summary", None))
    _first, _second = (store.add_order(OrderSpec(lines, created_at=_at(22),
                                                updated_at=store.now()))
                      for lines in ([TOTE], [BOTTLE]))
    run = bench.sync()
    [summary] = bench.docs("SalesReceipt")
    plan, result = undo(bench.service, bench.pair_id, run_id=run.run_id)
    assert result is not None and len(plan.steps) == 1 and not plan.blocked, plan
    assert result.undone and not result.refused and not result.waiting, result
    live = [d["Id"] for d in bench.docs("SalesReceipt")
            if "Voided" not in str(d.get("PrivateNote", "")) and D(str(d["TotalAmt"])) != 0]
    assert summary["Id"] not in live, "the day's summary is out of the books"
    assert bench.sync().posted == 0, "an undone day is not posted again by itself"
    outcome = post_again(bench.service, bench.pair_id, [summary["DocNumber"]])
    assert outcome == {summary["DocNumber"]: "posted"}, outcome
    live = [d for d in bench.docs("SalesReceipt")
            if "Voided" not in str(d.get("PrivateNote", "")) and D(str(d["TotalAmt"])) != 0]
    assert [D(str(d["TotalAmt"])) for d in live] == [D(str(summary["TotalAmt"]))]
    assert post_again(bench.service, bench.pair_id, [summary["DocNumber"]]) == {
        summary["DocNumber"]: "not undone: nothing to post again"}
    assert bench.sync().posted == 0

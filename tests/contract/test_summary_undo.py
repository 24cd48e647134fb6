"""Undo of one order in a daily summary (Magento → QuickBooks Online simulators): the order is
taken out of its day and the day's document is updated to the other orders, once; the preview
says how the day's summary changes; undoing the day's last order voids the summary, and posting
the order again puts it back into its day's summary."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from ecom_ledger_desktop.sync.summary_undo import order_summary
from ecom_ledger_desktop.sync.undo_run import post_again, preview_undo, undo
from tests.contract.conftest import ContractBench
from tests.contract.harness import LineSpec, OrderSpec

D = Decimal
CENT = D("0.01")
TOTE = LineSpec("MB-TOTE-BLK", "Canvas Tote (Black)", 2, "24.00", "8.875")
BOTTLE = LineSpec("WB-BOTTLE", "Steel Water Bottle", 1, "18.50", "0")
pytestmark = pytest.mark.parametrize("make_harness", ["magento2"], indirect=True)
PLACED = datetime(2026, 11, 22, 15, tzinfo=UTC)  # 10:00 in New York


def _live(bench: ContractBench) -> list[dict]:
    return [d for d in bench.docs("SalesReceipt")
            if "Voided" not in str(d.get("PrivateNote", "")) and D(str(d["TotalAmt"])) != 0]


def _in_summary(bench: ContractBench, source_id: str) -> tuple[str, bool] | None:
    """The summary the History page shows an order in, and whether it was taken out."""
    state = bench.state()
    try:
        found = order_summary(state.journal, bench.pair_id, source_id)
    finally:
        state.close()
    return (found[0].ledger_doc_number or "", found[1]) if found else None


def _total(bench: ContractBench, ids: list[str]) -> Decimal:
    return sum((bench.store.order_total(i) for i in ids), D(0)).quantize(CENT)


def test_undoing_one_summarised_order_takes_it_out_of_its_days_summary(
        bench: ContractBench) -> None:
    store = bench.store
    bench.change_rules(lambda rules: rules.switch_mode("daily_summary", None))
    ids = [store.add_order(OrderSpec(lines, created_at=PLACED, updated_at=store.now()))
           for lines in ([TOTE], [BOTTLE], [TOTE, BOTTLE])]
    bench.sync()
    [summary] = _live(bench)
    assert D(str(summary["TotalAmt"])) == _total(bench, ids)
    first = store.order_number(ids[0])

    preview = preview_undo(bench.service, bench.pair_id, orders=[first])
    assert not preview.blocked, preview.lines()
    words = "\n".join(preview.lines())
    assert (f"the 22 Nov summary {summary['DocNumber']} changes from "
            f"{_total(bench, ids)} USD to {_total(bench, ids[1:])} USD (order {first} taken out)"
            ) in words, words

    assert _in_summary(bench, ids[0]) == (summary["DocNumber"], False)  # the History page
    plan, result = undo(bench.service, bench.pair_id, orders=[first])
    assert result is not None and not result.refused and not result.waiting, result.lines()
    assert _in_summary(bench, ids[0]) == (summary["DocNumber"], True), "taken out of it"
    [updated] = _live(bench)
    assert updated["Id"] == summary["Id"], "the day's document is updated, not a second one"
    assert D(str(updated["TotalAmt"])) == _total(bench, ids[1:])
    assert first not in str(updated.get("PrivateNote", ""))
    assert bench.sync().posted == 0, "an undone order stays out of its day until posted again"
    assert bench.open_errors() == []
    again = preview_undo(bench.service, bench.pair_id, orders=[first])
    assert again.already_undone == [first] and not again.steps

    # the rest of the day: its summary goes away
    rest = [store.order_number(i) for i in ids[1:]]
    plan, result = undo(bench.service, bench.pair_id, orders=rest)
    assert result is not None and not result.refused, result.lines()
    assert any("voided" in line for line in plan.lines()), plan.lines()
    assert _live(bench) == [], "no order left in the day: its summary is voided"

    # post again: back into its day's summary, once
    outcome = post_again(bench.service, bench.pair_id, [first])
    assert outcome == {first: "posted"}, outcome
    [back] = _live(bench)
    assert back["TxnDate"] == "2026-11-22"
    assert D(str(back["TotalAmt"])) == _total(bench, ids[:1])
    assert bench.sync().posted == 0
    assert post_again(bench.service, bench.pair_id, [first]) == {
        first: "not undone: nothing to post again"}


def test_an_undo_cut_short_or_with_its_answer_lost_updates_the_day_once(
        bench: ContractBench) -> None:
    from ecom_ledger_desktop.sync.undo import carry_out, plan_undo

    store = bench.store
    bench.change_rules(lambda rules: rules.switch_mode("daily_summary", None))
    ids = [store.add_order(OrderSpec(lines, created_at=PLACED, updated_at=store.now()))
           for lines in ([TOTE], [BOTTLE], [TOTE, BOTTLE])]
    bench.sync()
    [summary] = _live(bench)
    with bench.service.context(bench.pair_id) as ctx:  # quit right after journaling the undo
        plan = plan_undo(ctx, order_ids=[ids[0]])
        ctx.stop.set()
        result = carry_out(ctx, plan)
        ctx.stop.clear()  # (the app's quit: the next start is a new process)
    assert result.waiting and not result.undone, result.lines()
    assert D(str(_live(bench)[0]["TotalAmt"])) == _total(bench, ids), "not sent yet"
    bench.sync()  # the next sync sends the journaled update
    [updated] = _live(bench)
    assert (updated["Id"], D(str(updated["TotalAmt"]))) == (summary["Id"], _total(bench, ids[1:]))

    bench.ledger.drop_next_writes_after_apply(1)  # the update lands, its answer is lost
    with bench.service.context(bench.pair_id) as ctx:
        result = carry_out(ctx, plan_undo(ctx, order_ids=[ids[1]]))
    assert not result.refused, result.lines()
    bench.sync()
    assert bench.open_errors() == [], [e.message for e in bench.open_errors()]
    [last] = _live(bench)
    assert (last["Id"], D(str(last["TotalAmt"]))) == (summary["Id"], _total(bench, ids[2:]))
    assert len(bench.ledger.entities("SalesReceipt")) == 1
    assert bench.sync().posted == 0


def test_a_summary_changed_by_hand_in_the_books_is_not_overwritten_by_an_undo(
        bench: ContractBench) -> None:
    store = bench.store
    bench.change_rules(lambda rules: rules.switch_mode("daily_summary", None))
    ids = [store.add_order(OrderSpec(lines, created_at=PLACED, updated_at=store.now()))
           for lines in ([TOTE], [BOTTLE])]
    bench.sync()
    [summary] = _live(bench)
    with bench.service.context(bench.pair_id) as ctx:  # the bookkeeper edits it in QuickBooks
        client = ctx.ledger.client  # type: ignore[attr-defined]
        client.update("SalesReceipt", {"Id": summary["Id"], "SyncToken": summary["SyncToken"],
                                       "sparse": True, "CustomerMemo": {"value": "Checked"}},
                      "by-hand")
    first = store.order_number(ids[0])
    plan, result = undo(bench.service, bench.pair_id, orders=[first])
    assert result is None and not plan.summaries, plan.lines()
    [blocked] = plan.blocked
    assert blocked.record_number == first and summary["DocNumber"] in blocked.reason
    assert "changed in QuickBooks" in blocked.reason, blocked.reason
    [kept] = _live(bench)
    assert D(str(kept["TotalAmt"])) == _total(bench, ids), "the books are as they were"


def test_an_order_held_for_a_day_not_yet_summarised_is_taken_out_without_touching_the_books(
        bench: ContractBench) -> None:
    from ecom_ledger_desktop.core.clock import ManualClock

    store = bench.store
    bench.change_rules(lambda rules: rules.switch_mode("daily_summary", None))
    bench.service.clock = ManualClock(datetime(2026, 11, 22, 20, tzinfo=UTC))  # the day is on
    ids = [store.add_order(OrderSpec(lines, created_at=PLACED, updated_at=store.now()))
           for lines in ([TOTE], [BOTTLE])]
    bench.sync()
    assert bench.docs("SalesReceipt") == []
    first = store.order_number(ids[0])
    plan, result = undo(bench.service, bench.pair_id, orders=[first])
    assert result is not None and not plan.summaries and not plan.steps, plan.lines()
    assert any("not summarised yet" in line for line in plan.lines()), plan.lines()
    assert post_again(bench.service, bench.pair_id, [first]) == {
        first: "held for its day's summary (posted once the day is over)"}
    bench.service.clock = ManualClock(datetime(2026, 11, 24, tzinfo=UTC))
    bench.sync()
    [summary] = _live(bench)
    assert D(str(summary["TotalAmt"])) == _total(bench, ids), "both orders, once"

"""The History page's queries over a real run: runs with durations, an order's timeline."""

from __future__ import annotations

from ecom_ledger_desktop.sync.history_queries import (
    event_label,
    find_orders,
    order_timeline,
    recent_runs,
    run_events,
)
from tests.sync.conftest import SyncBench, order_spec


def test_runs_and_an_order_from_download_to_its_document(bench: SyncBench) -> None:
    order_id = bench.store.add_order(order_spec())
    number = bench.store.order_json(order_id)["increment_id"]
    summary = bench.sync()
    [receipt] = bench.docs("SalesReceipt")
    state = bench.state()
    try:
        [run] = recent_runs(state, bench.pair_id)
        assert run.id == summary.run_id and run.posted == 1 and run.status == "ok"
        assert run.pair_name and run.duration is not None and run.duration.total_seconds() >= 0
        assert recent_runs(state) == [run]
        assert find_orders(state, bench.pair_id, number[-3:]) == [(str(order_id), number)]
        timeline = order_timeline(state, bench.pair_id, number)
        assert timeline is not None and timeline.source_id == str(order_id)
        steps = [e.event for e in timeline.events]
        assert steps[0] == "downloaded" and "journaled" in steps and "posted" in steps
        assert timeline.documents == [receipt["DocNumber"]]
        posted = next(e for e in timeline.events if e.event == "posted")
        assert posted.label == "Posted" and posted.run_id == run.id
        assert posted.doc_kind == "sales_receipt"
        events = run_events(state, run.id)
        assert any(e.event == "posted" and e.record == number and e.doc_number for e in events)
        assert order_timeline(state, bench.pair_id, "nope") is None
    finally:
        state.close()


def test_a_flagged_then_ignored_order_says_so(bench: SyncBench) -> None:
    bench.store.add_order(order_spec(lines=[{"sku": "NEW", "name": "New", "qty": 1,
                                             "price": "1.00"}], shipping="0"))
    bench.sync()
    [entry] = bench.open_errors()
    bench.service.ignore(entry.id, "sold outside the books")
    state = bench.state()
    try:
        timeline = order_timeline(state, bench.pair_id, entry.source_id)
    finally:
        state.close()
    assert timeline is not None and timeline.documents == []
    labels = [e.label for e in timeline.events]
    assert "Flagged for you" in labels and labels[-1] == "Ignored"
    assert timeline.events[-1].detail == "sold outside the books"
    assert event_label("something_new") == "Something new"

"""A posting still waiting after a whole run surfaces in the error queue (issue 10, case 6).

It used to wait silently: the run said "ok" and nothing told the merchant a refund was not in
the books.
"""

from __future__ import annotations

from tests.sync.conftest import SyncBench, order_spec

THING = {"sku": "NEW-THING", "name": "Brand new thing", "qty": 2, "price": "10.00"}


def _order_with_refund(bench: SyncBench) -> int:
    order_id = bench.store.add_order(order_spec(lines=[THING], shipping="0"))
    bench.store.refund_order(order_id, {"lines": [{"sku": "NEW-THING", "qty": 1}], "shipping": 0})
    return order_id


def test_a_refund_whose_order_was_ignored_is_in_the_queue_and_the_run_is_not_ok(
        bench: SyncBench) -> None:
    # Once its order is ignored the refund is no longer "waiting" for it: it is a refund whose
    # order is not in the books (issue 10, case 4), with the fixes that get it there.
    order_id = _order_with_refund(bench)
    first = bench.sync()
    assert first.waiting == 1 and first.status == "flagged"
    [order_entry] = bench.open_errors()
    bench.service.ignore(order_entry.id, "posted by hand")

    summary = bench.sync()

    assert summary.status == "flagged", "a run that leaves a refund out of the books is not ok"
    [entry] = bench.open_errors()
    assert (entry.code, entry.record_kind) == ("order_not_posted", "refund")
    number = bench.store.order_json(order_id)["increment_id"]
    assert f"order {number}" in entry.message and "ignored" in entry.message
    assert [f.action for f in entry.fixes] == ["import_order", "post_refund_alone", "ignore"]
    assert bench.sync().status == "flagged", "still said on every run, as one entry"
    assert [e.id for e in bench.open_errors()] == [entry.id]
    assert bench.ledger.entities("RefundReceipt") == []


def test_importing_the_ignored_order_posts_it_then_its_refund(bench: SyncBench) -> None:
    order_id = _order_with_refund(bench)
    bench.sync()
    [order_entry] = bench.open_errors()
    bench.service.ignore(order_entry.id, "not sure yet")
    bench.sync()
    [entry] = bench.open_errors()
    state = bench.state()
    with state.tx():
        state.mappings.set_sku(bench.pair_id, "NEW-THING", "Steel Water Bottle")
    state.close()

    assert bench.service.fix(entry.id, "import_order").outcome == "posted"

    [receipt] = bench.docs("SalesReceipt")
    assert receipt["DocNumber"] == bench.store.order_json(order_id)["increment_id"]
    assert len(bench.docs("RefundReceipt")) == 1
    assert bench.sync().status == "ok" and bench.open_errors() == []
    assert len(bench.docs("SalesReceipt")) == 1 and len(bench.docs("RefundReceipt")) == 1


def test_the_waiting_entry_closes_when_the_refund_finally_posts(bench: SyncBench) -> None:
    _order_with_refund(bench)
    bench.sync()
    bench.sync()
    waiting = [e for e in bench.open_errors() if e.code == "waiting"]
    assert len(waiting) == 1
    [order_entry] = [e for e in bench.open_errors() if e.code == "unmapped_sku"]
    state = bench.state()
    with state.tx():
        state.mappings.set_sku(bench.pair_id, "NEW-THING", "Steel Water Bottle")
    state.close()
    assert bench.service.retry(order_entry.id) == "posted"

    summary = bench.sync()

    assert summary.status == "ok", bench.open_errors()
    assert len(bench.docs("RefundReceipt")) == 1
    assert bench.open_errors() == []


def test_a_posting_waiting_within_its_own_run_is_not_an_error(bench: SyncBench) -> None:
    order_id = bench.store.add_order(order_spec())
    bench.sync()
    bench.store.refund_order(order_id, {"lines": [{"sku": "WB-BOTTLE", "qty": 1}], "shipping": 0})
    summary = bench.sync()
    assert (summary.status, summary.waiting) == ("ok", 0)
    assert bench.open_errors() == []


def test_a_refund_held_up_by_an_order_that_failed_transiently_is_not_a_persons_problem(
        bench: SyncBench) -> None:
    order_id = bench.store.add_order(order_spec())
    bench.store.refund_order(order_id, {"lines": [{"sku": "WB-BOTTLE", "qty": 1}], "shipping": 0})
    bench.ledger.faults.error_rate = 1.0  # QuickBooks answers 503 to everything for a while
    first, second = bench.sync(), bench.sync()
    assert first.posted == second.posted == 0 and second.waiting == 1
    assert bench.open_errors() == [], "an outage never reaches the error queue"
    bench.ledger.faults.error_rate = 0.0
    assert bench.sync().posted == 2

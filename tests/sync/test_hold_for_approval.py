"""A pair that holds its runs for approval sends a posting only once the merchant approved it,
whichever path sends it (a run, a retry from the error queue), and approved ones go the same
batched way as a pair that posts automatically."""

from __future__ import annotations

from ecom_ledger_desktop.sync import approval
from ecom_ledger_desktop.sync.batch_posting import BATCH_THRESHOLD
from tests.sync.conftest import SyncBench, order_spec


def approve_all(bench: SyncBench) -> None:
    state = bench.state()
    try:
        pair = state.connections.pair(bench.pair_id)
        assert pair is not None
        approval.approve(state, pair, None)
    finally:
        state.close()


def test_a_retry_from_the_error_queue_never_sends_a_held_order(bench: SyncBench) -> None:
    bench.set_rules(posting_approval="hold")
    bad = order_spec(lines=[{"sku": "MB-TOTE-BLK", "name": "Canvas Tote (Black)", "qty": 0,
                             "price": "24.00"}])
    order_id = bench.store.add_order(bad)
    number = bench.store.order_json(order_id)["increment_id"]
    bench.sync()
    [entry] = bench.open_errors()
    assert entry.record_ref == number and entry.code == "invalid_data"
    bench.store.edit_order(order_id, {"lines": order_spec()["lines"]})  # corrected in the store

    said = bench.service.retry(entry.id)

    assert bench.docs("SalesReceipt") == [], "a held order went to the ledger on a retry"
    assert said == f"order {number} waits for your approval on the Preview page"
    assert bench.open_errors() == [], "it is no longer a problem: it waits for approval"
    approve_all(bench)
    assert bench.sync().posted == 1
    assert [doc["DocNumber"] for doc in bench.docs("SalesReceipt")] == [number]


def test_approved_postings_go_out_in_batches_like_an_automatic_pair(bench: SyncBench) -> None:
    orders = BATCH_THRESHOLD + 10
    bench.set_rules(posting_approval="hold")
    for n in range(orders):
        bench.store.add_order(order_spec(customer={
            "email": f"buyer{n}@example.com", "firstname": "Buyer", "lastname": f"No {n}"}))
    held = bench.sync()
    assert (held.posted, held.held) == (0, orders)
    approve_all(bench)
    before = bench.ledger.stats()

    summary = bench.sync()

    after = bench.ledger.stats()
    assert summary.posted == orders and summary.held == 0, summary
    assert len(bench.docs("SalesReceipt")) == orders
    assert after["batch"] - before["batch"] >= 2, "customers and documents went in batches"
    calls = after["requests"] - before["requests"]
    assert calls / orders <= 0.5, f"{calls} calls for {orders} approved orders"


def test_only_the_approved_go_in_the_batches_the_rest_stays_held(bench: SyncBench) -> None:
    orders = BATCH_THRESHOLD + 5
    bench.set_rules(posting_approval="hold")
    numbers = [bench.store.order_json(bench.store.add_order(order_spec(customer={
        "email": f"buyer{n}@example.com", "firstname": "Buyer", "lastname": f"No {n}"})))[
        "increment_id"] for n in range(orders)]
    bench.sync()
    state = bench.state()
    try:
        pair = state.connections.pair(bench.pair_id)
        assert pair is not None
        approval.approve(state, pair, numbers[:BATCH_THRESHOLD])
    finally:
        state.close()

    summary = bench.sync()

    assert (summary.posted, summary.held) == (BATCH_THRESHOLD, 5)
    assert sorted(doc["DocNumber"] for doc in bench.docs("SalesReceipt")) == sorted(
        numbers[:BATCH_THRESHOLD])


def test_what_waits_is_counted_in_plain_words() -> None:
    assert approval.waiting_line({}) == ""
    assert approval.waiting_line({"order": 1}) == "1 order waits for your approval"
    assert approval.waiting_line({"order": 12}) == "12 orders wait for your approval"
    assert approval.waiting_line({"refund": 1, "order": 28}) == (
        "28 orders and 1 refund wait for your approval")
    assert approval.waiting_line({"summary": 2}) == "2 daily summaries wait for your approval"


def test_the_reconciliation_says_a_held_order_waits_for_approval_not_for_the_next_run(
        bench: SyncBench) -> None:
    from ecom_ledger_desktop.sync.reconcile import HELD, reconcile

    bench.set_rules(posting_approval="hold")
    number = bench.store.order_json(bench.store.add_order(order_spec()))["increment_id"]
    bench.sync()
    with bench.service.context(bench.pair_id) as ctx:
        result = reconcile(ctx, days=30)
    [line] = result.differing()
    [finding] = line.findings
    assert (finding.number, finding.reason) == (number, HELD)
    assert "approve" in HELD and "next run" not in HELD


def test_an_undo_on_a_holding_pair_goes_at_once_and_posting_again_waits_for_approval(
        bench: SyncBench) -> None:
    from ecom_ledger_desktop.sync.undo_run import post_again, undo

    bench.set_rules(posting_approval="hold")
    number = bench.store.order_json(bench.store.add_order(order_spec()))["increment_id"]
    bench.sync()
    approve_all(bench)
    assert bench.sync().posted == 1

    _plan, result = undo(bench.service, bench.pair_id, orders=[number])  # confirmed: it goes

    assert result is not None and result.undone and bench.docs("SalesReceipt") == []
    said = post_again(bench.service, bench.pair_id, [number])
    assert said == {number: f"order {number} waits for your approval on the Preview page"}
    assert bench.docs("SalesReceipt") == []
    approve_all(bench)
    assert bench.sync().posted == 1
    [again] = bench.docs("SalesReceipt")
    assert again["DocNumber"].startswith(number)  # (a voided number is not reused)

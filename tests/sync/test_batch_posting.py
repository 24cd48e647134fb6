"""A backlog goes out in QuickBooks batch requests, still exactly once."""

from __future__ import annotations

from ecom_ledger_desktop.sync.batch_posting import BATCH_THRESHOLD
from tests.sync.conftest import SyncBench, order_spec

ORDERS = 45


def add_orders(bench: SyncBench, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        bench.store.add_order(order_spec(customer={
            "email": f"buyer{n}@example.com", "firstname": "Buyer", "lastname": f"No {n}"}))


def test_backlog_is_posted_in_batches_with_few_calls_per_order(bench: SyncBench) -> None:
    assert ORDERS >= BATCH_THRESHOLD
    add_orders(bench, ORDERS)
    before = bench.ledger.stats()
    summary = bench.sync()
    after = bench.ledger.stats()
    assert summary.status == "ok" and summary.posted == ORDERS
    assert len(bench.docs("SalesReceipt")) == ORDERS
    assert after["batch"] - before["batch"] >= 4, "customers and documents went in batches"
    calls = after["requests"] - before["requests"]
    assert calls / ORDERS <= 0.5, f"{calls} calls for {ORDERS} orders"


def test_a_lost_batch_answer_never_duplicates(bench: SyncBench) -> None:
    add_orders(bench, ORDERS)
    bench.ledger.drop_next_writes_after_apply(2)  # a customer batch and a document batch
    summary = bench.sync()
    assert summary.status == "ok", bench.open_errors()
    receipts = bench.docs("SalesReceipt")
    assert len(receipts) == ORDERS
    assert len({r["DocNumber"] for r in receipts}) == ORDERS
    emails = [c.get("PrimaryEmailAddr", {}).get("Address") for c in bench.ledger.entities("Customer")]
    assert all(emails.count(f"buyer{n}@example.com") == 1 for n in range(ORDERS))


def test_a_rejected_item_in_a_batch_is_flagged_and_the_others_post(bench: SyncBench) -> None:
    add_orders(bench, BATCH_THRESHOLD)
    bench.store.add_order(order_spec(currency="JPY", customer={
        "email": "ken@example.jp", "firstname": "Ken", "lastname": "Sato"}))
    summary = bench.sync()
    assert summary.status == "flagged"
    assert len(bench.docs("SalesReceipt")) == BATCH_THRESHOLD
    [entry] = bench.open_errors()
    assert "JPY" in entry.message


def test_a_stopped_backlog_resumes_without_repeating_work(bench: SyncBench) -> None:
    import threading

    from ecom_ledger_desktop.core.events import OrderProgress

    total = 240  # 8 batches: more than the 4 that may be in flight when the stop comes
    add_orders(bench, total)
    stop_after_first_batch = threading.Event()

    def stop_soon(event: object) -> None:
        if isinstance(event, OrderProgress) and event.done >= 30:
            stop_after_first_batch.set()
            bench.service.request_stop()

    unsubscribe = bench.events.subscribe(stop_soon)
    first = bench.sync()
    unsubscribe()
    bench.service.stopping.clear()
    assert stop_after_first_batch.is_set()
    assert first.status == "stopped", first
    posted_first = len(bench.docs("SalesReceipt"))
    assert 0 < posted_first < total, "stopped part way, never mid-posting"
    second = bench.sync()
    assert second.status == "ok", second
    receipts = bench.docs("SalesReceipt")
    assert len(receipts) == total and len({r["DocNumber"] for r in receipts}) == total
    state = bench.state()
    try:
        attempts = [p.attempts for p in state.journal.all(bench.pair_id)]
    finally:
        state.close()
    assert attempts and set(attempts) == {1}, "every posting was sent exactly once"
    assert bench.ledger.stats()["replayed"] == 0


def test_a_backlog_posts_while_the_store_is_still_being_read(bench: SyncBench) -> None:
    """The ledger's limit sets the pace of a first sync, not the store: batches leave while the
    rest of the orders are still being downloaded."""
    import threading

    from ecom_ledger_desktop.connectors.base import StoreConnector
    from ecom_ledger_desktop.core.events import OrderProgress, Posted

    total, held_after = 200, 120
    add_orders(bench, total)
    first_posted = threading.Event()
    posted_while_held: list[bool] = []
    progress: list[OrderProgress] = []

    def watch(event: object) -> None:
        if isinstance(event, Posted):
            first_posted.set()
        elif isinstance(event, OrderProgress):
            progress.append(event)

    unsubscribe = bench.events.subscribe(watch)
    def hold(store: StoreConnector) -> None:
        real_iter = store.iter_orders

        def iter_orders(*args: object, **kwargs: object) -> object:
            for n, fetched in enumerate(real_iter(*args, **kwargs)):  # type: ignore[arg-type]
                if n == held_after:  # hold the download until a document has been posted
                    posted_while_held.append(first_posted.wait(timeout=30))
                yield fetched

        store.iter_orders = iter_orders  # type: ignore[method-assign]

    service = bench.service_with_store(hold)
    summary = service.run_pair(bench.pair_id, "test")
    unsubscribe()
    assert posted_while_held == [True], "nothing was posted until the whole store had been read"
    first = progress[0]  # sent while the download was held: the total is what the store announced
    assert (first.done, first.total) == (30, total) and first.eta_seconds is not None
    assert (progress[-1].done, progress[-1].total) == (total, total)
    assert summary.status == "ok" and summary.posted == total
    receipts = bench.docs("SalesReceipt")
    assert len(receipts) == total and len({r["DocNumber"] for r in receipts}) == total


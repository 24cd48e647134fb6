"""What the engine remembers between runs, what flows back to the store, what never leaks."""

from __future__ import annotations

import logging
from decimal import Decimal
from pathlib import Path

from ecom_ledger_desktop.core.logging_setup import configure_logging
from tests.sync.conftest import SyncBench, order_spec


def test_known_customers_and_items_cost_no_lookups_on_later_runs(bench: SyncBench) -> None:
    bench.store.add_order(order_spec())
    bench.sync()
    before = bench.ledger.stats()
    bench.store.add_order(order_spec())  # same customer, same items
    bench.sync()
    after = bench.ledger.stats()
    # one create for the new receipt; customer and item ids come from the database; only the
    # rule names (shipping item, tax item, deposit account, payment method) resolve once a run
    assert after["create"] - before["create"] == 1
    assert after["query"] - before["query"] <= 4


def test_remembered_customer_made_inactive_is_flagged_then_resolved_afresh(
        bench: SyncBench) -> None:
    bench.store.add_order(order_spec())
    bench.sync()
    customer_id = bench.docs("SalesReceipt")[0]["CustomerRef"]["value"]
    # the merchant deletes (inactivates) the customer in QuickBooks
    customer = next(c for c in bench.ledger.entities("Customer") if c["Id"] == customer_id)
    import httpx

    token = bench.ledger.issue_tokens()["access_token"]
    response = httpx.post(
        f"{bench.ledger.base_url}/v3/company/{bench.ledger.realm_id}/customer",
        json={"Id": customer_id, "SyncToken": customer["SyncToken"], "sparse": True,
              "Active": False},
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"}, timeout=10)
    assert response.status_code == 200, response.text
    bench.store.add_order(order_spec())
    first = bench.sync()
    if first.status == "flagged":  # the remembered id was refused: retry resolves it again
        [entry] = bench.open_errors()
        assert entry.code == "inactive_reference"
        assert bench.service.retry(entry.id) == "posted"
    assert len(bench.docs("SalesReceipt")) == 2
    assert bench.open_errors() == []


def test_ledger_stock_changes_flow_to_the_store(bench: SyncBench) -> None:
    bench.set_rules(inventory_master="ledger")
    bench.sync()  # first pass: every inventory item's quantity
    items = {i.get("Sku"): i for i in bench.ledger.entities("Item") if i.get("Sku")}
    assert bench.store.stock()["MB-TOTE-BLK"] == items["MB-TOTE-BLK"]["QtyOnHand"]
    bench.ledger.adjust_qty(items["MB-TOTE-BLK"]["Id"], 7)
    bench.sync()
    assert Decimal(str(bench.store.stock()["MB-TOTE-BLK"])) == 7


def test_no_secret_reaches_the_database_logs_or_error_messages(bench: SyncBench,
                                                               tmp_path: Path) -> None:
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    configure_logging(log_dir, level=logging.DEBUG)
    bench.store.add_order(order_spec())
    bench.sync()
    secrets = {v for v in (
        bench.secrets.get("Demo Magento shop", "token"),
        bench.secrets.get("Demo QuickBooks company", "client_secret"),
        bench.secrets.get("Demo QuickBooks company", "refresh_token")) if v}
    assert len(secrets) == 3
    bench.ledger.revoke_refresh_tokens()
    bench.ledger.expire_access_tokens()
    bench.store.add_order(order_spec())
    failed = bench.sync()
    assert failed.status == "failed"
    assert "QuickBooks" in failed.message
    state = bench.state()
    try:
        stored = [failed.message] + [r.message for r in state.runs.recent(bench.pair_id)] + \
            [p.last_error for p in state.journal.all(bench.pair_id)]
        status, status_message = state.connections.connection_status(2)
    finally:
        state.close()
    assert status == "needs_reauthorisation"
    logging.getLogger().handlers[-1].flush()
    blobs = [bench.db_path.read_bytes(), *(p.read_bytes() for p in log_dir.iterdir()),
             *(p.read_bytes() for p in bench.db_path.parent.glob("*.sqlite3-wal")),
             "\n".join([*stored, status_message]).encode()]
    for secret in secrets:
        for blob in blobs:
            assert secret.encode() not in blob
    for handler in list(logging.getLogger().handlers):
        if getattr(handler, "_ecom_ledger", False):
            logging.getLogger().removeHandler(handler)
            handler.close()


def test_an_idle_scheduled_poll_costs_one_store_request_and_no_ledger_request(
        bench: SyncBench) -> None:
    from datetime import UTC, datetime

    from ecom_ledger_desktop.core.clock import ManualClock
    from ecom_ledger_desktop.testing.request_counts import ledger_requests, store_requests

    clock = ManualClock(datetime.now(UTC))
    bench.service.clock = clock
    for _ in range(3):
        bench.store.add_order(order_spec())
    bench.sync()

    def fifteen_minutes_pass() -> None:  # on this computer and in the shop alike
        clock.advance(15 * 60)
        bench.store.clock.advance(15 * 60)

    fifteen_minutes_pass()
    bench.sync()  # re-reads the orders our own write-back comments touched
    store_before, ledger_before = store_requests(bench.store), ledger_requests(bench.ledger)
    for _ in range(3):
        fifteen_minutes_pass()
        assert bench.sync().posted == 0
    assert store_requests(bench.store) - store_before == 3
    assert ledger_requests(bench.ledger) - ledger_before == 0
    bench.store.add_order(order_spec())  # and the next real order is still found
    fifteen_minutes_pass()
    assert bench.sync().posted == 1


def test_an_idle_poll_costs_one_request_when_more_than_a_page_of_orders_share_the_cursors_second(
        bench: SyncBench) -> None:
    """Our own write-back comments touch a whole burst of orders within one second; once the
    cursor has settled on that second, an idle poll must not read the burst again (it did: 3
    requests a poll, for good, in ``bench/idle_poll.py``)."""
    from datetime import UTC, datetime

    from ecom_ledger_desktop.core.clock import ManualClock
    from ecom_ledger_desktop.testing.request_counts import store_requests

    clock = ManualClock(datetime.now(UTC))
    bench.service.clock = clock
    bench.set_rules(write_back_comment=False)
    for _ in range(101):  # the shop's clock stands still: all stamped in one second
        bench.store.add_order(order_spec())
    assert bench.sync().posted == 101

    def fifteen_minutes_pass() -> None:
        clock.advance(15 * 60)
        bench.store.clock.advance(15 * 60)

    fifteen_minutes_pass()
    bench.sync()  # a read a look-back later settles the cursor on that second
    before = store_requests(bench.store)
    for _ in range(3):
        fifteen_minutes_pass()
        assert bench.sync().posted == 0
    assert store_requests(bench.store) - before == 3
    bench.store.add_order(order_spec())  # and the next real order is still found
    fifteen_minutes_pass()
    assert bench.sync().posted == 1


def test_an_unforeseen_error_in_one_order_is_flagged_and_the_run_goes_on(
        bench: SyncBench, monkeypatch) -> None:
    from ecom_ledger_desktop.sync import ingest

    real = ingest.map_order
    bad = bench.store.add_order(order_spec(customer={"email": "odd@example.com",
                                                     "firstname": "Odd", "lastname": "One"}))
    bench.store.add_order(order_spec())

    def fragile(order, rules, kind=None, **more):  # type: ignore[no-untyped-def]
        if order.source_id == str(bad):
            raise ArithmeticError("something nobody foresaw")
        return real(order, rules, kind=kind, **more)

    monkeypatch.setattr(ingest, "map_order", fragile)
    summary = bench.sync()
    assert summary.status == "flagged"
    assert len(bench.docs("SalesReceipt")) == 1
    [entry] = bench.open_errors()
    assert entry.code == "unexpected_error" and entry.raw
    monkeypatch.setattr(ingest, "map_order", real)
    assert bench.service.retry(entry.id) == "posted"


def test_an_unexpected_error_fails_the_run_in_plain_words_and_the_next_run_carries_on(
        bench: SyncBench) -> None:
    """A bug mid-run must not leave the run "running" forever (the app would wait for it)."""
    from ecom_ledger_desktop.connectors.base import StoreConnector
    from ecom_ledger_desktop.core.events import RunFinished

    for n in range(3):
        bench.store.add_order(order_spec(customer={
            "email": f"buyer{n}@example.com", "firstname": "Buyer", "lastname": f"No {n}"}))

    def break_after_two(store: StoreConnector) -> None:
        real_iter = store.iter_orders

        def iter_orders(*args: object, **kwargs: object) -> object:
            for n, fetched in enumerate(real_iter(*args, **kwargs)):  # type: ignore[arg-type]
                if n == 2:
                    raise ZeroDivisionError("a bug")
                yield fetched

        store.iter_orders = iter_orders  # type: ignore[method-assign]

    finished: list[RunFinished] = []
    unsubscribe = bench.events.subscribe(
        lambda event: finished.append(event) if isinstance(event, RunFinished) else None)
    broken = bench.service_with_store(break_after_two).run_pair(bench.pair_id, "test")
    unsubscribe()
    assert broken.status == "failed" and "unexpected problem" in broken.message
    assert "ZeroDivisionError" in broken.message and "Nothing was lost" in broken.message
    assert [event.status for event in finished] == ["failed"]
    assert bench.runs()[0].status == "failed", "the run is closed, not left running"
    again = bench.sync()
    assert again.status == "ok"
    assert len(bench.docs("SalesReceipt")) == 3

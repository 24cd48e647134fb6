"""The pair's run lock excludes a second run in the same process too (the app's retry beside a
running sync), and a lock its own process left behind is still taken over."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ecom_ledger_desktop.connectors.base import StoreConnector
from ecom_ledger_desktop.core.clock import ManualClock
from ecom_ledger_desktop.db import connection
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.sync.engine import RunSummary
from tests.db.test_journal import make_state
from tests.sync.conftest import SyncBench, order_spec


def _held_in_its_listing(reached: threading.Event, release: threading.Event) -> Any:
    def wrap(store: StoreConnector) -> None:
        real = store.iter_orders

        def held(*args: Any, **kwargs: Any) -> Iterator[Any]:
            reached.set()  # the sync is mid-run, holding the pair's lock
            assert release.wait(20)
            yield from real(*args, **kwargs)

        store.iter_orders = held  # type: ignore[method-assign]
    return wrap


def test_a_retry_beside_a_running_sync_in_the_same_process_waits_for_it(
        bench: SyncBench) -> None:
    bad = order_spec(lines=[{"sku": "MB-TOTE-BLK", "name": "Tote", "qty": 0, "price": "24.00"}])
    order_id = bench.store.add_order(bad)
    bench.sync()
    [entry] = bench.open_errors()
    bench.store.edit_order(order_id, {"lines": order_spec()["lines"]})
    reached, release = threading.Event(), threading.Event()
    slow = bench.service_with_store(_held_in_its_listing(reached, release))
    first: list[RunSummary] = []
    sync = threading.Thread(target=lambda: first.append(slow.run_pair(bench.pair_id, "test")))
    sync.start()
    try:
        assert reached.wait(20)

        said = bench.service.retry(entry.id)  # the app's Retry, on another thread of this app
        third = bench.sync()  # and then the scheduler's run

    finally:
        release.set()
        sync.join(30)
    assert said == "a sync of this pair is running; the record will be retried by it"
    assert third.status == "skipped", "a third run started beside the first"
    [done] = first
    assert done.status == "ok" and done.posted == 1
    assert len(bench.docs("SalesReceipt")) == 1


def test_two_holders_in_one_process_exclude_each_other(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    sync, pair = make_state(path)
    retry = State(path, ManualClock())
    try:
        assert sync.runs.try_lock(pair, "schedule")
        assert not retry.runs.try_lock(pair, "retry"), "the lock re-entered in the same process"
        retry.runs.unlock(pair)  # a refused holder's unlock frees nothing
        assert not State(path, ManualClock()).runs.try_lock(pair, "manual")
        sync.runs.unlock(pair)
        assert retry.runs.try_lock(pair, "retry"), "free once the first run ended"
        retry.runs.unlock(pair)
    finally:
        retry.close()
        sync.close()


def test_a_lock_this_process_left_behind_is_taken_over(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run here whose unlock could not be written (the database was busy) leaves a row naming
    this process; no run here holds it any more, so the next run takes it."""
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "s.sqlite3"
    state, pair = make_state(path)
    try:
        assert state.runs.try_lock(pair, "schedule")
        writer = sqlite3.connect(str(path), isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")  # another program is writing as the run ends
        state.runs.unlock(pair)
        writer.execute("ROLLBACK")
        writer.close()
        assert state.conn.execute("SELECT COUNT(*) FROM pair_locks").fetchone()[0] == 1
        other = State(path, ManualClock())
        try:
            assert other.runs.try_lock(pair, "manual"), "a left-behind row blocked every run"
            other.runs.unlock(pair)
        finally:
            other.close()
    finally:
        state.close()

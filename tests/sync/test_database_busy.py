"""No run holds the database's write lock across network reads; a busy database is said plainly.

Two connections on one real SQLite file: the sync under test, and "another process" that wants
to write (or holds the write lock).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from ecom_ledger_desktop.connectors.base import StoreConnector
from ecom_ledger_desktop.db import connection
from ecom_ledger_desktop.sync.engine import RunSummary, SyncEngine
from tests.sync.conftest import SyncBench, order_spec


def _write_from_another_connection(bench: SyncBench, timeout: float = 0.5) -> None:
    other = sqlite3.connect(str(bench.db_path), timeout=timeout, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE pairs SET schedule_minutes = schedule_minutes WHERE id = ?",
                      (bench.pair_id,))
        other.execute("COMMIT")
    finally:
        other.close()


def _store_held_in_its_listing(reached: threading.Event, release: threading.Event) -> Any:
    def wrap(store: StoreConnector) -> None:
        real = store.iter_orders

        def held(*args: Any, **kwargs: Any) -> Iterator[Any]:
            reached.set()  # the request is "on the network" now
            assert release.wait(10)
            yield from real(*args, **kwargs)

        store.iter_orders = held  # type: ignore[method-assign]
    return wrap


def test_a_dry_run_holds_no_write_lock_while_it_reads_the_store(bench: SyncBench) -> None:
    bench.store.add_order(order_spec())
    reached, release = threading.Event(), threading.Event()
    service = bench.service_with_store(_store_held_in_its_listing(reached, release))
    result: list[tuple[RunSummary, list[dict[str, str]]]] = []

    def dry_run() -> None:
        with service.context(bench.pair_id) as ctx:
            result.append(SyncEngine(ctx).preview())

    worker = threading.Thread(target=dry_run)
    worker.start()
    try:
        assert reached.wait(10)
        _write_from_another_connection(bench)  # "database is locked" while the dry run reads
    finally:
        release.set()
        worker.join(10)
    [(summary, would_post)] = result
    assert [p["record"] for p in would_post] == ["000000001"]
    assert summary.fetched == 1
    assert bench.ledger.entities("SalesReceipt") == []
    assert bench.runs() == [], "a dry run leaves no trace"
    assert bench.sync().posted == 1, "and the real run still finds everything"


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 300)


def test_a_sync_that_cannot_get_the_database_says_so_in_plain_words(
        bench: SyncBench, short_busy_timeout: None) -> None:
    bench.store.add_order(order_spec())
    holder = sqlite3.connect(str(bench.db_path), timeout=0.1, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process is writing and does not let go
    try:
        summary = bench.sync()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert summary.status == "failed"
    assert "busy" in summary.message and "try again" in summary.message
    assert "Traceback" not in summary.message and "OperationalError" not in summary.message
    assert bench.sync().posted == 1, "nothing was lost: the next run posts the order"


def test_the_cli_reports_a_busy_database_without_a_traceback(
        bench: SyncBench, short_busy_timeout: None, tmp_path: Any,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from ecom_ledger_desktop import cli
    from ecom_ledger_desktop.cli import context
    from ecom_ledger_desktop.core import paths

    monkeypatch.setattr(paths, "database_path", lambda _data_dir: bench.db_path)
    monkeypatch.setattr(context.CliContext, "service", lambda _self: bench.service)
    holder = sqlite3.connect(str(bench.db_path), timeout=0.1, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code = cli.main(["--data-dir", str(tmp_path), "sync"])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        for handler in list(logging.getLogger().handlers):  # main() set up logging
            if getattr(handler, "_ecom_ledger", False):
                logging.getLogger().removeHandler(handler)
                handler.close()
    err = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in err.out + err.err
    assert "busy" in err.out + err.err

"""The schedule: runs fire on their own, missed runs leave a row that says why."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from ecom_ledger_desktop.core.events import RunFinished
from ecom_ledger_desktop.sync.background import Background
from tests.sync.conftest import SyncBench, order_spec


def test_scheduled_run_posts_and_is_recorded_as_scheduled(bench: SyncBench) -> None:
    finished = threading.Event()
    bench.events.subscribe(lambda e: finished.set() if isinstance(e, RunFinished) else None)
    bench.store.add_order(order_spec())
    background = Background(bench.service)
    background.start()
    try:
        assert background.next_run(bench.pair_id) is not None
        job = background.scheduler._scheduler.get_job(background.scheduler.job_id(bench.pair_id))
        job.modify(next_run_time=datetime.now(UTC))  # "the interval has elapsed"
        assert finished.wait(30)
    finally:
        background.stop()
    [run] = bench.runs()
    assert run.trigger == "schedule" and run.posted == 1
    assert len(bench.docs("SalesReceipt")) == 1


def test_a_run_missed_while_the_computer_slept_leaves_a_skipped_row(bench: SyncBench) -> None:
    skipped = threading.Event()
    original = bench.service.record_skip

    def record_skip(pair_id: int, message: str) -> None:
        original(pair_id, message)
        skipped.set()

    bench.service.record_skip = record_skip  # type: ignore[method-assign]
    background = Background(bench.service)
    background.scheduler.set_pair(bench.pair_id, 15)
    job = background.scheduler._scheduler.get_job(background.scheduler.job_id(bench.pair_id))
    job.modify(next_run_time=datetime.now(UTC) - timedelta(minutes=20))  # slept through two
    background.scheduler.start()
    try:
        assert skipped.wait(30)
    finally:
        background.stop()
    runs = bench.runs()
    assert runs[0].status == "skipped"
    assert "asleep" in runs[0].message


def test_sync_now_while_a_scheduled_run_is_going_queues_behind_it(bench: SyncBench) -> None:
    bench.store.add_order(order_spec())
    background = Background(bench.service)
    try:
        first = background.sync_now(bench.pair_id)
        second = background.sync_now(bench.pair_id)
        first.result(30)
        second.result(30)
    finally:
        background.stop()
    runs = bench.runs()
    assert all(r.status != "skipped" for r in runs), "queued, not raced or dropped"
    assert len(bench.docs("SalesReceipt")) == 1


def test_a_pair_scheduled_before_the_clock_starts_has_no_next_run_yet_not_an_error() -> None:
    """The app asks "next sync at …?" as soon as its window shows, which can be before the
    background schedule has started; the answer is "not known yet", never an exception."""
    from ecom_ledger_desktop.sync.scheduler import SyncScheduler

    scheduler = SyncScheduler(lambda _pair, _why: None, lambda _pair, _why: None)
    scheduler.set_pair(7, 15)
    assert scheduler.next_run(7) is None
    scheduler.start()
    try:
        upcoming = scheduler.next_run(7)
        assert upcoming is not None and upcoming > datetime.now(UTC)
    finally:
        scheduler.shutdown()

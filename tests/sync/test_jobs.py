"""One run per pair at a time; Sync now queues behind a running sync."""

from __future__ import annotations

import threading

from ecom_ledger_desktop.sync.jobs import JobRunner


def test_sync_now_during_a_run_queues_behind_it_and_coalesces() -> None:
    started = threading.Event()
    release = threading.Event()
    calls: list[tuple[int, str]] = []
    active = 0
    max_active = 0
    lock = threading.Lock()

    def run_pair(pair_id: int, trigger: str) -> str:
        nonlocal active, max_active
        with lock:
            active += 1
            max_active = max(max_active, active)
            calls.append((pair_id, trigger))
        if len(calls) == 1:
            started.set()
            release.wait(10)
        with lock:
            active -= 1
        return f"run {len(calls)}"

    runner = JobRunner(run_pair)
    first = runner.request(1, "schedule")
    assert started.wait(10)
    assert runner.is_running(1)
    second = runner.request(1, "manual")
    third = runner.request(1, "manual")
    release.set()
    assert first.result(10) == "run 1"
    assert second.result(10) == third.result(10) == "run 2"
    runner.shutdown()
    assert calls == [(1, "schedule"), (1, "manual")]
    assert max_active == 1


def test_different_pairs_run_independently() -> None:
    runner = JobRunner(lambda pair_id, trigger: pair_id * 10)
    assert runner.request(1, "manual").result(10) == 10
    assert runner.request(2, "manual").result(10) == 20
    runner.shutdown()


def test_a_failing_run_reports_its_error_and_frees_the_pair() -> None:
    def run_pair(pair_id: int, trigger: str) -> str:
        if trigger == "bad":
            raise RuntimeError("ledger down")
        return "ok"

    runner = JobRunner(run_pair)
    failed = runner.request(1, "bad")
    assert isinstance(failed.exception(10), RuntimeError)
    assert runner.request(1, "manual").result(10) == "ok"
    runner.shutdown()

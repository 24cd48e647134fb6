"""The per-pair run lock names its holder by process id *and* start time.

A sync killed with SIGKILL leaves its lock row (and its run row) behind; the operating system
later gives the same process id to an unrelated program. The lock must not be taken for held by
that program, or every later run is skipped with exit 0 and nothing syncs again.
"""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ecom_ledger_desktop.core.clock import ManualClock
from ecom_ledger_desktop.db.state import State
from tests.db.test_journal import make_state


def _hold_lock_and_run(path: str, pair: int, ready, release) -> None:  # type: ignore[no-untyped-def]
    state = State(path, ManualClock())
    assert state.runs.try_lock(pair, "schedule")
    with state.tx():
        state.runs.start(pair, "schedule")
    ready.set()
    release.wait(30)


@pytest.fixture
def unrelated() -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """Starts a live program that has nothing to do with ecom-ledger (it waits on its stdin).

    Started on request, after the sync it stands in for was killed, as the OS would: a process
    started in the same clock tick (10 ms on Linux) as the sync would carry its very start stamp.
    """
    procs: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        procs.append(subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"],
                                      stdin=subprocess.PIPE))
        return procs[-1]

    try:
        yield start
    finally:
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.close()
            proc.wait(10)


def _killed_sync_leaves_its_rows(path: Path, pair: int) -> None:
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock_and_run, args=(str(path), pair, ready, release))
    holder.start()
    assert ready.wait(60)
    holder.kill()
    holder.join(10)


def test_a_dead_syncs_lock_whose_pid_now_names_a_live_unrelated_process_is_taken_over(
        tmp_path: Path, unrelated: Callable[[], subprocess.Popen[bytes]]) -> None:
    path = tmp_path / "s.sqlite3"
    state, pair = make_state(path)
    _killed_sync_leaves_its_rows(path, pair)
    program = unrelated()
    with state.tx():  # the OS hands the dead sync's process id to another program
        state.conn.execute("UPDATE pair_locks SET pid = ?", (program.pid,))
        state.conn.execute("UPDATE runs SET pid = ?", (program.pid,))
    assert program.poll() is None, "the process now owning that id is alive"

    assert state.runs.try_lock(pair, "this process"), \
        "a live process that never took the lock must not hold it"
    with state.tx():
        assert state.runs.mark_interrupted() == 1, "the dead sync's run is marked interrupted"
    state.close()


def test_a_lock_held_by_a_live_sync_still_excludes_others(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    state, pair = make_state(path)
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock_and_run, args=(str(path), pair, ready, release))
    holder.start()
    try:
        assert ready.wait(60)
        assert not state.runs.try_lock(pair, "this process")
        with state.tx():
            assert state.runs.mark_interrupted() == 0, "a live run is not interrupted"
    finally:
        release.set()
        holder.join(30)
    state.close()

"""Naming a process by id and start time."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from ecom_ledger_desktop.core.processes import holder_running, own_start, process_start


def test_this_process_is_its_own_holder_and_a_different_start_is_not() -> None:
    stamp = own_start()
    if stamp is None:
        pytest.skip("this platform cannot tell a process's start time")
    assert holder_running(os.getpid(), stamp)
    assert not holder_running(os.getpid(), stamp + "0"), "same id, another start: another program"


def test_a_process_that_exited_holds_nothing() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    stamp = process_start(child.pid)
    child.wait(10)
    assert not holder_running(child.pid, stamp)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_an_old_row_without_a_stamp_is_not_held_by_a_process_that_started_after_it() -> None:
    now = datetime.now(UTC)
    assert holder_running(os.getpid(), None, since=now), "we started before now"
    assert not holder_running(os.getpid(), None, since=now - timedelta(days=365))

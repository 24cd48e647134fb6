"""Exactly once for QuickBooks Desktop under fire: SIGKILL ``ecom-ledger schedule`` (the Web
Connector service's host) and kill Web Connector sessions midway, restart, verify."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ecom_ledger_desktop.testing.qbd_crash_trials import QbdCrashTrials
from ecom_ledger_desktop.testing.store_drivers import store_kinds

TRIALS = int(os.environ.get("ECOM_QBD_CRASH_TRIALS", "6"))


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.parametrize("store", store_kinds())
def test_killed_app_and_sessions_neither_lose_nor_duplicate_a_document(tmp_path: Path,
                                                                       store: str) -> None:
    harness = QbdCrashTrials(tmp_path, orders=20, seed=5, store=store)
    said: list[str] = []
    try:
        report = harness.run(TRIALS, max_delay=2.0, log=said.append)
    finally:
        harness.close()
    summary = "\n".join([*report.lines(), *said[-1:]])
    assert report.killed == TRIALS and report.posted_documents > 0, summary
    assert harness.sessions.get("killed", 0) > 0, summary  # sessions died midway too
    assert (report.duplicates, report.lost, report.mismatches) == (0, 0, 0), summary
    if TRIALS >= 3:  # a refund arrives every third trial: paid back, A/R nets (``verify``)
        assert harness.paid_back > 0, summary

"""Exactly once under fire, for every store with a driver: SIGKILL the sync process at random
instants, restart, verify."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ecom_ledger_desktop.testing.crash_trials import CrashTrials
from ecom_ledger_desktop.testing.store_drivers import STORE_DRIVERS

TRIALS = int(os.environ.get("ECOM_CRASH_TRIALS", "20"))


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.parametrize("store", list(STORE_DRIVERS))
def test_killed_syncs_neither_lose_nor_duplicate_a_posting(tmp_path: Path, store: str) -> None:
    harness = CrashTrials(tmp_path, orders=60, seed=11, drop_after_apply_rate=0.05, store=store)
    try:
        report = harness.run(TRIALS, max_delay=2.5)
    finally:
        harness.close()
    summary = "\n".join(report.lines())
    assert report.killed >= TRIALS // 2, f"too few kills landed mid-run:\n{summary}"
    assert report.posted_documents > 0, summary
    assert report.duplicates == 0, summary
    assert report.lost == 0, summary
    assert report.mismatches == 0, summary

"""Exactly once under fire, for every store and every ledger with a driver: SIGKILL the sync
process at random instants, restart, verify. Each store runs against the default books and each
other ledger against the default store, smaller (CI time)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ecom_ledger_desktop.connectors.registry import DEFAULT_DEMO_LEDGER, DEFAULT_DEMO_STORE
from ecom_ledger_desktop.testing.crash_trials import CrashTrials
from ecom_ledger_desktop.testing.ledger_drivers import LEDGER_DRIVERS
from ecom_ledger_desktop.testing.store_drivers import STORE_DRIVERS

TRIALS = int(os.environ.get("ECOM_CRASH_TRIALS", "20"))


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.parametrize(("store", "ledger", "trials", "orders"), [
    *[(store, DEFAULT_DEMO_LEDGER, TRIALS, 60) for store in STORE_DRIVERS],
    *[(DEFAULT_DEMO_STORE, ledger, max(4, TRIALS // 2), 20) for ledger in LEDGER_DRIVERS
      if ledger != DEFAULT_DEMO_LEDGER]])
def test_killed_syncs_neither_lose_nor_duplicate_a_posting(
        tmp_path: Path, store: str, ledger: str, trials: int, orders: int) -> None:
    harness = CrashTrials(tmp_path, orders=orders, seed=11, drop_after_apply_rate=0.05,
                          store=store, ledger=ledger)
    try:
        report = harness.run(trials, max_delay=2.5)
    finally:
        harness.close()
    summary = "\n".join(report.lines())
    assert report.killed >= trials // 2, f"too few kills landed mid-run:\n{summary}"
    assert report.posted_documents > 0, summary
    assert report.duplicates == 0, summary
    assert report.lost == 0, summary
    assert report.mismatches == 0, summary

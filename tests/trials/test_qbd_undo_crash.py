"""An undo on QuickBooks Desktop under fire: ``ecom-ledger undo`` journals it while the Web
Connector is away; then ``ecom-ledger schedule`` (the Web Connector service's host) is SIGKILLed
at random instants while sessions (some killed midway too) carry the voids and make the
customers inactive. Afterwards every receipt is voided, every customer the sync created is
inactive, each made inactive by exactly one CustomerMod, and nothing is left waiting."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.sandbox.qbd import simulator
from ecom_ledger_desktop.testing.crash_trials import KEYRING_BACKEND, TrialReport
from ecom_ledger_desktop.testing.qbd_crash_trials import QbdCrashTrials

ORDERS = 6
KILLS = 4
LATENCY = 0.08  # seconds QuickBooks takes per request: the kills land among them


def _cli(harness: QbdCrashTrials, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": KEYRING_BACKEND,
           "ECOM_TEST_KEYRING_FILE": str(harness.keyring_file),
           "PYTHONPATH": os.pathsep.join([str(harness.project_root),
                                          os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "ecom_ledger_desktop", "--data-dir",
                           str(harness.data_dir), *args], env=env, cwd=harness.project_root,
                          capture_output=True, text=True, timeout=120, check=False)


def _counting(tag: str, counts: dict[str, int]) -> Callable[..., Any]:
    handler = simulator.HANDLERS[tag]

    def counted(company: Any, body: dict[str, Any]) -> Any:
        outcome = handler(company, body)
        if not outcome.failed:
            counts[tag] = counts.get(tag, 0) + 1
        return outcome
    return counted


@pytest.mark.timeout(600)
def test_a_killed_desktop_undo_loses_nothing_and_does_nothing_twice(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    harness = QbdCrashTrials(tmp_path, orders=ORDERS, seed=3)
    counts: dict[str, int] = {}
    for tag in ("CustomerModRq", "TxnVoidRq"):
        monkeypatch.setitem(simulator.HANDLERS, tag, _counting(tag, counts))
    try:
        report = TrialReport(trials=KILLS)
        harness._finish(report)  # everything posted, cleanly
        company = harness.company.company
        receipts = list(company.all("SalesReceipt"))
        assert len(receipts) == ORDERS and not report.problems, report.problems
        orders = [source_id for source_id, _ in harness._paid]

        undo = _cli(harness, "undo", "trials", "--order", *orders, "--yes")
        assert undo.returncode in (0, 3), undo.stderr
        assert "Web Connector" in undo.stdout, undo.stdout  # it waits for the next update
        assert not any(str(r.data.get("Memo", "")).startswith("VOID:") for r in receipts)

        real = harness.quickbooks.process
        harness.quickbooks.process = lambda xml: (time.sleep(LATENCY), real(xml))[1]
        rng = random.Random(5)
        progress: list[int] = []
        for _ in range(KILLS):  # the service dies at random instants while sessions carry it
            child = harness._child()
            assert harness._listening(child), "the service did not start"
            stop = threading.Event()
            caller = threading.Thread(target=harness._sessions, args=(stop, True), daemon=True)
            caller.start()
            time.sleep(rng.uniform(0.3, 1.5))
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
            stop.set()
            caller.join(timeout=60)
            progress.append((sum(str(r.data["Memo"]).startswith("VOID:") for r in receipts),
                             counts.get("CustomerModRq", 0)))
        assert progress[0] != (ORDERS, ORDERS), ("the kills must land while the undo runs",
                                                 progress)
        harness.quickbooks.process = real
        harness._finish(report)
        assert not report.problems, report.problems
    finally:
        harness.close()

    assert all(str(r.data["Memo"]).startswith("VOID:") for r in receipts), "each one voided"
    assert len(list(company.all("SalesReceipt"))) == ORDERS, "nothing posted again"
    customers = [c for c in company.all("Customer") if c.data.get("Email", "").startswith("buyer")]
    assert customers and all(c.data["IsActive"] == "false" for c in customers)
    assert counts.get("CustomerModRq") == len(customers), ("each made inactive once", counts)
    state = State(harness.data_dir / "ledger-sync.sqlite3")
    try:
        assert state.journal.open_postings(harness.pair_id) == []
        assert state.errors.entries(harness.pair_id, "open") == []
        retires = [p for p in state.journal.all(harness.pair_id) if p.op == "retire"]
    finally:
        state.close()
    by_record = {(p.record_kind, p.source_id) for p in retires}
    assert len(retires) == len(by_record), "one retire posting each"
    assert all(p.state == "posted" for p in retires), [(p.source_id, p.state) for p in retires]

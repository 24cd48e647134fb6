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


def _kill_while_carrying(harness: QbdCrashTrials, rng: random.Random,
                         progress: Callable[[], tuple[int, int]]) -> list[tuple[int, int]]:
    """Start the service, let sessions (some killed midway) carry the journal, SIGKILL it at a
    random instant; ``KILLS`` times, with QuickBooks slowed so the kills land in the middle."""
    real = harness.quickbooks.process
    harness.quickbooks.process = lambda xml: (time.sleep(LATENCY), real(xml))[1]
    seen = []
    try:
        for _ in range(KILLS):
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
            seen.append(progress())
    finally:
        harness.quickbooks.process = real
    return seen


def _journal(harness: QbdCrashTrials) -> tuple[list[Any], list[Any], list[Any]]:
    state = State(harness.data_dir / "ledger-sync.sqlite3")
    try:
        return (state.journal.open_postings(harness.pair_id),
                state.errors.entries(harness.pair_id, "open"),
                [p for p in state.journal.all(harness.pair_id) if p.op == "retire"])
    finally:
        state.close()


@pytest.mark.timeout(600)
def test_a_killed_desktop_undo_and_post_again_lose_nothing_and_do_nothing_twice(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECOM_TEST_KEYRING_FILE", str(tmp_path / "keyring.json"))  # restored after
    harness = QbdCrashTrials(tmp_path, orders=ORDERS, seed=3)
    counts: dict[str, int] = {}
    for tag in ("CustomerModRq", "TxnVoidRq"):
        monkeypatch.setitem(simulator.HANDLERS, tag, _counting(tag, counts))
    company = harness.company.company
    rng = random.Random(5)

    def voided() -> list[Any]:
        return [r for r in company.all("SalesReceipt") if str(r.data["Memo"]).startswith("VOID:")]

    def live() -> list[Any]:
        return [r for r in company.all("SalesReceipt") if r not in voided()]

    try:
        report = TrialReport(trials=KILLS)
        harness._finish(report)  # everything posted, cleanly
        receipts = list(company.all("SalesReceipt"))
        assert len(receipts) == ORDERS and not report.problems, report.problems
        orders = [source_id for source_id, _ in harness._paid]

        undo = _cli(harness, "undo", "trials", "--order", *orders, "--yes")
        assert undo.returncode in (0, 3), undo.stderr
        assert "Web Connector" in undo.stdout, undo.stdout  # it waits for the next update
        assert voided() == []
        seen = _kill_while_carrying(harness, rng, lambda: (len(voided()),
                                                            counts.get("CustomerModRq", 0)))
        assert seen[0] != (ORDERS, ORDERS), ("the kills must land while the undo runs", seen)
        harness._finish(report)
        assert not report.problems, report.problems
        assert len(voided()) == len(receipts) == ORDERS, "each one voided, nothing posted again"
        customers = [c for c in company.all("Customer")
                     if str(c.data.get("Email", "")).startswith("buyer")]
        assert customers and all(c.data["IsActive"] == "false" for c in customers)
        assert counts.get("CustomerModRq") == len(customers), ("each made inactive once", counts)
        waiting, errors, retires = _journal(harness)
        assert waiting == [] and errors == []
        assert len(retires) == len({(p.record_kind, p.source_id) for p in retires}), \
            "one retire posting each"
        assert all(p.state == "posted" for p in retires), [(p.source_id, p.state) for p in retires]

        again = _cli(harness, "post-again", "trials", "--order", *orders)
        assert again.returncode in (0, 3), again.stderr
        seen = _kill_while_carrying(harness, rng, lambda: (len(live()),
                                                            counts.get("CustomerModRq", 0)))
        assert seen[0] != (ORDERS, 2 * len(customers)), ("the kills must land midway", seen)
        harness._finish(report)
        assert not report.problems, report.problems
    finally:
        harness.close()

    assert len(live()) == ORDERS, "each order posted again exactly once"
    numbers = [str(r.data["RefNumber"]) for r in live()]
    assert len(set(numbers)) == ORDERS, numbers
    now = [c for c in company.all("Customer") if str(c.data.get("Email", "")).startswith("buyer")]
    assert now == customers and all(c.data["IsActive"] == "true" for c in customers), \
        "made active again, none added"
    assert counts.get("CustomerModRq") == 2 * len(customers), ("each reactivated once", counts)
    waiting, errors, _ = _journal(harness)
    assert waiting == [] and errors == []

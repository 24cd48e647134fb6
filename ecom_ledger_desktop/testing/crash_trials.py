"""Crash trials: run ``ecom-ledger sync`` in a child process, SIGKILL it at random instants,
restart it, and finally check that every order was posted exactly once and none was lost.

The simulators run in *this* process, so they outlive every killed child, as the real services
would. Secrets live in a file-backed test keyring shared with the children, so a rotated refresh
token survives a kill exactly as it would in the OS keyring.
"""

from __future__ import annotations

import os
import random
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from ecom_ledger_desktop.connectors.registry import DEFAULT_DEMO_LEDGER, DEFAULT_DEMO_STORE
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.demo import demo_ledger_name, start_ledger
from ecom_ledger_desktop.secrets.store import KeyringSecretStore
from ecom_ledger_desktop.testing.file_keyring import TestFileKeyring
from ecom_ledger_desktop.testing.ledger_drivers import make_ledger_driver
from ecom_ledger_desktop.testing.soak_drivers import configure_store_pair
from ecom_ledger_desktop.testing.store_drivers import start_driver
from ecom_ledger_desktop.testing.verify import verify_exactly_once

KEYRING_BACKEND = "ecom_ledger_desktop.testing.file_keyring.TestFileKeyring"


@dataclass
class TrialReport:
    """What the trials found; duplicates, lost and mismatches must all be zero."""

    trials: int = 0
    killed: int = 0
    finished_early: int = 0
    reauthorisations: int = 0
    orders: int = 0
    posted_documents: int = 0
    flagged_orders: int = 0
    duplicates: int = 0
    lost: int = 0
    mismatches: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing was duplicated, lost or disagreed."""
        return self.duplicates == 0 and self.lost == 0 and self.mismatches == 0

    def lines(self) -> list[str]:
        """A printable summary."""
        return [
            f"trials: {self.trials} (killed {self.killed}, finished before the kill "
            f"{self.finished_early}, re-authorised {self.reauthorisations})",
            f"orders: {self.orders}; posted documents: {self.posted_documents}; "
            f"flagged orders: {self.flagged_orders}",
            f"duplicates: {self.duplicates}",
            f"lost orders: {self.lost}",
            f"ledger-vs-journal mismatches: {self.mismatches}",
            *[f"  - {p}" for p in self.problems[:20]],
        ]


class CrashTrials:
    """Sets up simulators (``store``: any kind with a store driver, ``ledger``: any kind with a
    ledger driver) + a data folder, then kills and restarts sync children."""

    def __init__(self, workdir: Path, *, orders: int = 60, seed: int = 11,
                 drop_after_apply_rate: float = 0.05, time_scale: float = 60.0,
                 project_root: Path | None = None, store: str = DEFAULT_DEMO_STORE,
                 ledger: str = DEFAULT_DEMO_LEDGER) -> None:
        self.workdir = workdir
        self.data_dir = workdir / "data"
        self.keyring_file = workdir / "keyring.json"
        self.rng = random.Random(seed)
        self.project_root = project_root or Path(__file__).resolve().parents[2]
        self.store = start_driver(store, seed=seed, orders=orders, time_scale=time_scale)
        try:
            self.ledger = start_ledger(self.store.sim.catalog(), time_scale=time_scale,
                                       kind=ledger)
        except BaseException:
            self.store.stop()
            raise
        self.ledger_driver = make_ledger_driver(ledger, self.ledger)
        self.ledger_connection = demo_ledger_name(ledger)
        self.ledger.faults.seed = seed
        self.ledger.faults.reseed()
        self.ledger.faults.drop_after_apply_rate = drop_after_apply_rate
        self.data_dir.mkdir(parents=True, exist_ok=True)
        os.environ["ECOM_TEST_KEYRING_FILE"] = str(self.keyring_file)
        self.secrets = KeyringSecretStore(TestFileKeyring())
        start = (self.ledger.clock.now() - timedelta(days=90)).date()
        self.pair_id = configure_store_pair(self.data_dir / "ledger-sync.sqlite3", self.store,
                                            self.ledger, self.secrets, start, ledger)
        self.start_date = start
        self._unpaid: list[str] = []
        self._previous: list[str] = []

    def close(self) -> None:
        """Stop the simulators."""
        self.store.stop()
        self.ledger.stop()

    def _child_env_vars(self) -> dict[str, str]:
        return {"PYTHON_KEYRING_BACKEND": KEYRING_BACKEND,
                "ECOM_TEST_KEYRING_FILE": str(self.keyring_file)}

    def _child(self) -> subprocess.Popen[bytes]:
        env = {**os.environ, **self._child_env_vars(),
               "PYTHONPATH": os.pathsep.join([str(self.project_root),
                                              os.environ.get("PYTHONPATH", "")])}
        return subprocess.Popen(
            [sys.executable, "-m", "ecom_ledger_desktop", "--data-dir", str(self.data_dir),
             "sync"], env=env, cwd=self.project_root, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)

    def _reauthorise_if_needed(self, report: TrialReport) -> None:
        state = State(self.data_dir / "ledger-sync.sqlite3")
        try:
            ledger = state.connections.connection(self.ledger_connection)
            assert ledger is not None and ledger.id is not None
            if ledger.status != "needs_reauthorisation":
                return
            # what a merchant does: reconnect the books in the browser
            self.ledger_driver.reauthorise(self.secrets, self.ledger_connection)
            with state.tx():
                state.connections.set_connection_status(ledger.id, "ok")
            report.reauthorisations += 1
        finally:
            state.close()

    def run(self, trials: int, max_delay: float = 3.0,
            log: Callable[[str], None] = lambda _: None) -> TrialReport:
        """Kill ``trials`` children at random instants, then finish cleanly and verify."""
        report = TrialReport(trials=trials)
        finished: list[float] = []  # how long unkilled children took: kills aim inside that
        for number in range(1, trials + 1):
            upper = min(max_delay, 1.1 * statistics.median(finished)) if len(finished) >= 2 \
                else max_delay
            delay = self.rng.uniform(0.05, upper)
            started = time.monotonic()
            child = self._child()
            try:
                child.wait(timeout=delay)
                report.finished_early += 1
                finished.append(time.monotonic() - started)
            except subprocess.TimeoutExpired:
                os.kill(child.pid, signal.SIGKILL)
                child.wait()
                report.killed += 1
            self._reauthorise_if_needed(report)
            self._churn(number)
            log(f"trial {number}/{trials}: {'killed' if child.returncode < 0 else 'finished'} "
                f"after {delay:.2f} s")
        self.ledger.faults.drop_after_apply_rate = 0.0
        for _ in range(5):  # let it finish: runs until the journal has nothing left to send
            code = self._child().wait(timeout=600)
            self._reauthorise_if_needed(report)
            if code in (0, 3) and not self._open_postings():
                break
        self.verify(report)
        return report

    def _churn(self, number: int) -> None:
        """New work for the next child: orders arrive, get paid and edited (neutral specs)."""
        products = self.store.catalog()
        created = []
        for extra in range(3):
            product = self.rng.choice(products)
            created.append(self.store.add_order({
                "customer": {"email": f"trial{number}-{extra % 2}@example.com",
                             "firstname": "Trial", "lastname": f"Buyer {number}"},
                "lines": [{"sku": product["sku"], "name": product["name"],
                           "qty": self.rng.randint(1, 3), "price": str(product["price"])}],
                "shipping": "4.95", "currency": "USD", "paid": extra != 2,
                "payment_method": "checkmo" if extra != 2 else "banktransfer"}))
        if self._unpaid:
            self.store.pay(self._unpaid.pop(0))
        self._unpaid.append(created[2])
        if number % 3 == 0 and self._previous:  # an order the last child may have posted
            product = self.rng.choice(products)
            self.store.edit(self._previous[0], {"lines": [{
                "sku": product["sku"], "name": product["name"], "qty": 2,
                "price": str(product["price"])}]})
        self._previous = created

    def _open_postings(self) -> list[Any]:
        state = State(self.data_dir / "ledger-sync.sqlite3")
        try:
            return [p for p in state.journal.open_postings(self.pair_id)
                    if not p.last_error.startswith("waiting for")]
        finally:
            state.close()

    def verify(self, report: TrialReport) -> None:
        """Count duplicates, lost orders and ledger-vs-journal mismatches (``testing.verify``)."""
        found = verify_exactly_once(
            self.data_dir / "ledger-sync.sqlite3", self.pair_id, self.ledger_driver.view(),
            self.store.view(), self.start_date)
        report.orders = found.orders
        report.posted_documents = found.posted_documents
        report.flagged_orders = found.flagged_orders
        report.duplicates = found.duplicates
        report.lost = found.lost
        report.mismatches = found.mismatches
        report.problems.extend(found.problems)


def main() -> None:
    """``python -m ecom_ledger_desktop.testing.crash_trials [trials] [orders] [store kind]
    [ledger kind]``."""
    import tempfile

    trials = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    orders = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    store = sys.argv[3] if len(sys.argv) > 3 else DEFAULT_DEMO_STORE
    ledger = sys.argv[4] if len(sys.argv) > 4 else DEFAULT_DEMO_LEDGER
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="crash-trials-") as tmp:
        harness = CrashTrials(Path(tmp), orders=orders, store=store, ledger=ledger)
        try:
            report = harness.run(trials, log=print)
        finally:
            harness.close()
    for line in report.lines():
        print(line)
    print(f"wall time: {time.monotonic() - started:.1f} s")
    sys.exit(0 if report.ok else 1)


if __name__ == "__main__":
    main()

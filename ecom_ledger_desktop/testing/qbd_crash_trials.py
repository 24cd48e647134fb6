"""Crash trials for QuickBooks Desktop: ``ecom-ledger schedule`` (which hosts the Web Connector
service) runs in a child process and is SIGKILLed at random instants while the Web Connector
simulator, in *this* process, keeps calling it — its own sessions dying at random points too
(before QuickBooks saw a request, after QuickBooks applied it, after we took the answer). The
company simulator lives here as well, so it outlives every kill as QuickBooks would. At the end
the journal, the company and the store must agree: no duplicate, nothing lost.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector import PASSWORD_KEY
from ecom_ledger_desktop.connectors.registry import DEFAULT_DEMO_STORE
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.models.rules import PaymentRoute, PostingRules
from ecom_ledger_desktop.sandbox.qbd import Company, QbdCompanySimulator, seed_company
from ecom_ledger_desktop.sandbox.qbwc import KillAt, QuickBooksDesktop, WebConnectorSimulator
from ecom_ledger_desktop.secrets.store import KeyringSecretStore
from ecom_ledger_desktop.testing.crash_trials import KEYRING_BACKEND, TrialReport
from ecom_ledger_desktop.testing.file_keyring import TestFileKeyring
from ecom_ledger_desktop.testing.store_drivers import start_driver
from ecom_ledger_desktop.testing.verify import LedgerDocument, verify_exactly_once

PASSWORD = "qbd-trials-password"  # noqa: S105 - the trials' own Web Connector password
KINDS = {"SalesReceipt": "sales_receipt", "Invoice": "invoice", "CreditMemo": "credit_memo",
         "ReceivePayment": "payment", "ARRefundCreditCard": "refund_payout"}


class QbdCompanyView:
    """``LedgerView`` of the company simulator (its own list of forms and payments)."""

    def __init__(self, company: QbdCompanySimulator) -> None:
        self.company = company

    def documents(self) -> list[LedgerDocument]:
        """Every sales receipt, invoice, credit memo and payment, voided ones included."""
        return [LedgerDocument(KINDS[d["kind"]], str(d["txn_id"]), str(d["ref_number"]),
                               str(d["memo"]), Decimal(str(d["total"])),
                               voided=bool(d["voided"]) or str(d["memo"]).startswith("VOID:"))
                for d in self.company.reports.documents()]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class QbdCrashTrials:
    """A shop (``store``: any kind with a store driver), a company, a data folder; kills
    ``ecom-ledger schedule`` and Web Connector sessions."""

    def __init__(self, workdir: Path, *, orders: int = 30, seed: int = 11,
                 project_root: Path | None = None, store: str = DEFAULT_DEMO_STORE) -> None:
        self.workdir, self.data_dir = workdir, workdir / "data"
        self.keyring_file = workdir / "keyring.json"
        self.paid_back = 0  # refunds paid out of their credit memos, counted by ``verify``
        self.rng = random.Random(seed)
        self.project_root = project_root or Path(__file__).resolve().parents[2]
        self.store = start_driver(store, seed=seed, orders=0)
        self.products = [p for p in self.store.catalog() if len(str(p["sku"])) <= 31][:12]
        self._paid: list[tuple[str, str]] = []  # (source id, sku) of paid orders not refunded
        self.company = QbdCompanySimulator(seed_company(Company(), [
            {"sku": p["sku"], "name": p["name"], "price": str(p["price"]), "qty": 100000}
            for p in self.products]))
        self.quickbooks = QuickBooksDesktop(process=self.company.process,
                                            on_session_end=self.company.end_session)
        self.sessions: dict[str, int] = {}  # Web Connector session outcomes ("killed", ...)
        self.port = _free_port()
        self.url = f"http://localhost:{self.port}/qbwc"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        os.environ["ECOM_TEST_KEYRING_FILE"] = str(self.keyring_file)
        secrets = KeyringSecretStore(TestFileKeyring())
        shop_settings, shop_secrets = self.store.connection()
        for key, value in shop_secrets.items():
            secrets.set("shop", key, value)
        secrets.set("books", PASSWORD_KEY, PASSWORD)
        self.start_date = date(2026, 1, 1)
        state = State(self.data_dir / "ledger-sync.sqlite3")
        try:
            with state.tx():
                shop = state.connections.add_connection(ConnectionConfig(
                    name="shop", kind=self.store.kind, settings=shop_settings))
                books = state.connections.add_connection(ConnectionConfig(
                    name="books", kind="qbd", settings={"port": str(self.port),
                                                        "tax_items": "8.25=CA Sales Tax"}))
                self.pair_id = state.connections.add_pair("trials", shop, books, PostingRules(
                    start_date=self.start_date, payment_routes={
                        code: PaymentRoute(payment_method=name)
                        for code, name in self.store.payment_methods().items()}))
        finally:
            state.close()
        for number in range(orders):
            self._order(number)

    def close(self) -> None:
        """Stop the shop."""
        self.store.stop()

    def _order(self, number: int, paid: bool = True) -> str:
        product = self.rng.choice(self.products)
        source_id = self.store.add_order({
            "customer": {"email": f"buyer{number % 7}@example.com", "firstname": "Buyer",
                         "lastname": f"No {number % 7}"},
            "lines": [{"sku": product["sku"], "name": product["name"],
                       "qty": self.rng.randint(1, 3), "price": str(product["price"]),
                       "tax_percent": "8.25"}],
            "shipping": "4.95", "currency": "USD", "paid": paid,
            "payment_method": "braintree" if paid else "checkmo"})
        if paid:
            self._paid.append((source_id, str(product["sku"])))
        return source_id

    def _child(self) -> subprocess.Popen[bytes]:
        env = {**os.environ, "PYTHON_KEYRING_BACKEND": KEYRING_BACKEND,
               "ECOM_TEST_KEYRING_FILE": str(self.keyring_file),
               "PYTHONPATH": os.pathsep.join([str(self.project_root),
                                              os.environ.get("PYTHONPATH", "")])}
        return subprocess.Popen(
            [sys.executable, "-m", "ecom_ledger_desktop", "--data-dir", str(self.data_dir),
             "schedule", "--now"], env=env, cwd=self.project_root,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def _listening(self, child: subprocess.Popen[bytes], within: float = 30.0) -> bool:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline and child.poll() is None:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return True
            except OSError:
                time.sleep(0.05)
        return False

    def _sessions(self, stop: threading.Event, kills: bool) -> None:
        """The Web Connector calling again and again; some sessions die midway."""
        with WebConnectorSimulator(self.url, "books", PASSWORD, self.quickbooks,
                                   timeout=20.0) as wc:
            first = True  # each trial's first session with work dies midway
            while not stop.is_set():
                kill = self.rng.choice(list(KillAt)) if kills and (
                    first or self.rng.random() < 0.3) else None
                report = wc.run_session(kill, self.rng.randint(1, 4))
                first = first and report.outcome in ("no_work", "unreachable", "busy")
                self.sessions[report.outcome] = self.sessions.get(report.outcome, 0) + 1
                if report.outcome in ("unreachable", "no_work", "busy"):
                    stop.wait(0.1)  # the Web Connector's next update

    def run(self, trials: int, max_delay: float = 3.0,
            log: Callable[[str], None] = lambda _: None) -> TrialReport:
        """Kill ``trials`` children at random instants, then finish cleanly and verify."""
        report = TrialReport(trials=trials)
        for number in range(1, trials + 1):
            child = self._child()
            if not self._listening(child):
                child.kill()
                child.wait()
                report.problems.append(f"trial {number}: the service did not start")
                continue
            stop = threading.Event()
            caller = threading.Thread(target=self._sessions, args=(stop, True), daemon=True)
            caller.start()
            time.sleep(self.rng.uniform(0.05, max_delay))
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
            report.killed += 1
            stop.set()
            caller.join(timeout=60)
            self._churn(number)
            log(f"trial {number}/{trials}: killed")
        self._finish(report)
        self.verify(report)
        log("Web Connector sessions: " + ", ".join(f"{outcome} {count}" for outcome, count
                                                    in sorted(self.sessions.items())))
        return report

    def _churn(self, number: int) -> None:
        """New orders (one paid later) and a refund arrive between kills."""
        self._order(1000 + number)
        unpaid = self._order(2000 + number, paid=False)
        if number % 2:
            self.store.pay(unpaid)
        if number % 3 == 0 and self._paid:
            source_id, sku = self._paid.pop(0)
            self.store.refund(source_id, {"lines": [{"sku": sku, "qty": 1}], "shipping": "0"})

    def _open(self) -> list[Any]:
        state = State(self.data_dir / "ledger-sync.sqlite3")
        try:
            return [p for p in state.journal.open_postings(self.pair_id)
                    if not p.last_error.startswith("waiting for")]
        finally:
            state.close()

    def _ran_since(self, count: int) -> bool:
        state = State(self.data_dir / "ledger-sync.sqlite3")
        try:
            runs = state.runs.recent(self.pair_id, limit=1000)
        finally:
            state.close()
        return len([r for r in runs if r.finished_at]) > count

    def _finish(self, report: TrialReport) -> None:
        """No more kills: sessions until the child's own first run (which reads the orders
        placed since the last kill) has ended and nothing is left to send."""
        state = State(self.data_dir / "ledger-sync.sqlite3")
        try:
            before = len([r for r in state.runs.recent(self.pair_id, limit=1000) if r.finished_at])
        finally:
            state.close()
        child = self._child()
        try:
            if not self._listening(child):
                report.problems.append("the final service did not start")
                return
            stop = threading.Event()
            with WebConnectorSimulator(self.url, "books", PASSWORD, self.quickbooks,
                                       timeout=60.0) as wc:
                for _ in range(40):
                    outcome = wc.run_session().outcome
                    if outcome == "no_work" and not self._open() and self._ran_since(before):
                        break
                    stop.wait(0.2)
        finally:
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(timeout=60)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()

    def verify(self, report: TrialReport) -> None:
        """Duplicates, lost orders and journal-vs-company mismatches (``testing.verify``)."""
        found = verify_exactly_once(self.data_dir / "ledger-sync.sqlite3", self.pair_id,
                                    QbdCompanyView(self.company), self.store.view(),
                                    self.start_date)
        report.orders, report.posted_documents = found.orders, found.posted_documents
        report.flagged_orders, report.duplicates = found.flagged_orders, found.duplicates
        report.lost, report.mismatches = found.lost, found.mismatches
        report.problems.extend(found.problems)
        self._receivables(report)

    def _receivables(self, report: TrialReport) -> None:
        """A/R is the open invoices alone, less the credits whose pay-out still waits in the
        journal: every refund's credit memo posted and paid back leaves no credit open."""
        state = State(self.data_dir / "ledger-sync.sqlite3")
        try:
            rows = state.journal.all(self.pair_id)
        finally:
            state.close()
        unpaid = {r.target_key for r in rows if r.doc_kind == "refund_payout"
                  and r.state in ("queued", "sending", "flagged")}
        waiting = {r.ledger_id for r in rows if r.posting_key in unpaid and r.ledger_id}
        reports = self.company.reports
        with self.company.company.lock:
            credit = sum((Decimal(str(m.data["CreditRemaining"]))
                          for m in self.company.company.all("CreditMemo") if m.id in waiting),
                         Decimal(0))
            self.paid_back = len(list(self.company.company.all("ARRefundCreditCard")))
        receivable = reports.account_balance("Accounts Receivable")
        owed = sum((o.balance for o in reports.open_receivables()), Decimal(0)) - credit
        if receivable != owed:
            report.mismatches += 1
            report.problems.append(f"Accounts Receivable is {receivable} but the open invoices "
                                   f"less the credits waiting to be paid back come to {owed}: "
                                   "a refund's credit was left open")

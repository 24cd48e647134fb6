"""Magento simulator → engine → journal → our Web Connector endpoint (loopback HTTP) → the Web
Connector simulator → the QuickBooks Desktop company simulator, on a real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.ledgers.qbd.mailbox import forget_mailbox
from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector import PASSWORD_KEY
from ecom_ledger_desktop.connectors.registry import ConnectorFactory
from ecom_ledger_desktop.core.clock import Clock
from ecom_ledger_desktop.db.journal_repo import PostingRow
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.models.rules import PaymentRoute, PostingRules
from ecom_ledger_desktop.sandbox.magento2 import Magento2Simulator
from ecom_ledger_desktop.sandbox.qbd import Company, QbdCompanySimulator, seed_company
from ecom_ledger_desktop.sandbox.qbd.state import Record
from ecom_ledger_desktop.sandbox.qbwc import KillAt, QuickBooksDesktop, SessionReport, WebConnectorSimulator
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from ecom_ledger_desktop.sync.background import Background
from ecom_ledger_desktop.sync.engine import RunSummary
from ecom_ledger_desktop.sync.service import SyncService

STORE_TOKEN = "qbd-bench-token"
PASSWORD = "bench web connector password"
START = date(2026, 1, 1)
CATALOG = [{"sku": "MB-TOTE-BLK", "name": "Canvas Tote (Black)", "price": "24.00", "qty": 40},
           {"sku": "24-UG06", "name": "Affirm Water Bottle", "price": "7.00", "qty": 100}]
TAX_ITEMS = "8.25=CA Sales Tax; 8.875=NY Sales Tax"


def order(**overrides: Any) -> dict[str, Any]:
    """A paid card order: two taxed totes (8.25 %), an untaxed bottle, shipping."""
    spec: dict[str, Any] = {
        "customer": {"email": "jane.doe@example.com", "firstname": "Jane", "lastname": "Doe"},
        "lines": [{"sku": "MB-TOTE-BLK", "name": "Canvas Tote (Black)", "qty": 2,
                   "price": "24.00", "tax_percent": "8.25"},
                  {"sku": "24-UG06", "name": "Affirm Water Bottle", "qty": 1, "price": "7.00"}],
        "shipping": "5.00", "currency": "USD", "payment_method": "braintree", "paid": True}
    spec.update(overrides)
    return spec


def rules(**changes: Any) -> PostingRules:
    """Cards to Visa, checks to Check (QuickBooks Desktop's seeded payment methods)."""
    base = PostingRules(start_date=START, payment_routes={
        "checkmo": PaymentRoute(payment_method="Check"),
        "braintree": PaymentRoute(payment_method="Visa")})
    return base.model_copy(update=changes)


@dataclass
class QbdBench:
    store: Magento2Simulator
    company: QbdCompanySimulator
    quickbooks: QuickBooksDesktop
    service: SyncService
    background: Background
    db_path: Path
    pair_id: int

    @property
    def url(self) -> str:
        host = self.background.companions["books"]
        return str(host.url)  # type: ignore[attr-defined]

    def sync(self) -> RunSummary:
        """A scheduled run while no Web Connector session is open."""
        return self.service.run_pair(self.pair_id, "test")

    def session(self, kill_at: KillAt | None = None, on_exchange: int = 1) -> SessionReport:
        """One Web Connector update (it signs in, the runs start, QuickBooks gets the postings).

        A killed session is never closed: the next update, right away and from the same computer
        (the restarted Web Connector), takes it over; no clock is moved past its idle timeout.
        """
        with WebConnectorSimulator(self.url, "books", PASSWORD, self.quickbooks) as wc:
            return wc.run_session(kill_at, on_exchange)

    def restart(self) -> None:
        """Quit and start the app's background (the Web Connector service with it)."""
        self.background.stop()
        forget_mailbox("books")
        self.background = Background(self.service)
        self.background.start_companions()

    def status(self) -> str:
        """What the app says about the Web Connector."""
        host = self.background.companions["books"]
        return str(host.service.status.describe("books"))  # type: ignore[attr-defined]

    def txns(self, kind: str) -> list[Record]:
        return [r for r in self.company.company.all(kind)
                if not str(r.data.get("Memo", "")).startswith("VOID:")]

    def open_postings(self) -> list[PostingRow]:
        state = State(self.db_path)
        try:
            return state.journal.open_postings(self.pair_id)
        finally:
            state.close()

    def open_errors(self) -> list[Any]:
        state = State(self.db_path)
        try:
            return state.errors.entries(self.pair_id, "open")
        finally:
            state.close()


@contextmanager
def open_bench(tmp_path: Path, reference_dir: Path | None = None, *,
               pair_rules: PostingRules | None = None, clock: Clock | None = None,
               catalog: list[dict[str, Any]] | None = None, zone: str = "America/New_York",
               **settings: str) -> Iterator[QbdBench]:
    """Both simulators, a pair between them, the sync service and its Web Connector endpoint."""
    store = Magento2Simulator(token=STORE_TOKEN, seed=1, seed_orders=0, timezone=zone)
    schema = None
    if reference_dir is not None:
        candidate = reference_dir / "specs" / "qbxml" / "qbxmlops130.xsd"
        schema = candidate if candidate.is_file() else None
    company = QbdCompanySimulator(seed_company(Company(), catalog or CATALOG), schema_path=schema)
    quickbooks = QuickBooksDesktop(process=company.process, on_session_end=company.end_session)
    store.start()
    background: Background | None = None
    try:
        secrets = MemorySecretStore()
        secrets.set("shop", "token", STORE_TOKEN)
        secrets.set("books", PASSWORD_KEY, PASSWORD)
        db_path = tmp_path / "ledger-sync.sqlite3"
        state = State(db_path)
        try:
            with state.tx():
                store_id = state.connections.add_connection(ConnectionConfig(
                    name="shop", kind="magento2",
                    settings={"base_url": store.base_url, "store_code": "default"}))
                ledger_id = state.connections.add_connection(ConnectionConfig(
                    name="books", kind="qbd",
                    settings={"port": "0", "tax_items": TAX_ITEMS, **settings}))
                pair_id = state.connections.add_pair("shop to books", store_id, ledger_id,
                                                     pair_rules or rules())
        finally:
            state.close()
        factory = ConnectorFactory(policy=RetryPolicy(backoff_base=0.01, backoff_max=0.05,
                                                      breaker_reset=0.5), clock=clock)
        service = SyncService(db_path, secrets, store_factory=factory.store,
                              ledger_factory=factory.ledger, clock=clock)
        background = Background(service)
        background.start_companions()
        bench = QbdBench(store, company, quickbooks, service, background, db_path, pair_id)
        yield bench
        background = bench.background
    finally:
        if background is not None:
            background.stop()
        forget_mailbox("books")
        store.stop()

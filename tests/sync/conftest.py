"""A real Magento simulator and a real QuickBooks Online simulator on loopback, wired to a pair."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from ecom_ledger_desktop.connectors.base import StoreConnector
from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.registry import ConnectorFactory
from ecom_ledger_desktop.core.events import EventBus
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.demo import (
    CLIENT_ID,
    CLIENT_SECRET,
    DEMO_COMPANY,
    REDIRECT_URI,
    configure_pair,
)
from ecom_ledger_desktop.models.rules import PaymentRoute, PostingRules
from ecom_ledger_desktop.sandbox.magento2 import Magento2Simulator
from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from ecom_ledger_desktop.sync.engine import RunSummary
from ecom_ledger_desktop.sync.service import SyncService

CATALOG = [
    {"sku": "MB-TOTE-BLK", "name": "Canvas Tote (Black)", "price": "24.00", "qty": 40},
    {"sku": "MH01-S-Gray", "name": "Chaz Kangeroo Hoodie S Gray", "price": "52.00", "qty": 12},
    {"sku": "WB-BOTTLE", "name": "Steel Water Bottle", "price": "18.50", "qty": 100},
]
START = date(2026, 1, 1)
STORE_TOKEN = "test-integration-token"


def order_spec(**overrides: Any) -> dict[str, Any]:
    """A paid two-line order with shipping and tax, overridable."""
    spec: dict[str, Any] = {
        "customer": {"email": "jane.doe@example.com", "firstname": "Jane", "lastname": "Doe"},
        "lines": [{"sku": "MB-TOTE-BLK", "name": "Canvas Tote (Black)", "qty": 2, "price": "24.00",
                   "tax_percent": "8.25"},
                  {"sku": "WB-BOTTLE", "name": "Steel Water Bottle", "qty": 1, "price": "18.50"}],
        "shipping": "5.00", "currency": "USD", "payment_method": "checkmo", "paid": True,
    }  # no created_at: the shop stamps a new order with its own clock, as Magento does
    spec.update(overrides)
    return spec


class LedgerBench:
    """What every bench offers over its QuickBooks simulator, database and sync service."""

    ledger: QboSimulator
    service: SyncService
    db_path: Path
    pair_id: int

    def sync(self) -> RunSummary:
        return self.service.run_pair(self.pair_id, "test")

    def state(self) -> State:
        return State(self.db_path)

    def change_rules(self, change: Callable[[PostingRules], PostingRules]) -> None:
        """Save ``change(rules)`` as the pair's rules (what the rules form does)."""
        state = self.state()
        try:
            pair = state.connections.pair(self.pair_id)
            assert pair is not None
            with state.tx():
                state.connections.save_rules(self.pair_id, change(pair.rules))
        finally:
            state.close()

    def docs(self, entity: str) -> list[dict[str, Any]]:
        """Non-voided documents of one entity in the simulated company."""
        return [d for d in self.ledger.entities(entity)
                if "Voided" not in str(d.get("PrivateNote", ""))]

    def open_errors(self) -> list[Any]:
        state = self.state()
        try:
            return state.errors.entries(self.pair_id, "open")
        finally:
            state.close()


@dataclass
class SyncBench(LedgerBench):
    """Simulators + database + service for one test."""

    store: Magento2Simulator
    ledger: QboSimulator
    service: SyncService
    db_path: Path
    secrets: MemorySecretStore
    pair_id: int
    events: EventBus

    def service_with_store(self, wrap: Callable[[StoreConnector], None]) -> SyncService:
        """A service on the same database whose store connector ``wrap`` has adjusted (e.g. to
        hold or break its order listing part way)."""
        real_factory = self.service.store_factory

        def factory(config: Any, secrets: Any) -> StoreConnector:
            store = real_factory(config, secrets)
            wrap(store)
            return store

        return SyncService(self.db_path, self.secrets, store_factory=factory,
                           ledger_factory=self.service.ledger_factory, events=self.events)

    def store_api(self, path: str) -> Any:
        """GET a Magento REST resource as a client would see it."""
        response = httpx.get(f"{self.store.base_url}/rest/V1/{path}",
                             headers={"Authorization": f"Bearer {STORE_TOKEN}"}, timeout=10)
        response.raise_for_status()
        return response.json()

    def runs(self) -> list[Any]:
        """This pair's runs, newest first."""
        state = self.state()
        try:
            return state.runs.recent(self.pair_id)
        finally:
            state.close()

    def set_rules(self, **changes: Any) -> None:
        state = self.state()
        try:
            pair = state.connections.pair(self.pair_id)
            assert pair is not None
            with state.tx():
                state.connections.save_rules(self.pair_id, pair.rules.model_copy(update=changes))
        finally:
            state.close()


def bench_ledger(profile: str = DEMO_COMPANY, **options: Any) -> QboSimulator:
    """The benches' QuickBooks company, started, with the catalogue's items."""
    ledger = QboSimulator(client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                          redirect_uris=(REDIRECT_URI,), time_scale=1.0, limits=True,
                          company_profile=profile, **options)
    ledger.start()
    ledger.seed_items(CATALOG)
    return ledger


def bench_rules() -> PostingRules:
    """The benches' posting rules: checks and cards each to their payment method."""
    return PostingRules(start_date=START, payment_routes={
        "checkmo": PaymentRoute(payment_method="Check"),
        "braintree": PaymentRoute(payment_method="Visa")})


@pytest.fixture
def bench(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[SyncBench]:
    """A pair on a US company with automated sales tax, or the profile of the test's
    ``qbo_company`` marker (``@pytest.mark.qbo_company("uk_vat")``), whose keywords go to the
    simulator too (``@pytest.mark.qbo_company("us_no_ast", honour_explicit_tax=False)``)."""
    marker = request.node.get_closest_marker("qbo_company")
    store = Magento2Simulator(token=STORE_TOKEN, seed=1, seed_orders=0)
    store.start()
    ledger = bench_ledger(marker.args[0] if marker else DEMO_COMPANY,
                          **(marker.kwargs if marker else {}))
    secrets = MemorySecretStore()
    db_path = tmp_path / "ledger-sync.sqlite3"
    rules = bench_rules()
    pair_id = configure_pair(db_path, secrets, ledger=ledger.demo_connection(),
                             store_url=store.base_url, store_token=STORE_TOKEN,
                             start_date=START, demo=False, rules=rules)
    factory = ConnectorFactory(policy=RetryPolicy(backoff_base=0.01, backoff_max=0.05,
                                                  breaker_reset=0.5))
    events = EventBus()
    service = SyncService(db_path, secrets, store_factory=factory.store,
                          ledger_factory=factory.ledger, events=events)
    try:
        yield SyncBench(store, ledger, service, db_path, secrets, pair_id, events)
    finally:
        store.stop()
        ledger.stop()

"""A Magento simulator and a FreshBooks simulator on loopback, wired to a pair on a real SQLite
file (the FreshBooks counterpart of ``tests/sync/conftest.py``'s bench)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.registry import ConnectorFactory
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.models.rules import PaymentRoute, PostingRules
from ecom_ledger_desktop.sandbox.freshbooks import FreshBooksSimulator
from ecom_ledger_desktop.sandbox.magento2 import Magento2Simulator
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from ecom_ledger_desktop.sync.engine import RunSummary
from ecom_ledger_desktop.sync.service import SyncService

STORE_TOKEN = "fb-bench-token"
CLIENT_ID, CLIENT_SECRET = "fb-client", "fb-secret"
REDIRECT = "http://127.0.0.1/callback"
START = date(2026, 1, 1)
CATALOG_UPDATED = "2025-12-01 09:00:00"  # naive US/Eastern, as FreshBooks writes it
ZONE = "America/New_York"
CATALOG = [("MB-TOTE-BLK", "Canvas Tote (Black)", "24.00"),
           ("MH01-S-Gray", "Chaz Kangeroo Hoodie S Gray", "52.00"),
           ("WB-BOTTLE", "Steel Water Bottle", "18.50")]


def utc(local: str, zone: str = ZONE) -> str:
    """Magento's UTC timestamp of a store-local wall time."""
    moment = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(zone))
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def order(**overrides: Any) -> dict[str, Any]:
    """A paid card order: two taxed totes, an untaxed bottle, shipping."""
    spec: dict[str, Any] = {
        "customer": {"email": "jane.doe@example.com", "firstname": "Jane", "lastname": "Doe"},
        "lines": [{"sku": "MB-TOTE-BLK", "name": "Canvas Tote (Black)", "qty": 2,
                   "price": "24.00", "tax_percent": "8.25"},
                  {"sku": "WB-BOTTLE", "name": "Steel Water Bottle", "qty": 1,
                   "price": "18.50"}],
        "shipping": "5.00", "currency": "USD", "payment_method": "braintree", "paid": True}
    spec.update(overrides)
    return spec


@dataclass
class FreshBench:
    store: Magento2Simulator
    ledger: FreshBooksSimulator
    service: SyncService
    db_path: Path
    pair_id: int

    def sync(self) -> RunSummary:
        return self.service.run_pair(self.pair_id, "test")

    def live(self, resource: str) -> list[dict[str, Any]]:
        return [r for r in self.ledger.records(resource) if r["vis_state"] == 0]

    def open_errors(self) -> list[Any]:
        state = State(self.db_path)
        try:
            return state.errors.entries(self.pair_id, "open")
        finally:
            state.close()


def rules(**changes: Any) -> PostingRules:
    """Cards and checks routed to their FreshBooks payment types; purchase orders invoiced."""
    base = PostingRules(start_date=START, payment_routes={
        "checkmo": PaymentRoute(payment_method="Check"),
        "braintree": PaymentRoute(payment_method="VISA")})
    posting = {**base.payment_posting, "purchaseorder": "post_at_order"}
    return base.model_copy(update={"payment_posting": posting, **changes})


@contextmanager
def open_bench(tmp_path: Path, *, zone: str = ZONE, pair_rules: PostingRules | None = None,
               **sim: Any) -> Iterator[FreshBench]:
    """Both simulators, a pair between them, and a sync service over a real SQLite file."""
    store = Magento2Simulator(token=STORE_TOKEN, seed=1, seed_orders=0, timezone=zone)
    ledger = FreshBooksSimulator(CLIENT_ID, CLIENT_SECRET, (REDIRECT,), **sim)
    store.start()
    ledger.start()
    for sku, name, price in CATALOG:  # the books know the catalogue (since long before)
        made = ledger.add("items", {"name": name, "sku": sku, "unit_cost": {"amount": price}})
        with ledger.books.lock:
            ledger.books.records["items/items"][made["id"]]["updated"] = CATALOG_UPDATED
    try:
        secrets = MemorySecretStore()
        secrets.set("shop", "token", STORE_TOKEN)
        secrets.set("books", "client_secret", CLIENT_SECRET)
        secrets.set("books", "refresh_token", ledger.issue_tokens()["refresh_token"])
        db_path = tmp_path / "ledger-sync.sqlite3"
        state = State(db_path)
        try:
            with state.tx():
                store_id = state.connections.add_connection(ConnectionConfig(
                    name="shop", kind="magento2",
                    settings={"base_url": store.base_url, "store_code": "default"}))
                base = ledger.base_url
                ledger_id = state.connections.add_connection(ConnectionConfig(
                    name="books", kind="freshbooks",
                    settings={"client_id": CLIENT_ID, "api_base": base,
                              "auth_url": f"{base}/oauth/authorize",
                              "token_url": f"{base}/auth/oauth/token",
                              "redirect_uri": REDIRECT, "account_id": ledger.account_id}))
                pair_id = state.connections.add_pair("shop to books", store_id, ledger_id,
                                                     pair_rules or rules())
        finally:
            state.close()
        factory = ConnectorFactory(policy=RetryPolicy(backoff_base=0.01, backoff_max=0.05,
                                                      breaker_reset=0.5))
        service = SyncService(db_path, secrets, store_factory=factory.store,
                              ledger_factory=factory.ledger)
        yield FreshBench(store, ledger, service, db_path, pair_id)
    finally:
        store.stop()
        ledger.stop()

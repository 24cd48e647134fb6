"""The simulated environment of a soak or a crash trial: the store side is a
``testing.store_drivers`` driver of any store kind, the ledger side a ``testing.ledger_drivers``
driver of any ledger kind."""


from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ecom_ledger_desktop.connectors.base import PushLedger, StoreConnector
from ecom_ledger_desktop.connectors.http import ApiClient
from ecom_ledger_desktop.connectors.registry import DEFAULT_DEMO_LEDGER, ConnectorFactory
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.secrets.store import MemorySecretStore, SecretStore
from ecom_ledger_desktop.testing.ledger_drivers import LedgerFaultDriver, make_ledger_driver
from ecom_ledger_desktop.testing.ledger_drivers.qbo import QboFaultDriver
from ecom_ledger_desktop.testing.soak_plan import SoakPlan
from ecom_ledger_desktop.testing.store_drivers import StoreDriver, start_driver

__all__ = ["LedgerFaultDriver", "QboFaultDriver", "SoakEnvironment", "StoreDriver",
           "ledger_environment", "qbo_environment"]

REAUTH_STATUS = "needs_reauthorisation"


# -- the environment ----------------------------------------------------------------------------

@dataclass
class SoakEnvironment:
    """Running simulators behind their drivers, and a configured pair."""

    store: StoreDriver
    ledger: LedgerFaultDriver
    db_path: Path
    secrets: SecretStore
    pair_id: int
    ledger_connection: str
    start_date: date
    factory: ConnectorFactory
    close: Callable[[], None]


def ledger_environment(store_kind: str, ledger_kind: str, workdir: Path,
                       plan: SoakPlan) -> SoakEnvironment:
    """The ``store_kind`` store's and the ``ledger_kind`` books' simulators on loopback (the
    books know the store's catalogue), behind their drivers, with a pair in ``workdir``."""
    from ecom_ledger_desktop.demo import demo_ledger_name, start_ledger

    store = start_driver(store_kind, seed=plan.seed, orders=plan.seed_orders,
                         time_scale=plan.time_scale)
    try:
        ledger_sim = start_ledger(store.sim.catalog(), time_scale=plan.time_scale,
                                  kind=ledger_kind)
    except BaseException:
        store.stop()
        raise
    ledger_sim.faults.seed = plan.seed
    ledger_sim.faults.reseed()
    store.faults.seed = plan.seed + 1
    store.faults.reseed()
    ledger = make_ledger_driver(ledger_kind, ledger_sim, access_token_ttl=plan.access_token_ttl)
    secrets = MemorySecretStore()
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / "ledger-sync.sqlite3"
    start = (ledger_sim.clock.now() - timedelta(days=90)).date()
    pair_id = configure_store_pair(db_path, store, ledger_sim, secrets, start, ledger_kind)

    def close() -> None:
        store.stop()
        ledger_sim.stop()

    return SoakEnvironment(store, ledger, db_path, secrets, pair_id,
                           demo_ledger_name(ledger_kind), start,
                           ConnectorFactory(policy=plan.policy()), close)


def qbo_environment(store_kind: str, workdir: Path, plan: SoakPlan) -> SoakEnvironment:
    """``ledger_environment`` with the default demo books (QuickBooks Online)."""
    return ledger_environment(store_kind, DEFAULT_DEMO_LEDGER, workdir, plan)


def configure_store_pair(db_path: Path, store: StoreDriver, ledger_sim: Any,
                         secrets: SecretStore, start: date,
                         ledger_kind: str = DEFAULT_DEMO_LEDGER) -> int:
    """A (non-demo) pair of the driver's store and the ``ledger_kind`` simulator in
    ``db_path``."""
    from ecom_ledger_desktop.demo import configure_pair

    settings, keys = store.connection()
    return configure_pair(db_path, secrets, ledger=ledger_sim.demo_connection(),
                          ledger_kind=ledger_kind, start_date=start, demo=False,
                          store_kind=store.kind, store_settings=settings, store_secrets=keys,
                          payment_methods=store.payment_methods())


class _CountingFactory:
    """Builds connectors like the wrapped factory and keeps their HTTP clients for the figures."""

    def __init__(self, inner: ConnectorFactory) -> None:
        self.inner = inner
        self.clients: list[ApiClient] = []

    def store(self, config: ConnectionConfig, secrets: SecretStore) -> StoreConnector:
        connector = self.inner.store(config, secrets)
        self.clients.extend(api_clients(connector))
        return connector

    def ledger(self, config: ConnectionConfig, secrets: SecretStore) -> PushLedger:
        connector = self.inner.ledger(config, secrets)
        self.clients.extend(api_clients(connector))
        return connector


def api_clients(root: object, depth: int = 3) -> list[ApiClient]:
    """The ``ApiClient`` objects a connector holds (any attribute path, ``depth`` levels deep)."""
    found: list[ApiClient] = []
    seen: set[int] = set()

    def walk(obj: object, level: int) -> None:
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, ApiClient):
            found.append(obj)
            return
        if level == 0 or not type(obj).__module__.startswith("ecom_ledger_desktop"):
            return
        for value in vars(obj).values() if hasattr(obj, "__dict__") else ():
            walk(value, level - 1)

    walk(root, depth)
    return found



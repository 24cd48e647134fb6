"""The ledger-specific parts of the soak (fault drivers) and the simulated environment; the store
side is a ``testing.store_drivers`` driver of any store kind."""


from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Protocol

from ecom_ledger_desktop.connectors.base import PushLedger, StoreConnector
from ecom_ledger_desktop.connectors.http import ApiClient
from ecom_ledger_desktop.connectors.registry import ConnectorFactory
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.sandbox.server import FaultPlan
from ecom_ledger_desktop.secrets.store import MemorySecretStore, SecretStore
from ecom_ledger_desktop.testing.soak_plan import SoakPlan
from ecom_ledger_desktop.testing.store_drivers import StoreDriver, start_driver
from ecom_ledger_desktop.testing.verify import LedgerView, QboSimulatorView

__all__ = ["LedgerFaultDriver", "QboFaultDriver", "SoakEnvironment", "StoreDriver",
           "qbo_environment"]

REAUTH_STATUS = "needs_reauthorisation"


# -- ledger drivers: the only ledger-specific parts ---------------------------------------------

class LedgerFaultDriver(Protocol):
    """The ledger-specific knobs of a soak. ``faults`` is the simulator's shared ``FaultPlan``."""

    name: str
    faults: FaultPlan

    def throttle_storm(self, count: int) -> None:
        """The next ``count`` API requests are refused as over the limit, with Retry-After."""
        ...

    def expire_access(self) -> None:
        """Every access token issued so far stops working (the client must refresh)."""
        ...

    def drop_next_answers(self, count: int) -> None:
        """The next ``count`` writes the ledger applies get no answer (whatever the rates say)."""
        ...

    def revoke_authorisation(self) -> None:
        """The app's authorisation is withdrawn: refreshing fails until a person reconnects."""
        ...

    def reauthorise(self, secrets: SecretStore, connection_name: str) -> None:
        """What a merchant does to reconnect: fresh credentials into the secret store."""
        ...

    def quiet(self) -> None:
        """No pending ledger-specific faults (storms) any more."""
        ...

    def view(self) -> LedgerView:
        """The ledger's documents, for verification."""
        ...

    def stats(self) -> dict[str, int]:
        """What the ledger side saw (throttled requests, token requests, ...)."""
        ...


class QboFaultDriver:
    """QuickBooks Online simulator: 429 storms, token expiry, revocation, reconnect."""

    name = "QuickBooks Online"

    def __init__(self, sim: Any, *, access_token_ttl: float) -> None:
        self.sim = sim
        self.faults: FaultPlan = sim.faults
        sim.retry_after_header = True  # storms say how long to wait
        sim.oauth.access_token_ttl = access_token_ttl  # simulated seconds: tokens expire in-soak
        sim.oauth.refresh_grace = 0.0  # every refresh rotates; the old token dies at once

    def throttle_storm(self, count: int) -> None:
        self.sim.throttle_next(count)

    def expire_access(self) -> None:
        self.sim.expire_access_tokens()

    def drop_next_answers(self, count: int) -> None:
        self.sim.drop_next_writes_after_apply(count)

    def revoke_authorisation(self) -> None:
        self.sim.revoke_refresh_tokens()
        self.sim.expire_access_tokens()  # so the very next request needs a refresh

    def reauthorise(self, secrets: SecretStore, connection_name: str) -> None:
        secrets.set(connection_name, "refresh_token", self.sim.issue_tokens()["refresh_token"])

    def quiet(self) -> None:
        self.sim.throttle_next(0)

    def view(self) -> LedgerView:
        return QboSimulatorView(self.sim)

    def stats(self) -> dict[str, int]:
        raw = self.sim.stats()
        return {"requests": int(raw["requests"]), "throttled (429)": int(raw["throttled"]),
                "refused tokens (401)": int(raw["auth_failed"]),
                "token endpoint requests": int(raw["oauth"]),
                "applied, answer dropped": int(raw["dropped_after_apply"]),
                "requestid replays": int(raw["replayed"])}


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


def qbo_environment(store_kind: str, workdir: Path, plan: SoakPlan) -> SoakEnvironment:
    """The ``store_kind`` store's and QuickBooks Online's simulators on loopback (the books know
    the store's catalogue), with a pair in ``workdir``."""
    from ecom_ledger_desktop.demo import DEMO_LEDGER, start_ledger

    store = start_driver(store_kind, seed=plan.seed, orders=plan.seed_orders,
                         time_scale=plan.time_scale)
    try:
        ledger_sim = start_ledger(store.sim.catalog(), time_scale=plan.time_scale)
    except BaseException:
        store.stop()
        raise
    ledger_sim.faults.seed = plan.seed
    ledger_sim.faults.reseed()
    store.faults.seed = plan.seed + 1
    store.faults.reseed()
    ledger = QboFaultDriver(ledger_sim, access_token_ttl=plan.access_token_ttl)
    secrets = MemorySecretStore()
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / "ledger-sync.sqlite3"
    start = (ledger_sim.clock.now() - timedelta(days=90)).date()
    pair_id = configure_store_pair(db_path, store, ledger_sim, secrets, start)

    def close() -> None:
        store.stop()
        ledger_sim.stop()

    return SoakEnvironment(store, ledger, db_path, secrets, pair_id, DEMO_LEDGER, start,
                           ConnectorFactory(policy=plan.policy()), close)


def configure_store_pair(db_path: Path, store: StoreDriver, ledger_sim: Any,
                         secrets: SecretStore, start: date) -> int:
    """A (non-demo) pair of the driver's store and the QuickBooks simulator in ``db_path``."""
    from ecom_ledger_desktop.demo import configure_pair

    settings, keys = store.connection()
    return configure_pair(db_path, None, ledger_sim.base_url, ledger_sim.realm_id, secrets,
                     refresh_token=ledger_sim.issue_tokens()["refresh_token"], start_date=start,
                     demo=False, store_kind=store.kind, store_settings=settings,
                     store_secrets=keys, payment_methods=store.payment_methods())


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



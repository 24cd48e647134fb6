"""The ledger- and store-specific parts of the soak: fault drivers and the simulated environment."""


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
from ecom_ledger_desktop.testing.verify import (
    LedgerView,
    Magento2RestView,
    QboSimulatorView,
    StoreView,
)

REAUTH_STATUS = "needs_reauthorisation"


# -- drivers: the only ledger- and store-specific parts -----------------------------------------

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


class StoreDriver(Protocol):
    """A store whose orders the soak creates and changes. ``faults``: its ``FaultPlan``."""

    faults: FaultPlan

    def catalog(self) -> list[dict[str, Any]]:
        """Products the ledger knows: ``{sku, name, price}``."""
        ...

    def add_order(self, spec: dict[str, Any]) -> str:
        """A new order (``customer``, ``lines``, ``shipping``, ``paid``, ...); its source id."""
        ...

    def pay(self, source_id: str) -> None:
        """The unpaid order is paid."""
        ...

    def edit(self, source_id: str, changes: dict[str, Any]) -> None:
        """The order's lines change."""
        ...

    def refund(self, source_id: str, spec: dict[str, Any]) -> None:
        """Part of the order is refunded."""
        ...

    def cancel(self, source_id: str) -> None:
        """The unpaid order is cancelled."""
        ...

    def view(self) -> StoreView:
        """The store's records, for verification."""
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


class Magento2StoreDriver:
    """Magento 2 simulator as the soak's store."""

    def __init__(self, sim: Any, token: str) -> None:
        self.sim = sim
        self.token = token
        self.faults: FaultPlan = sim.faults

    def catalog(self) -> list[dict[str, Any]]:
        from ecom_ledger_desktop.sandbox.magento2.seed import DEMO_CATALOG

        return [p for p in DEMO_CATALOG if p.get("type", "simple") == "simple"]

    def add_order(self, spec: dict[str, Any]) -> str:
        return str(self.sim.add_order(spec))

    def pay(self, source_id: str) -> None:
        self.sim.invoice_order(int(source_id))

    def edit(self, source_id: str, changes: dict[str, Any]) -> None:
        self.sim.edit_order(int(source_id), changes)

    def refund(self, source_id: str, spec: dict[str, Any]) -> None:
        self.sim.refund_order(int(source_id), spec)

    def cancel(self, source_id: str) -> None:
        self.sim.cancel_order(int(source_id))

    def view(self) -> StoreView:
        return Magento2RestView(self.sim.base_url, self.token)



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


def qbo_magento_environment(workdir: Path, plan: SoakPlan) -> SoakEnvironment:
    """Magento 2 → QuickBooks Online simulators on loopback, with a pair in ``workdir``."""
    from ecom_ledger_desktop.demo import DEMO_LEDGER, STORE_TOKEN, configure_pair, start_simulators

    store_sim, ledger_sim = start_simulators(plan.seed_orders, seed=plan.seed,
                                             time_scale=plan.time_scale)
    ledger_sim.faults.seed = plan.seed
    ledger_sim.faults.reseed()
    store_sim.faults.seed = plan.seed + 1
    store_sim.faults.reseed()
    ledger = QboFaultDriver(ledger_sim, access_token_ttl=plan.access_token_ttl)
    secrets = MemorySecretStore()
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / "ledger-sync.sqlite3"
    start = (ledger_sim.clock.now() - timedelta(days=90)).date()
    pair_id = configure_pair(db_path, store_sim.base_url, ledger_sim.base_url,
                             ledger_sim.realm_id, secrets, store_token=STORE_TOKEN,
                             refresh_token=ledger_sim.issue_tokens()["refresh_token"],
                             start_date=start, demo=False)

    def close() -> None:
        store_sim.stop()
        ledger_sim.stop()

    return SoakEnvironment(Magento2StoreDriver(store_sim, STORE_TOKEN), ledger, db_path, secrets,
                           pair_id, DEMO_LEDGER, start, ConnectorFactory(policy=plan.policy()),
                           close)


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



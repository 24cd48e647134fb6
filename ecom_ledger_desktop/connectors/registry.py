"""Connection kinds by name, and the factory that builds live connectors from saved settings.

Each kind is declared by its connector package (``<package>/kind.py``, see ``connectors.kinds``);
adding a store or ledger means adding its package and one line to ``KINDS``: the CLI, the app,
the admin code and the engine do not change. No connector imports this module. Importing it
stays light (no httpx, no authlib): the app reads the declarations to draw its forms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from ecom_ledger_desktop.connectors.kinds import ConnectionKind, Role
from ecom_ledger_desktop.connectors.ledgers.freshbooks.kind import KIND as FRESHBOOKS
from ecom_ledger_desktop.connectors.ledgers.qbd.kind import KIND as QBD
from ecom_ledger_desktop.connectors.ledgers.qbo.kind import KIND as QBO
from ecom_ledger_desktop.connectors.stores.magento2.kind import KIND as MAGENTO2
from ecom_ledger_desktop.connectors.stores.prestashop.kind import KIND as PRESTASHOP
from ecom_ledger_desktop.connectors.stores.xcart.kind import KIND as XCART
from ecom_ledger_desktop.core.errors import FatalError

if TYPE_CHECKING:
    from ecom_ledger_desktop.connectors.base import PushLedger, StoreConnector
    from ecom_ledger_desktop.connectors.http import RetryPolicy
    from ecom_ledger_desktop.core.clock import Clock
    from ecom_ledger_desktop.models.connections import ConnectionConfig
    from ecom_ledger_desktop.secrets.store import SecretStore

T = TypeVar("T")

#: every kind, in the order the app offers them
KINDS: dict[str, ConnectionKind] = {kind.name: kind for kind in (MAGENTO2, PRESTASHOP, XCART,
                                                                    QBO, FRESHBOOKS, QBD)}
#: the store the demo runs on unless the merchant picks another (``demo_stores()``)
DEFAULT_DEMO_STORE = MAGENTO2.name
#: the books the demo posts to unless the merchant picks others (``demo_ledgers()``)
DEFAULT_DEMO_LEDGER = QBO.name


def kind_of(name: str) -> ConnectionKind:
    """The declaration of kind ``name`` (a ``FatalError`` that says so when there is none)."""
    try:
        return KINDS[name]
    except KeyError:
        known = ", ".join(KINDS)
        raise FatalError(f"'{name}' is not a kind of connection this version knows "
                         f"(it knows {known}); update ecom-ledger or remove the connection") from None


def kinds_for(role: Role) -> list[ConnectionKind]:
    """The kinds of one side, in the order the app offers them."""
    return [kind for kind in KINDS.values() if kind.role == role]


def demo_stores() -> list[ConnectionKind]:
    """The store kinds the demo can run on (those with a simulator), default first."""
    stores = [kind for kind in kinds_for("store") if kind.demo_simulator]
    return sorted(stores, key=lambda kind: kind.name != DEFAULT_DEMO_STORE)


def demo_ledgers() -> list[ConnectionKind]:
    """The ledger kinds the demo can post to (those with a simulator), default first."""
    ledgers = [kind for kind in kinds_for("ledger") if kind.demo_simulator]
    return sorted(ledgers, key=lambda kind: kind.name != DEFAULT_DEMO_LEDGER)


def role_of(kind: str) -> Role:
    """Whether connections of ``kind`` are stores or ledgers."""
    return kind_of(kind).role


@contextmanager
def registered(kind: ConnectionKind) -> Iterator[ConnectionKind]:
    """``kind`` is known while the block runs (tests declare kinds of their own)."""
    if kind.name in KINDS:
        raise ValueError(f"a kind called '{kind.name}' exists already")
    KINDS[kind.name] = kind
    try:
        yield kind
    finally:
        del KINDS[kind.name]


@dataclass
class ConnectorFactory:
    """Creates connectors; ``policy`` and ``clock`` are injectable for tests and the demo.

    ``lock_dir`` (the data folder) holds the lock files that keep two processes from refreshing
    one QuickBooks token at once; without it only this process's threads are kept apart. What a
    builder keeps between runs (token holders, what a company or a store is) lives in ``cached``.
    """

    policy: RetryPolicy | None = None
    clock: Clock | None = None
    lock_dir: Path | None = None
    _cache: dict[tuple[str, ...], Any] = field(default_factory=dict)

    def cached(self, key: tuple[str, ...], make: Callable[[], T]) -> T:
        """The object kept under ``key``, made on first use."""
        if key not in self._cache:
            self._cache[key] = make()
        return cast(T, self._cache[key])

    def store(self, config: ConnectionConfig, secrets: SecretStore) -> StoreConnector:
        """A store connector for ``config``."""
        kind = kind_of(config.kind)
        if kind.role != "store":
            raise FatalError(f"'{config.name}' is a {kind.display_name} connection, not a store")
        return cast("StoreConnector", kind.build(config, secrets, self))

    def ledger(self, config: ConnectionConfig, secrets: SecretStore) -> PushLedger:
        """A ledger connector for ``config``."""
        kind = kind_of(config.kind)
        if kind.role != "ledger":
            raise FatalError(f"'{config.name}' is a {kind.display_name} connection, not a ledger")
        return cast("PushLedger", kind.build(config, secrets, self))

    def connector(self, config: ConnectionConfig,
                  secrets: SecretStore) -> StoreConnector | PushLedger:
        """The store or ledger connector ``config`` describes (for "Test connection")."""
        return (self.store(config, secrets) if role_of(config.kind) == "store"
                else self.ledger(config, secrets))

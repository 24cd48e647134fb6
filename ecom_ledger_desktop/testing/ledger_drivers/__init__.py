"""Ledger fault drivers: one per ledger kind, so the soak and the crash trials run against any
books with a demo simulator.

A driver wraps a running ledger simulator (started by ``demo.start_ledger``, which knows the
store's catalogue) and turns the ledger-specific knobs of a soak: throttle storms, expired access,
revoked authorisation and the merchant's reconnection; it reads the books back for verification
(``view()``). A new ledger adds its ``<kind>.py`` here and one line to ``LEDGER_DRIVERS``.
"""

from __future__ import annotations

from typing import Any, Protocol

from ecom_ledger_desktop.connectors.kinds import load
from ecom_ledger_desktop.sandbox.server import FaultPlan
from ecom_ledger_desktop.secrets.store import SecretStore
from ecom_ledger_desktop.testing.verify import LedgerView

#: ledger kind -> "module:make_driver" (``make_driver(sim, *, access_token_ttl) -> driver``)
LEDGER_DRIVERS: dict[str, str] = {
    "qbo": "ecom_ledger_desktop.testing.ledger_drivers.qbo:make_driver",
    "freshbooks": "ecom_ledger_desktop.testing.ledger_drivers.freshbooks:make_driver",
}


class LedgerFaultDriver(Protocol):
    """The ledger-specific knobs of a soak. ``faults`` is the simulator's shared ``FaultPlan``."""

    name: str
    kind: str  # the connection kind ("qbo")
    sim: Any  # the simulator
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


def ledger_kinds() -> list[str]:
    """The ledger kinds that have a driver (the soak's and crash trials' ``--ledger`` choices)."""
    return list(LEDGER_DRIVERS)


def make_ledger_driver(kind: str, sim: Any, *, access_token_ttl: float = 3600.0
                       ) -> LedgerFaultDriver:
    """The driver of ``kind`` around its running simulator ``sim``."""
    try:
        target = LEDGER_DRIVERS[kind]
    except KeyError:
        raise ValueError(f"no ledger driver for '{kind}'; there are drivers for "
                         f"{', '.join(LEDGER_DRIVERS)}") from None
    driver: LedgerFaultDriver = load(target)(sim, access_token_ttl=access_token_ttl)
    return driver

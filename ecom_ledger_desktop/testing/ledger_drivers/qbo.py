"""The QuickBooks Online simulator's fault driver (``testing.ledger_drivers``)."""

from __future__ import annotations

from typing import Any

from ecom_ledger_desktop.sandbox.server import FaultPlan
from ecom_ledger_desktop.secrets.store import SecretStore
from ecom_ledger_desktop.testing.verify import LedgerView, QboSimulatorView


class QboFaultDriver:
    """QuickBooks Online simulator: 429 storms, token expiry, revocation, reconnect."""

    name = "QuickBooks Online"
    kind = "qbo"

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


def make_driver(sim: Any, *, access_token_ttl: float = 3600.0) -> QboFaultDriver:
    """The driver around a running ``QboSimulator``."""
    return QboFaultDriver(sim, access_token_ttl=access_token_ttl)

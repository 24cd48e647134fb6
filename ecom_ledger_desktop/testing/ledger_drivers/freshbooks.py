"""The FreshBooks simulator's fault driver (``testing.ledger_drivers``): its books are read back
through FreshBooks' own REST API (``FreshBooksRestView``)."""

from __future__ import annotations

from typing import Any

from ecom_ledger_desktop.sandbox.server import FaultPlan
from ecom_ledger_desktop.secrets.store import SecretStore
from ecom_ledger_desktop.testing.freshbooks_view import FreshBooksRestView
from ecom_ledger_desktop.testing.verify import LedgerView


class FreshBooksFaultDriver:
    """FreshBooks simulator: 429 storms, expired access tokens, revoked authorisation (refresh
    tokens are single-use there anyway), reconnect."""

    name = "FreshBooks"
    kind = "freshbooks"

    def __init__(self, sim: Any, *, access_token_ttl: float) -> None:
        self.sim = sim
        self.faults: FaultPlan = sim.faults
        sim.retry_after_header = True  # storms say how long to wait
        sim.oauth.access_ttl = access_token_ttl  # simulated seconds: tokens expire in-soak

    def throttle_storm(self, count: int) -> None:
        self.sim.throttle_next(count)

    def expire_access(self) -> None:
        self.sim.oauth.expire_access_tokens()

    def drop_next_answers(self, count: int) -> None:
        self.sim.drop_next_writes_after_apply(count)

    def revoke_authorisation(self) -> None:
        self.sim.oauth.revoke_refresh_tokens()
        self.sim.oauth.expire_access_tokens()  # so the very next request needs a refresh

    def reauthorise(self, secrets: SecretStore, connection_name: str) -> None:
        secrets.set(connection_name, "refresh_token", self.sim.issue_tokens()["refresh_token"])

    def quiet(self) -> None:
        self.sim.throttle_next(0)

    def view(self) -> LedgerView:
        return FreshBooksRestView(self.sim.base_url, self.sim.account_id,
                                  lambda: str(self.sim.issue_tokens()["access_token"]))

    def stats(self) -> dict[str, int]:
        raw = self.sim.stats()
        return {"requests": int(raw.get("requests", 0)),
                "throttled (429)": int(raw.get("throttled", 0)),
                "refused tokens (401)": int(raw.get("auth_failed", 0)),
                "token endpoint requests": int(raw.get("oauth", 0)),
                "applied, answer dropped": int(raw.get("dropped_after_apply", 0))}


def make_driver(sim: Any, *, access_token_ttl: float = 3600.0) -> FreshBooksFaultDriver:
    """The driver around a running ``FreshBooksSimulator``."""
    return FreshBooksFaultDriver(sim, access_token_ttl=access_token_ttl)

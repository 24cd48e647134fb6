"""QuickBooks Online OAuth 2.0: Intuit's side of ``connectors.oauth2``.

The client id and secret go in HTTP Basic (``client_secret_basic``), as Intuit wants; access
tokens live an hour; Intuit may rotate the refresh token on any refresh (an answer without one
keeps ours); the revocation body is JSON; a 401 is cured by a refresh only when its fault is 3200
(120: the user lost access to the company, a new token will not help).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx

from ecom_ledger_desktop.connectors.ledgers.qbo.faults import parse_fault
from ecom_ledger_desktop.connectors.ledgers.qbo.kind import AUTH_URL, REVOKE_URL, TOKEN_URL
from ecom_ledger_desktop.connectors.oauth2 import (
    REFRESH_MARGIN,
    OAuthProvider,
    OAuthTokens,
    SecretStoreLike,
)
from ecom_ledger_desktop.core.clock import Clock

__all__ = ["REFRESH_MARGIN", "SCOPE", "QboTokens"]

SCOPE = "com.intuit.quickbooks.accounting"


def _is_token_fault(response: httpx.Response) -> bool:
    """A 401 whose fault (if any) is 3200, not 120 (the user lost access: refresh won't help)."""
    fault = parse_fault(response)
    codes = fault.codes() - {""} if fault else set()
    return not codes or "3200" in codes


INTUIT = OAuthProvider(
    label="QuickBooks", lock_name="qbo", client_auth="client_secret_basic",
    lifetime=timedelta(hours=1), rotates_always=False, single_use=False,
    refresh_sends_redirect=False, revoke_as_json=True, revoke_best_effort=False,
    token_refused=_is_token_fault)


class QboTokens(OAuthTokens):
    """The tokens of one QuickBooks connection, refreshed when needed and rotated safely."""

    provider = INTUIT

    def __init__(self, connection_name: str, client_id: str, store: SecretStoreLike, *,
                 company: str = "", redirect_uri: str = "", scope: str = SCOPE,
                 auth_url: str = AUTH_URL, token_url: str = TOKEN_URL,
                 revoke_url: str = REVOKE_URL, clock: Clock | None = None,
                 timeout: float = 30.0, transport: httpx.BaseTransport | None = None,
                 lock_dir: Path | None = None) -> None:
        self.company = company or connection_name
        super().__init__(connection_name, client_id, store, who=f"company {self.company}",
                         auth_url=auth_url, token_url=token_url, revoke_url=revoke_url,
                         redirect_uri=redirect_uri, scope=scope, clock=clock, timeout=timeout,
                         transport=transport, lock_dir=lock_dir)

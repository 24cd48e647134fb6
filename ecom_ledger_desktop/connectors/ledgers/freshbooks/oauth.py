"""FreshBooks OAuth 2.0: FreshBooks' side of ``connectors.oauth2`` (reference D1), and which
business the signed-in user posts to.

The client id and secret travel in the token request's body (``client_secret_post``), as
FreshBooks' SDKs send them, and so does the redirect URI on a refresh; access tokens live 12
hours from the answer's ``created_at``. Refresh tokens never expire but work once: each refresh
returns a new one and the old one dies (an answer without one is incomplete), so an unfinished
refresh is marked. Revocation is a form to ``/auth/oauth/revoke`` on the token host and best
effort: the grant is forgotten here whatever FreshBooks answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

import httpx

from ecom_ledger_desktop.connectors.ledgers.freshbooks.kind import AUTH_URL, TOKEN_URL
from ecom_ledger_desktop.connectors.oauth2 import (
    REFRESH_MARGIN,
    OAuthProvider,
    OAuthTokens,
    SecretStoreLike,
)
from ecom_ledger_desktop.core.clock import Clock
from ecom_ledger_desktop.core.errors import ChoiceNeeded, FatalError, RetriableError
from ecom_ledger_desktop.core.money import loads

__all__ = ["REFRESH_MARGIN", "FreshBooksTokens"]

REVOKE_PATH = "/auth/oauth/revoke"
FRESHBOOKS = OAuthProvider(
    label="FreshBooks", lock_name="freshbooks", client_auth="client_secret_post",
    lifetime=timedelta(hours=12), rotates_always=True, single_use=True,
    refresh_sends_redirect=True, revoke_as_json=False, revoke_best_effort=True)


class FreshBooksTokens(OAuthTokens):
    """The tokens of one FreshBooks connection, refreshed when needed and rotated safely."""

    provider = FRESHBOOKS

    def __init__(self, connection_name: str, client_id: str, store: SecretStoreLike, *,
                 redirect_uri: str = "", auth_url: str = AUTH_URL, token_url: str = TOKEN_URL,
                 scope: str = "", clock: Clock | None = None, timeout: float = 30.0,
                 transport: httpx.BaseTransport | None = None,
                 lock_dir: Path | None = None) -> None:
        # FreshBooks grants the app's configured scopes when none is asked
        super().__init__(connection_name, client_id, store, who=f"'{connection_name}'",
                         auth_url=auth_url, token_url=token_url,
                         revoke_url=_api_base(token_url) + REVOKE_PATH,
                         redirect_uri=redirect_uri, scope=scope, clock=clock, timeout=timeout,
                         transport=transport, lock_dir=lock_dir)

    def signed_in_settings(self, current: Mapping[str, str]) -> dict[str, str]:
        """After signing in: the business to post to (``account_id``, ``business_name``).

        FreshBooks' redirect names no account; the signed-in user's memberships do. The
        connection's own account is kept (and must be among them); otherwise the user's only
        business is taken, and a user of several is asked to choose.
        """
        api_base = _api_base(self.token_url)
        try:
            with self._http() as http:
                response = http.get(f"{api_base}/auth/api/v1/users/me",
                                    headers={"Authorization": f"Bearer {self.access_token()}"})
        except httpx.TransportError as exc:
            raise RetriableError("could not reach FreshBooks to read your businesses "
                                 f"({type(exc).__name__}); sign in again") from None
        body = loads(response.content or b"{}") if response.status_code == 200 else {}
        found = [m.get("business") or {} for m in
                 (body.get("response") or {}).get("business_memberships") or []]
        businesses = {str(b.get("account_id")): str(b.get("name") or "") for b in found
                      if b.get("account_id")}
        listed = ", ".join(f"'{name}' (account {acct})" for acct, name in businesses.items())
        wanted = current.get("account_id", "")
        if wanted and wanted not in businesses:
            raise FatalError(
                f"The FreshBooks user you signed in as cannot reach account {wanted}, which "
                f"'{self.connection_name}' posts to (it can reach {listed or 'no business'}). "
                "Sign in again as a user of that business.", role="ledger")
        if not wanted and not businesses:
            raise FatalError(
                f"The FreshBooks user you signed in as belongs to no business: sign in as a "
                f"user of the business '{self.connection_name}' should post to.", role="ledger")
        if not wanted and len(businesses) > 1:
            raise ChoiceNeeded(
                f"The FreshBooks user you signed in as belongs to {len(businesses)} businesses "
                f"({listed}): choose the one '{self.connection_name}' posts to.",
                tuple((f"{name} (account {acct})", {"account_id": acct, "business_name": name})
                      for acct, name in businesses.items()))
        account = wanted or next(iter(businesses))
        return {"account_id": account, "business_name": businesses[account]}


def _api_base(token_url: str) -> str:
    """FreshBooks' API host, which also serves the token endpoint."""
    return token_url.rsplit("/auth/oauth/", 1)[0]

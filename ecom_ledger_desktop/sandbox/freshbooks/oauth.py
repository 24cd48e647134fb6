"""FreshBooks OAuth 2.0 on the simulator (reference D1, G4 1-2).

``GET /oauth/authorize`` auto-consents and redirects with ``code`` and ``state`` (no account id:
FreshBooks' redirect does not carry one); ``POST /auth/oauth/token`` exchanges a code (single use,
5 minutes) or a refresh token (single use: each refresh returns a new one and the old one answers
``invalid_grant``); ``POST /auth/oauth/revoke`` ends a grant. Access tokens last ``access_ttl``
seconds (12 hours by default). Client credentials travel in the body (form or JSON).
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from ecom_ledger_desktop.sandbox.server import SimClock

CODE_TTL = 300.0
ACCESS_TTL = 43200.0
SCOPE = ("user:profile:read user:clients:read user:clients:write user:invoices:read "
         "user:invoices:write user:payments:read user:payments:write user:taxes:read "
         "user:taxes:write user:credit_notes:read user:credit_notes:write")


class OAuthError(Exception):
    """A refused OAuth request: HTTP status and FreshBooks' error body."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.body = {"error": error, "error_description": description}


@dataclass
class _Token:
    user_id: int
    expires_at: float
    used: bool = False


class OAuthServer:
    """Codes, access and refresh tokens of the simulated FreshBooks (SimClock times)."""

    def __init__(self, clock: SimClock, client_id: str, client_secret: str,
                 redirect_uris: tuple[str, ...], user_id: int,
                 access_ttl: float = ACCESS_TTL, https_only: bool = False) -> None:
        self.clock = clock
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uris = redirect_uris
        self.user_id = user_id
        self.access_ttl = access_ttl
        self.https_only = https_only
        self.lose_next_refresh = 0  # refreshes applied server-side whose answer is lost
        self._lock = threading.Lock()
        self._codes: dict[str, tuple[str, float, bool]] = {}
        self._access: dict[str, _Token] = {}
        self._refresh: dict[str, _Token] = {}

    def authorize(self, params: dict[str, str]) -> str:
        """The redirect address (with ``code`` and ``state``) for a consent."""
        if params.get("client_id") != self.client_id:
            raise OAuthError(400, "invalid_client", "Unknown client id.")
        redirect = params.get("redirect_uri", "")
        self._check_redirect(redirect)
        code = self.issue_code(redirect)
        query = {"code": code, **({"state": params["state"]} if "state" in params else {})}
        return f"{redirect}?{urlencode(query)}"

    def issue_code(self, redirect_uri: str) -> str:
        """An authorization code for ``redirect_uri``."""
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = (redirect_uri, self.clock.elapsed(), False)
        return code

    def token(self, form: dict[str, Any]) -> dict[str, Any]:
        """The token endpoint: ``authorization_code`` or ``refresh_token`` grants."""
        if form.get("client_id") != self.client_id or \
                form.get("client_secret") != self.client_secret:
            raise OAuthError(401, "invalid_client", "Client authentication failed due to "
                                                    "unknown client, no client authentication "
                                                    "included, or unsupported authentication "
                                                    "method.")
        grant = form.get("grant_type")
        with self._lock:
            if grant == "authorization_code":
                entry = self._codes.get(str(form.get("code", "")))
                if entry is None or entry[2] or \
                        self.clock.elapsed() - entry[1] > CODE_TTL or \
                        entry[0] != form.get("redirect_uri", entry[0]):
                    raise OAuthError(401, "invalid_grant", "The provided authorization grant "
                                     "is invalid, expired, revoked, or was issued to another "
                                     "client.")
                self._codes[str(form["code"])] = (entry[0], entry[1], True)
                return self._issue()
            if grant == "refresh_token":
                token = self._refresh.get(str(form.get("refresh_token", "")))
                if token is None or token.used:
                    raise OAuthError(401, "invalid_grant", "The provided authorization grant "
                                     "is invalid, expired, revoked, or was issued to another "
                                     "client.")
                token.used = True  # single use: the old one dies now
                issued = self._issue()
                if self.lose_next_refresh > 0:
                    self.lose_next_refresh -= 1
                    raise ConnectionAbortedError("refresh applied, answer lost")
                return issued
        raise OAuthError(400, "unsupported_grant_type", "The authorization grant type is not "
                                                        "supported.")

    def revoke(self, token: str) -> None:
        """Revoke the grant a refresh or access token belongs to (unknown tokens are fine)."""
        with self._lock:
            self._refresh.pop(token, None)
            self._access.pop(token, None)

    def check_bearer(self, header: str) -> int | None:
        """The user id of a live bearer token, or None."""
        if not header.startswith("Bearer "):
            return None
        with self._lock:
            token = self._access.get(header[7:].strip())
            if token is None or self.clock.elapsed() >= token.expires_at:
                return None
            return token.user_id

    def expire_access_tokens(self) -> None:
        """Every access token issued so far is expired."""
        with self._lock:
            for token in self._access.values():
                token.expires_at = 0.0

    def revoke_refresh_tokens(self) -> None:
        """Every refresh token issued so far is dead (``invalid_grant``)."""
        with self._lock:
            for token in self._refresh.values():
                token.used = True

    def _issue(self) -> dict[str, Any]:
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = self.clock.elapsed()
        self._access[access] = _Token(self.user_id, now + self.access_ttl)
        self._refresh[refresh] = _Token(self.user_id, float("inf"))
        return {"access_token": access, "refresh_token": refresh, "token_type": "Bearer",
                "expires_in": int(self.access_ttl), "scope": SCOPE,
                "created_at": int(self.clock.now().timestamp())}

    def _check_redirect(self, redirect: str) -> None:
        parts = urlsplit(redirect)
        if redirect not in self.redirect_uris or parts.query or \
                (self.https_only and parts.scheme != "https"):
            raise OAuthError(400, "invalid_request", "The redirect uri included is not valid.")

"""Intuit OAuth 2.0 on the simulator's own server (reference A9).

``GET /connect/oauth2`` auto-consents and redirects with ``code``, ``state`` and ``realmId``;
``POST /oauth2/v1/tokens/bearer`` exchanges codes (single use, 10 minutes) and refresh tokens
(every refresh rotates the refresh token; the superseded one keeps working for a grace period,
about a day as at Intuit, 0 on request), adding a signed ``id_token`` for the ``openid`` scope;
``POST /v2/oauth2/tokens/revoke`` revokes a grant; UserInfo answers for an access token. All
times are SimClock times.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from ecom_ledger_desktop.sandbox.server import SimClock

from .openid import IdTokenSigner, userinfo

CODE_TTL = 600.0
REFRESH_TTL = 8726400
SCOPE_ACCOUNTING = "com.intuit.quickbooks.accounting"
REFRESH_GRACE = 24 * 3600.0  # Intuit answers a superseded refresh token for about a day


@dataclass
class Grant:
    """One user authorization (a chain of rotated tokens)."""

    client_id: str
    realm_id: str
    scope: str
    revoked: bool = False
    subject: str = field(default_factory=lambda: str(uuid.uuid4()))
    auth_time: float = 0.0


@dataclass
class Token:
    """An access or refresh token."""

    grant: Grant
    expires_at: float
    superseded_at: float | None = None


@dataclass
class Code:
    """An authorization code."""

    grant: Grant
    redirect_uri: str
    issued_at: float
    used: bool = False


@dataclass
class OAuthError(Exception):
    """An OAuth error answer: status and JSON body."""

    status: int
    body: dict[str, Any] = field(default_factory=dict)


class OAuthServer:
    """Clients, codes and tokens for one simulator."""

    def __init__(self, clock: SimClock, clients: dict[str, tuple[str, tuple[str, ...]]],
                 access_token_ttl: float = 3600.0, refresh_grace: float = REFRESH_GRACE) -> None:
        self.clock = clock
        self.clients = clients
        self.access_token_ttl = access_token_ttl
        self.refresh_grace = refresh_grace
        self.deny_consent = False
        self.signer = IdTokenSigner()
        self._lock = threading.Lock()
        self._codes: dict[str, Code] = {}
        self._access: dict[str, Token] = {}
        self._refresh: dict[str, Token] = {}

    # ------------------------------------------------------------ authorize
    def authorize(self, params: dict[str, str], realm_id: str) -> str:
        """Validate an authorization request; returns the redirect target URL."""
        client_id = params.get("client_id", "")
        redirect_uri = params.get("redirect_uri", "")
        if client_id not in self.clients:
            raise OAuthError(400, {"error": "invalid_client",
                                   "error_description": "unknown client_id"})
        if redirect_uri not in self.clients[client_id][1]:
            raise OAuthError(400, {"error": "invalid_request",
                                   "error_description": "redirect_uri is not registered"})
        state = params.get("state")

        def back(**values: str) -> str:
            if state is not None:
                values["state"] = state
            sep = "&" if "?" in redirect_uri else "?"
            return f"{redirect_uri}{sep}{urlencode(values)}"

        if params.get("response_type") != "code":
            return back(error="unsupported_response_type")
        scope = params.get("scope", "")
        if SCOPE_ACCOUNTING not in scope.split():
            return back(error="invalid_scope")
        if self.deny_consent:
            return back(error="access_denied")
        code = self.issue_code(client_id, redirect_uri, realm_id, scope)
        return back(code=code, realmId=realm_id)

    def issue_code(self, client_id: str, redirect_uri: str, realm_id: str,
                   scope: str = SCOPE_ACCOUNTING) -> str:
        """A fresh single-use authorization code."""
        code = "AB1" + secrets.token_urlsafe(30)
        with self._lock:
            grant = Grant(client_id, realm_id, scope, auth_time=self.clock.now().timestamp())
            self._codes[code] = Code(grant, redirect_uri, self.clock.elapsed())
        return code

    # ---------------------------------------------------------------- token
    def client_from_basic(self, header: str) -> str:
        """Check HTTP Basic client authentication; returns the client id (401 otherwise)."""
        bad = OAuthError(401, {"error": "invalid_client"})
        if not header.lower().startswith("basic "):
            raise bad
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise bad from exc
        client_id, _, secret = decoded.partition(":")
        known = self.clients.get(client_id)
        if known is None or not secrets.compare_digest(known[0], secret):
            raise bad
        return client_id

    def token(self, client_id: str, form: dict[str, str]) -> dict[str, Any]:
        """Handle a token request (code exchange or refresh)."""
        grant_type = form.get("grant_type")
        now = self.clock.elapsed()
        invalid = OAuthError(400, {"error_description": "Token invalid", "error": "invalid_grant"})
        with self._lock:
            if grant_type == "authorization_code":
                code = self._codes.get(form.get("code", ""))
                if (code is None or code.used or code.grant.client_id != client_id
                        or now - code.issued_at > CODE_TTL or code.grant.revoked
                        or form.get("redirect_uri", code.redirect_uri) != code.redirect_uri):
                    raise invalid
                code.used = True
                return self._issue(code.grant, now)
            if grant_type == "refresh_token":
                old_token = form.get("refresh_token", "")
                tok = self._refresh.get(old_token)
                if (tok is None or tok.grant.client_id != client_id or tok.grant.revoked
                        or now >= tok.expires_at
                        or (tok.superseded_at is not None
                            and now > tok.superseded_at + self.refresh_grace)):
                    raise invalid
                if tok.superseded_at is None:
                    tok.superseded_at = now
                return self._issue(tok.grant, now)
        raise OAuthError(400, {"error": "unsupported_grant_type"})

    def _issue(self, grant: Grant, now: float) -> dict[str, Any]:
        access = "eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0.." + secrets.token_urlsafe(48)
        refresh = "AB11" + secrets.token_hex(24)
        self._access[access] = Token(grant, now + self.access_token_ttl)
        self._refresh[refresh] = Token(grant, now + REFRESH_TTL)
        body: dict[str, Any] = {}
        if "openid" in grant.scope.split():
            body["id_token"] = self.signer.id_token(grant.client_id, grant.subject, grant.realm_id,
                                                    self.clock.now().timestamp(), grant.auth_time)
        body.update({"expires_in": int(self.access_token_ttl), "token_type": "bearer",
                     "x_refresh_token_expires_in": REFRESH_TTL, "refresh_token": refresh,
                     "access_token": access})
        return body

    def revoke(self, token: str) -> None:
        """Revoke the grant behind an access or refresh token (unknown tokens: no-op)."""
        with self._lock:
            tok = self._refresh.get(token) or self._access.get(token)
            if tok is not None:
                tok.grant.revoked = True

    # ------------------------------------------------------------ API calls
    def check_bearer(self, header: str) -> tuple[str | None, str]:
        """(realm the token is for, or None, and a Detail for the 401 when None)."""
        if not header.lower().startswith("bearer "):
            return None, "Authorization header missing or not a bearer token"
        value = header[7:].strip()
        with self._lock:
            tok = self._access.get(value)
            if tok is None or tok.grant.revoked:
                if len(value) < 20:
                    return None, "Malformed bearer token: too short or too long"
                return None, f"Token invalid: {value[:6]}..."
            if self.clock.elapsed() >= tok.expires_at:
                return None, f"Token expired: {value[:6]}..."
            return tok.grant.realm_id, ""

    def userinfo(self, header: str) -> dict[str, Any]:
        """UserInfo for a valid access token (401 ``invalid_token`` otherwise)."""
        value = header[7:].strip() if header.lower().startswith("bearer ") else ""
        with self._lock:
            tok = self._access.get(value)
            if tok is None or tok.grant.revoked or self.clock.elapsed() >= tok.expires_at:
                raise OAuthError(401, {"error": "invalid_token"})
            return userinfo(tok.grant.subject, tok.grant.scope)

    def expire_access_tokens(self) -> None:
        """Every access token issued so far is now expired."""
        with self._lock:
            now = self.clock.elapsed()
            for tok in self._access.values():
                tok.expires_at = min(tok.expires_at, now)

    def revoke_refresh_tokens(self) -> None:
        """Every refresh token issued so far stops working (user must reconnect)."""
        with self._lock:
            for tok in self._refresh.values():
                tok.expires_at = 0.0

"""Authentication as a 2.4.x store does it (reference A1).

- Integration access token as ``Bearer``: only while ``bearer_enabled`` (off by default on
  real 2.4.4+ stores, on by default here because the tray app's setup tells users to enable it).
- Admin tokens from ``POST /V1/integration/admin/token``: valid 4 h of simulated time.
- OAuth 1.0a signed requests (HMAC-SHA1 and HMAC-SHA256) with the integration credentials.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

ADMIN_TOKEN_LIFETIME = 4 * 3600.0


def unauthorized_body(resource: str) -> dict[str, object]:
    """The 401 body naming the ACL resource of the route."""
    return {
        "message": "The consumer isn't authorized to access %resources.",
        "parameters": {"resources": resource},
    }


@dataclass
class AuthConfig:
    """Credentials and switches of the simulated store."""

    token: str
    bearer_enabled: bool = True
    admin_username: str = "admin"
    admin_password: str = "admin123"  # noqa: S105 - a simulator's published demo credential
    consumer_key: str = "sim-consumer-key"
    consumer_secret: str = "sim-consumer-secret"  # noqa: S105
    token_secret: str = "sim-token-secret"  # noqa: S105
    _admin_tokens: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def issue_admin_token(self, username: str, password: str, now: float) -> str | None:
        """A new admin token, or None for wrong credentials."""
        if not (
            hmac.compare_digest(username, self.admin_username)
            and hmac.compare_digest(password, self.admin_password)
        ):
            return None
        token = secrets.token_hex(16)
        with self._lock:
            self._admin_tokens[token] = now + ADMIN_TOKEN_LIFETIME
        return token

    def check(
        self,
        authorization: str,
        method: str,
        url: str,
        query: dict[str, list[str]],
        now: Callable[[], float],
    ) -> bool:
        """Whether the ``Authorization`` header grants access."""
        scheme, _, value = authorization.strip().partition(" ")
        if scheme.lower() == "bearer":
            value = value.strip()
            if self.bearer_enabled and hmac.compare_digest(value, self.token):
                return True
            with self._lock:
                expiry = self._admin_tokens.get(value)
            return expiry is not None and now() < expiry
        if scheme.lower() == "oauth":
            return self._check_oauth(value, method, url, query)
        return False

    def _check_oauth(self, header: str, method: str, url: str, query: dict[str, list[str]]) -> bool:
        params = parse_oauth_header(header)
        algo = {"HMAC-SHA1": hashlib.sha1, "HMAC-SHA256": hashlib.sha256}.get(
            params.get("oauth_signature_method", "")
        )
        if algo is None or params.get("oauth_consumer_key") != self.consumer_key:
            return False
        if params.get("oauth_token") != self.token:
            return False
        expected = oauth_signature(
            method,
            url,
            query,
            params,
            consumer_secret=self.consumer_secret,
            token_secret=self.token_secret,
            signature_method=params["oauth_signature_method"],
        )
        return hmac.compare_digest(expected, params.get("oauth_signature", ""))


def _enc(text: str) -> str:
    return quote(text, safe="~-._")


def parse_oauth_header(header: str) -> dict[str, str]:
    """``k="v", k2="v2"`` -> dict (values percent-decoded)."""
    out: dict[str, str] = {}
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key:
            out[key.strip()] = unquote(value.strip().strip('"'))
    return out


def oauth_signature(
    method: str,
    url: str,
    query: dict[str, list[str]],
    oauth: dict[str, str],
    *,
    consumer_secret: str,
    token_secret: str,
    signature_method: str,
) -> str:
    """RFC 5849 signature over method, base URL and query + oauth parameters."""
    pairs = [(k, v) for k, values in query.items() for v in values]
    pairs += [(k, v) for k, v in oauth.items() if k not in ("oauth_signature", "realm")]
    normalized = "&".join(f"{k}={v}" for k, v in sorted((_enc(k), _enc(v)) for k, v in pairs))
    base = "&".join([method.upper(), _enc(url), _enc(normalized)])
    key = f"{_enc(consumer_secret)}&{_enc(token_secret)}".encode()
    algo = hashlib.sha256 if signature_method == "HMAC-SHA256" else hashlib.sha1
    return base64.b64encode(hmac.new(key, base.encode(), algo).digest()).decode()

"""Intuit's OpenID Connect parts (reference A9): a signed RS256 ``id_token``, the key set that
verifies it (``jwks_uri``), the UserInfo answer and the discovery document naming them all.

Claims follow Intuit's ID token: ``iss`` (Intuit's issuer), ``aud`` (a list holding the client
id), ``sub`` (the user), ``realmid``, ``auth_time``, ``iat`` and ``exp`` (one hour later). The
RSA key is made on first use: ``cryptography`` is imported only then.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
from typing import Any

ISSUER = "https://oauth.platform.intuit.com/op/v1"
ID_TOKEN_TTL = 3600
JWKS_PATH = "/op/v1/jwks"
USERINFO_PATH = "/v1/openid_connect/userinfo"


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _uint(value: int) -> str:
    return _b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


class IdTokenSigner:
    """One RSA signing key, published as a JWK set, that signs ID tokens."""

    def __init__(self) -> None:
        self.kid = "sim-" + secrets.token_hex(8)
        self._key: Any = None
        self._lock = threading.Lock()

    def _private_key(self) -> Any:
        with self._lock:
            if self._key is None:
                from cryptography.hazmat.primitives.asymmetric import rsa

                self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            return self._key

    def jwks(self) -> dict[str, Any]:
        """The public key set (``GET jwks_uri``)."""
        numbers = self._private_key().public_key().public_numbers()
        return {"keys": [{"kty": "RSA", "alg": "RS256", "use": "sig", "kid": self.kid,
                          "e": _uint(numbers.e), "n": _uint(numbers.n)}]}

    def id_token(self, client_id: str, subject: str, realm_id: str, now: float,
                 auth_time: float) -> str:
        """A signed ID token for one sign-in."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        issued = int(now)
        claims = {"sub": subject, "aud": [client_id], "realmid": realm_id,
                  "auth_time": int(auth_time), "iss": ISSUER, "exp": issued + ID_TOKEN_TTL,
                  "iat": issued}
        header = {"kid": self.kid, "alg": "RS256"}
        signing_input = ".".join(_b64url(json.dumps(part, separators=(",", ":")).encode())
                                 for part in (header, claims))
        signature = self._private_key().sign(signing_input.encode("ascii"), padding.PKCS1v15(),
                                             hashes.SHA256())
        return f"{signing_input}.{_b64url(signature)}"


def userinfo(subject: str, scope: str) -> dict[str, Any]:
    """Intuit's UserInfo answer for the sandbox user, with the fields the scopes grant."""
    scopes = set(scope.split())
    info: dict[str, Any] = {"sub": subject}
    if "email" in scopes:
        info.update({"email": "sandbox.user@example.com", "emailVerified": True})
    if "profile" in scopes:
        info.update({"givenName": "Sandbox", "familyName": "User"})
    if "phone" in scopes:
        info.update({"phoneNumber": "+1 5205550100", "phoneNumberVerified": False})
    if "address" in scopes:
        info["address"] = {"streetAddress": "2700 Coast Ave", "locality": "Mountain View",
                           "region": "CA", "postalCode": "94043", "country": "US"}
    return info


def discovery(base: str) -> dict[str, Any]:
    """The discovery document, every endpoint on this simulator."""
    return {"issuer": ISSUER,
            "authorization_endpoint": f"{base}/connect/oauth2",
            "token_endpoint": f"{base}/oauth2/v1/tokens/bearer",
            "userinfo_endpoint": f"{base}{USERINFO_PATH}",
            "revocation_endpoint": f"{base}/v2/oauth2/tokens/revoke",
            "jwks_uri": f"{base}{JWKS_PATH}",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile", "address", "phone"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "claims_supported": ["aud", "exp", "iat", "iss", "realmid", "sub"]}

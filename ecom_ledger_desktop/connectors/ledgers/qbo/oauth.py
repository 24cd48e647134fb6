"""QuickBooks Online OAuth 2.0: connect, refresh with rotation, revoke.

Token requests go through authlib's httpx ``OAuth2Client`` (``client_secret_basic``). The access
token lives in memory only; the refresh token and client secret live in the secret store. Intuit
may rotate the refresh token on any refresh and the old one then stops working, so the new one is
written to the store *before* the new access token is used: a crash in between loses nothing.
Another process (the tray app and a scheduled ``ecom-ledger sync``) may refresh the same
connection at the same moment; with ``lock_dir`` every refresh runs under a lock file there and
reads the stored refresh token only once it holds the lock, so the two never spend one token.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
import warnings
from collections.abc import Generator, Iterator, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import authlib.deprecate  # noqa: F401 - first, so its "always" filter sits under ours
import httpx

with warnings.catch_warnings():
    # authlib 1.9 announces a move to the "httpx2" fork; the httpx client it wraps still works and
    # the project is on httpx. Revisit when authlib drops httpx_client.
    warnings.filterwarnings("ignore", message="The httpx module is deprecated")
    from authlib.integrations.httpx_client import OAuth2Client, OAuthError


from ecom_ledger_desktop.connectors.ledgers.qbo.faults import parse_fault
from ecom_ledger_desktop.connectors.ledgers.qbo.kind import (
    AUTH_URL,
    REVOKE_URL,
    TOKEN_URL,
)
from ecom_ledger_desktop.core.clock import Clock, SystemClock
from ecom_ledger_desktop.core.errors import FatalError, RetriableError
from ecom_ledger_desktop.core.file_lock import exclusive
from ecom_ledger_desktop.core.redaction import register_secret

log = logging.getLogger(__name__)

SCOPE = "com.intuit.quickbooks.accounting"
REFRESH_MARGIN = timedelta(minutes=5)  # refresh this long before the access token expires
REFRESH_TOKEN_KEY = "refresh_token"  # noqa: S105 - the name of a secret
CLIENT_SECRET_KEY = "client_secret"  # noqa: S105 - the name of a secret, not a secret
CLIENT_AUTH_METHOD = "client_secret_basic"  # HTTP Basic with id:secret, as Intuit wants


class SecretStoreLike(Protocol):
    """The part of ``secrets.store.SecretStore`` this module uses (connectors don't import it)."""

    def get(self, connection: str, key: str) -> str | None:
        """The secret, or None."""
        ...

    def set(self, connection: str, key: str, value: str) -> None:
        """Store (replace) a secret."""
        ...

    def delete(self, connection: str, key: str) -> None:
        """Forget a secret."""
        ...


class QboTokens:
    """The tokens of one QuickBooks connection, refreshed when needed and rotated safely."""

    def __init__(
        self,
        connection_name: str,
        client_id: str,
        store: SecretStoreLike,
        *,
        company: str = "",
        redirect_uri: str = "",
        scope: str = SCOPE,
        auth_url: str = AUTH_URL,
        token_url: str = TOKEN_URL,
        revoke_url: str = REVOKE_URL,
        clock: Clock | None = None,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
        lock_dir: Path | None = None,
    ) -> None:
        self.connection_name = connection_name
        self.client_id = client_id
        self.company = company or connection_name
        self.redirect_uri = redirect_uri
        self.scope = scope
        self.auth_url = auth_url
        self.token_url = token_url
        self.revoke_url = revoke_url
        self._store = store
        self._clock = clock or SystemClock()
        self._timeout = timeout
        self._transport = transport
        self._lock = threading.RLock()
        digest = hashlib.sha256(connection_name.encode("utf-8")).hexdigest()[:16]
        self._lock_file = lock_dir / "locks" / f"qbo-token-{digest}.lock" if lock_dir else None
        self._access_token: str | None = None
        self._expires_at: datetime | None = None
        self.refresh_count = 0

    # -- connect flow ---------------------------------------------------------------------
    def authorization_url(self, state: str, redirect_uri: str | None = None) -> str:
        """The Intuit consent page to open in the browser (``state`` guards against CSRF)."""
        with self._oauth(with_secret=False) as client:
            url, _ = client.create_authorization_url(
                self.auth_url, state=state, redirect_uri=redirect_uri or self.redirect_uri,
                scope=self.scope)
        return str(url)

    def exchange_code(self, code: str, redirect_uri: str) -> None:
        """Trade the redirect's ``code`` for tokens; the refresh token goes to the store."""
        with self._lock, self._across_processes(), self._oauth() as client:
            token = self._call(client.fetch_token, self.token_url, grant_type="authorization_code",
                               code=code, redirect_uri=redirect_uri)
            self._adopt(token)

    def revoke(self) -> None:
        """Tell Intuit to revoke the grant (the refresh token), then forget the tokens here."""
        with self._lock, self._across_processes():
            token = self._store.get(self.connection_name, REFRESH_TOKEN_KEY) or self._access_token
            if token:
                with self._oauth() as client:
                    auth = client.client_auth(CLIENT_AUTH_METHOD)
                    response = self._call(
                        client.request, "POST", self.revoke_url, json={"token": token},
                        headers={"Accept": "application/json"}, auth=auth, withhold_token=True)
                    if response.status_code >= 500:
                        raise RetriableError("QuickBooks could not revoke the authorisation "
                                             f"right now (HTTP {response.status_code})")
            self._store.delete(self.connection_name, REFRESH_TOKEN_KEY)
            self._access_token = None
            self._expires_at = None

    # -- use ------------------------------------------------------------------------------
    def access_token(self) -> str:
        """A usable access token, refreshed first when it is missing or near expiry."""
        with self._lock:
            if self._access_token is None or self._expires_soon():
                self.refresh()
            assert self._access_token is not None
            return self._access_token

    def refresh_rejected(self, rejected: str) -> str:
        """Handle a 401 for ``rejected``: refresh unless another caller already did."""
        with self._lock:
            if self._access_token == rejected or self._access_token is None:
                self.refresh()
            assert self._access_token is not None
            return self._access_token

    def refresh(self) -> None:
        """Refresh now; the rotated refresh token is saved before the new access token is kept.

        Under the cross-process lock, the refresh token is read only once the lock is held:
        another process may have just rotated it.
        """
        with self._lock, self._across_processes():
            refresh_token = self._store.get(self.connection_name, REFRESH_TOKEN_KEY)
            if not refresh_token:
                raise FatalError(self._reconnect_message("is not connected"),
                                 needs_reauthorisation=True)
            try:
                token = self._refresh_with(refresh_token)
            except FatalError as refused:
                # a process that does not take the lock (an older version) rotated it meanwhile:
                # the stored token is newer than the one spent, so try that once
                latest = self._store.get(self.connection_name, REFRESH_TOKEN_KEY)
                if not refused.needs_reauthorisation or not latest or latest == refresh_token:
                    raise
                log.info("QuickBooks refresh token for %s was rotated by another process; "
                         "using the new one", self.connection_name)
                refresh_token, token = latest, self._refresh_with(latest)
            if not token.get("refresh_token"):
                token["refresh_token"] = refresh_token
            self._adopt(token)
            self.refresh_count += 1
            log.info("QuickBooks access token refreshed for %s", self.connection_name)

    def _refresh_with(self, refresh_token: str) -> dict[str, Any]:
        with self._oauth() as client:
            return dict(self._call(client.refresh_token, self.token_url,
                                   refresh_token=refresh_token))

    @contextlib.contextmanager
    def _across_processes(self) -> Iterator[None]:
        """Hold this connection's token lock file (when there is a data folder to keep it in)."""
        with contextlib.ExitStack() as stack:
            if self._lock_file is not None:
                try:
                    stack.enter_context(exclusive(self._lock_file))
                except OSError as error:  # a read-only data folder: refreshing still beats not
                    log.warning("could not take the token lock file %s: %s", self._lock_file,
                                error)
            yield

    def auth(self) -> httpx.Auth:
        """An ``httpx.Auth`` that sends the bearer token and refreshes once on a 401."""
        return _BearerAuth(self)

    @property
    def expires_at(self) -> datetime | None:
        """When the in-memory access token expires (None when there is none)."""
        return self._expires_at

    # -- internals ------------------------------------------------------------------------
    def _expires_soon(self) -> bool:
        return self._expires_at is None or self._clock.now() >= self._expires_at - REFRESH_MARGIN

    def _adopt(self, token: Mapping[str, Any]) -> None:
        access = str(token.get("access_token") or "")
        new_refresh = str(token.get("refresh_token") or "")
        if not access or not new_refresh:
            raise FatalError(self._reconnect_message("gave an incomplete answer when connecting"),
                             needs_reauthorisation=True)
        register_secret(access)
        register_secret(new_refresh)
        try:
            # Rotation: the old refresh token may already be dead, so this must land first.
            self._store.set(self.connection_name, REFRESH_TOKEN_KEY, new_refresh)
        except Exception as exc:
            self._access_token = None
            raise FatalError(
                f"QuickBooks issued a new authorisation for company {self.company} but it could "
                f"not be saved ({type(exc).__name__}: {exc}). Reconnect QuickBooks in Connections "
                "once the keyring works.", needs_reauthorisation=True) from None
        expires_in = float(token.get("expires_in") or 3600)
        self._access_token = access
        self._expires_at = self._clock.now() + timedelta(seconds=expires_in)

    def _oauth(self, *, with_secret: bool = True) -> OAuth2Client:
        secret = self._store.get(self.connection_name, CLIENT_SECRET_KEY) if with_secret else None
        if with_secret and not secret:
            raise FatalError(
                f"The QuickBooks app secret for company {self.company} is missing from the "
                "keyring. Reconnect QuickBooks in Connections.", needs_reauthorisation=True)
        register_secret(secret)
        return OAuth2Client(
            client_id=self.client_id, client_secret=secret,
            token_endpoint_auth_method=CLIENT_AUTH_METHOD,
            revocation_endpoint_auth_method=CLIENT_AUTH_METHOD,
            redirect_uri=self.redirect_uri or None,  # no scope: Intuit's refresh takes none
            timeout=self._timeout, transport=self._transport)

    def _call(self, method: Any, *args: Any, **kwargs: Any) -> Any:
        """Run one token-endpoint call, mapping failures to the error taxonomy (no secrets)."""
        try:
            return method(*args, **kwargs)
        except OAuthError as exc:
            error = str(getattr(exc, "error", "") or "")
            if error in ("invalid_grant", "invalid_token"):
                raise FatalError(self._reconnect_message("no longer accepts this app's "
                                                         "authorisation"),
                                 needs_reauthorisation=True) from None
            if error in ("invalid_client", "unauthorized_client"):
                raise FatalError(
                    f"QuickBooks does not accept this app's client id/secret for company "
                    f"{self.company}. Check the app keys, then reconnect QuickBooks in "
                    "Connections.", needs_reauthorisation=True) from None
            raise FatalError(self._reconnect_message(f"refused the authorisation ({error})"),
                             needs_reauthorisation=True) from None
        except httpx.HTTPStatusError as exc:
            status = exc.response.status_code
            if status == 429 or status >= 500:
                raise RetriableError(f"the QuickBooks sign-in service is unavailable (HTTP "
                                     f"{status}); will try again") from None
            raise FatalError(self._reconnect_message(f"refused the authorisation (HTTP {status})"),
                             needs_reauthorisation=True) from None
        except (httpx.TransportError, ValueError) as exc:
            raise RetriableError(f"could not reach the QuickBooks sign-in service "
                                 f"({type(exc).__name__})") from None

    def _reconnect_message(self, what: str) -> str:
        return (f"QuickBooks {what} for company {self.company}. "
                "Reconnect QuickBooks in Connections.")


class _BearerAuth(httpx.Auth):
    """Adds ``Authorization: Bearer``; on a 401 (3200) refreshes once and resends the request."""

    requires_response_body = True

    def __init__(self, tokens: QboTokens) -> None:
        self._tokens = tokens

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self._tokens.access_token()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401 and _is_token_fault(response):
            request.headers["Authorization"] = f"Bearer {self._tokens.refresh_rejected(token)}"
            request.extensions = {**request.extensions, "qbo_refreshed": True}
            yield request


def _is_token_fault(response: httpx.Response) -> bool:
    """A 401 whose fault (if any) is 3200, not 120 (the user lost access: refresh won't help)."""
    fault = parse_fault(response)
    codes = fault.codes() - {""} if fault else set()
    return not codes or "3200" in codes

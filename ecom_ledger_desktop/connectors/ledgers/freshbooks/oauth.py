"""FreshBooks OAuth 2.0: sign in, refresh with rotation, revoke (reference D1).

The client id and secret travel in the token request's body, as FreshBooks' SDKs send them.
Refresh tokens never expire but work once: each refresh returns a new one and the old one dies.
The new refresh token is written to the secret store *before* the new access token is used (a
crash in between loses nothing), and every refresh runs under this connection's lock file when
there is a data folder, reading the stored token only once the lock is held, so the tray app and
a scheduled sync never spend one token twice. The access token lives in memory only.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
from collections.abc import Generator, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlencode

import httpx

from ecom_ledger_desktop.connectors.ledgers.freshbooks.kind import AUTH_URL, TOKEN_URL
from ecom_ledger_desktop.core.clock import Clock, SystemClock
from ecom_ledger_desktop.core.errors import ChoiceNeeded, FatalError, RetriableError
from ecom_ledger_desktop.core.file_lock import exclusive
from ecom_ledger_desktop.core.money import loads
from ecom_ledger_desktop.core.redaction import register_secret

log = logging.getLogger(__name__)

REFRESH_MARGIN = timedelta(minutes=5)
REFRESH_TOKEN_KEY = "refresh_token"  # noqa: S105 - the name of a secret
#: when a refresh began (not a secret): set before the single-use token is sent, cleared once the
#: new one is saved; found at a refusal, it says the token was spent by an unfinished refresh
REFRESH_STARTED_KEY = "refresh_started"
CLIENT_SECRET_KEY = "client_secret"  # noqa: S105 - the name of a secret
REVOKE_PATH = "/auth/oauth/revoke"


class SecretStoreLike(Protocol):
    """The part of ``secrets.store.SecretStore`` used here (connectors don't import it)."""

    def get(self, connection: str, key: str) -> str | None:
        """The secret, or None."""
        ...

    def set(self, connection: str, key: str, value: str) -> None:
        """Store (replace) a secret."""
        ...

    def delete(self, connection: str, key: str) -> None:
        """Forget a secret."""
        ...


class FreshBooksTokens:
    """The tokens of one FreshBooks connection, refreshed when needed and rotated safely."""

    def __init__(self, connection_name: str, client_id: str, store: SecretStoreLike, *,
                 redirect_uri: str = "", auth_url: str = AUTH_URL, token_url: str = TOKEN_URL,
                 scope: str = "", clock: Clock | None = None, timeout: float = 30.0,
                 transport: httpx.BaseTransport | None = None,
                 lock_dir: Path | None = None) -> None:
        self.connection_name = connection_name
        self.client_id = client_id
        self.redirect_uri = redirect_uri
        self.auth_url = auth_url
        self.token_url = token_url
        self.scope = scope  # FreshBooks grants the app's configured scopes when none is asked
        self._store = store
        self._clock = clock or SystemClock()
        self._timeout = timeout
        self._transport = transport
        self._lock = threading.RLock()
        digest = hashlib.sha256(connection_name.encode("utf-8")).hexdigest()[:16]
        self._lock_file = lock_dir / "locks" / f"freshbooks-token-{digest}.lock" \
            if lock_dir else None
        self._access_token: str | None = None
        self._expires_at: datetime | None = None
        self.refresh_count = 0

    # -- connect --------------------------------------------------------------------------
    def authorization_url(self, state: str, redirect_uri: str | None = None) -> str:
        """FreshBooks' consent page to open in the browser (``state`` guards against CSRF)."""
        query = {"client_id": self.client_id, "response_type": "code",
                 "redirect_uri": redirect_uri or self.redirect_uri, "state": state}
        if self.scope:
            query["scope"] = self.scope
        return f"{self.auth_url}?{urlencode(query)}"

    def exchange_code(self, code: str, redirect_uri: str) -> None:
        """Trade the redirect's ``code`` for tokens; the refresh token goes to the store."""
        with self._lock, self._across_processes():
            self._adopt(self._token_call({"grant_type": "authorization_code", "code": code,
                                          "redirect_uri": redirect_uri}))
            self._mark(REFRESH_STARTED_KEY, None)  # a new sign-in: any unfinished one is moot

    def revoke(self) -> None:
        """Ask FreshBooks to end the grant, then forget the tokens here."""
        with self._lock, self._across_processes():
            token = self._store.get(self.connection_name, REFRESH_TOKEN_KEY)
            if token:
                url = self.token_url.rsplit("/auth/oauth/", 1)[0] + REVOKE_PATH
                with contextlib.suppress(httpx.HTTPError), self._http() as http:
                    http.post(url, data={"client_id": self.client_id, "token": token,
                                         "client_secret": self._secret()})
            self._store.delete(self.connection_name, REFRESH_TOKEN_KEY)
            self._access_token = self._expires_at = None

    def signed_in_settings(self, current: Mapping[str, str]) -> dict[str, str]:
        """After signing in: the business to post to (``account_id``, ``business_name``).

        FreshBooks' redirect names no account; the signed-in user's memberships do. The
        connection's own account is kept (and must be among them); otherwise the user's only
        business is taken, and a user of several is asked to choose.
        """
        api_base = self.token_url.rsplit("/auth/oauth/", 1)[0]
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

    # -- use ------------------------------------------------------------------------------
    def access_token(self) -> str:
        """A usable access token, refreshed first when missing or near expiry."""
        with self._lock:
            if self._access_token is None or self._expires_at is None or \
                    self._clock.now() >= self._expires_at - REFRESH_MARGIN:
                self.refresh()
            assert self._access_token is not None
            return self._access_token

    def refresh_rejected(self, rejected: str) -> str:
        """After a 401 for ``rejected``: refresh unless another caller already did."""
        with self._lock:
            if self._access_token in (rejected, None):
                self.refresh()
            assert self._access_token is not None
            return self._access_token

    def refresh(self) -> None:
        """Refresh now; the rotated refresh token is saved before the access token is kept."""
        with self._lock, self._across_processes():
            refresh_token = self._store.get(self.connection_name, REFRESH_TOKEN_KEY)
            if not refresh_token:
                raise FatalError(self._reconnect("is not connected"),
                                 needs_reauthorisation=True, role="ledger")
            unfinished = self._store.get(self.connection_name, REFRESH_STARTED_KEY)
            self._mark(REFRESH_STARTED_KEY, self._clock.now().astimezone(UTC).isoformat())
            try:
                answer = self._token_call({"grant_type": "refresh_token",
                                           "refresh_token": refresh_token,
                                           "redirect_uri": self.redirect_uri})
            except FatalError as refused:
                if unfinished and refused.needs_reauthorisation:
                    raise FatalError(self._spent(unfinished), needs_reauthorisation=True,
                                     role="ledger") from None
                raise
            self._adopt(answer)
            self._mark(REFRESH_STARTED_KEY, None)
            self.refresh_count += 1
            log.info("FreshBooks access token refreshed for %s", self.connection_name)

    def auth(self) -> httpx.Auth:
        """An ``httpx.Auth`` sending the bearer token, refreshing once on a 401."""
        return _BearerAuth(self)

    # -- internals ------------------------------------------------------------------------
    @contextlib.contextmanager
    def _across_processes(self) -> Iterator[None]:
        with contextlib.ExitStack() as stack:
            if self._lock_file is not None:
                try:
                    stack.enter_context(exclusive(self._lock_file))
                except OSError as error:
                    log.warning("could not take the token lock file %s: %s", self._lock_file,
                                error)
            yield

    def _http(self) -> httpx.Client:
        return httpx.Client(timeout=self._timeout, transport=self._transport)

    def _secret(self) -> str:
        secret = self._store.get(self.connection_name, CLIENT_SECRET_KEY)
        if not secret:
            raise FatalError(f"The FreshBooks app secret of '{self.connection_name}' is missing "
                             "from the keyring. Enter it in the connection's settings, then "
                             "reconnect FreshBooks.", needs_reauthorisation=True, role="ledger")
        register_secret(secret)
        return secret

    def _token_call(self, form: dict[str, str]) -> dict[str, Any]:
        body = {**form, "client_id": self.client_id, "client_secret": self._secret()}
        try:
            with self._http() as http:
                response = http.post(self.token_url, data=body,
                                     headers={"Accept": "application/json"})
        except httpx.TransportError as exc:
            # a refresh may have been spent server-side: the stored token is now dead
            raise RetriableError("could not reach the FreshBooks sign-in service "
                                 f"({type(exc).__name__}); will try again") from None
        if response.status_code == 429 or response.status_code >= 500:
            raise RetriableError("the FreshBooks sign-in service is unavailable (HTTP "
                                 f"{response.status_code}); will try again")
        try:
            answer = loads(response.content or b"{}")
        except ValueError:
            answer = {}
        if response.status_code >= 400 or not isinstance(answer, dict):
            error = str(answer.get("error", "")) if isinstance(answer, dict) else ""
            why = ("no longer accepts this sign-in" if error in ("invalid_grant", "")
                   else "does not accept this app's client id or secret"
                   if error == "invalid_client" else f"refused the sign-in ({error})")
            raise FatalError(self._reconnect(why), needs_reauthorisation=True, role="ledger")
        return answer

    def _adopt(self, token: Mapping[str, Any]) -> None:
        access = str(token.get("access_token") or "")
        new_refresh = str(token.get("refresh_token") or "")
        if not access or not new_refresh:
            raise FatalError(self._reconnect("gave an incomplete answer"),
                             needs_reauthorisation=True, role="ledger")
        register_secret(access)
        register_secret(new_refresh)
        try:  # rotation: the old refresh token is already dead, so this must land first
            self._store.set(self.connection_name, REFRESH_TOKEN_KEY, new_refresh)
        except Exception as exc:
            self._access_token = None
            raise FatalError(
                f"FreshBooks issued a new sign-in for '{self.connection_name}' but it could not "
                f"be saved ({type(exc).__name__}). Reconnect FreshBooks in Connections once the "
                "keyring works.", needs_reauthorisation=True, role="ledger") from None
        created = token.get("created_at")
        start = datetime.fromtimestamp(int(created), UTC) if created else self._clock.now()
        # our clock decides "now": a created_at ahead of it must not stretch the token's life
        start = min(start, self._clock.now())
        self._access_token = access
        self._expires_at = start + timedelta(seconds=float(token.get("expires_in") or 43200))

    def _mark(self, key: str, value: str | None) -> None:
        """Set or clear a non-secret marker next to the tokens (a failure only loses detail)."""
        try:
            if value is None:
                self._store.delete(self.connection_name, key)
            else:
                self._store.set(self.connection_name, key, value)
        except Exception as error:  # the keyring's own failures surface on the token itself
            log.warning("could not note the refresh state of %s: %s", self.connection_name,
                        type(error).__name__)

    def _spent(self, started: str) -> str:
        """The refusal of a token spent by a refresh whose answer was never saved."""
        try:
            when = datetime.fromisoformat(started).strftime("%Y-%m-%d %H:%M UTC")
        except ValueError:
            when = "earlier"
        return (f"FreshBooks no longer accepts the sign-in for '{self.connection_name}': a "
                f"token refresh started {when} did not finish (the app was stopped, or the "
                "connection dropped, after FreshBooks issued a new sign-in and before it was "
                "saved), and FreshBooks' sign-ins work only once. Reconnect FreshBooks in "
                "Connections; nothing posted is lost or posted twice.")

    def _reconnect(self, what: str) -> str:
        return (f"FreshBooks {what} for '{self.connection_name}'. Reconnect FreshBooks in "
                "Connections.")


class _BearerAuth(httpx.Auth):
    """Adds ``Authorization: Bearer``; on a 401 refreshes once and resends."""

    def __init__(self, tokens: FreshBooksTokens) -> None:
        self._tokens = tokens

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self._tokens.access_token()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            request.headers["Authorization"] = f"Bearer {self._tokens.refresh_rejected(token)}"
            yield request

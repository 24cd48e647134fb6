"""OAuth 2.0 for the ledgers that sign in in a browser (QuickBooks Online, FreshBooks): connect,
refresh with rotation, revoke. One implementation; what differs per provider is data
(``OAuthProvider``), the endpoints are per connection (a sandbox or a simulator moves them).

Token requests go through authlib's httpx ``OAuth2Client``. The access token lives in memory
only; the refresh token and the app's client secret live in the secret store. A provider may
rotate the refresh token on any refresh (FreshBooks always does, and its refresh tokens work
once) and the old one then stops working, so the new one is written to the store *before* the
new access token is used: a crash in between loses nothing. Another process (the tray app and a
scheduled ``ecom-ledger sync``) may refresh the same connection at the same moment; with
``lock_dir`` every refresh runs under a lock file there and reads the stored refresh token only
once it holds the lock, so the two never spend one token. Where refresh tokens work once, a
marker (not a secret) says a refresh is under way: found at a refusal, it explains that the token
was spent by a refresh whose answer was never saved.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
import warnings
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, Protocol

import authlib.deprecate  # noqa: F401 - first, so its "always" filter sits under ours
import httpx

with warnings.catch_warnings():
    # authlib 1.9 announces a move to the "httpx2" fork; the httpx client it wraps still works and
    # the project is on httpx. Revisit when authlib drops httpx_client.
    warnings.filterwarnings("ignore", message="The httpx module is deprecated")
    from authlib.integrations.httpx_client import OAuth2Client, OAuthError

from ecom_ledger_desktop.core.clock import Clock, SystemClock
from ecom_ledger_desktop.core.errors import FatalError, RetriableError
from ecom_ledger_desktop.core.file_lock import exclusive
from ecom_ledger_desktop.core.redaction import register_secret

log = logging.getLogger(__name__)

REFRESH_MARGIN = timedelta(minutes=5)  # refresh this long before the access token expires
REFRESH_TOKEN_KEY = "refresh_token"  # noqa: S105 - the name of a secret
CLIENT_SECRET_KEY = "client_secret"  # noqa: S105 - the name of a secret, not a secret
#: when a refresh began (not a secret): set before a single-use token is sent, cleared once the
#: new one is saved; found at a refusal, it says the token was spent by an unfinished refresh
REFRESH_STARTED_KEY = "refresh_started"
REFRESHED = "oauth_refreshed"  # a request's extension: resent with a freshly refreshed token


def _any_401(response: httpx.Response) -> bool:
    return True


@dataclass(frozen=True)
class OAuthProvider:
    """How one provider's OAuth differs from another's."""

    label: str  # the provider in the merchant's words: "QuickBooks", "FreshBooks"
    lock_name: str  # the lock file's prefix: "<lock_name>-token-<digest>.lock"
    client_auth: str  # "client_secret_basic" (Intuit) or "client_secret_post" (FreshBooks)
    lifetime: timedelta  # an access token's life when the answer does not say
    rotates_always: bool  # every refresh answer carries a new refresh token (else: keep ours)
    single_use: bool  # a refresh token works once: an unfinished refresh is marked
    refresh_sends_redirect: bool  # the refresh repeats the redirect URI (FreshBooks' SDKs do)
    revoke_as_json: bool  # the revocation body is JSON {"token"} (Intuit), else a form (RFC 7009)
    revoke_best_effort: bool  # a failed revocation is let go (the grant is forgotten here anyway)
    #: whether a 401 from the API is one a refresh can cure (QuickBooks: fault 3200, not 120)
    token_refused: Callable[[httpx.Response], bool] = _any_401


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


class OAuthTokens:
    """The tokens of one connection, refreshed when needed and rotated safely."""

    provider: ClassVar[OAuthProvider]

    def __init__(self, connection_name: str, client_id: str, store: SecretStoreLike, *,
                 who: str, auth_url: str, token_url: str, revoke_url: str,
                 redirect_uri: str = "", scope: str = "", clock: Clock | None = None,
                 timeout: float = 30.0, transport: httpx.BaseTransport | None = None,
                 lock_dir: Path | None = None) -> None:
        self.connection_name = connection_name
        self.client_id = client_id
        self.who = who  # the connection in messages: "company Acme", "'books'"
        self.redirect_uri = redirect_uri
        self.scope = scope  # asked for at consent only (Intuit's refresh takes none)
        self.auth_url = auth_url
        self.token_url = token_url
        self.revoke_url = revoke_url
        self._store = store
        self._clock = clock or SystemClock()
        self._timeout = timeout
        self._transport = transport
        self._lock = threading.RLock()
        digest = hashlib.sha256(connection_name.encode("utf-8")).hexdigest()[:16]
        self._lock_file = (lock_dir / "locks" / f"{self.provider.lock_name}-token-{digest}.lock"
                           if lock_dir else None)
        self._access_token: str | None = None
        self._expires_at: datetime | None = None
        self.refresh_count = 0

    # -- connect ----------------------------------------------------------------------------
    def authorization_url(self, state: str, redirect_uri: str | None = None) -> str:
        """The consent page to open in the browser (``state`` guards against CSRF)."""
        with self._oauth(with_secret=False) as client:
            url, _ = client.create_authorization_url(
                self.auth_url, state=state, redirect_uri=redirect_uri or self.redirect_uri,
                scope=self.scope or None)
        return str(url)

    def exchange_code(self, code: str, redirect_uri: str) -> None:
        """Trade the redirect's ``code`` for tokens; the refresh token goes to the store."""
        with self._lock, self._across_processes(), self._oauth() as client:
            self._adopt(self._call(client.fetch_token, self.token_url,
                                   grant_type="authorization_code", code=code,
                                   redirect_uri=redirect_uri))
            self._mark(None)  # a new sign-in: any unfinished refresh is moot

    def revoke(self) -> None:
        """Ask the provider to end the grant, then forget the tokens here."""
        with self._lock, self._across_processes():
            token = self._store.get(self.connection_name, REFRESH_TOKEN_KEY) or self._access_token
            if token:
                try:
                    self._revoke(token)
                except (FatalError, RetriableError):
                    if not self.provider.revoke_best_effort:
                        raise
            self._store.delete(self.connection_name, REFRESH_TOKEN_KEY)
            self._access_token = self._expires_at = None

    # -- use --------------------------------------------------------------------------------
    def access_token(self) -> str:
        """A usable access token, refreshed first when it is missing or near expiry."""
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
        """Refresh now; the rotated refresh token is saved before the access token is kept.

        Under the cross-process lock the refresh token is read only once the lock is held:
        another process may have just rotated it.
        """
        with self._lock, self._across_processes():
            spent = self._store.get(self.connection_name, REFRESH_TOKEN_KEY)
            if not spent:
                raise self._fatal(self._reconnect("is not connected"))
            unfinished = self._store.get(self.connection_name, REFRESH_STARTED_KEY) \
                if self.provider.single_use else None
            self._mark(self._clock.now().astimezone(UTC).isoformat())
            try:
                token = self._refresh_with(spent)
            except FatalError as refused:
                # a process that does not take the lock (an older version) rotated it meanwhile:
                # the stored token is newer than the one spent, so try that once
                latest = self._store.get(self.connection_name, REFRESH_TOKEN_KEY)
                if refused.needs_reauthorisation and latest and latest != spent:
                    log.info("%s refresh token for %s was rotated by another process; using "
                             "the new one", self.provider.label, self.connection_name)
                    spent, token = latest, self._refresh_with(latest)
                elif refused.needs_reauthorisation and unfinished:
                    raise self._fatal(self._spent(unfinished)) from None
                else:
                    raise
            if token.get("refresh_token") == spent and self.provider.rotates_always:
                token.pop("refresh_token")  # authlib fills in the old one: this answer had none
            self._adopt(token)
            self._mark(None)
            self.refresh_count += 1
            log.info("%s access token refreshed for %s", self.provider.label,
                     self.connection_name)

    def auth(self) -> httpx.Auth:
        """An ``httpx.Auth`` that sends the bearer token and refreshes once on a 401."""
        return BearerAuth(self)

    @property
    def expires_at(self) -> datetime | None:
        """When the in-memory access token expires (None when there is none)."""
        return self._expires_at

    # -- internals --------------------------------------------------------------------------
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

    def _http(self) -> httpx.Client:
        """A plain client for the provider's other sign-in calls (who signed in)."""
        return httpx.Client(timeout=self._timeout, transport=self._transport)

    def _oauth(self, *, with_secret: bool = True) -> OAuth2Client:
        secret = self._store.get(self.connection_name, CLIENT_SECRET_KEY) if with_secret else None
        if with_secret and not secret:
            raise self._fatal(
                f"The {self.provider.label} app secret of {self.who} is missing from the "
                "keyring. Enter it in the connection's settings, then reconnect "
                f"{self.provider.label} in Connections.")
        register_secret(secret)
        client = OAuth2Client(
            client_id=self.client_id, client_secret=secret,
            token_endpoint_auth_method=self.provider.client_auth,
            revocation_endpoint_auth_method=self.provider.client_auth,
            redirect_uri=self.redirect_uri or None, timeout=self._timeout,
            transport=self._transport)
        for hook in ("access_token_response", "refresh_token_response"):
            client.register_compliance_hook(hook, self._unavailable)
        return client

    def _unavailable(self, response: httpx.Response) -> httpx.Response:
        """A throttled or failing sign-in service is retried later, whatever its body says."""
        status = response.status_code
        if status == 429 or status >= 500:
            raise RetriableError(f"the {self.provider.label} sign-in service is unavailable "
                                 f"(HTTP {status}); will try again")
        return response

    def _refresh_with(self, refresh_token: str) -> dict[str, Any]:
        extra = {"redirect_uri": self.redirect_uri} \
            if self.provider.refresh_sends_redirect and self.redirect_uri else {}
        with self._oauth() as client:
            return dict(self._call(client.refresh_token, self.token_url,
                                   refresh_token=refresh_token, **extra))

    def _revoke(self, token: str) -> None:
        with self._oauth() as client:
            if self.provider.revoke_as_json:
                response = self._call(
                    client.request, "POST", self.revoke_url, json={"token": token},
                    headers={"Accept": "application/json"},
                    auth=client.client_auth(self.provider.client_auth), withhold_token=True)
            else:
                response = self._call(client.revoke_token, self.revoke_url, token=token)
        if response.status_code >= 500:
            raise RetriableError(f"{self.provider.label} could not revoke the authorisation "
                                 f"right now (HTTP {response.status_code})")

    def _call(self, method: Any, *args: Any, **kwargs: Any) -> Any:
        """Run one sign-in call, mapping failures onto the error taxonomy (no secrets)."""
        label = self.provider.label
        try:
            return method(*args, **kwargs)
        except OAuthError as exc:
            error = str(getattr(exc, "error", "") or "")
            if error in ("invalid_grant", "invalid_token", ""):
                raise self._fatal(self._reconnect("no longer accepts this app's "
                                                  "authorisation")) from None
            if error in ("invalid_client", "unauthorized_client"):
                raise self._fatal(
                    f"{label} does not accept this app's client id/secret for {self.who}. "
                    f"Check the app keys, then reconnect {label} in Connections.") from None
            raise self._fatal(self._reconnect(f"refused the authorisation ({error})")) from None
        except httpx.HTTPStatusError as exc:
            status = exc.response.status_code
            if status == 429 or status >= 500:
                raise RetriableError(f"the {label} sign-in service is unavailable (HTTP "
                                     f"{status}); will try again") from None
            raise self._fatal(self._reconnect(f"refused the authorisation (HTTP {status})")
                              ) from None
        except (httpx.TransportError, ValueError) as exc:
            # a refresh may have been spent server-side: the marker says so at the next refusal
            raise RetriableError(f"could not reach the {label} sign-in service "
                                 f"({type(exc).__name__}); will try again") from None

    def _adopt(self, token: Mapping[str, Any]) -> None:
        access = str(token.get("access_token") or "")
        new_refresh = str(token.get("refresh_token") or "")
        if not access or not new_refresh:
            raise self._fatal(self._reconnect("gave an incomplete answer when connecting"))
        register_secret(access)
        register_secret(new_refresh)
        try:  # rotation: the old refresh token may already be dead, so this must land first
            self._store.set(self.connection_name, REFRESH_TOKEN_KEY, new_refresh)
        except Exception as exc:
            self._access_token = None
            raise self._fatal(
                f"{self.provider.label} issued a new authorisation for {self.who} but it could "
                f"not be saved ({type(exc).__name__}). Reconnect {self.provider.label} in "
                "Connections once the keyring works.") from None
        now = self._clock.now()
        try:
            created = token.get("created_at")
            # our clock decides "now": a created_at ahead of it must not stretch the token's life
            start = min(datetime.fromtimestamp(int(created), UTC), now) if created else now
        except (TypeError, ValueError, OverflowError):
            start = now
        lifetime = float(token.get("expires_in") or self.provider.lifetime.total_seconds())
        self._access_token = access
        self._expires_at = start + timedelta(seconds=lifetime)

    def _mark(self, value: str | None) -> None:
        """Set or clear the unfinished-refresh marker (a failure only loses detail)."""
        if not self.provider.single_use:
            return
        try:
            if value is None:
                self._store.delete(self.connection_name, REFRESH_STARTED_KEY)
            else:
                self._store.set(self.connection_name, REFRESH_STARTED_KEY, value)
        except Exception as error:  # the keyring's own failures surface on the token itself
            log.warning("could not note the refresh state of %s: %s", self.connection_name,
                        type(error).__name__)

    def _spent(self, started: str) -> str:
        """The refusal of a token spent by a refresh whose answer was never saved."""
        label = self.provider.label
        try:
            when = datetime.fromisoformat(started).strftime("%Y-%m-%d %H:%M UTC")
        except ValueError:
            when = "earlier"
        return (f"{label} no longer accepts the sign-in for {self.who}: a token refresh started "
                f"{when} did not finish (the app was stopped, or the connection dropped, after "
                f"{label} issued a new sign-in and before it was saved), and {label}' sign-ins "
                f"work only once. Reconnect {label} in Connections; nothing posted is lost or "
                "posted twice.")

    def _reconnect(self, what: str) -> str:
        label = self.provider.label
        return f"{label} {what} for {self.who}. Reconnect {label} in Connections."

    @staticmethod
    def _fatal(message: str) -> FatalError:
        return FatalError(message, needs_reauthorisation=True, role="ledger")


class BearerAuth(httpx.Auth):
    """Adds ``Authorization: Bearer``; on a 401 a refresh can cure, refreshes once and resends
    (marked ``REFRESHED``: a fresh token refused again needs the merchant)."""

    requires_response_body = True  # the provider may read the 401's body (``token_refused``)

    def __init__(self, tokens: OAuthTokens) -> None:
        self._tokens = tokens

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self._tokens.access_token()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401 and self._tokens.provider.token_refused(response):
            request.headers["Authorization"] = f"Bearer {self._tokens.refresh_rejected(token)}"
            request.extensions = {**request.extensions, REFRESHED: True}
            yield request

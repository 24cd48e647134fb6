"""Connecting a ledger that signs in in the system browser (OAuth 2.0 code grant): QuickBooks
Online, FreshBooks; the kind's declaration says how (its sign-in, the redirect's company
parameter, where the company is kept). A provider whose redirect names no company says which
after sign-in (``signed_in_settings``); a user of several businesses picks one (``choose``).

For QuickBooks: the app opens Intuit's consent page with a random ``state`` and listens on 127.0.0.1 for the
redirect. Intuit forbids localhost redirects for production keys (HTTPS only, no IP addresses),
so production uses a static HTTPS relay page (``resources/oauth-relay/index.html``) that forwards
``code``, ``state`` and ``realmId`` to ``http://127.0.0.1:<port>/callback``; the port travels in
``state`` as ``<port>.<random>``. Sandbox keys may redirect to localhost directly. When the
browser cannot reach the listener, the merchant pastes the address (or the code) instead.
Intuit does not document PKCE, so ``state`` is the only request binding.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

import httpx

from ecom_ledger_desktop.connectors.kinds import load
from ecom_ledger_desktop.connectors.registry import kind_of
from ecom_ledger_desktop.core.clock import Clock
from ecom_ledger_desktop.core.errors import ChoiceNeeded, SyncError
from ecom_ledger_desktop.core.redaction import redact
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.secrets.store import SecretStore
from ecom_ledger_desktop.sync.oauth_callback import (
    CALLBACK_PATH,
    DEFAULT_TIMEOUT,
    CallbackResult,
    ConnectError,
    LoopbackListener,
    RedirectMode,
    parse_pasted_redirect,
    redirect_mode,
)


class SignIn(Protocol):
    """What a kind's ``sign_in`` returns: a token holder that signs in through the browser (it
    may also have ``signed_in_settings(current) -> settings``: which company, after sign-in)."""

    def authorization_url(self, state: str, redirect_uri: str | None = None) -> str:
        """The consent page's address."""
        ...

    def exchange_code(self, code: str, redirect_uri: str) -> None:
        """Trade the code for tokens (the refresh token saved first)."""
        ...


@dataclass(frozen=True)
class ConnectOutcome:
    """A finished connection: which company, and the sentence to show."""

    connection: str
    realm_id: str
    message: str


class OAuthConnect:
    """One attempt to connect a browser-signed-in connection: begin, then wait or paste.

    ``begin()`` returns the address to open in the browser; ``wait()`` blocks (run it off the
    GUI thread) until the listener has the code, then exchanges it and saves the company id and
    status; ``finish_pasted()`` does the same from a pasted address. When the user must pick the
    company (a FreshBooks user of several businesses) they raise ``ConnectError('choose')`` with
    its ``choices``; ``choose(settings)`` then finishes without signing in again. ``cancel()``
    from any thread.
    """

    def __init__(self, open_state: Callable[[], State], secrets_store: SecretStore,
                 connection: str, *, clock: Clock | None = None,
                 transport: httpx.BaseTransport | None = None) -> None:
        self._open_state = open_state
        self._secrets = secrets_store
        self._name = connection
        self._clock = clock
        self._transport = transport
        self._listener: LoopbackListener | None = None
        self.state = ""
        self.redirect_uri = ""
        self.mode: RedirectMode = "direct"
        self._config: ConnectionConfig | None = None
        self._signed_in: SignIn | None = None  # exchanged, waiting for the user's choice

    def begin(self) -> str:
        """Start the listener; returns the authorisation address for the system browser."""
        config = self._load()
        kind = kind_of(config.kind)
        settings = kind.effective(config.settings)
        configured = settings.get("redirect_uri", "")
        if not configured:
            raise ConnectError("redirect_uri", "No redirect address is set for this connection: "
                                               f"enter the one registered for your {kind.brand} "
                                               "app.")
        self.mode = redirect_mode(configured, settings.get("environment", "production"),
                                  kind.brand)
        nonce = secrets.token_urlsafe(24)
        brand, company = kind.brand, kind.redirect_company
        if self.mode == "relay":
            self._listener = LoopbackListener(provider=brand, company_param=company)
            self.redirect_uri = configured
            self.state = f"{self._listener.port}.{nonce}"
        else:
            parts = urlsplit(configured)
            self._listener = LoopbackListener(parts.port or 0, parts.path or CALLBACK_PATH,
                                              provider=brand, company_param=company)
            self.redirect_uri = configured if parts.port else self._listener.redirect_uri
            self.state = nonce
        self._listener.start(self.state)
        return self._tokens(config).authorization_url(self.state, self.redirect_uri)

    def wait(self, timeout: float | None = DEFAULT_TIMEOUT) -> ConnectOutcome:
        """Wait for the browser's answer, then exchange the code and save."""
        if self._listener is None:
            raise RuntimeError("call begin() first")
        return self._complete(self._listener.wait(timeout))

    def finish_pasted(self, text: str) -> ConnectOutcome:
        """Complete the connection from a pasted address (or bare code)."""
        if not self.state:
            raise RuntimeError("call begin() first")
        kind = kind_of(self._config.kind) if self._config else None
        result = parse_pasted_redirect(text, self.state, provider=kind.brand if kind else "",
                                       company_param=kind.redirect_company if kind else "")
        self.cancel()
        return self._complete(result)

    def cancel(self) -> None:
        """Stop listening (a pending ``wait`` raises ``ConnectError('cancelled')``)."""
        if self._listener is not None:
            self._listener.cancel()
            self._listener.close()

    def _complete(self, result: CallbackResult) -> ConnectOutcome:
        config = self._config
        assert config is not None and config.id is not None
        kind = kind_of(config.kind)
        where = kind.where_setting
        known = config.settings.get(where, "")
        realm = result.realm_id or known
        tokens = self._tokens(config)
        # a provider whose redirect names no company (FreshBooks) says which after signing in
        after = getattr(tokens, "signed_in_settings", None)
        if not realm and after is None:
            raise ConnectError("no_realm", f"The pasted code does not say which {kind.noun} it "
                                           "is for: paste the whole address instead.")
        if known and realm != known:
            self._refuse_other_company(config, realm)
        try:
            tokens.exchange_code(result.code, self.redirect_uri)
        except SyncError as error:
            raise ConnectError("exchange_failed", (
                f"{kind.brand} did not connect: {redact(str(error))} Codes last a few minutes "
                "and work once; sign in again.")) from None
        if after is None:
            return self._save(config, {where: realm})
        self._signed_in = tokens
        return self.choose({})

    def choose(self, chosen: dict[str, str]) -> ConnectOutcome:
        """Finish a sign-in with the company the user picked (one of ``ConnectError.choices``'
        settings; ``{}``: the connection's own or the user's only one)."""
        config, tokens = self._config, self._signed_in
        if config is None or tokens is None:
            raise RuntimeError("sign in first")
        try:
            signed_in = dict(getattr(tokens, "signed_in_settings")(  # noqa: B009 - optional
                {**config.settings, **chosen}))
        except ChoiceNeeded as needed:
            raise ConnectError("choose", redact(str(needed)), needed.choices) from None
        except SyncError as error:
            raise ConnectError("other_company", redact(str(error))) from None
        return self._save(config, signed_in)

    def _save(self, config: ConnectionConfig, signed_in: dict[str, str]) -> ConnectOutcome:
        assert config.id is not None
        kind = kind_of(config.kind)
        state = self._open_state()
        try:
            with state.tx():
                state.connections.update_settings(config.id, {**config.settings, **signed_in})
                state.connections.set_connection_status(config.id, "ok", "")
        finally:
            state.close()
        self._signed_in = None
        where = signed_in.get(kind.where_setting, "")
        return ConnectOutcome(self._name, where, f"Connected '{self._name}' to {kind.brand} "
                                                 f"{kind.noun} {where}.")

    def _refuse_other_company(self, config: ConnectionConfig, realm: str) -> None:
        state = self._open_state()
        try:
            used_by = [p.name for p in state.connections.pairs() if p.ledger_id == config.id]
        finally:
            state.close()
        kind = kind_of(config.kind)
        if used_by:
            raise ConnectError("other_company", (
                f"You signed in to another {kind.brand} {kind.noun} ({realm}) than the one "
                f"'{self._name}' posts to ({config.settings[kind.where_setting]}), and pair "
                f"'{used_by[0]}' already posts there. Sign in again and pick the same "
                f"{kind.noun}, or add a new connection for the other one."))

    def _load(self) -> ConnectionConfig:
        state = self._open_state()
        try:
            config = state.connections.connection(self._name)
        finally:
            state.close()
        if config is None or config.id is None:
            raise ConnectError("missing", f"There is no connection '{self._name}'.")
        if kind_of(config.kind).connects != "oauth_browser":
            raise ConnectError("kind", f"'{self._name}' does not sign in through the browser.")
        if not config.settings.get("client_id"):
            raise ConnectError("client_id", f"'{self._name}' has no client id: enter the one "
                                            f"of your {kind_of(config.kind).brand} app in the "
                                            "connection's settings.")
        if not self._secrets.get(self._name, "client_secret"):
            raise ConnectError("client_secret", (
                f"The client secret of '{self._name}' is not in {self._secrets.description}: "
                "enter it in the connection's settings."))
        self._config = config
        return config

    def _tokens(self, config: ConnectionConfig) -> SignIn:
        # the kind's sign-in imports authlib only now
        sign_in = load(kind_of(config.kind).sign_in)
        tokens: SignIn = sign_in(config, self._secrets, redirect_uri=self.redirect_uri,
                                    clock=self._clock, transport=self._transport)
        return tokens

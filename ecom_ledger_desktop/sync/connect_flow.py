"""Connecting a QuickBooks Online company in the system browser (OAuth 2.0 code grant).

The app opens Intuit's consent page with a random ``state`` and listens on 127.0.0.1 for the
redirect. Intuit forbids localhost redirects for production keys (HTTPS only, no IP addresses),
so production uses a static HTTPS relay page (``resources/oauth-relay/index.html``) that forwards
``code``, ``state`` and ``realmId`` to ``http://127.0.0.1:<port>/callback``; the port travels in
``state`` as ``<port>.<random>``. Sandbox keys may redirect to localhost directly. When the
browser cannot reach the listener, the merchant pastes the address (or the code) instead.
Intuit does not document PKCE, so ``state`` is the only request binding.
"""

from __future__ import annotations

import hmac
import html
import ipaddress
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Literal
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from ecom_ledger_desktop.connectors.registry import QBO_DEFAULTS
from ecom_ledger_desktop.core.clock import Clock
from ecom_ledger_desktop.core.errors import SyncError
from ecom_ledger_desktop.core.redaction import redact, register_secret
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.secrets.store import SecretStore

if TYPE_CHECKING:  # at run time imported when needed: authlib costs ~30 MB
    from ecom_ledger_desktop.connectors.ledgers.qbo.oauth import QboTokens

CALLBACK_PATH = "/callback"
LOOPBACK_HOST = "127.0.0.1"
DEFAULT_TIMEOUT = 300.0
RedirectMode = Literal["direct", "relay"]
_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")
_REASONS = {
    "access_denied": "the sign-in was cancelled or access was not granted",
    "state_mismatch": "the answer did not belong to this sign-in (its 'state' did not match), "
                      "so it was not used",
    "no_code": "the answer carried no authorisation code",
    "timeout": "no answer came from the browser in time",
    "cancelled": "the sign-in was cancelled",
}


class ConnectError(Exception):
    """The connection could not be made; ``str()`` says why in plain words."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class CallbackResult:
    """What the provider sent back to the redirect URI."""

    code: str
    state: str
    realm_id: str | None = None


@dataclass(frozen=True)
class ConnectOutcome:
    """A finished connection: which company, and the sentence to show."""

    connection: str
    realm_id: str
    message: str


def _refusal(reason: str, provider_error: str = "") -> ConnectError:
    why = _REASONS.get(reason) or f"QuickBooks answered '{provider_error or reason}'"
    return ConnectError(reason, f"QuickBooks did not connect: {why}. Try again.")


def result_from_query(values: dict[str, str], expected_state: str) -> CallbackResult:
    """Check a redirect's query values against ``expected_state``; raise ``ConnectError``."""
    register_secret(values.get("code"))
    if not hmac.compare_digest(values.get("state", ""), expected_state):
        raise _refusal("state_mismatch")
    if values.get("error"):
        error = values["error"]
        raise _refusal(error if error in _REASONS else "provider_error", error)
    if not values.get("code"):
        raise _refusal("no_code")
    return CallbackResult(values["code"], values["state"], values.get("realmId") or None)


def _query_values(query: str) -> dict[str, str]:
    return {key: items[0] for key, items in parse_qs(query).items() if items}


def parse_pasted_redirect(text: str, expected_state: str) -> CallbackResult:
    """The code (and company) from a pasted redirect address, query string or bare code.

    A whole address is checked against ``expected_state``; a bare code cannot be, and carries no
    company id (``realm_id`` is None).
    """
    pasted = text.strip()
    if not pasted:
        raise ConnectError("no_code", "Nothing was pasted. Paste the whole address the browser "
                                      "shows after signing in to QuickBooks.")
    if "=" not in pasted:
        register_secret(pasted)
        return CallbackResult(pasted, expected_state, None)
    query = urlsplit(pasted).query if "://" in pasted else pasted.lstrip("?")
    return result_from_query(_query_values(query), expected_state)


def relay_target(relay_url: str) -> str:
    """Where the relay page sends the browser (the Python twin of its script, for tests).

    Only ``http://127.0.0.1:<port>/callback`` is ever a target, the port taken from ``state``.
    """
    values = _query_values(urlsplit(relay_url).query)
    port_text = values.get("state", "").split(".", 1)[0]
    if not re.fullmatch(r"[0-9]{4,5}", port_text) or not 1024 <= int(port_text) <= 65535:
        raise ConnectError("state_mismatch", "the relay page got no usable port in 'state'")
    keys = ("code", "state", "realmId", "error", "error_description")
    forwarded: dict[str, str] = {k: values[k] for k in keys if k in values}
    return f"http://{LOOPBACK_HOST}:{int(port_text)}{CALLBACK_PATH}?{urlencode(forwarded)}"


def redirect_mode(redirect_uri: str, environment: str) -> RedirectMode:
    """``direct`` for a localhost redirect (sandbox keys), ``relay`` for an HTTPS page."""
    parts = urlsplit(redirect_uri)
    host = (parts.hostname or "").lower()
    if parts.scheme == "http" and host in _LOOPBACK_NAMES:
        if environment == "production":
            raise ConnectError("redirect_uri", (
                "Intuit does not accept a localhost redirect for production keys. Set the "
                "redirect address to the HTTPS relay page registered for your app."))
        return "direct"
    if parts.scheme == "https" and host and not _is_ip(host):
        return "relay"
    raise ConnectError("redirect_uri", (
        f"The redirect address '{redirect_uri}' cannot be used: give the HTTPS relay page "
        "(production) or http://localhost:<port>/callback (sandbox keys only)."))


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


_PAGE = ("<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
         "<body style='font-family:sans-serif;margin:3em'><h1>{title}</h1><p>{body}</p>"
         "</body></html>")


class _Handler(BaseHTTPRequestHandler):
    server: _CallbackServer

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != self.server.callback_path:
            self._answer(404, "Not found", "This address is not part of the sign-in.")
            return
        listener = self.server.listener
        if listener.done:
            self._answer(409, "Already done", "This sign-in has already been answered.")
            return
        try:
            result = result_from_query(_query_values(parts.query), listener.expected_state)
        except ConnectError as refused:
            if refused.reason == "state_mismatch":
                # anyone on this computer can call the listener: a forged or stale answer must
                # not end the real sign-in, which may still be on its way
                listener.ignored += 1
                self._answer(400, "Not this sign-in", (
                    "This answer did not match the sign-in the app is waiting for (its 'state' "
                    "did not match), so it was not used. If you are signing in, finish in the "
                    "window the app opened."))
                return
            self._answer(400, "Not connected", str(refused))
            listener.finish(refused)
            return
        self._answer(200, "Connected", "You can close this window and return to the app.")
        listener.finish(result)

    def _answer(self, status: int, title: str, body: str) -> None:
        page = _PAGE.format(title=html.escape(title), body=html.escape(body)).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()
        self.wfile.write(page)

    def log_message(self, format: str, *args: object) -> None:
        """Silent: the request line carries the authorisation code."""


class _CallbackServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, listener: LoopbackListener, path: str) -> None:
        super().__init__((LOOPBACK_HOST, port), _Handler)
        self.listener = listener
        self.callback_path = path


class LoopbackListener:
    """A one-answer HTTP listener on 127.0.0.1 (port 0 picks a free one).

    The socket is bound on construction so the port is known before the state is made.
    """

    def __init__(self, port: int = 0, path: str = CALLBACK_PATH) -> None:
        self.expected_state = ""
        self.ignored = 0  # answers whose state did not match (forged or from an old sign-in)
        self._server = _CallbackServer(port, self, path or CALLBACK_PATH)
        self._thread: threading.Thread | None = None
        self._close_lock = threading.Lock()
        self._event = threading.Event()
        self._outcome: CallbackResult | ConnectError | None = None
        self._lock = threading.Lock()

    @property
    def port(self) -> int:
        """The bound port."""
        return int(self._server.server_address[1])

    @property
    def redirect_uri(self) -> str:
        """``http://127.0.0.1:<port>/callback``."""
        return f"http://{LOOPBACK_HOST}:{self.port}{self._server.callback_path}"

    @property
    def done(self) -> bool:
        """Whether an answer (or a cancel) has arrived."""
        return self._event.is_set()

    def start(self, expected_state: str) -> None:
        """Serve in a background thread until an answer arrives."""
        self.expected_state = expected_state
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        name="oauth-loopback", daemon=True)
        self._thread.start()

    def finish(self, outcome: CallbackResult | ConnectError) -> None:
        """Record the first answer (later ones are ignored)."""
        with self._lock:
            if self._outcome is None:
                self._outcome = outcome
        self._event.set()

    def cancel(self) -> None:
        """Stop waiting: ``wait`` raises ``ConnectError('cancelled')``."""
        self.finish(_refusal("cancelled"))

    def wait(self, timeout: float | None = DEFAULT_TIMEOUT) -> CallbackResult:
        """The redirect's code and company, or ``ConnectError`` (refused, timeout, cancel)."""
        try:
            if not self._event.wait(timeout):
                late = _refusal("timeout")
                if self.ignored:
                    late = ConnectError("timeout", str(late).replace(
                        ". Try again.", " (an answer that did not belong to this sign-in was "
                        "ignored). Try again."))
                raise late
            outcome = self._outcome
            if isinstance(outcome, ConnectError):
                raise outcome
            assert outcome is not None
            return outcome
        finally:
            self.close()

    def close(self) -> None:
        """Stop serving and release the port (idempotent, safe from any thread)."""
        with self._close_lock:
            thread, self._thread = self._thread, None
            if thread is not None:
                self._server.shutdown()
                thread.join()
            self._server.server_close()


class OAuthConnect:
    """One attempt to connect a QuickBooks Online connection: begin, then wait or paste.

    ``begin()`` returns the address to open in the browser; ``wait()`` blocks (run it off the
    GUI thread) until the listener has the code, then exchanges it and saves the company id and
    status; ``finish_pasted()`` does the same from a pasted address. ``cancel()`` from any thread.
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

    def begin(self) -> str:
        """Start the listener; returns the authorisation address for the system browser."""
        config = self._load()
        settings = {**QBO_DEFAULTS, **config.settings}
        configured = settings.get("redirect_uri", "")
        if not configured:
            raise ConnectError("redirect_uri", "No redirect address is set for this connection: "
                                               "enter the one registered for your Intuit app.")
        self.mode = redirect_mode(configured, settings.get("environment", "production"))
        nonce = secrets.token_urlsafe(24)
        if self.mode == "relay":
            self._listener = LoopbackListener()
            self.redirect_uri = configured
            self.state = f"{self._listener.port}.{nonce}"
        else:
            parts = urlsplit(configured)
            self._listener = LoopbackListener(parts.port or 0, parts.path or CALLBACK_PATH)
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
        result = parse_pasted_redirect(text, self.state)
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
        known = config.settings.get("realm_id", "")
        realm = result.realm_id or known
        if not realm:
            raise ConnectError("no_realm", "The pasted code does not say which company it is "
                                           "for: paste the whole address instead.")
        if known and realm != known:
            self._refuse_other_company(config, realm)
        try:
            self._tokens(config).exchange_code(result.code, self.redirect_uri)
        except SyncError as error:
            raise ConnectError("exchange_failed", (
                f"QuickBooks did not connect: {redact(str(error))} Codes last 10 minutes and "
                "work once; sign in again.")) from None
        state = self._open_state()
        try:
            with state.tx():
                state.connections.update_settings(config.id, {**config.settings,
                                                              "realm_id": realm})
                state.connections.set_connection_status(config.id, "ok", "")
        finally:
            state.close()
        return ConnectOutcome(self._name, realm, f"Connected '{self._name}' to QuickBooks "
                                                 f"company {realm}.")

    def _refuse_other_company(self, config: ConnectionConfig, realm: str) -> None:
        state = self._open_state()
        try:
            used_by = [p.name for p in state.connections.pairs() if p.ledger_id == config.id]
        finally:
            state.close()
        if used_by:
            raise ConnectError("other_company", (
                f"You signed in to another QuickBooks company (realm {realm}) than the one "
                f"'{self._name}' posts to (realm {config.settings['realm_id']}), and pair "
                f"'{used_by[0]}' already posts there. Sign in again and pick the same company, "
                "or add a new connection for the other one."))

    def _load(self) -> ConnectionConfig:
        state = self._open_state()
        try:
            config = state.connections.connection(self._name)
        finally:
            state.close()
        if config is None or config.id is None:
            raise ConnectError("missing", f"There is no connection '{self._name}'.")
        if config.kind != "qbo":
            raise ConnectError("kind", f"'{self._name}' does not sign in through the browser.")
        if not config.settings.get("client_id"):
            raise ConnectError("client_id", f"'{self._name}' has no client id: enter the one "
                                            "of your Intuit app in the connection's settings.")
        if not self._secrets.get(self._name, "client_secret"):
            raise ConnectError("client_secret", (
                f"The client secret of '{self._name}' is not in {self._secrets.description}: "
                "enter it in the connection's settings."))
        self._config = config
        return config

    def _tokens(self, config: ConnectionConfig) -> QboTokens:
        settings = {**QBO_DEFAULTS, **config.settings}
        from ecom_ledger_desktop.connectors.ledgers.qbo.oauth import QboTokens  # authlib: lazily

        return QboTokens(config.name, settings["client_id"], self._secrets, company=config.name,
                         redirect_uri=self.redirect_uri, auth_url=settings["auth_url"],
                         token_url=settings["token_url"], revoke_url=settings["revoke_url"],
                         clock=self._clock, transport=self._transport)

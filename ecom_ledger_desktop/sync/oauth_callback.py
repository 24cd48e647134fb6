"""The browser's answer to a sign-in: parsing the redirect and the loopback listener waiting for it.

The listener serves ``http://127.0.0.1:<port>/callback`` until the answer whose ``state`` matches
arrives; an answer with another ``state`` (a forged or stale callback) is refused with a plain page
and the wait goes on. A pasted address or code is parsed the same way. Refusals speak of the
``provider`` (the kind's brand: "QuickBooks", "FreshBooks"); the company a redirect names comes
from the kind's ``redirect_company`` query parameter (QuickBooks' ``realmId``; none for a
provider whose redirect names no company).
"""

from __future__ import annotations

import hmac
import html
import ipaddress
import re
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal
from urllib.parse import parse_qs, urlencode, urlsplit

from ecom_ledger_desktop.core.redaction import register_secret

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
    """The connection could not be made; ``str()`` says why in plain words. ``choices`` (reason
    ``choose``): signed in, but the user must pick the company, as (label, settings) pairs."""

    def __init__(self, reason: str, message: str,
                 choices: tuple[tuple[str, dict[str, str]], ...] = ()) -> None:
        super().__init__(message)
        self.reason = reason
        self.choices = choices


@dataclass(frozen=True)
class CallbackResult:
    """What the provider sent back to the redirect URI."""

    code: str
    state: str
    realm_id: str | None = None


def _refusal(reason: str, provider_error: str = "", provider: str = "") -> ConnectError:
    who = provider or "The sign-in service"
    why = _REASONS.get(reason) or f"{who} answered '{provider_error or reason}'"
    return ConnectError(reason, f"{who} did not connect: {why}. Try again.")


def result_from_query(values: dict[str, str], expected_state: str, *, provider: str = "",
                      company_param: str = "") -> CallbackResult:
    """Check a redirect's query values against ``expected_state``; raise ``ConnectError``.
    ``company_param`` names the query parameter that says which company (none: not read)."""
    register_secret(values.get("code"))
    if not hmac.compare_digest(values.get("state", ""), expected_state):
        raise _refusal("state_mismatch", provider=provider)
    if values.get("error"):
        error = values["error"]
        raise _refusal(error if error in _REASONS else "provider_error", error, provider)
    if not values.get("code"):
        raise _refusal("no_code", provider=provider)
    company = values.get(company_param) if company_param else None
    return CallbackResult(values["code"], values["state"], company or None)


def _query_values(query: str) -> dict[str, str]:
    return {key: items[0] for key, items in parse_qs(query).items() if items}


def parse_pasted_redirect(text: str, expected_state: str, *, provider: str = "",
                          company_param: str = "") -> CallbackResult:
    """The code (and company) from a pasted redirect address, query string or bare code.

    A whole address is checked against ``expected_state``; a bare code cannot be, and carries no
    company id (``realm_id`` is None).
    """
    pasted = text.strip()
    if not pasted:
        raise ConnectError("no_code", "Nothing was pasted. Paste the whole address the browser "
                                      f"shows after signing in to {provider or 'the service'}.")
    if "=" not in pasted:
        register_secret(pasted)
        return CallbackResult(pasted, expected_state, None)
    query = urlsplit(pasted).query if "://" in pasted else pasted.lstrip("?")
    return result_from_query(_query_values(query), expected_state, provider=provider,
                             company_param=company_param)


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


def redirect_mode(redirect_uri: str, environment: str, provider: str = "") -> RedirectMode:
    """``direct`` for a localhost redirect (sandbox keys), ``relay`` for an HTTPS page."""
    parts = urlsplit(redirect_uri)
    host = (parts.hostname or "").lower()
    if parts.scheme == "http" and host in _LOOPBACK_NAMES:
        if environment == "production":
            raise ConnectError("redirect_uri", (
                f"{provider or 'The sign-in service'} does not accept a localhost redirect for "
                "production keys. Set the redirect address to the HTTPS relay page registered "
                "for your app."))
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
            result = result_from_query(_query_values(parts.query), listener.expected_state,
                                       provider=listener.provider,
                                       company_param=listener.company_param)
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

    def __init__(self, port: int = 0, path: str = CALLBACK_PATH, *, provider: str = "",
                 company_param: str = "") -> None:
        self.expected_state = ""
        self.provider = provider
        self.company_param = company_param
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
        self.finish(_refusal("cancelled", provider=self.provider))

    def wait(self, timeout: float | None = DEFAULT_TIMEOUT) -> CallbackResult:
        """The redirect's code and company, or ``ConnectError`` (refused, timeout, cancel)."""
        try:
            if not self._event.wait(timeout):
                late = _refusal("timeout", provider=self.provider)
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

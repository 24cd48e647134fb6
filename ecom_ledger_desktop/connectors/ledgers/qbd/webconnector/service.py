"""The Web Connector operations with the answers QuickBooks Web Connector expects.

Plain Python, no SOAP: ``soap.py`` maps envelopes onto these methods. The service checks the user
name and password (``signin.py``: keyring, constant time, a pause after repeated failures), hands
out tickets, keeps one session per company, passes qbXML between the Web Connector and an
``ExchangeSource``, and records what the app shows. Faults and logs never carry passwords, tickets or qbXML.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.exchange import (
    CloseReason,
    CompanyInfo,
    ExchangeSource,
)
from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.sessions import (
    DEFAULT_IDLE_TIMEOUT,
    DEFAULT_STALE_AFTER,
    Session,
    SessionTable,
    new_ticket,
)
from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.signin import SignInGuard
from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.status import StatusBoard, interpret_hresult
from ecom_ledger_desktop.core.clock import Clock, SystemClock
from ecom_ledger_desktop.secrets.store import SecretStore

log = logging.getLogger(__name__)

SERVER_VERSION = "ecom-ledger-desktop Web Connector service 1"
NO_WORK = "none"
NOT_VALID_USER = "nvu"
BUSY = "busy"
DONE = "done"
UNKNOWN_TICKET = ("This update session is unknown or has expired. The Web Connector signs in again at "
                  "its next update.")
_SOURCE_FAILED = "The app could not prepare what to send to QuickBooks; it tries again at the next update."
_ANSWER_FAILED = "The app could not use QuickBooks' answer; it is checked again at the next update."
_NOTHING_LEFT = "Nothing more to send: this update is complete."


@dataclass(frozen=True)
class WebConnectorAccount:
    """One .qwc file's sign-in: the Web Connector user name, the app's connection it serves, and
    the company file to open when QuickBooks is not running ("" = the one open in QuickBooks)."""

    username: str
    connection: str
    company_file: str = ""


@dataclass(frozen=True)
class ServiceSettings:
    """Answers the service gives beyond the defaults."""

    server_version: str = SERVER_VERSION
    min_client_version: str = ""  # e.g. "2.1.0.30": an older Web Connector is asked to upgrade
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT
    stale_after: float = DEFAULT_STALE_AFTER  # another computer's sign-in takes a quiet session over
    postpone_seconds: int | None = None  # with "none"/"busy": seconds before the next update
    min_run_every_seconds: int | None = None  # a floor on the Web Connector's schedule


@dataclass
class WebConnectorService:
    """Every QBWC operation; thread-safe (the server calls it from one thread per connection)."""

    accounts: list[WebConnectorAccount]
    secrets: SecretStore
    source: ExchangeSource
    clock: Clock = field(default_factory=SystemClock)
    settings: ServiceSettings = field(default_factory=ServiceSettings)
    status: StatusBoard = field(init=False)
    sessions: SessionTable = field(init=False)
    guard: SignInGuard = field(init=False)

    def __post_init__(self) -> None:
        self.status = StatusBoard(self.clock)
        self.guard = SignInGuard(self.secrets, self.clock)
        self.sessions = SessionTable(self.clock, self.settings.idle_timeout, self.settings.stale_after)

    def replace_accounts(self, accounts: list[WebConnectorAccount]) -> None:
        """Serve another set of .qwc sign-ins (a connection was added, changed or removed)."""
        self.accounts = list(accounts)  # one assignment: a sign-in sees the old list or the new one

    # -- versions ---------------------------------------------------------------------------------

    def server_version(self) -> str:
        """Any text: the Web Connector writes it to its log."""
        return self.settings.server_version

    def client_version(self, version: str) -> str:
        """"" to go on, or "O:<minimum>" when this Web Connector is older than we support."""
        minimum = self.settings.min_client_version
        if minimum and _version_key(version) < _version_key(minimum):
            return f"O:{minimum}"
        return ""

    # -- sign-in ----------------------------------------------------------------------------------

    def authenticate(self, username: str, password: str, client: str = "") -> list[str]:
        """[ticket, "" | company file | "none" | "nvu" | "busy", (postpone s), (min run s)];
        ``client`` is the caller's network address (a restarted Web Connector takes its own open
        session over; another computer's is "busy" while that session still calls)."""
        self._reap()
        account = self._account(username)
        verdict = self.guard.check(account.connection if account else None, password)
        if not verdict.ok or account is None:
            if account is not None:
                self.status.failed(account.connection, "wrong_password", verdict.problem)
            log.warning("Web Connector sign-in refused (unknown user name or wrong password)")
            return [new_ticket(), NOT_VALID_USER]
        self.status.signed_in(account.connection)
        try:
            has_work = self.source.has_work(account.connection)
        except Exception as exc:
            log.error("Web Connector: checking for work failed (%s)", type(exc).__name__)
            has_work = False
        if not has_work:
            return self._with_timings([new_ticket(), NO_WORK])
        opened = self.sessions.open(account.connection, client)
        if opened is None:
            log.info("Web Connector for %s: another update is still running (busy)", account.connection)
            return self._with_timings([new_ticket(), BUSY])
        session, replaced = opened
        if replaced is not None:
            log.info("Web Connector for %s: signed in again; its unfinished update is taken over",
                     account.connection)
            self._notify_closed(replaced, "abandoned")
        log.info("Web Connector for %s: update session started", account.connection)
        return self._with_timings([session.ticket, account.company_file], work=True)

    def _with_timings(self, answer: list[str], work: bool = False) -> list[str]:
        postpone = self.settings.postpone_seconds
        floor = self.settings.min_run_every_seconds
        if floor is not None:
            return [*answer, str(0 if work or postpone is None else postpone), str(floor)]
        if postpone is not None and not work:
            return [*answer, str(postpone)]
        return answer

    def _account(self, username: str) -> WebConnectorAccount | None:
        found = None
        for account in self.accounts:  # every name is compared: no early exit to time
            if hmac.compare_digest(account.username.encode(), username.encode()):
                found = account
        return found

    # -- the exchange loop ------------------------------------------------------------------------

    def send_request_xml(self, ticket: str, hcp_response: str, company_file: str, country: str,
                         qbxml_major: int, qbxml_minor: int) -> str:
        """The next qbXML request; "" is an error to the Web Connector (it then asks getLastError)."""
        session = self._session(ticket)
        if session is None:
            return ""
        self.status.contact(session.connection)
        if session.company is None:
            company = CompanyInfo(company_file, country, qbxml_major, qbxml_minor, hcp_response)
            session.company = company
            self.status.opened(session.connection, company_file)
            connection = session.connection
            if not self._call(session, lambda: self.source.session_started(ticket, connection, company)):
                return ""
        request = ""

        def fetch() -> None:
            nonlocal request
            request = self.source.next_request(ticket)

        if not self._call(session, fetch):
            return ""
        if not request:
            session.last_error = _NOTHING_LEFT
            return ""
        session.awaiting_response = True
        return request

    def receive_response_xml(self, ticket: str, response: str, hresult: str, message: str) -> int:
        """Percent done 0..100, or -1 (the Web Connector then asks getLastError)."""
        session = self._session(ticket)
        if session is None:
            return -1
        self.status.contact(session.connection)
        session.awaiting_response = False
        if not response and hresult:
            condition, words = interpret_hresult(hresult, message)
            session.last_error = f"{words[0].upper()}{words[1:]} ({hresult.strip()}); nothing was changed."
            session.failed = True
            self.status.failed(session.connection, condition, session.last_error)
            self._call(session, lambda: self.source.request_failed(ticket, hresult, message))
            return -1
        percent = -1

        def take() -> None:
            nonlocal percent
            percent = int(self.source.take_response(ticket, response))

        if not self._call(session, take):
            session.last_error = _ANSWER_FAILED
            return -1
        session.exchanges += 1
        if percent < 0:
            session.last_error = _ANSWER_FAILED
            session.failed = True
            return -1
        return min(percent, 100)

    def connection_error(self, ticket: str, hresult: str, message: str) -> str:
        """QuickBooks or the company file could not be opened: record why, end the session ("done")."""
        session = self._session(ticket)
        if session is None:
            return DONE
        condition, words = interpret_hresult(hresult, message)
        words = f"{words[0].upper()}{words[1:]} ({hresult.strip()})."
        self.status.failed(session.connection, condition, words)
        self._call(session, lambda: self.source.connection_error(ticket, hresult, message))
        self._end(session, "connection_error", self.status.get(session.connection).advice())
        return DONE

    def get_last_error(self, ticket: str) -> str:
        """What went wrong, in plain words the Web Connector shows. It asks only after an error, and
        Intuit documents closeConnection for successful updates only, so the session ends here."""
        session = self._session(ticket)
        if session is None:
            return self.sessions.ended_message(ticket) or UNKNOWN_TICKET
        words = session.last_error or "No error."
        self._finish(session)
        return words

    def close_connection(self, ticket: str) -> str:
        """End the session; the answer appears in the Web Connector's status column."""
        session = self._session(ticket)
        if session is None:
            return self.sessions.ended_message(ticket) or UNKNOWN_TICKET
        return self._finish(session)

    def _finish(self, session: Session) -> str:
        reason: CloseReason = "error" if session.failed else "closed"
        words = f"Done: {session.exchanges} request(s) exchanged."
        if session.failed:
            words = f"Stopped: {session.last_error}"
        self._end(session, reason, words)
        return words

    # -- lifecycle --------------------------------------------------------------------------------

    def stop(self) -> None:
        """End every live session (the app quits); unanswered requests become uncertain."""
        for session in self.sessions.end_all():
            self._notify_closed(session, "stopped")

    def _session(self, ticket: str) -> Session | None:
        self._reap()
        return self.sessions.touch(ticket) if ticket else None

    def _reap(self) -> None:
        for session in self.sessions.reap():
            log.info("Web Connector for %s: an update session was abandoned", session.connection)
            self._notify_closed(session, "abandoned")

    def _end(self, session: Session, reason: CloseReason, message: str) -> None:
        if self.sessions.end(session.ticket, message) is not None:
            self._notify_closed(session, reason)

    def _notify_closed(self, session: Session, reason: CloseReason) -> None:
        self.status.ended(session.connection)
        try:
            self.source.session_closed(session.ticket, reason)
        except Exception as exc:
            log.error("Web Connector: closing a session failed (%s)", type(exc).__name__)

    def _call(self, session: Session, action: Callable[[], object]) -> bool:
        """Run a source call; a failure is logged by type only and becomes the session's error."""
        try:
            action()
        except Exception as exc:
            log.error("Web Connector for %s: the exchange failed (%s)", session.connection,
                      type(exc).__name__)
            session.last_error = _SOURCE_FAILED
            session.failed = True
            return False
        return True


def _version_key(version: str) -> tuple[int, ...]:
    parts = []
    for piece in version.strip().split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)

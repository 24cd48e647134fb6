"""Web Connector sessions: unguessable tickets that expire, one live session per company.

A Web Connector runs one update per application at a time, so its signing in again while its
session is open means it was killed or restarted midway: the new sign-in takes the old session
over (its unanswered request is settled by a query) instead of waiting out the idle timeout. A
sign-in from another computer is "busy" while the open session still calls.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.exchange import CompanyInfo
from ecom_ledger_desktop.core.clock import Clock

DEFAULT_IDLE_TIMEOUT = 600.0  # seconds without a call before a session counts as abandoned
#: seconds without a call after which another computer's sign-in takes a session over: longer
#: than the Web Connector waits on any one call (~2 minutes), so a session this quiet is gone
DEFAULT_STALE_AFTER = 130.0
REPLACED = ("This update was replaced by a newer one from the Web Connector (it signed in again); "
            "nothing is lost: the next update carries on.")


def new_ticket() -> str:
    """A random GUID (122 random bits from the OS): what the Web Connector expects a ticket to look like."""
    return str(uuid.uuid4())


@dataclass
class Session:
    """One Web Connector update session."""

    ticket: str
    connection: str
    started: datetime
    last_seen: datetime
    company: CompanyInfo | None = None
    last_error: str = ""
    failed: bool = False
    exchanges: int = 0
    awaiting_response: bool = False
    client: str = ""  # the Web Connector's network address ("" when unknown)


@dataclass
class _Ended:
    message: str


@dataclass
class SessionTable:
    """Live sessions by ticket; a session idle longer than ``idle_timeout`` is gone (abandoned)."""

    clock: Clock
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT
    stale_after: float = DEFAULT_STALE_AFTER
    _live: dict[str, Session] = field(default_factory=dict)
    _ended: dict[str, _Ended] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _idle(self, session: Session, now: datetime) -> bool:
        return now - session.last_seen > timedelta(seconds=self.idle_timeout)

    def reap(self) -> list[Session]:
        """Remove and return the sessions that went idle too long."""
        now = self.clock.now()
        with self._lock:
            gone = [s for s in self._live.values() if self._idle(s, now)]
            for session in gone:
                del self._live[session.ticket]
            return gone

    def open(self, connection: str, client: str = "") -> tuple[Session, Session | None] | None:
        """A new session for ``connection`` and the open one it took over (or None); None while
        another computer's session for it still calls (busy).

        The same computer signing in again is its Web Connector after a kill or restart (it never
        signs in twice during its own update); another computer's sign-in takes over a session
        silent for ``stale_after`` seconds.
        """
        now = self.clock.now()
        with self._lock:
            replaced = next((s for s in self._live.values() if s.connection == connection), None)
            if replaced is not None:
                quiet = now - replaced.last_seen > timedelta(seconds=self.stale_after)
                if replaced.client != client and not quiet:
                    return None
                self._forget(replaced, REPLACED)
            session = Session(new_ticket(), connection, now, now, client=client)
            self._live[session.ticket] = session
            return session, replaced

    def touch(self, ticket: str) -> Session | None:
        """The live session of ``ticket`` (its idle time restarts), or None if unknown or expired."""
        now = self.clock.now()
        with self._lock:
            session = self._live.get(ticket)
            if session is None:
                return None
            if self._idle(session, now):
                return None  # reap() reports it as abandoned
            session.last_seen = now
            return session

    def end(self, ticket: str, message: str) -> Session | None:
        """Remove a live session; ``message`` stays available to ``getLastError`` for a while."""
        with self._lock:
            session = self._live.get(ticket)
            if session is not None:
                self._forget(session, message)
            return session

    def _forget(self, session: Session, message: str) -> None:
        del self._live[session.ticket]
        self._ended[session.ticket] = _Ended(message)
        while len(self._ended) > 64:  # a short memory: only the last few sessions' answers
            del self._ended[next(iter(self._ended))]

    def ended_message(self, ticket: str) -> str | None:
        """The last word of a session that ended recently, if ``ticket`` was one."""
        with self._lock:
            ended = self._ended.get(ticket)
            return ended.message if ended else None

    def end_all(self) -> list[Session]:
        """Remove every live session (the service stops)."""
        with self._lock:
            sessions = list(self._live.values())
            self._live.clear()
            return sessions

    def live_count(self) -> int:
        """How many sessions are live (for tests and the app)."""
        with self._lock:
            return len(self._live)

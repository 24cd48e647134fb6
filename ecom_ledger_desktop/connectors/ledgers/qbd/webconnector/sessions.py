"""Web Connector sessions: unguessable tickets that expire, one live session per company."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.exchange import CompanyInfo
from ecom_ledger_desktop.core.clock import Clock

DEFAULT_IDLE_TIMEOUT = 600.0  # seconds without a call before a session counts as abandoned


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


@dataclass
class _Ended:
    message: str


@dataclass
class SessionTable:
    """Live sessions by ticket; a session idle longer than ``idle_timeout`` is gone (abandoned)."""

    clock: Clock
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT
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

    def open(self, connection: str) -> Session | None:
        """A new session for ``connection``, or None while another one for it is live (busy)."""
        now = self.clock.now()
        with self._lock:
            if any(s.connection == connection for s in self._live.values()):
                return None
            session = Session(new_ticket(), connection, now, now)
            self._live[session.ticket] = session
            return session

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
            session = self._live.pop(ticket, None)
            if session is not None:
                self._ended[ticket] = _Ended(message)
                while len(self._ended) > 64:  # a short memory: only the last few sessions' answers
                    del self._ended[next(iter(self._ended))]
            return session

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

"""What the Web Connector service asks of the rest of the app: the qbXML to send and where answers go.

The service treats qbXML as opaque strings. Whatever keeps the work (the posting journal, in a later
slice) implements ``ExchangeSource``; ``MemoryExchangeSource`` is a small one for tests and demos.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Literal, Protocol

CloseReason = Literal["closed", "error", "connection_error", "abandoned", "stopped"]


@dataclass(frozen=True)
class CompanyInfo:
    """What the Web Connector told us about the QuickBooks company on the first exchange."""

    company_file: str
    country: str
    qbxml_major: int
    qbxml_minor: int
    host_response: str = ""  # QuickBooks' answers to the Web Connector's own Host/Company/Preferences queries


class ExchangeSource(Protocol):
    """Work for one QuickBooks Desktop company, handed out one qbXML request at a time.

    ``take_response`` answers the share of the session's work done, 0..100; 100 ends the session
    (the Web Connector then closes it). A request handed out and never answered must be treated as
    *uncertain*: QuickBooks may have applied it.
    """

    def has_work(self, connection: str) -> bool:
        """Whether anything waits for this connection's company (asked at sign-in)."""
        ...

    def session_started(self, ticket: str, connection: str, company: CompanyInfo) -> None:
        """A session for ``connection`` begins; ``company`` says what QuickBooks is open."""
        ...

    def next_request(self, ticket: str) -> str:
        """The next qbXML request document, or "" when nothing is left."""
        ...

    def take_response(self, ticket: str, response_xml: str) -> int:
        """QuickBooks' answer to the last request; returns percent done (100 = finished)."""
        ...

    def request_failed(self, ticket: str, hresult: str, message: str) -> None:
        """QuickBooks could not process the last request at all (e.g. 0x80040400, not applied)."""
        ...

    def connection_error(self, ticket: str, hresult: str, message: str) -> None:
        """The Web Connector could not open QuickBooks or the company file."""
        ...

    def session_closed(self, ticket: str, reason: CloseReason) -> None:
        """The session ended (normally or not); an unanswered request is now uncertain."""
        ...


@dataclass
class Exchange:
    """One request handed to QuickBooks and what came back (``response`` None: never answered)."""

    connection: str
    ticket: str
    request: str
    response: str | None = None
    hresult: str = ""


@dataclass
class _Session:
    connection: str
    total: int
    done: int = 0
    in_flight: str | None = None


@dataclass
class MemoryExchangeSource:
    """Queued qbXML requests per connection, kept in memory (tests and demos).

    A request that was handed out but not answered when its session ends goes to ``uncertain``
    (it is neither lost nor silently sent again: whoever owns the work settles it by a query).
    """

    queues: dict[str, deque[str]] = field(default_factory=dict)
    exchanges: list[Exchange] = field(default_factory=list)
    uncertain: list[Exchange] = field(default_factory=list)
    failed: list[Exchange] = field(default_factory=list)
    companies: dict[str, CompanyInfo] = field(default_factory=dict)
    connection_errors: list[tuple[str, str]] = field(default_factory=list)
    closed: list[tuple[str, CloseReason]] = field(default_factory=list)
    _sessions: dict[str, _Session] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, connection: str, *requests: str) -> None:
        """Queue request documents for a connection."""
        with self._lock:
            self.queues.setdefault(connection, deque()).extend(requests)

    def pending(self, connection: str) -> list[str]:
        """Requests still waiting for this connection."""
        with self._lock:
            return list(self.queues.get(connection, ()))

    def has_work(self, connection: str) -> bool:
        """Whether anything waits for this connection."""
        with self._lock:
            return bool(self.queues.get(connection))

    def session_started(self, ticket: str, connection: str, company: CompanyInfo) -> None:
        """Remember the session and how much work it starts with."""
        with self._lock:
            total = len(self.queues.get(connection, ()))
            self._sessions[ticket] = _Session(connection, total)
            self.companies[ticket] = company

    def next_request(self, ticket: str) -> str:
        """Hand out the next queued request (it stays queued until answered)."""
        with self._lock:
            session = self._sessions.get(ticket)
            queue = self.queues.get(session.connection) if session else None
            if session is None or not queue:
                return ""
            session.in_flight = queue[0]
            return queue[0]

    def take_response(self, ticket: str, response_xml: str) -> int:
        """Record the answer, drop the request from the queue, say how far the session is."""
        with self._lock:
            session = self._sessions.get(ticket)
            if session is None or session.in_flight is None:
                return -1
            queue = self.queues[session.connection]
            queue.popleft()
            self.exchanges.append(Exchange(session.connection, ticket, session.in_flight, response_xml))
            session.in_flight = None
            session.done += 1
            if not queue:
                return 100
            return min(99, session.done * 100 // max(session.total, session.done + len(queue)))

    def request_failed(self, ticket: str, hresult: str, message: str) -> None:
        """QuickBooks refused the request whole: keep it queued, note the failure."""
        with self._lock:
            session = self._sessions.get(ticket)
            if session is not None and session.in_flight is not None:
                self.failed.append(Exchange(session.connection, ticket, session.in_flight, None, hresult))
                session.in_flight = None

    def connection_error(self, ticket: str, hresult: str, message: str) -> None:
        """Note that QuickBooks could not be opened."""
        with self._lock:
            self.connection_errors.append((ticket, hresult))

    def session_closed(self, ticket: str, reason: CloseReason) -> None:
        """Forget the session; an unanswered request becomes uncertain (still queued)."""
        with self._lock:
            self.closed.append((ticket, reason))
            session = self._sessions.pop(ticket, None)
            if session is not None and session.in_flight is not None:
                self.uncertain.append(Exchange(session.connection, ticket, session.in_flight))

"""The meeting point of the sync (which writes qbXML requests) and the Web Connector session
(which carries them to QuickBooks and brings the answers back).

The engine's ``QbdLedger`` calls :meth:`Mailbox.exchange`: the request is queued and the call
waits (bounded) for its answer. The session's ``ExchangeSource`` takes queued requests one per
``sendRequestXML`` and hands answers back. Without an open session an exchange raises
``LedgerAway`` at once, with the reason the app shows. When the session ends, a request handed
to QuickBooks and not answered is *uncertain* (``UncertainOutcome``: it may have been applied and
is looked up before anything is sent again); one never handed out was not sent (``LedgerAway``).
A run waiting on a session whose Web Connector stopped calling (killed, its computer off) gives up
once the session has been silent for ``liveness`` seconds, not after the whole answer timeout.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

from ecom_ledger_desktop.connectors.ledgers.qbd.recovery import LostBatches
from ecom_ledger_desktop.core.errors import LedgerAway, RetriableError, UncertainOutcome

if TYPE_CHECKING:
    from ecom_ledger_desktop.connectors.ledgers.qbd.company_copy import CompanyCopy

State = Literal["queued", "sent", "answered", "refused", "uncertain", "unsent"]
DEFAULT_ANSWER_TIMEOUT = 600.0  # seconds the sync waits for QuickBooks' answer to one request
#: seconds without a sign of the Web Connector (a request taken, an answer) after which its session
#: counts as dead for a run waiting on it: beyond the ~2 minutes it waits on any one call
DEFAULT_LIVENESS = 180.0


class NameMemory(Protocol):
    """Where the QuickBooks name chosen for a store customer or item is kept (for good: a
    shortened or de-duplicated name must never change), with its ListID once known."""

    def get(self, kind: str, key: str) -> tuple[str, str | None] | None:
        """(name, ListID) chosen for ``key``, or None."""
        ...

    def choose(self, kind: str, key: str, name: str, list_id: str | None = None) -> None:
        """Keep ``name`` (and its ListID) for ``key``."""
        ...


@dataclass
class MemoryNames:
    """A ``NameMemory`` in memory (until the Web Connector service attaches the database's)."""

    names: dict[tuple[str, str], tuple[str, str | None]] = field(default_factory=dict)

    def get(self, kind: str, key: str) -> tuple[str, str | None] | None:
        """(name, ListID) chosen for ``key``, or None."""
        return self.names.get((kind, key))

    def choose(self, kind: str, key: str, name: str, list_id: str | None = None) -> None:
        """Keep ``name`` (and its ListID, keeping a known one) for ``key``."""
        known = self.names.get((kind, key))
        self.names[(kind, key)] = (name, list_id or (known[1] if known else None))


@dataclass
class Letter:
    """One qbXML request document on its way to QuickBooks, and what came back."""

    xml: str
    internal: bool = False  # the mailbox's own (company preferences, keep-alive)
    state: State = "queued"
    response: str = ""
    hresult: str = ""
    message: str = ""
    silent: bool = False  # its session was given up because the Web Connector stopped calling


@dataclass
class Mailbox:
    """One QuickBooks Desktop connection's requests and answers (thread-safe)."""

    connection: str
    away_reason: Callable[[], str] = field(
        default=lambda: "The Web Connector is not connected: the postings wait for its next update.")
    answer_timeout: float = DEFAULT_ANSWER_TIMEOUT
    liveness: float = DEFAULT_LIVENESS
    monotonic: Callable[[], float] = time.monotonic
    names: NameMemory = field(default_factory=MemoryNames)
    hosted: bool = False  # a Web Connector service in this process serves it
    #: whether the Web Connector's last call went well (the service sets it; False: unknown)
    contact_ok: Callable[[], bool] = field(default=lambda: False)
    ticket: str | None = None
    preferences: str = ""  # the PreferencesQuery answer of the current session
    answered: int = 0
    #: batches whose answer may be lost, for qbXML error recovery (``recovery.LostBatches``)
    lost_batches: LostBatches = field(default_factory=LostBatches)
    #: the company as last read, kept in the database (None: no database at hand)
    copy: CompanyCopy | None = None
    refresh_lock: threading.Lock = field(default_factory=threading.Lock)  # one read at a time
    _outbox: deque[Letter] = field(default_factory=deque)
    _in_flight: Letter | None = None
    _last_contact: float = 0.0
    _cond: threading.Condition = field(default_factory=threading.Condition)

    # -- the sync's side ------------------------------------------------------------------------
    @property
    def open(self) -> bool:
        """Whether a Web Connector session is open now."""
        with self._cond:
            return self.ticket is not None

    def exchange(self, xml: str) -> str:
        """Send one request document through the open session; QuickBooks' answer (qbXML).

        Raises ``LedgerAway`` (no session: not sent), ``UncertainOutcome`` (handed to QuickBooks,
        no answer) or ``RetriableError`` (QuickBooks refused the whole document, nothing applied;
        ``hresult`` in the message).
        """
        letter = Letter(xml)
        with self._cond:
            if self.ticket is None:
                raise LedgerAway(self.away_reason())
            self._outbox.append(letter)
            self._cond.notify_all()
            deadline = self.monotonic() + self.answer_timeout
            while letter.state in ("queued", "sent"):
                now = self.monotonic()
                if self.ticket is not None and now - self._last_contact >= self.liveness:
                    self._end(self.ticket, silent=True)  # the Web Connector stopped calling
                    break
                left = min(deadline, self._last_contact + self.liveness) - now
                if deadline - now <= 0:
                    if letter.state == "queued":
                        self._outbox.remove(letter)
                        raise LedgerAway("The Web Connector did not take the request in time; it "
                                         "waits for the next update.")
                    raise UncertainOutcome("QuickBooks did not answer in time; the document "
                                           "is looked up before anything is sent again.")
                self._cond.wait(left)
        if letter.state == "answered":
            return letter.response
        if letter.state == "refused":
            raise RetriableError(f"QuickBooks could not process the request ({letter.hresult}: "
                                 f"{letter.message or 'no detail'}); nothing was saved.")
        silent = " (the Web Connector stopped calling)" if letter.silent else ""
        if letter.state == "uncertain":
            raise UncertainOutcome(f"The Web Connector session ended{silent} before QuickBooks' "
                                   "answer arrived; the document is looked up before anything is "
                                   "sent again.")
        if silent:
            raise LedgerAway("The Web Connector stopped calling before the request was sent; it "
                             "waits for the next update.")
        raise LedgerAway("The Web Connector session ended before the request was sent: "
                         + self.away_reason())

    # -- the session's side ---------------------------------------------------------------------
    def start(self, ticket: str, first: Letter | None = None) -> None:
        """A session opened; ``first`` goes out before anything the sync queues."""
        with self._cond:
            self.ticket = ticket
            self.preferences, self.answered = "", 0
            self._last_contact = self.monotonic()
            if first is not None:
                self._outbox.appendleft(first)
            self._cond.notify_all()

    def take(self, ticket: str, wait: float, keep_alive: Callable[[], Letter] | None = None
             ) -> Letter | None:
        """The next letter to hand to QuickBooks (waiting up to ``wait`` s for one); when none
        comes, ``keep_alive()``'s letter (a harmless query that keeps the session open)."""
        with self._cond:
            if self.ticket != ticket:
                return None
            self._last_contact = self.monotonic()
            self._cond.wait_for(lambda: bool(self._outbox) or self.ticket != ticket, wait)
            if self.ticket != ticket:
                return None
            if self._outbox:
                letter = self._outbox.popleft()
            elif keep_alive is not None:
                letter = keep_alive()
            else:
                return None
            letter.state = "sent"
            self._in_flight = letter
            self._last_contact = self.monotonic()
            return letter

    def answer(self, ticket: str, response: str) -> Letter | None:
        """QuickBooks' answer to the letter in flight (returned), or None when there is none."""
        with self._cond:
            letter = self._in_flight
            if self.ticket != ticket or letter is None:
                return None
            letter.state, letter.response = "answered", response
            self._in_flight = None
            self._last_contact = self.monotonic()
            self.answered += 1
            self._cond.notify_all()
            return letter

    def refuse(self, ticket: str, hresult: str, message: str) -> None:
        """QuickBooks could not process the letter in flight at all (nothing applied)."""
        with self._cond:
            letter = self._in_flight
            if self.ticket != ticket or letter is None:
                return
            letter.state, letter.hresult, letter.message = "refused", hresult, message
            self._in_flight = None
            self._last_contact = self.monotonic()
            self._cond.notify_all()

    def pending(self) -> int:
        """Letters queued and not yet handed out."""
        with self._cond:
            return len(self._outbox)

    def wait_for_next(self, ticket: str, done: Callable[[], bool], wait: float) -> bool:
        """After an answer: wait (up to ``wait`` s) until the sync queues another letter or
        ``done()`` says it has finished; True when more is coming."""
        with self._cond:
            self._cond.wait_for(lambda: bool(self._outbox) or done() or self.ticket != ticket,
                                wait)
            return bool(self._outbox) or not done()

    def wake(self) -> None:
        """Re-check waiting conditions (a sync run finished)."""
        with self._cond:
            self._cond.notify_all()

    def end(self, ticket: str) -> None:
        """The session ended: the letter in flight is uncertain, queued ones were not sent."""
        with self._cond:
            if self.ticket == ticket:
                self._end(ticket)

    def _end(self, ticket: str, silent: bool = False) -> None:
        self.ticket = None
        if self._in_flight is not None:
            self._in_flight.state, self._in_flight.silent = "uncertain", silent
            self._in_flight = None
        while self._outbox:
            letter = self._outbox.popleft()
            letter.state, letter.silent = "unsent", silent
        self._cond.notify_all()


_MAILBOXES: dict[str, Mailbox] = {}
_REGISTRY_LOCK = threading.Lock()


def mailbox_for(connection: str) -> Mailbox:
    """The process's mailbox of ``connection``: the sync's ledger and the Web Connector service
    find the same one (connection names are unique in an app's database)."""
    with _REGISTRY_LOCK:
        if connection not in _MAILBOXES:
            _MAILBOXES[connection] = Mailbox(connection)
        return _MAILBOXES[connection]


def forget_mailbox(connection: str) -> None:
    """Drop a mailbox (its connection was removed, or a test ends)."""
    with _REGISTRY_LOCK:
        _MAILBOXES.pop(connection, None)

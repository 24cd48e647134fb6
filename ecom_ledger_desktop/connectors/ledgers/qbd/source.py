"""The ``ExchangeSource`` the Web Connector service drains: the journal's postings for one
QuickBooks Desktop connection, turned into qbXML by sync runs started when the Web Connector
signs in, and carried through the connection's ``Mailbox``.

A session opens with a ``PreferencesQuery`` (what the company is), and ends with the read of what
changed in QuickBooks into the company's copy (``start_refresh``). While a run prepares its next
request (e.g. reading the store), the Web Connector gets a harmless keep-alive query instead of
an empty answer, which it would take as an error. When every run started for the session has
ended and nothing is queued, the percentage reaches 100 and the Web Connector closes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field

from ecom_ledger_desktop.connectors.ledgers.qbd.mailbox import Letter, mailbox_for
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.build import message_set
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.company import preferences_query
from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.exchange import CloseReason, CompanyInfo

log = logging.getLogger(__name__)

#: seconds ``sendRequestXML`` waits for the sync's next request before a keep-alive goes out
#: (well inside the Web Connector's ~2 minutes per call)
TAKE_WAIT = 20.0
#: seconds ``receiveResponseXML`` waits to learn whether more is coming
SETTLE_WAIT = 20.0


def hello() -> Letter:
    """The first request of every session, and the keep-alive: the company's preferences."""
    return Letter(message_set([preferences_query("preferences")]), internal=True)


@dataclass
class JournalExchangeSource:
    """Serves each connection's mailbox; ``has_work(connection)`` asks the journal, and
    ``start_runs(connection)`` starts (or queues) a sync run of every pair posting to it."""

    has_work_in_journal: Callable[[str], bool]
    start_runs: Callable[[str], list[Future[object]]]
    on_session_end: Callable[[str], None] = lambda connection: None
    #: after the runs: read what changed in QuickBooks into the company's copy (its future is
    #: awaited like a run's, so the session stays open until the read is answered)
    start_refresh: Callable[[str, list[Future[object]]], Future[object] | None] | None = None
    take_wait: float = TAKE_WAIT
    settle_wait: float = SETTLE_WAIT
    _tickets: dict[str, str] = field(default_factory=dict)
    _runs: dict[str, list[Future[object]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def has_work(self, connection: str) -> bool:
        """Postings wait (or the store wants the books' stock)."""
        return self.has_work_in_journal(connection)

    def session_started(self, ticket: str, connection: str, company: CompanyInfo) -> None:
        """Open the mailbox (preferences first) and start the pairs' runs."""
        mailbox = mailbox_for(connection)
        with self._lock:
            self._tickets[ticket] = connection
        mailbox.start(ticket, first=hello())
        runs = self.start_runs(connection)
        refresh = self.start_refresh(connection, list(runs)) if self.start_refresh else None
        if refresh is not None:
            runs = [*runs, refresh]
        for run in runs:
            run.add_done_callback(lambda _run: mailbox.wake())
        with self._lock:
            self._runs[ticket] = runs

    def _done(self, ticket: str) -> bool:
        with self._lock:
            return all(run.done() for run in self._runs.get(ticket, []))

    def _mailbox(self, ticket: str) -> tuple[str, str] | None:
        with self._lock:
            connection = self._tickets.get(ticket)
        return (ticket, connection) if connection else None

    def next_request(self, ticket: str) -> str:
        """The next request the runs queued, else a keep-alive ("" for an unknown ticket)."""
        known = self._mailbox(ticket)
        if known is None:
            return ""
        letter = mailbox_for(known[1]).take(ticket, self.take_wait, hello)
        return letter.xml if letter is not None else ""

    def take_response(self, ticket: str, response_xml: str) -> int:
        """Hand the answer to the waiting run; 100 once the runs ended with nothing queued."""
        known = self._mailbox(ticket)
        if known is None:
            return -1
        mailbox = mailbox_for(known[1])
        letter = mailbox.answer(ticket, response_xml)
        if letter is None:
            return -1
        if letter.internal and "PreferencesRet" in response_xml:
            mailbox.preferences = response_xml
        if not mailbox.wait_for_next(ticket, lambda: self._done(ticket), self.settle_wait):
            return 100
        return min(99, 10 + mailbox.answered * 90 // (mailbox.answered + mailbox.pending() + 1))

    def request_failed(self, ticket: str, hresult: str, message: str) -> None:
        """QuickBooks refused the whole request: the run waiting for it learns so."""
        known = self._mailbox(ticket)
        if known is not None:
            mailbox_for(known[1]).refuse(ticket, hresult, message)

    def connection_error(self, ticket: str, hresult: str, message: str) -> None:
        """QuickBooks could not be opened (the service records why; the session then ends)."""

    def session_closed(self, ticket: str, reason: CloseReason) -> None:
        """End the mailbox's session: a request in flight is now uncertain."""
        with self._lock:
            connection = self._tickets.pop(ticket, None)
            self._runs.pop(ticket, None)
        if connection is not None:
            mailbox_for(connection).end(ticket)
        # also after a session that never reached QuickBooks (connectionError): its status counts
        self.on_session_end(connection or "")

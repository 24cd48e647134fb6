"""The mailbox between the sync and the Web Connector session, and the journal-backed source the
SOAP service drains (no HTTP here: the session side is driven by hand)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import Future

import pytest

from ecom_ledger_desktop.connectors.ledgers.qbd.mailbox import (
    Letter,
    Mailbox,
    forget_mailbox,
    mailbox_for,
)
from ecom_ledger_desktop.connectors.ledgers.qbd.source import JournalExchangeSource
from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.exchange import CompanyInfo
from ecom_ledger_desktop.core.errors import LedgerAway, RetriableError, UncertainOutcome

COMPANY = CompanyInfo("Acme.QBW", "US", 13, 0)


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    yield mailbox_for("books")
    forget_mailbox("books")


def _exchange_in_thread(mailbox: Mailbox) -> tuple[threading.Thread, list[object]]:
    outcome: list[object] = []

    def call() -> None:
        try:
            outcome.append(mailbox.exchange("<request/>"))
        except Exception as exc:  # the test reads what the sync would have met
            outcome.append(exc)

    thread = threading.Thread(target=call)
    thread.start()
    return thread, outcome


def _queued(mailbox: Mailbox) -> None:
    for _ in range(200):
        if mailbox.pending():
            return
        threading.Event().wait(0.01)
    raise AssertionError("the sync never queued its request")


def test_without_a_session_an_exchange_waits_at_once_with_the_reason(mailbox: Mailbox) -> None:
    mailbox.away_reason = lambda: "Web Connector last connected 3 h ago"
    with pytest.raises(LedgerAway, match="last connected 3 h ago"):
        mailbox.exchange("<request/>")
    assert mailbox.pending() == 0


def test_a_request_goes_out_and_its_answer_comes_back(mailbox: Mailbox) -> None:
    mailbox.start("t1")
    thread, outcome = _exchange_in_thread(mailbox)
    _queued(mailbox)
    letter = mailbox.take("t1", 1.0)
    assert letter is not None and letter.xml == "<request/>"
    mailbox.answer("t1", "<answer/>")
    thread.join(5)
    assert outcome == ["<answer/>"]


@pytest.mark.parametrize(("handed_out", "expected"), [(True, UncertainOutcome), (False, LedgerAway)])
def test_a_session_that_ends_leaves_a_sent_request_uncertain_and_a_queued_one_unsent(
        mailbox: Mailbox, handed_out: bool, expected: type[Exception]) -> None:
    mailbox.start("t1")
    thread, outcome = _exchange_in_thread(mailbox)
    _queued(mailbox)
    if handed_out:
        assert mailbox.take("t1", 1.0) is not None
    mailbox.end("t1")
    thread.join(5)
    [error] = outcome
    assert type(error) is expected


class _Seconds:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(("handed_out", "expected"), [(True, UncertainOutcome), (False, LedgerAway)])
def test_a_run_waiting_on_a_dead_session_gives_up_once_the_web_connector_went_silent(
        mailbox: Mailbox, handed_out: bool, expected: type[Exception]) -> None:
    """The Web Connector died and nobody signs in: the run does not hold its pair for the
    600 s answer timeout, only until the session has shown no sign of life for ``liveness``."""
    seconds = _Seconds()
    mailbox.monotonic, mailbox.liveness = seconds, 180.0
    mailbox.start("t1")
    thread, outcome = _exchange_in_thread(mailbox)
    _queued(mailbox)
    if handed_out:
        assert mailbox.take("t1", 1.0) is not None
    seconds.now += 170.0
    mailbox.wake()
    thread.join(0.2)
    assert thread.is_alive()  # still within the session's liveness: QuickBooks may be working
    seconds.now += 11.0
    mailbox.wake()
    thread.join(5)
    [error] = outcome
    assert type(error) is expected and "stopped calling" in str(error)
    assert not mailbox.open and mailbox.pending() == 0


def test_a_session_that_keeps_calling_is_waited_for(mailbox: Mailbox) -> None:
    seconds = _Seconds()
    mailbox.monotonic, mailbox.liveness = seconds, 180.0
    mailbox.start("t1")
    for _ in range(3):  # keep-alive calls every 100 s: the session is alive
        seconds.now += 100.0
        assert mailbox.take("t1", 0.0, keep_alive=lambda: Letter("<keep-alive/>")) is not None
        mailbox.answer("t1", "<ok/>")
    thread, outcome = _exchange_in_thread(mailbox)
    _queued(mailbox)
    letter = mailbox.take("t1", 1.0)
    assert letter is not None
    mailbox.answer("t1", "<answer/>")
    thread.join(5)
    assert outcome == ["<answer/>"]


def test_a_request_quickbooks_refused_whole_is_retried_not_uncertain(mailbox: Mailbox) -> None:
    mailbox.start("t1")
    thread, outcome = _exchange_in_thread(mailbox)
    _queued(mailbox)
    mailbox.take("t1", 1.0)
    mailbox.refuse("t1", "0x80040400", "parse error")
    thread.join(5)
    [error] = outcome
    assert isinstance(error, RetriableError) and not isinstance(error, UncertainOutcome)
    assert "0x80040400" in str(error)


def test_the_source_opens_with_preferences_keeps_alive_and_finishes_at_100(mailbox: Mailbox
                                                                          ) -> None:
    run: Future[object] = Future()
    source = JournalExchangeSource(lambda _c: True, lambda _c: [run], take_wait=0.05,
                                   settle_wait=0.05)
    source.session_started("t1", "books", COMPANY)
    first = source.next_request("t1")
    assert "PreferencesQueryRq" in first
    prefs = ('<QBXML><QBXMLMsgsRs><PreferencesQueryRs requestID="preferences" statusCode="0" '
             'statusSeverity="Info" statusMessage="Status OK"><PreferencesRet/>'
             '</PreferencesQueryRs></QBXMLMsgsRs></QBXML>')
    assert source.take_response("t1", prefs) < 100  # the run is still going
    assert mailbox.preferences == prefs
    assert "PreferencesQueryRq" in source.next_request("t1")  # nothing yet: a keep-alive
    run.set_result(None)
    assert source.take_response("t1", prefs) == 100  # the run ended, nothing queued
    ended: list[str] = []
    source.on_session_end = ended.append
    source.session_closed("t1", "closed")
    assert ended == ["books"] and not mailbox.open

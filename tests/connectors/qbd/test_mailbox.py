"""The mailbox between the sync and the Web Connector session, and the journal-backed source the
SOAP service drains (no HTTP here: the session side is driven by hand)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import Future

import pytest

from ecom_ledger_desktop.connectors.ledgers.qbd.mailbox import Mailbox, forget_mailbox, mailbox_for
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

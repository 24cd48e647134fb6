"""The Web Connector operations and their answers, called directly (no HTTP)."""

from __future__ import annotations

import logging

import pytest

from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector import ServiceSettings
from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.service import UNKNOWN_TICKET
from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.sessions import DEFAULT_STALE_AFTER
from tests.connectors.qbd_webconnector.support import (
    COMPANY_FILE,
    CONNECTION,
    PASSWORD,
    USER,
    make_rig,
    request,
)


def _open(rig, hcp="<hcp/>", client=""):
    ticket, status = rig.service.authenticate(USER, PASSWORD, client)[:2]
    assert status == ""
    return ticket, rig.service.send_request_xml(ticket, hcp, COMPANY_FILE, "US", 13, 0)


def test_versions():
    rig = make_rig(ServiceSettings(min_client_version="2.1.0.30"))
    assert rig.service.server_version()
    assert rig.service.client_version("2.3.0.215") == ""
    assert rig.service.client_version("2.0.1.5") == "O:2.1.0.30"


def test_no_work_is_none_and_opens_no_session():
    rig = make_rig()
    answer = rig.service.authenticate(USER, PASSWORD)
    assert answer[1] == "none" and len(answer) == 2
    assert rig.service.sessions.live_count() == 0
    assert rig.service.status.get(CONNECTION).condition == "ok"


def test_wrong_password_and_unknown_user_are_nvu_and_reveal_nothing(caplog):
    rig = make_rig()
    rig.source.add(CONNECTION, request(1))
    caplog.set_level(logging.DEBUG)
    wrong = rig.service.authenticate(USER, "guess")
    unknown = rig.service.authenticate("mallory", PASSWORD)
    assert wrong[1] == unknown[1] == "nvu"
    assert len(wrong) == len(unknown) == 2
    assert rig.service.sessions.live_count() == 0
    assert rig.service.send_request_xml(wrong[0], "", COMPANY_FILE, "US", 13, 0) == ""
    assert rig.service.get_last_error(wrong[0]) == UNKNOWN_TICKET
    assert rig.service.status.get(CONNECTION).condition == "wrong_password"
    assert "wrong password" in rig.service.status.describe(CONNECTION)
    assert PASSWORD not in caplog.text and "guess" not in caplog.text and "mallory" not in caplog.text


def test_password_missing_from_keyring_is_nvu_with_advice():
    rig = make_rig()
    rig.secrets.delete(CONNECTION, "webconnector_password")
    rig.source.add(CONNECTION, request(1))
    assert rig.service.authenticate(USER, "")[1] == "nvu"
    assert "No Web Connector password is set" in rig.service.status.get(CONNECTION).last_error


def test_a_full_session_hands_out_every_request_and_reports_progress():
    rig = make_rig()
    rig.source.add(CONNECTION, request(1), request(2), request(3))
    ticket, first = _open(rig, hcp="<HostQueryRs/>")
    assert first == request(1)
    assert rig.source.companies[ticket].company_file == COMPANY_FILE
    assert rig.source.companies[ticket].host_response == "<HostQueryRs/>"
    percents = [rig.service.receive_response_xml(ticket, "<ok1/>", "", "")]
    for n in (2, 3):
        assert rig.service.send_request_xml(ticket, "", COMPANY_FILE, "US", 13, 0) == request(n)
        percents.append(rig.service.receive_response_xml(ticket, f"<ok{n}/>", "", ""))
    assert percents == [33, 66, 100]
    assert rig.service.close_connection(ticket) == "Done: 3 request(s) exchanged."
    assert rig.source.closed == [(ticket, "closed")]
    assert [e.response for e in rig.source.exchanges] == ["<ok1/>", "<ok2/>", "<ok3/>"]
    status = rig.service.status.get(CONNECTION)
    assert status.condition == "ok" and status.company_file == COMPANY_FILE
    assert status.last_contact == rig.clock.now()


def test_company_file_path_from_the_account_is_returned_at_sign_in():
    rig = make_rig(company_file=COMPANY_FILE)
    rig.source.add(CONNECTION, request(1))
    assert rig.service.authenticate(USER, PASSWORD)[1] == COMPANY_FILE


def test_the_same_web_connector_signing_in_again_takes_over_its_dead_session():
    """The Web Connector was killed midway and restarted: it simply signs in again. Its old
    session is over (the request it held is uncertain, settled by a query), not "busy" for 10 min."""
    rig = make_rig(ServiceSettings(postpone_seconds=300, idle_timeout=600))
    rig.source.add(CONNECTION, request(1))
    ticket, _ = _open(rig, client="192.168.1.20")
    again = rig.service.authenticate(USER, PASSWORD, "192.168.1.20")
    assert again[1] == "" and again[0] != ticket
    assert (ticket, "abandoned") in rig.source.closed
    assert [e.request for e in rig.source.uncertain] == [request(1)]
    assert rig.service.sessions.live_count() == 1
    assert rig.service.send_request_xml(ticket, "", COMPANY_FILE, "US", 13, 0) == ""
    assert "replaced" in rig.service.get_last_error(ticket)


def test_another_web_connector_is_busy_while_the_open_session_keeps_calling():
    """A second Web Connector (another PC) with the same sign-in does not cut off a session that
    is still calling; once that one has been silent past any call's limit, the newcomer takes over."""
    rig = make_rig(ServiceSettings(postpone_seconds=300, idle_timeout=600))
    rig.source.add(CONNECTION, request(1), request(2))
    ticket, _ = _open(rig, client="192.168.1.20")
    rig.clock.advance(60)
    assert rig.service.authenticate(USER, PASSWORD, "192.168.1.31")[1:] == ["busy", "300"]
    assert rig.service.receive_response_xml(ticket, "<ok1/>", "", "") == 50  # still its session
    rig.clock.advance(DEFAULT_STALE_AFTER + 1)
    assert rig.service.authenticate(USER, PASSWORD, "192.168.1.31")[1] == ""
    assert (ticket, "abandoned") in rig.source.closed


def test_expired_ticket_is_an_error_that_says_nothing_else():
    rig = make_rig(ServiceSettings(idle_timeout=120))
    rig.source.add(CONNECTION, request(1))
    ticket, _ = _open(rig)
    rig.clock.advance(121)
    assert rig.service.receive_response_xml(ticket, "<late/>", "", "") == -1
    assert rig.service.get_last_error(ticket) == UNKNOWN_TICKET
    assert rig.service.close_connection(ticket) == UNKNOWN_TICKET
    assert rig.source.exchanges == []
    assert rig.source.pending(CONNECTION) == [request(1)]


def test_tickets_are_unguessable_and_distinct():
    rig = make_rig()
    tickets = {rig.service.authenticate(USER, PASSWORD)[0] for _ in range(50)}
    assert len(tickets) == 50 and all(len(t) == 36 for t in tickets)


def test_hresult_in_answer_is_negative_with_a_plain_error_and_the_request_stays_queued():
    rig = make_rig()
    rig.source.add(CONNECTION, request(1))
    ticket, _ = _open(rig)
    percent = rig.service.receive_response_xml(
        ticket, "", "0x80040400", "QuickBooks found an error when parsing the provided XML text stream.")
    assert percent < 0
    assert "could not read a request" in rig.service.get_last_error(ticket)
    assert rig.service.close_connection(ticket).startswith("Stopped:")
    assert rig.source.closed == [(ticket, "error")]
    assert rig.source.pending(CONNECTION) == [request(1)] and len(rig.source.failed) == 1
    assert rig.service.status.get(CONNECTION).condition == "quickbooks_error"


@pytest.mark.parametrize(("hresult", "condition", "words"), [
    ("0x80040408", "company_file_not_open", "QuickBooks company file not open"),
    ("0x80040416", "company_file_not_open", "QuickBooks company file not open"),
    ("0x80040414", "quickbooks_busy", "QuickBooks busy"),
    ("0x80040420", "access_denied", "refused access"),
])
def test_connection_error_records_why_postings_wait(hresult, condition, words):
    rig = make_rig()
    rig.source.add(CONNECTION, request(1))
    ticket = rig.service.authenticate(USER, PASSWORD)[0]
    assert rig.service.connection_error(ticket, hresult, "Could not start QuickBooks.") == "done"
    status = rig.service.status.get(CONNECTION)
    assert status.condition == condition and status.last_error_at == rig.clock.now()
    rig.clock.advance(3 * 3600)
    line = rig.service.status.describe(CONNECTION)
    assert line.startswith("Web Connector last connected 3 h ago") and words in line
    assert rig.service.close_connection(ticket) == status.advice()
    assert rig.source.closed == [(ticket, "connection_error")]
    assert rig.source.connection_errors == [(ticket, hresult)]
    assert rig.service.authenticate(USER, PASSWORD)[1] == ""  # not busy: that session is over


def test_a_failing_source_is_a_negative_percent_with_words_not_a_traceback(caplog):
    rig = make_rig()
    rig.source.add(CONNECTION, request(1))
    ticket, _ = _open(rig)

    def broken(ticket, response_xml):
        raise RuntimeError(f"database locked while storing {response_xml}")

    rig.source.take_response = broken  # type: ignore[method-assign]
    assert rig.service.receive_response_xml(ticket, "<secret-customer/>", "", "") == -1
    assert "could not use QuickBooks' answer" in rig.service.get_last_error(ticket)
    assert "secret-customer" not in caplog.text


def test_stop_ends_live_sessions_and_leaves_the_request_uncertain():
    rig = make_rig()
    rig.source.add(CONNECTION, request(1))
    ticket, _ = _open(rig)
    rig.service.stop()
    assert rig.source.closed == [(ticket, "stopped")]
    assert [e.request for e in rig.source.uncertain] == [request(1)]


def test_min_run_every_and_postpone_values():
    rig = make_rig(ServiceSettings(postpone_seconds=120, min_run_every_seconds=600))
    assert rig.service.authenticate(USER, PASSWORD)[1:] == ["none", "120", "600"]
    rig.source.add(CONNECTION, request(1))
    assert rig.service.authenticate(USER, PASSWORD)[1:] == ["", "0", "600"]


def test_status_before_any_contact_says_how_to_set_up():
    rig = make_rig()
    assert "add the .qwc file" in rig.service.status.describe(CONNECTION)


def test_accounts_can_change_while_serving():
    from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector import WebConnectorAccount

    rig = make_rig()
    rig.source.add(CONNECTION, request(1))
    rig.service.replace_accounts([])
    assert rig.service.authenticate(USER, PASSWORD)[1] == "nvu"
    rig.service.replace_accounts([WebConnectorAccount(USER, CONNECTION, COMPANY_FILE)])
    assert rig.service.authenticate(USER, PASSWORD)[1] == COMPANY_FILE


def test_an_unknown_hresult_keeps_quickbooks_own_words_on_one_line():
    from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.status import interpret_hresult

    condition, words = interpret_hresult("0x80040499", "The integrated\r\napplication   stopped.")
    assert condition == "quickbooks_error"
    assert words == "QuickBooks reported error 0x80040499: The integrated application stopped."
    assert interpret_hresult("", "")[1] == "QuickBooks reported error without a code"

"""Whole Web Connector sessions: the simulator drives the app's endpoint over loopback as QBWC does."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector import ServiceSettings, WebConnectorServer
from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.certificates import (
    generate_self_signed,
    server_context,
)
from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.service import UNKNOWN_TICKET
from ecom_ledger_desktop.sandbox.qbwc import (
    KillAt,
    QuickBooksDesktop,
    WebConnectorSchedule,
    WebConnectorSimulator,
    could_not_start,
    parse_error,
)
from tests.connectors.qbd_webconnector.support import CONNECTION, PASSWORD, USER, Rig, make_rig, request


@pytest.fixture
def rig() -> Rig:
    return make_rig()


@pytest.fixture
def server(rig: Rig) -> Iterator[WebConnectorServer]:
    with WebConnectorServer(rig.service) as running:
        yield running


@pytest.fixture
def qb() -> QuickBooksDesktop:
    return QuickBooksDesktop()


@pytest.fixture
def wc(server: WebConnectorServer, qb: QuickBooksDesktop) -> Iterator[WebConnectorSimulator]:
    with WebConnectorSimulator(server.url(), USER, PASSWORD, qb) as simulator:
        yield simulator


def test_a_session_with_work_exchanges_every_request_once(rig: Rig, wc, qb):
    rig.source.add(CONNECTION, *(request(n) for n in range(1, 5)))
    report = wc.run_session()
    assert report.outcome == "done"
    assert report.calls[:3] == ["serverVersion", "clientVersion", "authenticate"]
    assert report.calls[-1] == "closeConnection" and report.close_message == "Done: 4 request(s) exchanged."
    assert report.percents == [25, 50, 75, 100]
    assert qb.applied == [request(n) for n in range(1, 5)]
    assert [e.request for e in rig.source.exchanges] == qb.applied
    assert rig.source.pending(CONNECTION) == [] and rig.source.uncertain == []
    company = next(iter(rig.source.companies.values()))
    assert company.company_file == qb.company_file and "HostQueryRs" in company.host_response
    assert (company.qbxml_major, company.qbxml_minor) == (13, 0)
    assert rig.service.status.describe(CONNECTION) == "Web Connector last connected just now"


def test_no_work_ends_at_sign_in(rig: Rig, wc, qb):
    report = wc.run_session()
    assert report.outcome == "no_work" and report.calls == ["serverVersion", "clientVersion", "authenticate"]
    assert qb.opened == []


def test_wrong_password_is_nvu_and_nothing_moves(rig: Rig, server, qb):
    rig.source.add(CONNECTION, request(1))
    with WebConnectorSimulator(server.url(), USER, "wrong", qb) as wrong:
        assert wrong.run_session().outcome == "nvu"
    assert qb.applied == [] and rig.source.pending(CONNECTION) == [request(1)]
    assert rig.service.status.get(CONNECTION).condition == "wrong_password"


def test_a_web_connector_on_another_computer_is_told_busy_while_the_session_is_recent(
        rig: Rig, server, wc, qb):
    rig.source.add(CONNECTION, request(1))
    assert wc.run_session(kill_at=KillAt.AFTER_REQUEST).outcome == "killed"
    with WebConnectorSimulator(server.url(), USER, PASSWORD, QuickBooksDesktop(),
                               local_address="127.0.0.2") as other:
        assert other.run_session().outcome == "busy"
        rig.clock.advance(rig.service.settings.stale_after + 1)  # silent past any call's limit
        assert other.run_session().outcome == "done"
    assert [e.request for e in rig.source.uncertain] == [request(1)]


def test_the_restarted_web_connector_takes_its_session_over_at_once(rig: Rig, server, wc, qb):
    """Seen in crash trials: a killed session answered "busy" for 10 minutes; now the same Web
    Connector's next sign-in carries on."""
    rig.source.add(CONNECTION, request(1), request(2))
    assert wc.run_session(kill_at=KillAt.AFTER_APPLY).outcome == "killed"
    with WebConnectorSimulator(server.url(), USER, PASSWORD, qb) as restarted:
        report = restarted.run_session()
    assert report.outcome == "done" and report.exchanges == 2
    assert [e.request for e in rig.source.uncertain] == [request(1)]
    assert rig.service.sessions.live_count() == 0


def test_company_file_not_open_calls_connection_error_and_the_app_says_why(rig: Rig, wc, qb):
    rig.source.add(CONNECTION, request(1))
    qb.open_error = could_not_start()
    report = wc.run_session()
    assert report.outcome == "connection_error"
    assert report.calls[-2:] == ["connectionError", "closeConnection"]
    assert "company file not open" in report.close_message
    assert rig.service.status.get(CONNECTION).condition == "company_file_not_open"
    assert rig.source.pending(CONNECTION) == [request(1)]
    qb.open_error = None
    rig.clock.advance(3 * 3600)
    assert "3 h ago" in rig.service.status.describe(CONNECTION)
    assert wc.run_session().outcome == "done"  # the next update posts what waited
    assert rig.service.status.get(CONNECTION).condition == "ok"


def test_quickbooks_refusing_a_request_asks_get_last_error(rig: Rig, wc, qb):
    rig.source.add(CONNECTION, request(1), request(2))

    def refuse(request_xml: str) -> str:
        raise parse_error()

    qb.process = refuse
    report = wc.run_session()
    assert report.outcome == "error"
    assert report.calls[-3:] == ["receiveResponseXML", "getLastError", "closeConnection"]
    assert "could not read a request" in report.last_error
    assert rig.source.pending(CONNECTION) == [request(1), request(2)]


@pytest.mark.parametrize(("kill_at", "applied", "answered"), [
    (KillAt.AFTER_REQUEST, 1, 1),  # QuickBooks never saw request 2
    (KillAt.AFTER_APPLY, 2, 1),  # QuickBooks applied request 2, the app never heard
    (KillAt.ANSWER_LOST, 2, 2),  # the app took the answer, the Web Connector never heard back
])
def test_a_session_killed_midway_loses_nothing_and_leaves_doubt_where_there_is_doubt(
        rig: Rig, wc, qb, kill_at, applied, answered):
    rig.source.add(CONNECTION, request(1), request(2), request(3))
    report = wc.run_session(kill_at=kill_at, kill_on_exchange=2)
    assert report.outcome == "killed" and "closeConnection" not in report.calls
    assert len(qb.applied) == applied and len(rig.source.exchanges) == answered
    assert wc.run_session().outcome == "done"  # the restarted Web Connector takes its old session over
    uncertain = [e.request for e in rig.source.uncertain]
    assert uncertain == ([request(2)] if answered == 1 else [])  # settled by a query, never blindly re-sent
    assert rig.source.pending(CONNECTION) == []
    assert sorted(e.request for e in rig.source.exchanges) == [request(1), request(2), request(3)]


def test_a_slow_quickbooks_outlives_the_ticket(rig: Rig, wc, qb):
    rig.source.add(CONNECTION, request(1))

    def slow(request_xml: str) -> str:
        rig.clock.advance(rig.service.settings.idle_timeout + 60)
        return "<QBXML/>"

    qb.process = slow
    report = wc.run_session()
    assert report.outcome == "error" and report.last_error == UNKNOWN_TICKET
    assert rig.source.exchanges == [] and [e.request for e in rig.source.uncertain] == [request(1)]


def test_the_web_connector_gives_up_on_a_service_that_does_not_answer(server, rig: Rig, qb):
    release = threading.Event()
    original = rig.source.next_request

    def stuck(ticket: str) -> str:
        release.wait(10)
        return original(ticket)

    rig.source.next_request = stuck  # type: ignore[method-assign]
    rig.source.add(CONNECTION, request(1))
    try:
        with WebConnectorSimulator(server.url(), USER, PASSWORD, qb, timeout=0.3) as impatient:
            report = impatient.run_session()
        assert report.outcome == "timeout" and "sendRequestXML" in report.last_error
        assert qb.applied == []
    finally:
        release.set()


def test_the_schedule_runs_every_n_minutes_and_honours_postpone(qb):
    rig = make_rig(ServiceSettings(postpone_seconds=1800))
    with WebConnectorServer(rig.service) as own, \
            WebConnectorSimulator(own.url(), USER, PASSWORD, qb) as sim:
        schedule = WebConnectorSchedule(sim, every_minutes=15, clock=rig.clock)
        first = schedule.tick()
        assert first is not None and first.outcome == "no_work" and first.postpone_seconds == 1800
        rig.source.add(CONNECTION, request(1))
        rig.clock.advance(15 * 60)
        assert schedule.tick() is None  # postponed to 30 minutes
        rig.clock.advance(15 * 60)
        second = schedule.tick()
        assert second is not None and second.outcome == "done"
        assert schedule.next_run == rig.clock.now() + timedelta(minutes=15)


def test_a_session_over_https_with_the_pinned_certificate(tmp_path, qb):
    made = generate_self_signed(tmp_path, ["127.0.0.1"], datetime.now(UTC))
    rig = make_rig()
    rig.source.add(CONNECTION, request(1), request(2))
    with WebConnectorServer(rig.service, tls=server_context(made)) as secure:
        pinned = ssl.create_default_context(cafile=str(made.cert_path))
        url = secure.url("127.0.0.1")
        with WebConnectorSimulator(url, USER, PASSWORD, qb, verify=pinned) as sim:
            assert sim.run_session().outcome == "done"
            rig.source.add(CONNECTION, request(3), request(4))
            assert sim.run_session(kill_at=KillAt.ANSWER_LOST, kill_on_exchange=1).outcome == "killed"
        with WebConnectorSimulator(url, USER, PASSWORD, qb) as untrusting:
            assert untrusting.run_session().outcome == "unreachable"  # QBWC1048 in the real thing
    assert len(rig.source.exchanges) == 3


def test_a_company_simulator_plugs_in_by_duck_typing(rig: Rig, wc, qb):
    """process(request_xml) and end_session(), and a refusal carrying an ``hresult``, as the QuickBooks
    Desktop company simulator offers them."""

    class Refused(Exception):
        hresult = "0x80040400"

    ended: list[str] = []

    def process(request_xml: str) -> str:
        if "requestID=\"2\"" in request_xml:
            raise Refused("QuickBooks found an error when parsing the provided XML text stream.")
        return "<QBXML><QBXMLMsgsRs/></QBXML>"

    qb.process = process
    qb.on_session_end = lambda: ended.append("end")
    rig.source.add(CONNECTION, request(1), request(2))
    report = wc.run_session()
    assert report.outcome == "error" and "could not read a request" in report.last_error
    assert ended == ["end"] and len(rig.source.failed) == 1 and rig.source.failed[0].hresult == "0x80040400"
    rig.source.add(CONNECTION, request(3))
    rig.source.queues[CONNECTION].remove(request(2))
    assert wc.run_session(kill_at=KillAt.AFTER_APPLY).outcome == "killed"
    assert ended == ["end", "end"]  # a dead Web Connector lets go of QuickBooks too


def test_five_hundred_exchanges_in_one_session(rig: Rig, wc, qb):
    rig.source.add(CONNECTION, *(request(n) for n in range(500)))
    report = wc.run_session()
    assert report.outcome == "done" and report.exchanges == 500 and len(qb.applied) == 500
    assert report.percents == sorted(report.percents) and report.percents[-1] == 100
    assert all(0 <= p <= 100 for p in report.percents)


def test_the_schedule_runs_in_its_own_thread_until_stopped(rig: Rig, wc):
    reports = []
    stop = threading.Event()
    schedule = WebConnectorSchedule(wc, every_minutes=15, clock=rig.clock)

    def collect(report):
        reports.append(report)
        stop.set()

    runner = threading.Thread(target=schedule.run, args=(stop, 0.01, collect))
    runner.start()
    runner.join(10)
    assert not runner.is_alive() and [r.outcome for r in reports] == ["no_work"]


def test_the_command_line_runs_one_update(server, rig: Rig, monkeypatch, capsys):
    import json

    from ecom_ledger_desktop.sandbox.qbwc.__main__ import main

    rig.source.add(CONNECTION, request(1))
    monkeypatch.setenv("QBWC_PASSWORD", PASSWORD)
    assert main([server.url(), USER]) == 0
    assert json.loads(capsys.readouterr().out)["outcome"] == "done"


def test_a_web_connector_that_never_closes_after_an_error_does_not_block_the_next_update(
        rig: Rig, server, qb):
    rig.source.add(CONNECTION, request(1))
    qb.open_error = could_not_start()
    with WebConnectorSimulator(server.url(), USER, PASSWORD, qb, close_after_error=False) as terse:
        assert terse.run_session().outcome == "connection_error"
        qb.open_error = None
        assert terse.run_session().outcome == "done"  # connectionError already ended that session

        def refuse(request_xml: str) -> str:
            raise parse_error()

        qb.process = refuse
        rig.source.add(CONNECTION, request(2))
        assert terse.run_session().outcome == "error"
        qb.process = lambda request_xml: "<QBXML/>"
        assert terse.run_session().outcome == "done"  # getLastError already ended the failed session
    assert rig.source.pending(CONNECTION) == []

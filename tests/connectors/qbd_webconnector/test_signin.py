"""Sign-in: the keyring password, a pause after repeated wrong ones, and nothing leaked on the way."""

from __future__ import annotations

import logging

from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector import (
    PASSWORD_KEY,
    WebConnectorServer,
    WebConnectorStatus,
    issue_password,
)
from ecom_ledger_desktop.sandbox.qbwc import WebConnectorSimulator
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from tests.connectors.qbd_webconnector.support import CONNECTION, PASSWORD, USER, make_rig, request


def test_issued_passwords_are_random_and_kept_in_the_store():
    store = MemorySecretStore()
    first = issue_password(store, CONNECTION)
    assert store.get(CONNECTION, PASSWORD_KEY) == first and len(first) >= 24
    assert issue_password(store, CONNECTION) != first


def test_repeated_wrong_passwords_pause_sign_ins_even_for_the_right_one():
    rig = make_rig()
    rig.source.add(CONNECTION, request(1))
    for _ in range(5):
        assert rig.service.authenticate(USER, "guess")[1] == "nvu"
    assert rig.service.authenticate(USER, PASSWORD)[1] == "nvu"  # paused
    assert "Too many wrong passwords" in rig.service.status.get(CONNECTION).last_error
    rig.clock.advance(61)
    assert rig.service.authenticate(USER, PASSWORD)[1] == ""  # the pause is over; success clears it
    rig.service.stop()
    assert rig.service.authenticate(USER, "guess")[1] == "nvu"
    assert rig.service.authenticate(USER, PASSWORD)[1] == ""


def test_guessing_user_names_pauses_too_without_touching_the_real_account():
    rig = make_rig()
    rig.source.add(CONNECTION, request(1))
    for n in range(6):
        assert rig.service.authenticate(f"user{n}", PASSWORD)[1] == "nvu"
    assert rig.service.authenticate(USER, PASSWORD)[1] == ""
    assert rig.service.status.get(CONNECTION).condition == "ok"


def test_a_whole_session_logs_no_password_ticket_or_qbxml(caplog):
    rig = make_rig()
    secret_name = "Jane Customer-Private 4111"
    rig.source.add(CONNECTION, request(1).replace("Jane &amp; Co 1", secret_name))
    caplog.set_level(logging.DEBUG)
    with WebConnectorServer(rig.service) as server, \
            WebConnectorSimulator(server.url(), USER, PASSWORD) as wc:
        report = wc.run_session()
        with WebConnectorSimulator(server.url(), USER, "a-wrong-password") as wrong:
            wrong.run_session()
    assert report.outcome == "done"
    ticket = rig.source.closed[0][0]
    text = caplog.text
    assert "update session started" in text
    for leak in (PASSWORD, "a-wrong-password", ticket, secret_name, "CustomerQueryRq"):
        assert leak not in text


def test_status_survives_a_restart_when_the_app_keeps_it():
    rig = make_rig()
    rig.service.status.restore(CONNECTION, WebConnectorStatus("company_file_not_open", rig.clock.now()))
    rig.clock.advance(2 * 3600)
    assert rig.service.status.describe(CONNECTION).startswith("Web Connector last connected 2 h ago. "
                                                             "QuickBooks company file not open")

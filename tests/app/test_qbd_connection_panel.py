"""The QuickBooks Desktop card on the Connections page (real widgets, a real database): the
address the Web Connector calls, the certificate, its last contact, the setup steps, "Save .qwc
file…" and a new Web Connector password shown once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from ecom_ledger_desktop.app.dialogs import ScriptedDialogs
from ecom_ledger_desktop.app.views.connections import ConnectionsPage
from ecom_ledger_desktop.app.views.qbd_panel import QbdConnectionPanel
from ecom_ledger_desktop.connectors.ledgers.qbd.presence import status_facts
from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector import PASSWORD_KEY
from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.status import WebConnectorStatus
from ecom_ledger_desktop.models.connections import ConnectionConfig

from .conftest import WAIT_MS
from .test_connections_page import make_context


@pytest.fixture
def page(qtbot, tmp_path: Path) -> Iterator[ConnectionsPage]:
    ctx = make_context(tmp_path)
    state = ctx.service.open_state()
    try:
        with state.tx():
            conn_id = state.connections.add_connection(ConnectionConfig(
                name="back office", kind="qbd", settings={"port": "8443"}))
            state.ledger_names.keep_presence(conn_id, status_facts(WebConnectorStatus(
                condition="quickbooks_busy",
                last_contact=ctx.service.clock.now().replace(microsecond=0))))
    finally:
        state.close()
    shown = ConnectionsPage(ctx)
    qtbot.addWidget(shown)
    shown.show()
    shown.refresh()
    qtbot.waitUntil(lambda: "back office" in shown.cards, timeout=WAIT_MS)
    yield shown
    qtbot.waitUntil(lambda: ctx.tasks.in_flight == 0, timeout=WAIT_MS)
    ctx.tasks.shutdown()


def _panel(page: ConnectionsPage) -> QbdConnectionPanel:
    panel = page.cards["back office"].panel
    assert isinstance(panel, QbdConnectionPanel)
    return panel


def test_the_card_shows_the_address_certificate_last_contact_and_steps(qtbot, page) -> None:
    panel = _panel(page)
    qtbot.waitUntil(lambda: panel.facts is not None, timeout=WAIT_MS)
    assert panel.url_label.text() == "Web Connector address: http://localhost:8443/qbwc"
    assert "No certificate needed" in panel.certificate_label.text()
    said = panel.contact_label.text()
    assert said.startswith("Web Connector last connected just now") and "QuickBooks busy" in said
    steps = panel.steps_label.text()
    assert "dedicated user" in steps and "even if QuickBooks is not running" in steps
    assert page.cards["back office"].connect_button.isHidden()  # no browser sign-in here


def test_save_qwc_writes_the_file_where_the_merchant_chose(qtbot, page, tmp_path: Path) -> None:
    dialogs = page.ctx.dialogs
    assert isinstance(dialogs, ScriptedDialogs)
    target = tmp_path / "Back office.qwc"
    dialogs.paths.append(str(target))
    _panel(page).save_qwc_button.click()
    qtbot.waitUntil(lambda: bool(dialogs.texts("inform")), timeout=WAIT_MS)
    root = etree.fromstring(target.read_bytes())
    assert root.findtext("AppURL") == "http://localhost:8443/qbwc"
    assert root.findtext("UserName") == "back office"
    assert "open it in the QuickBooks Web Connector" in dialogs.texts("inform")[0]
    _panel(page).save_qwc_button.click()  # cancelled: nothing written, nothing said
    assert len(dialogs.texts("inform")) == 1


def test_a_new_web_connector_password_is_kept_in_the_keyring_and_shown_once(qtbot, page) -> None:
    dialogs = page.ctx.dialogs
    assert isinstance(dialogs, ScriptedDialogs)
    button = _panel(page).password_button
    assert button.text() == "Make the Web Connector password"  # none yet
    button.click()
    qtbot.waitUntil(lambda: bool(dialogs.texts("inform")), timeout=WAIT_MS)
    password = page.ctx.service.secrets.get("back office", PASSWORD_KEY)
    assert password and password in dialogs.texts("inform")[0]
    assert not dialogs.texts("confirm")  # the first one needs no confirmation
    assert button.text() == "New Web Connector password"
    button.click()  # a new one: asked first, the Web Connector needs it typed again
    qtbot.waitUntil(lambda: len(dialogs.texts("inform")) == 2, timeout=WAIT_MS)
    assert dialogs.texts("confirm")
    again = page.ctx.service.secrets.get("back office", PASSWORD_KEY)
    assert again and again != password and again in dialogs.texts("inform")[1]
    assert again not in _panel(page).steps_label.text()

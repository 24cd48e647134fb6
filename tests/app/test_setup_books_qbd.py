"""The setup assistant's books page offers QuickBooks Desktop next to the books that sign in in
a browser: saved, it shows the Web Connector's setup steps, the .qwc file and the password
(shown once), and the assistant goes on (postings wait until the Web Connector first calls)."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from ecom_ledger_desktop.app.dialogs import ScriptedDialogs
from ecom_ledger_desktop.app.views.qbd_panel import QbdConnectionPanel
from ecom_ledger_desktop.app.views.setup_assistant import SetupAssistant
from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector import PASSWORD_KEY

from .conftest import WAIT_MS
from .test_connections_page import make_context


def test_the_books_page_sets_up_quickbooks_desktop_with_its_steps_file_and_password(
        qtbot, tmp_path: Path) -> None:
    ctx = make_context(tmp_path)
    dialogs = ctx.dialogs
    assert isinstance(dialogs, ScriptedDialogs)
    wizard = SetupAssistant(ctx, demo_starter=lambda _store, _ledger: False)
    qtbot.addWidget(wizard)
    wizard.show()
    books = wizard.books_page
    books.initializePage()
    choices = [books.kind_combo.itemText(i) for i in range(books.kind_combo.count())]
    assert "QuickBooks Desktop" in choices and "QuickBooks Online" in choices
    assert not books.kind_combo.isHidden()
    books.choose_kind("qbd")
    assert books.action_button.text() == "Save and set up QuickBooks Desktop"
    assert "Web Connector" in books.subTitle()
    assert books.fields is not None
    books.fields.name_edit.setText("Back office")
    books.fields.set_text("tax_items", "8.25=CA Sales Tax")
    books.action_button.click()
    qtbot.waitUntil(books.isComplete, timeout=WAIT_MS)
    assert wizard.ledger_name == "Back office" and "✓" in books.result.text()
    panel = books.panel
    assert isinstance(panel, QbdConnectionPanel) and not panel.isHidden()
    qtbot.waitUntil(lambda: panel.facts is not None, timeout=WAIT_MS)
    steps = panel.steps_label.text()
    assert "dedicated user" in steps and "even if QuickBooks is not running" in steps
    assert panel.url_label.text().startswith("Web Connector address: http://localhost:")
    # the .qwc file where the merchant chose
    target = tmp_path / "Back office.qwc"
    dialogs.paths.append(str(target))
    panel.save_qwc_button.click()
    qtbot.waitUntil(lambda: target.exists() and bool(dialogs.texts("inform")), timeout=WAIT_MS)
    assert etree.fromstring(target.read_bytes()).findtext("UserName") == "Back office"
    # the password: made here, in the keyring, shown once
    assert panel.password_button.text() == "Make the Web Connector password"
    panel.password_button.click()
    qtbot.waitUntil(lambda: len(dialogs.texts("inform")) == 2, timeout=WAIT_MS)
    password = ctx.service.secrets.get("Back office", PASSWORD_KEY)
    assert password and password in dialogs.texts("inform")[1]
    assert password not in books.result.text() and password not in steps
    qtbot.waitUntil(lambda: ctx.tasks.in_flight == 0, timeout=WAIT_MS)
    wizard.reject()
    ctx.tasks.shutdown()

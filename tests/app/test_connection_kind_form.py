"""A kind declared only in a test gets its own entry under "Add a store", form fields, intro, card
and test report on the Connections page: the app reads declarations, it names no kind."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLineEdit

from ecom_ledger_desktop.app.views.connections import ConnectionsPage
from ecom_ledger_desktop.connectors.registry import DEFAULT_DEMO_STORE, KINDS, registered

from ..connectors.test_connection_kinds import ACME
from .conftest import WAIT_MS
from .test_connections_page import make_context


@pytest.fixture
def page(qtbot, tmp_path: Path) -> Iterator[ConnectionsPage]:
    with registered(ACME):
        ctx = make_context(tmp_path)
        shown = ConnectionsPage(ctx)
        qtbot.addWidget(shown)
        shown.show()
        qtbot.waitUntil(lambda: shown.loaded, timeout=WAIT_MS)
        yield shown
        qtbot.waitUntil(lambda: ctx.tasks.in_flight == 0, timeout=WAIT_MS)
        ctx.tasks.shutdown()


def test_a_declared_kind_gets_a_button_a_form_and_a_card(qtbot, page) -> None:
    # two kinds of store now: "Add a store" asks which kind first, in the kinds' own names
    store_button = page.add_buttons["store"]
    assert store_button.text() == "Add a store"
    assert [a.text() for a in store_button.menu().actions()] == [
        kind.system for kind in KINDS.values() if kind.role == "store"]
    assert "Acme Cart" in [a.text() for a in store_button.menu().actions()]
    page.add_actions["acmecart"].trigger()
    dialog = page.dialog
    assert dialog is not None and dialog.windowTitle() == "Add an Acme Cart store"
    fields = dialog.fields
    assert set(fields.inputs) == {"name", "environment", "shop_url", "region", "api_key"}
    api_key = fields.inputs["api_key"]
    assert isinstance(api_key, QLineEdit) and api_key.echoMode() == QLineEdit.EchoMode.Password
    assert fields.name_edit.placeholderText() == "e.g. My shop"

    # the declaration's validation, under its field
    fields.name_edit.setText("Acme")
    fields.set_text("shop_url", "acme")
    fields.set_text("region", "mars")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not fields.problems["shop_url"].isHidden(), timeout=WAIT_MS)
    assert "not a web address" in fields.problems["shop_url"].text()
    assert "Choose one of eu, us" in fields.problems["region"].text()
    assert "API key is needed" in fields.problems["api_key"].text()

    fields.set_text("shop_url", "https://acme.example")
    fields.set_text("region", "")
    fields.set_text("api_key", "acme-key-1")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "Acme" in page.cards, timeout=WAIT_MS)
    card = page.cards["Acme"]
    assert card.detail_label.text().startswith("Acme Cart store · https://acme.example")
    assert card.connect_button.isHidden()  # a key kind never signs in in a browser
    card.test_button.click()
    qtbot.waitUntil(lambda: bool(card.report_texts()), timeout=WAIT_MS)
    assert card.report_texts()[0].startswith("✓ Shop answers")

    # editing it: its own form again, filled in; the secret stays unless retyped
    card.edit_button.click()
    edit = page.dialog
    assert edit is not None and edit.windowTitle() == "Edit Acme"
    assert edit.fields.text("shop_url") == "https://acme.example"
    assert edit.fields.text("api_key") == ""
    edit.fields.set_text("shop_url", "https://eu.acme.example")
    edit.save_button.click()
    qtbot.waitUntil(lambda: "eu.acme.example" in page.cards["Acme"].detail_label.text(),
                    timeout=WAIT_MS)
    page.cards["Acme"].test_button.click()  # tests the edited address, with the kept key
    qtbot.waitUntil(lambda: any("eu.acme.example" in t for t in page.cards["Acme"].report_texts()),
                    timeout=WAIT_MS)
    assert any(t.startswith("✓ Key accepted") for t in page.cards["Acme"].report_texts())


def test_correcting_an_order_in_the_store_is_said_in_the_kinds_words() -> None:
    from ecom_ledger_desktop.app.views.error_fixes import store_side_advice

    magento = KINDS[DEFAULT_DEMO_STORE]
    assert store_side_advice(magento.name, "000000042").startswith(
        f"Open the order in your {magento.brand} admin ({magento.orders_in_back_office} › "
        "#000000042)")
    with registered(ACME):  # declares no orders path
        assert "your Acme admin (#7)" in store_side_advice("acmecart", "7")
    assert "your store's admin (#7)" in store_side_advice("gone", "7")

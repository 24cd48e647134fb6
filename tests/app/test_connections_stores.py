"""The Connections page and the setup assistant, per new store kind, through the real forms
against its simulator: add (the form says where to find the key in that store's back office),
test line by line, a wrong key said in plain words, edit (the kept key, a corrected address)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel

from ecom_ledger_desktop.app.views.connections import ConnectionsPage
from ecom_ledger_desktop.app.views.setup_assistant import SetupAssistant
from ecom_ledger_desktop.connectors.kinds import load
from ecom_ledger_desktop.connectors.registry import KINDS

from .conftest import WAIT_MS
from .test_connections_page import make_context

#: where each kind's form says the key is found (its back office's words)
WHERE_THE_KEY_IS = {"prestashop": "Advanced Parameters › Webservice", "xcart": "REST API"}


@pytest.fixture(params=sorted(WHERE_THE_KEY_IS))
def shop(request: pytest.FixtureRequest) -> Iterator[Any]:
    simulator = load(KINDS[request.param].demo_simulator)(seed_orders=3)
    simulator.start()
    simulator.kind = request.param
    yield simulator
    simulator.stop()


@pytest.fixture
def page(qtbot, tmp_path: Path) -> Iterator[ConnectionsPage]:
    ctx = make_context(tmp_path)
    shown = ConnectionsPage(ctx)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitUntil(lambda: shown.loaded, timeout=WAIT_MS)
    yield shown
    qtbot.waitUntil(lambda: ctx.tasks.in_flight == 0, timeout=WAIT_MS)
    ctx.tasks.shutdown()


def _report(qtbot, page: ConnectionsPage, name: str, before: list[str]) -> list[str]:
    card = page.cards[name]
    card.test_button.click()
    qtbot.waitUntil(lambda: bool(card.report_texts()) and card.report_texts() != before,
                    timeout=WAIT_MS)
    return card.report_texts()


def test_a_store_is_added_tested_and_edited_in_plain_words(qtbot, page, shop) -> None:
    kind = KINDS[shop.kind]
    settings, secrets = shop.demo_connection()
    [(secret_name, key)] = secrets.items()
    page.add_actions[kind.name].trigger()
    dialog = page.dialog
    assert dialog is not None and dialog.windowTitle() == f"Add {kind.a(kind.display_name)}"
    intro = [label.text() for label in dialog.findChildren(QLabel)
             if label.text() == kind.where_to_find_key]
    assert intro and WHERE_THE_KEY_IS[kind.name] in intro[0], "where to find the key"
    dialog.fields.name_edit.setText("My shop")
    dialog.save_button.click()  # nothing filled in: each missing field says so, nothing saved
    qtbot.waitUntil(lambda: not dialog.fields.problems["base_url"].isHidden(), timeout=WAIT_MS)
    assert f"{kind.setting(secret_name).words} is needed" in \
        dialog.fields.problems[secret_name].text()
    for name, value in settings.items():
        dialog.fields.set_text(name, value)
    dialog.fields.set_text(secret_name, "0" * len(key))  # a wrong key first
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "My shop" in page.cards, timeout=WAIT_MS)
    card = page.cards["My shop"]
    assert card.detail_label.text().startswith(f"{kind.display_name} · {shop.base_url}")
    refused = _report(qtbot, page, "My shop", [])
    crosses = " ".join(line for line in refused if line.startswith("✗ ")).lower()
    assert "key" in crosses, refused
    assert "0" * len(key) not in crosses, "the key is never shown"

    # editing: its own form, filled in, the secret left empty unless retyped
    card.edit_button.click()
    edit = page.dialog
    assert edit is not None and edit.windowTitle() == "Edit My shop"
    assert edit.fields.text("base_url") == shop.base_url and edit.fields.text(secret_name) == ""
    edit.fields.set_text(secret_name, key)
    edit.save_button.click()
    qtbot.waitUntil(lambda: page.dialog is None or not page.dialog.isVisible(), timeout=WAIT_MS)
    lines = _report(qtbot, page, "My shop", refused)
    assert lines and all(line.startswith("✓ ") for line in lines), lines
    qtbot.waitUntil(lambda: page.cards["My shop"].chip.text() == "Works", timeout=WAIT_MS)

    # a second edit that leaves the key empty keeps it
    page.cards["My shop"].edit_button.click()
    again = page.dialog
    assert again is not None
    again.fields.set_text("base_url", shop.base_url + "/")
    again.save_button.click()
    qtbot.waitUntil(lambda: page.dialog is None or not page.dialog.isVisible(), timeout=WAIT_MS)
    assert all(line.startswith("✓ ") for line in _report(qtbot, page, "My shop", []))


def test_the_setup_assistant_connects_the_store_kind_picked(qtbot, tmp_path, shop) -> None:
    kind = KINDS[shop.kind]
    settings, secrets = shop.demo_connection()
    [(secret_name, key)] = secrets.items()
    ctx = make_context(tmp_path)
    wizard = SetupAssistant(ctx, open_url=lambda _url: True, demo_starter=lambda _store: False)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    page = wizard.store_page
    page.choose_kind(kind.name)
    assert page.subTitle() == kind.where_to_find_key
    assert page.fields is not None and secret_name in page.fields.inputs
    page.fields.name_edit.setText("Shop")
    for name, value in settings.items():
        page.fields.set_text(name, value)
    page.fields.set_text(secret_name, "0" * len(key))
    page.action_button.click()
    qtbot.waitUntil(lambda: "✗" in page.result.text(), timeout=WAIT_MS)
    assert not page.isComplete() and "0" * len(key) not in page.result.text()
    page.fields.set_text(secret_name, key)  # the right key: the same connection, tested again
    page.action_button.click()
    qtbot.waitUntil(page.isComplete, timeout=WAIT_MS)
    assert "✓" in page.result.text() and "✗" not in page.result.text()
    state = ctx.service.open_state()
    try:
        saved = state.connections.connection("Shop")
        assert saved is not None and saved.kind == kind.name
    finally:
        state.close()
    wizard.reject()
    qtbot.waitUntil(lambda: ctx.tasks.in_flight == 0, timeout=WAIT_MS)
    ctx.tasks.shutdown()

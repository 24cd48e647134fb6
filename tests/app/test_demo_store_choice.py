"""Where the demo is offered, the merchant picks the pretend shop (listed from the declared
kinds, in their brand names), and the setup assistant asks which kind of store first when there
are several; a kind declared only in a test proves the app names none."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from ecom_ledger_desktop.app.main import parse_args
from ecom_ledger_desktop.app.views.demo_choice import DemoStoreChoice, demo_command
from ecom_ledger_desktop.app.views.setup_assistant import SetupAssistant
from ecom_ledger_desktop.connectors.registry import (
    DEFAULT_DEMO_LEDGER,
    DEFAULT_DEMO_STORE,
    KINDS,
    registered,
)
from tests.support.acme_shop import ACME_SHOP

from .conftest import WAIT_MS
from .test_connections_page import make_context, running_sims


@pytest.fixture
def acme() -> Iterator[None]:
    with registered(ACME_SHOP):
        yield


def test_the_demo_shops_are_the_kinds_with_a_simulator_in_their_brand_names(qtbot, acme) -> None:
    choice = DemoStoreChoice()
    qtbot.addWidget(choice)
    names = [choice.combo.itemText(i) for i in range(choice.combo.count())]
    declared = [kind.brand for kind in KINDS.values()
                if kind.role == "store" and kind.demo_simulator and kind.name != DEFAULT_DEMO_STORE]
    assert names == [KINDS[DEFAULT_DEMO_STORE].brand, *declared]  # the default first
    assert "Acme" in names
    assert not choice.isHidden() and choice.store() == DEFAULT_DEMO_STORE
    choice.combo.setCurrentIndex(names.index("Acme"))
    assert choice.store() == "acmeshop"


def test_the_demo_command_opens_the_chosen_shop_and_make_run_still_the_default() -> None:
    assert demo_command()[1][-1] == "--demo"  # `make run` = --demo: the default demo shop
    assert demo_command("acmeshop")[1][-3:] == ["--demo", "--demo-store", "acmeshop"]
    assert parse_args(["--demo"]).demo_store == DEFAULT_DEMO_STORE


def test_the_app_takes_a_declared_demo_store_and_refuses_others(acme, capsys) -> None:
    args = parse_args(["--demo-store", "acmeshop"])
    assert args.demo and args.demo_store == "acmeshop"
    with pytest.raises(SystemExit):
        parse_args(["--demo-store", "nosuchshop"])
    assert "invalid choice" in capsys.readouterr().err


def test_the_welcome_starts_the_demo_on_the_chosen_shop(qtbot, make_shell, empty_service,
                                                        acme) -> None:
    h = make_shell(service=empty_service)
    page = h.shell.window.pages["dashboard"]
    qtbot.waitUntil(page.welcome.isVisible, timeout=WAIT_MS)
    assert page.demo_choice.isVisible()
    started: list[str] = []
    page.demo_starter = lambda store, _ledger: started.append(store) or True
    page.demo_choice.choose("acmeshop")
    page.welcome.buttons[1].click()  # "Try the demo"
    assert started == ["acmeshop"]
    page.demo_starter = lambda _store, _ledger: False
    page.welcome.buttons[1].click()
    assert h.ctx.dialogs.texts("warn")


def test_the_assistant_offers_the_demo_shops_and_asks_the_kind_of_store_first(
        qtbot, tmp_path: Path, acme) -> None:
    ctx = make_context(tmp_path)
    started: list[str] = []
    with running_sims(orders=0) as sims:
        wizard = SetupAssistant(ctx,
                                demo_starter=lambda store, _ledger: started.append(store) or True)
        qtbot.addWidget(wizard)
        wizard.show()
        intro = " ".join(label.text() for label in wizard.intro.findChildren(QLabel))
        brands = [kind.brand for kind in KINDS.values() if kind.role == "store"]
        assert f"Connect your {', '.join(brands[:-1])} or {brands[-1]} store" in intro
        assert brands[0] == KINDS[DEFAULT_DEMO_STORE].brand and brands[-1] == "Acme"
        wizard.next()
        store = wizard.store_page
        assert store.kind_combo.isVisible()
        systems = [store.kind_combo.itemText(i) for i in range(store.kind_combo.count())]
        assert systems == [kind.system for kind in KINDS.values() if kind.role == "store"]
        assert systems[-1] == "Acme Shop"
        store.choose_kind("acmeshop")
        # the form and the words are the chosen kind's own
        assert store.fields is not None and set(store.fields.inputs) >= {"shop_url", "api_key"}
        assert "Advanced › Webservice" in store.subTitle()
        store.fields.name_edit.setText("Acme")
        store.fields.set_text("shop_url", sims.store.base_url)
        store.fields.set_text("api_key", sims.store.token)
        store.action_button.click()
        qtbot.waitUntil(store.isComplete, timeout=WAIT_MS)
        assert "✓" in store.result.text() and not store.kind_combo.isEnabled()
        state = ctx.service.open_state()
        try:
            assert {c.name: c.kind for c in state.connections.connections()} == {
                "Acme": "acmeshop"}
        finally:
            state.close()
        wizard.back()
        wizard.intro.demo_choice.choose("acmeshop")
        wizard.intro.demo_button.click()
    assert started == ["acmeshop"]
    ctx.tasks.shutdown()


def test_the_demo_books_are_the_ledger_kinds_with_a_simulator_next_to_the_shop(qtbot) -> None:
    choice = DemoStoreChoice()
    qtbot.addWidget(choice)
    books = [choice.ledger_combo.itemText(i) for i in range(choice.ledger_combo.count())]
    ledgers = [kind for kind in KINDS.values() if kind.role == "ledger" and kind.demo_simulator]
    assert books[0].startswith(KINDS[DEFAULT_DEMO_LEDGER].brand)  # the default first
    brands = [kind.brand for kind in ledgers]
    assert sorted(books) == sorted(kind.brand if brands.count(kind.brand) == 1 else kind.system
                                   for kind in ledgers) and len(books) >= 2
    assert "QuickBooks Desktop" in books and "QuickBooks Online" in books
    assert choice.ledger_label.text() == "Demo books:" and not choice.isHidden()
    assert choice.ledger() == DEFAULT_DEMO_LEDGER
    other = next(kind.name for kind in ledgers if kind.name != DEFAULT_DEMO_LEDGER)
    choice.choose_ledger(other)
    assert choice.ledger() == other and choice.store() == DEFAULT_DEMO_STORE
    assert demo_command(choice.store(), choice.ledger())[1][-3:] == [
        "--demo", "--demo-ledger", other]
    args = parse_args(["--demo-ledger", other])
    assert args.demo and (args.demo_store, args.demo_ledger) == (DEFAULT_DEMO_STORE, other)
    assert parse_args(["--demo"]).demo_ledger == DEFAULT_DEMO_LEDGER  # `make run`


def test_with_one_demo_ledger_and_one_demo_shop_there_is_nothing_to_choose(
        qtbot, monkeypatch) -> None:
    for kind in list(KINDS.values()):  # every other demo (shop or books) gone
        if kind.name not in (DEFAULT_DEMO_LEDGER, DEFAULT_DEMO_STORE):
            monkeypatch.setitem(KINDS, kind.name, replace(kind, demo_simulator=""))
    choice = DemoStoreChoice()
    qtbot.addWidget(choice)
    assert choice.isHidden() and choice.ledger() == DEFAULT_DEMO_LEDGER


def test_the_welcome_starts_the_demo_on_the_chosen_books(qtbot, make_shell,
                                                         empty_service) -> None:
    h = make_shell(service=empty_service)
    page = h.shell.window.pages["dashboard"]
    qtbot.waitUntil(page.welcome.isVisible, timeout=WAIT_MS)
    assert page.demo_choice.ledger_combo.isVisible()
    started: list[tuple[str, str]] = []
    page.demo_starter = lambda *chosen: started.append(chosen) or True
    page.demo_choice.ledger_combo.setCurrentIndex(1)
    page.welcome.buttons[1].click()  # "Try the demo"
    assert started == [(DEFAULT_DEMO_STORE, page.demo_choice.ledger())]
    assert started[0][1] != DEFAULT_DEMO_LEDGER

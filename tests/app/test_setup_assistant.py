"""The first-run setup assistant against the simulators, the demo way out, the first-run offer."""

from __future__ import annotations

from pathlib import Path

import httpx
from PySide6.QtCore import QDate

from ecom_ledger_desktop.app.views.setup_assistant import (
    SetupAssistant,
    offer_setup_on_first_run,
)
from ecom_ledger_desktop.connectors.registry import (
    DEFAULT_DEMO_LEDGER,
    DEFAULT_DEMO_STORE,
    demo_ledgers,
    demo_stores,
)
from ecom_ledger_desktop.sandbox.magento2.seed_catalog import DEMO_CATALOG

from .conftest import WAIT_MS
from .test_connections_page import CLIENT_ID, CLIENT_SECRET, TOKEN, make_context, running_sims


def fill(fields, values: dict[str, str]) -> None:
    for key, value in values.items():
        if key == "name":
            fields.name_edit.setText(value)
        else:
            fields.set_text(key, value)


def test_the_assistant_connects_both_pairs_them_and_saves_the_good_matches(
        qtbot, tmp_path: Path) -> None:
    ctx = make_context(tmp_path)
    opened: list[str] = []
    with running_sims(orders=10) as sims:
        half = len(DEMO_CATALOG) // 2
        sims.ledger.seed_items(  # half known by SKU, half only by name (a suggestion)
            [{"sku": p["sku"] if i < half else None, "name": p["name"], "price": p["price"],
              "qty": 10} for i, p in enumerate(DEMO_CATALOG)])
        wizard = SetupAssistant(ctx, open_url=lambda url: opened.append(url.toString()) or True,
                                demo_starter=lambda _store, _ledger: False)
        qtbot.addWidget(wizard)
        wizard.show()
        wizard.next()
        store = wizard.store_page
        assert wizard.currentPage() is store and not store.isComplete()
        fill(store.fields, {"name": "Shop", "base_url": sims.store.base_url, "token": "wrong"})
        store.action_button.click()
        qtbot.waitUntil(lambda: "✗" in store.result.text(), timeout=WAIT_MS)
        assert not store.isComplete()
        store.fields.set_text("token", TOKEN)  # fix it and try again: the same connection
        store.action_button.click()
        qtbot.waitUntil(store.isComplete, timeout=WAIT_MS)
        assert "✓" in store.result.text() and "✗" not in store.result.text()
        wizard.next()
        books = wizard.books_page
        assert wizard.currentPage() is books
        fill(books.fields, {"name": "Books", "client_id": CLIENT_ID,
                            "client_secret": CLIENT_SECRET, "redirect_uri": sims.direct_uri,
                            "environment": "sandbox", **sims.ledger_urls()})
        books.action_button.click()
        qtbot.waitUntil(lambda: bool(opened), timeout=WAIT_MS)
        consent = httpx.get(opened[-1], follow_redirects=False, timeout=10)
        httpx.get(consent.headers["Location"], timeout=10)  # the browser lands on the listener
        qtbot.waitUntil(books.isComplete, timeout=WAIT_MS)
        wizard.next()
        schedule = wizard.schedule_page
        assert schedule.name_edit.text() == "Shop → Books"
        schedule.start_date.setDate(QDate(2026, 3, 1))
        schedule.minutes.setValue(30)
        wizard.next()
        mappings = wizard.mappings_page
        qtbot.waitUntil(lambda: wizard.currentPage() is mappings, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: mappings.loaded, timeout=WAIT_MS)
        assert mappings.table.rowCount() == len(mappings.rows) > 0, mappings.status.text()
        ticked = mappings.chosen()
        assert ticked and all(r.accept_by_default for r in mappings.rows
                              if (r.sku, r.item) in ticked)
        assert any(r.status == "found" for r in mappings.rows)
        assert mappings.table.horizontalHeaderItem(1).text() == "QuickBooks item"
        assert "same SKU in QuickBooks" in mappings.status.text()
        wizard.next()
        qtbot.waitUntil(lambda: wizard.currentPage() is wizard.done_page, timeout=WAIT_MS)
        assert "every 30 minutes" in wizard.done_page.text.text()
    state = ctx.service.open_state()
    try:
        pair = state.connections.pair("Shop → Books")
        assert pair is not None
        assert pair.schedule_minutes == 30 and pair.rules.start_date.isoformat() == "2026-03-01"
        assert state.mappings.skus(pair.id) == dict(ticked)
    finally:
        state.close()
    assert ctx.service.secrets.get("Books", "refresh_token")
    wizard.accept()
    ctx.tasks.shutdown()


def test_try_the_demo_starts_it_and_closes_the_assistant(qtbot, tmp_path: Path) -> None:
    ctx = make_context(tmp_path)
    started: list[tuple[str, str]] = []
    wizard = SetupAssistant(ctx, demo_starter=lambda *choice: started.append(choice) or True)
    qtbot.addWidget(wizard)
    wizard.show()
    choice = wizard.intro.demo_choice  # each choice shows only when there is one to make
    assert choice.combo.isHidden() == (len(demo_stores()) == 1)
    assert choice.ledger_combo.isHidden() == (len(demo_ledgers()) == 1)
    assert not choice.isHidden()  # two demo books at least: the merchant picks
    wizard.intro.demo_button.click()
    assert started == [(DEFAULT_DEMO_STORE, DEFAULT_DEMO_LEDGER)] and not wizard.isVisible()
    # the choice shows only when there is one to make
    assert wizard.intro.demo_choice.isHidden() == (len(demo_stores()) == 1)
    failing = SetupAssistant(ctx, demo_starter=lambda _store, _ledger: False)
    qtbot.addWidget(failing)
    failing.show()
    failing.intro.demo_button.click()
    assert failing.isVisible() and ctx.dialogs.texts("warn")
    ctx.tasks.shutdown()


def test_a_first_run_without_a_pair_offers_the_assistant(qtbot, make_shell, empty_service
                                                         ) -> None:
    h = make_shell(service=empty_service)
    window = h.shell.window
    assert not window.findChildren(SetupAssistant), "never offered in demo mode"
    h.ctx.demo = False
    offer_setup_on_first_run(window, h.ctx)
    h.shell.status.refresh()
    qtbot.waitUntil(lambda: bool(window.findChildren(SetupAssistant)), timeout=WAIT_MS)
    h.shell.status.refresh()
    qtbot.wait(100)
    assert len(window.findChildren(SetupAssistant)) == 1, "offered once"
    window.findChildren(SetupAssistant)[0].reject()


def test_the_matches_page_speaks_of_the_books_chosen(qtbot) -> None:
    from ecom_ledger_desktop.app.views.setup_pages import MappingsPage

    page = MappingsPage()
    qtbot.addWidget(page)
    page.speak_of("FreshBooks")
    assert page.table.horizontalHeaderItem(1).text() == "FreshBooks item"
    assert "FreshBooks item" in page.subTitle() and "QuickBooks" not in page.status.text()

"""The Connections page connects FreshBooks in the browser like QuickBooks Online: real widgets,
the FreshBooks simulator's consent page, the loopback listener; a user of several businesses
picks one in the dialog, without signing in again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ecom_ledger_desktop.app.views.connections import ConnectionsPage
from ecom_ledger_desktop.app.views.oauth_dialog import OAuthDialog
from ecom_ledger_desktop.sandbox.freshbooks import FreshBooksSimulator

from .conftest import WAIT_MS
from .test_connections_page import add, free_port, make_context

CLIENT_ID, CLIENT_SECRET = "fb-desk", "fb-desk-secret"


@pytest.fixture
def page(qtbot, tmp_path: Path) -> Iterator[ConnectionsPage]:
    ctx = make_context(tmp_path)
    shown = ConnectionsPage(ctx)
    shown.opened: list[str] = []  # type: ignore[misc]
    shown.open_url = lambda url: shown.opened.append(url.toString()) or True  # type: ignore[attr-defined,func-returns-value]
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitUntil(lambda: shown.loaded, timeout=WAIT_MS)
    yield shown
    qtbot.waitUntil(lambda: ctx.tasks.in_flight == 0, timeout=WAIT_MS)
    ctx.tasks.shutdown()


def books(*others: tuple[str, str]) -> tuple[FreshBooksSimulator, str]:
    redirect = f"http://127.0.0.1:{free_port()}/callback"
    sim = FreshBooksSimulator(CLIENT_ID, CLIENT_SECRET, (redirect,), other_businesses=others)
    return sim.start(), redirect


def sign_in(qtbot, page: ConnectionsPage, sim: FreshBooksSimulator, redirect: str) -> OAuthDialog:
    base = sim.base_url
    dialog = add(qtbot, page, "freshbooks", {
        "name": "Books", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        "redirect_uri": redirect, "environment": "sandbox", "api_base": base,
        "auth_url": f"{base}/oauth/authorize", "token_url": f"{base}/auth/oauth/token"})
    qtbot.waitUntil(lambda: "Books" in page.cards, timeout=WAIT_MS)
    assert not dialog.isVisible()
    card = page.cards["Books"]
    assert card.chip.text() == "Needs signing in"
    assert card.connect_button.text() == "Connect to FreshBooks"
    card.connect_button.click()
    oauth = page.dialog
    assert isinstance(oauth, OAuthDialog)
    assert oauth.windowTitle() == "Connect Books to FreshBooks"
    qtbot.waitUntil(lambda: bool(page.opened), timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert "FreshBooks" in oauth.message.text() and "QuickBooks" not in oauth.message.text()
    # the "browser": FreshBooks' consent page answers 302 to this computer's listener
    consent = httpx.get(oauth.consent_url, follow_redirects=False, timeout=10)
    assert consent.status_code == 302 and consent.headers["Location"].startswith(redirect)
    assert "You can close this window" in httpx.get(consent.headers["Location"], timeout=10).text
    return oauth


def test_freshbooks_connects_through_the_browser_and_the_card_works(qtbot, page) -> None:
    sim, redirect = books()
    try:
        dialog = sign_in(qtbot, page, sim, redirect)
        qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=WAIT_MS)
        assert not dialog.isVisible() and dialog.pick_box.isHidden()
        card = page.cards["Books"]
        qtbot.waitUntil(lambda: card.chip.text() == "Works", timeout=WAIT_MS)
        assert sim.account_id in card.detail_label.text()
        assert page.ctx.service.secrets.get("Books", "refresh_token")
        card.test_button.click()
        qtbot.waitUntil(lambda: bool(card.report_texts()), timeout=WAIT_MS)
        assert all(line.startswith("✓ ") for line in card.report_texts()), card.report_texts()
    finally:
        sim.stop()


def test_a_user_of_several_businesses_picks_one_in_the_dialog(qtbot, page) -> None:
    sim, redirect = books(("XYZ321", "Side Shop"))
    try:
        dialog = sign_in(qtbot, page, sim, redirect)
        qtbot.waitUntil(dialog.pick_box.isVisible, timeout=WAIT_MS)
        assert dialog.outcome is None and dialog.isVisible()
        offered = [dialog.pick_combo.itemText(i) for i in range(dialog.pick_combo.count())]
        assert offered == ["Acme Goods (account ACM123)", "Side Shop (account XYZ321)"]
        assert dialog.pick_label.text() == "Business:" and "Which business" in \
            dialog.message.text()
        assert page.cards["Books"].chip.text() == "Needs signing in"  # nothing saved yet
        dialog.pick_combo.setCurrentIndex(1)
        tokens_before = sim.stats().get("oauth", 0)
        dialog.pick_button.click()
        qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=WAIT_MS)
        assert dialog.outcome.realm_id == "XYZ321" and not dialog.isVisible()
        assert sim.stats().get("oauth", 0) == tokens_before  # no second sign-in
        card = page.cards["Books"]
        qtbot.waitUntil(lambda: card.chip.text() == "Works", timeout=WAIT_MS)
        assert "XYZ321" in card.detail_label.text()
        state = page.ctx.service.open_state()
        try:
            config = state.connections.connection("Books")
        finally:
            state.close()
        assert config is not None
        assert (config.settings["account_id"], config.settings["business_name"]) == (
            "XYZ321", "Side Shop")
    finally:
        sim.stop()


def test_the_setup_assistant_asks_which_books_and_connects_freshbooks(qtbot, tmp_path) -> None:
    from ecom_ledger_desktop.app.views.setup_assistant import SetupAssistant

    ctx = make_context(tmp_path)
    opened: list[str] = []
    sim, redirect = books(("XYZ321", "Side Shop"))
    try:
        wizard = SetupAssistant(ctx, open_url=lambda url: opened.append(url.toString()) or True,
                                demo_starter=lambda _store, _ledger: False)
        qtbot.addWidget(wizard)
        page = wizard.books_page
        offered = [page.kind_combo.itemText(i) for i in range(page.kind_combo.count())]
        assert offered[:2] == ["QuickBooks Online", "FreshBooks"]
        page.choose_kind("freshbooks")
        assert page.action_button.text() == "Save and sign in to FreshBooks"
        assert "FreshBooks" in page.subTitle()
        wizard.setStartId(wizard.pageIds()[2])  # straight to the books (the store is another test)
        wizard.show()
        assert wizard.currentPage() is page and page.fields is not None
        base = sim.base_url
        for key, value in {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                           "redirect_uri": redirect, "environment": "sandbox",
                           "api_base": base, "auth_url": f"{base}/oauth/authorize",
                           "token_url": f"{base}/auth/oauth/token"}.items():
            page.fields.set_text(key, value)
        page.fields.name_edit.setText("Books")
        page.action_button.click()
        qtbot.waitUntil(lambda: bool(opened), timeout=WAIT_MS)
        consent = httpx.get(opened[-1], follow_redirects=False, timeout=10)
        httpx.get(consent.headers["Location"], timeout=10)
        dialog = page.dialog
        assert dialog is not None
        qtbot.waitUntil(dialog.pick_box.isVisible, timeout=WAIT_MS)
        dialog.pick_combo.setCurrentIndex(0)
        dialog.pick_button.click()
        qtbot.waitUntil(page.isComplete, timeout=WAIT_MS)
        assert "FreshBooks business ACM123" in page.result.text()
        assert not page.kind_combo.isEnabled()
        wizard.reject()
    finally:
        sim.stop()
        qtbot.waitUntil(lambda: ctx.tasks.in_flight == 0, timeout=WAIT_MS)
        ctx.tasks.shutdown()

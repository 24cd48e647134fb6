"""The Connections page against the real simulators: add, test, sign in, paste, remove."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from PySide6.QtCore import QUrl

from ecom_ledger_desktop.app.bridge import EventBridge
from ecom_ledger_desktop.app.context import AppContext
from ecom_ledger_desktop.app.dialogs import ScriptedDialogs
from ecom_ledger_desktop.app.settings import SettingsStore
from ecom_ledger_desktop.app.tasks import TaskRunner
from ecom_ledger_desktop.app.views.connections import ConnectionsPage
from ecom_ledger_desktop.app.views.oauth_dialog import OAuthDialog
from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.registry import ConnectorFactory
from ecom_ledger_desktop.core.events import EventBus
from ecom_ledger_desktop.sandbox.magento2 import Magento2Simulator
from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from ecom_ledger_desktop.secrets.store import (
    ENABLE_HINT,
    MemorySecretStore,
    RefusingSecretStore,
    SecretStore,
)
from ecom_ledger_desktop.sync.background import Background
from ecom_ledger_desktop.sync.service import SyncService

from .conftest import WAIT_MS

TOKEN, CLIENT_ID, CLIENT_SECRET = "shop-token", "desk-client", "desk-secret"
RELAY = "https://relay.example.com/oauth-relay/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Sims:
    store: Magento2Simulator
    ledger: QboSimulator
    direct_uri: str

    def ledger_urls(self) -> dict[str, str]:
        base = self.ledger.base_url
        return {"api_base": base, "auth_url": f"{base}/connect/oauth2",
                "token_url": f"{base}/oauth2/v1/tokens/bearer",
                "revoke_url": f"{base}/v2/oauth2/tokens/revoke"}


@contextmanager
def running_sims(orders: int = 12) -> Iterator[Sims]:
    """A Magento shop and a QuickBooks company that accepts a loopback and a relay redirect."""
    direct = f"http://127.0.0.1:{free_port()}/callback"
    store = Magento2Simulator(token=TOKEN, seed_orders=orders)
    ledger = QboSimulator(client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                          redirect_uris=(direct, RELAY), limits=False)
    store.start()
    ledger.start()
    try:
        yield Sims(store, ledger, direct)
    finally:
        store.stop()
        ledger.stop()


@pytest.fixture
def sims() -> Iterator[Sims]:
    with running_sims() as running:
        yield running


def make_context(tmp_path: Path, secrets: SecretStore | None = None) -> AppContext:
    factory = ConnectorFactory(policy=RetryPolicy(attempts=1, backoff_base=0.01, backoff_max=0.02))
    (tmp_path / "data").mkdir(exist_ok=True)
    service = SyncService(tmp_path / "data" / "db.sqlite3", secrets or MemorySecretStore(),
                          store_factory=factory.store, ledger_factory=factory.ledger,
                          events=EventBus())
    return AppContext(service=service, background=Background(service), bridge=EventBridge(),
                      tasks=TaskRunner(), dialogs=ScriptedDialogs(),
                      settings=SettingsStore(tmp_path / "settings.json"), data_dir=tmp_path,
                      log_dir=tmp_path / "logs")


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


def add(qtbot, page: ConnectionsPage, kind: str, values: dict[str, str]):
    dialog = page.open_add(kind)
    for key, value in values.items():
        if key == "name":
            dialog.fields.name_edit.setText(value)
        else:
            dialog.fields.set_text(key, value)
    dialog.save_button.click()
    return dialog


def test_a_magento_store_is_added_and_tested_line_by_line(qtbot, page, sims) -> None:
    assert page.empty.isVisible()
    dialog = add(qtbot, page, "magento2", {"name": "My shop", "base_url": sims.store.base_url,
                                           "token": TOKEN})
    qtbot.waitUntil(lambda: "My shop" in page.cards, timeout=WAIT_MS)
    assert not dialog.isVisible() and not page.empty.isVisible()
    card = page.cards["My shop"]
    assert card.chip.text() == "Works" and card.connect_button.isHidden()
    assert "sandbox" in card.detail_label.text().lower()
    card.test_button.click()
    qtbot.waitUntil(lambda: bool(card.report_texts()), timeout=WAIT_MS)
    lines = card.report_texts()
    assert lines and all(line.startswith("✓ ") for line in lines), lines


def test_a_wrong_token_gives_a_plain_cross_and_the_status_follows(qtbot, page, sims) -> None:
    add(qtbot, page, "magento2", {"name": "shop", "base_url": sims.store.base_url,
                                  "token": "not-the-token"})
    qtbot.waitUntil(lambda: "shop" in page.cards, timeout=WAIT_MS)
    card = page.cards["shop"]
    card.test_button.click()
    qtbot.waitUntil(lambda: bool(card.report_texts()), timeout=WAIT_MS)
    crosses = [line for line in card.report_texts() if line.startswith("✗ ")]
    assert crosses, card.report_texts()
    text = " ".join(crosses).lower()
    assert "token" in text or "access" in text, text
    assert "not-the-token" not in text
    qtbot.waitUntil(lambda: card.chip.text() in ("Not working", "Needs signing in"),
                    timeout=WAIT_MS)


def test_problems_show_next_to_their_fields(qtbot, page) -> None:
    dialog = add(qtbot, page, "magento2", {"base_url": "shop.example.com"})
    problems = dialog.fields.problems
    qtbot.waitUntil(problems["base_url"].isVisible, timeout=WAIT_MS)
    assert "web address" in problems["base_url"].text()
    assert problems["name"].isVisible() and problems["token"].isVisible()
    assert dialog.isVisible() and dialog.save_button.isEnabled()


def add_books(qtbot, page: ConnectionsPage, sims: Sims, redirect: str, environment: str) -> None:
    dialog = add(qtbot, page, "qbo", {"name": "Books", "client_id": CLIENT_ID,
                                      "client_secret": CLIENT_SECRET, "redirect_uri": redirect,
                                      "environment": environment, **sims.ledger_urls()})
    qtbot.waitUntil(lambda: "Books" in page.cards, timeout=WAIT_MS)
    assert not dialog.isVisible()
    assert page.cards["Books"].chip.text() == "Needs signing in"
    assert not page.cards["Books"].connect_button.isHidden()


def wait_for_consent(qtbot, page: ConnectionsPage) -> OAuthDialog:
    page.cards["Books"].connect_button.click()
    dialog = page.dialog
    assert isinstance(dialog, OAuthDialog)
    qtbot.waitUntil(lambda: bool(page.opened), timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert page.opened[-1] == dialog.consent_url  # type: ignore[attr-defined]
    return dialog


def test_quickbooks_connects_through_the_browser_and_the_loopback_listener(
        qtbot, page, sims) -> None:
    add_books(qtbot, page, sims, sims.direct_uri, "sandbox")
    dialog = wait_for_consent(qtbot, page)
    # the "browser": Intuit's consent page answers 302 to this computer's listener
    consent = httpx.get(dialog.consent_url, follow_redirects=False, timeout=10)
    assert consent.status_code == 302
    assert consent.headers["Location"].startswith(sims.direct_uri)
    landing = httpx.get(consent.headers["Location"], timeout=10)
    assert "You can close this window" in landing.text
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=WAIT_MS)
    assert not dialog.isVisible()
    card = page.cards["Books"]
    qtbot.waitUntil(lambda: card.chip.text() == "Works", timeout=WAIT_MS)
    assert sims.ledger.realm_id in card.detail_label.text()
    assert page.ctx.service.secrets.get("Books", "refresh_token")
    card.test_button.click()
    qtbot.waitUntil(lambda: bool(card.report_texts()), timeout=WAIT_MS)
    assert all(line.startswith("✓ ") for line in card.report_texts()), card.report_texts()
    assert ("✓ Company settings — US company, automated sales tax off, home currency USD, "
            "multicurrency on") in card.report_texts()


def test_the_pasted_address_connects_when_the_relay_cannot_reach_the_app(
        qtbot, page, sims) -> None:
    add_books(qtbot, page, sims, RELAY, "production")
    dialog = wait_for_consent(qtbot, page)
    landing = httpx.get(dialog.consent_url, follow_redirects=False, timeout=10)
    address = landing.headers["Location"]  # the relay page shows it; the merchant copies it
    assert address.startswith(RELAY) and "code=" in address
    dialog.paste_toggle.click()
    assert dialog.paste_edit.isVisible()
    dialog.paste_edit.setText(address)
    dialog.paste_button.click()
    qtbot.waitUntil(lambda: dialog.outcome is not None or dialog.problem.isVisible(), timeout=WAIT_MS)
    assert dialog.outcome is not None, dialog.problem.text()
    qtbot.waitUntil(lambda: page.cards["Books"].chip.text() == "Works", timeout=WAIT_MS)


def test_a_forged_paste_is_refused_in_plain_words_and_cancel_stops_listening(
        qtbot, page, sims) -> None:
    add_books(qtbot, page, sims, sims.direct_uri, "sandbox")
    dialog = wait_for_consent(qtbot, page)
    query = parse_qs(urlsplit(dialog.consent_url).query)
    assert query["state"][0] == dialog.flow.state
    dialog.paste_toggle.click()
    dialog.paste_edit.setText(f"{sims.direct_uri}?code=X&state=forged&realmId=1")
    dialog.paste_button.click()
    qtbot.waitUntil(dialog.problem.isVisible, timeout=WAIT_MS)
    assert "did not match" in dialog.problem.text()
    dialog.cancel_button.click()
    assert not dialog.isVisible()
    with pytest.raises(httpx.HTTPError):  # the listener is gone
        httpx.get(sims.direct_uri, timeout=2)
    assert page.cards["Books"].chip.text() == "Needs signing in"


def test_a_keyring_that_refuses_shows_the_fix_and_saves_nothing(qtbot, tmp_path, sims) -> None:
    ctx = make_context(tmp_path, RefusingSecretStore())
    refusing = ConnectionsPage(ctx)
    qtbot.addWidget(refusing)
    refusing.show()
    qtbot.waitUntil(lambda: refusing.loaded, timeout=WAIT_MS)
    assert refusing.keyring_hint.isVisible() and "gnome-keyring" in refusing.keyring_hint.text()
    dialog = add(qtbot, refusing, "magento2", {"name": "shop", "base_url": sims.store.base_url,
                                               "token": TOKEN})
    general = dialog.fields.general_problem
    assert general.isVisible() and general.text() == ENABLE_HINT  # said before saving too
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=WAIT_MS)
    assert dialog.isVisible() and general.isVisible() and general.text() == ENABLE_HINT
    refusing.refresh()
    qtbot.wait(50)
    qtbot.waitUntil(lambda: ctx.tasks.in_flight == 0, timeout=WAIT_MS)
    assert refusing.cards == {}, "nothing is saved without a keyring"
    ctx.tasks.shutdown()


def test_remove_asks_first_and_takes_the_secrets_away(qtbot, page, sims) -> None:
    add(qtbot, page, "magento2", {"name": "shop", "base_url": sims.store.base_url,
                                  "token": TOKEN})
    qtbot.waitUntil(lambda: "shop" in page.cards, timeout=WAIT_MS)
    dialogs = page.ctx.dialogs
    assert isinstance(dialogs, ScriptedDialogs)
    dialogs.answers = [False]
    page.cards["shop"].remove_button.click()
    assert dialogs.asked[-1][0] == "confirm" and "shop" in dialogs.asked[-1][1]
    assert "shop" in page.cards
    page.cards["shop"].remove_button.click()  # the default answer: yes
    qtbot.waitUntil(lambda: "shop" not in page.cards, timeout=WAIT_MS)
    assert page.ctx.service.secrets.get("shop", "token") is None
    assert page.empty.isVisible()


def test_editing_keeps_the_saved_token_when_left_empty(qtbot, page, sims) -> None:
    add(qtbot, page, "magento2", {"name": "shop", "base_url": sims.store.base_url,
                                  "token": TOKEN})
    qtbot.waitUntil(lambda: "shop" in page.cards, timeout=WAIT_MS)
    dialog = page.open_edit("shop")
    assert dialog.fields.text("token") == ""
    assert "keychain" in dialog.fields.inputs["token"].placeholderText()
    dialog.fields.name_edit.setText("Main shop")
    dialog.fields.set_text("environment", "production")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "Main shop" in page.cards, timeout=WAIT_MS)
    assert page.ctx.service.secrets.get("Main shop", "token") == TOKEN
    assert "production" in page.cards["Main shop"].detail_label.text().lower()


def test_open_url_default_is_the_system_browser(qtbot, tmp_path) -> None:
    ctx = make_context(tmp_path)
    fresh = ConnectionsPage(ctx)
    qtbot.addWidget(fresh)
    from PySide6.QtGui import QDesktopServices

    assert fresh.open_url == QDesktopServices.openUrl
    assert QUrl("https://example.com").isValid()
    ctx.tasks.shutdown()

"""App settings persist; the Settings page saves as it changes and tells the keychain status."""

from __future__ import annotations

import json
from pathlib import Path

from ecom_ledger_desktop.app.settings import AppSettings, SettingsStore
from ecom_ledger_desktop.app.views.settings_page import describe_keyring
from ecom_ledger_desktop.secrets.store import ENABLE_HINT, KeyringStatus


def test_defaults_then_saved_and_reloaded(tmp_path: Path) -> None:
    path = tmp_path / "app-settings.json"
    store = SettingsStore(path)
    assert store.current == AppSettings(schedule_minutes=15, notifications=True,
                                        start_at_login=False)
    store.update(schedule_minutes=30, notifications=False)
    assert json.loads(path.read_text())["schedule_minutes"] == 30
    assert SettingsStore(path).current == AppSettings(30, False, False)


def test_damaged_or_odd_files_fall_back_to_defaults(tmp_path: Path) -> None:
    path = tmp_path / "app-settings.json"
    path.write_text("{not json")
    assert SettingsStore(path).current == AppSettings()
    path.write_text(json.dumps({"schedule_minutes": 1, "from_the_future": True}))
    assert SettingsStore(path).current.schedule_minutes == 5  # clamped, unknown key ignored
    path.write_text(json.dumps(["a", "list"]))
    assert SettingsStore(path).current == AppSettings()


def test_settings_page_saves_as_it_changes(qtbot, make_shell, tmp_path: Path) -> None:
    h = make_shell()
    h.shell.window.show_page("settings")
    page = h.shell.window.pages["settings"]
    page.schedule.setValue(45)
    page.notifications.setChecked(False)
    reloaded = SettingsStore(h.ctx.settings.path).current
    assert (reloaded.schedule_minutes, reloaded.notifications) == (45, False)
    qtbot.waitUntil(lambda: "Demo mode" in page.keyring_label.text(), timeout=5000)
    assert str(h.ctx.data_dir) == page.data_label.text()


def test_start_at_login_from_the_page(qtbot, make_shell, empty_service) -> None:
    h = make_shell(service=empty_service)
    h.ctx.demo = False  # the real app: the checkbox is enabled
    page = type(h.shell.window.pages["settings"])(h.ctx)
    qtbot.addWidget(page)
    page.refresh()
    assert not page.start_at_login.isChecked()
    page.start_at_login.setChecked(True)
    assert h.ctx.login_item.is_enabled() and h.ctx.settings.current.start_at_login
    page.start_at_login.setChecked(False)
    assert not h.ctx.login_item.is_enabled() and not h.ctx.settings.current.start_at_login


def test_open_folder_failure_says_where_it_is(qtbot, make_shell, monkeypatch) -> None:
    from PySide6.QtGui import QDesktopServices

    h = make_shell()
    page = h.shell.window.pages["settings"]
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda _url: False)
    assert not page.open_folder("/some/folder")
    assert "/some/folder" in h.dialogs.texts("warn")[0]


def test_keyring_in_plain_words() -> None:
    assert "Windows Credential Manager" in describe_keyring(
        KeyringStatus("keyring.backends.Windows.WinVaultKeyring", True, ""), demo=False)
    assert "macOS Keychain" in describe_keyring(
        KeyringStatus("keyring.backends.macOS.Keyring", True, ""), demo=False)
    assert "GNOME Keyring" in describe_keyring(
        KeyringStatus("keyring.backends.SecretService.Keyring", True, ""), demo=False)
    assert describe_keyring(KeyringStatus("keyring.backends.fail.Keyring", False, ENABLE_HINT),
                            demo=False) == ENABLE_HINT
    assert "memory only" in describe_keyring(KeyringStatus("x", False, ""), demo=True)

"""Start at login: the right file or registry value per OS, written and removed (temp folders)."""

from __future__ import annotations

import plistlib
from pathlib import Path

from PySide6.QtCore import QSettings

from ecom_ledger_desktop.app import autostart

COMMAND = ["/opt/Ecom Ledger/python", "-m", "ecom_ledger_desktop.app", "--hidden"]


def test_linux_desktop_entry(tmp_path: Path) -> None:
    entry = autostart.for_platform("linux", home=tmp_path, command=COMMAND)
    assert isinstance(entry, autostart.LinuxAutostart)
    assert not entry.is_enabled()
    entry.enable()
    path = tmp_path / ".config" / "autostart" / autostart.DESKTOP_FILE
    text = path.read_text(encoding="utf-8")
    assert "[Desktop Entry]" in text
    assert 'Exec="/opt/Ecom Ledger/python" -m ecom_ledger_desktop.app --hidden' in text
    icon = next(line for line in text.splitlines() if line.startswith("Icon="))
    assert Path(icon.removeprefix("Icon=")).is_file(), "the login entry shows the app's icon"
    assert entry.is_enabled()
    entry.disable()
    assert not path.exists() and not entry.is_enabled()
    entry.disable()  # twice is fine


def test_linux_respects_xdg_config_home(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    entry = autostart.for_platform("linux", command=COMMAND)
    assert isinstance(entry, autostart.LinuxAutostart)
    assert entry.path == tmp_path / "cfg" / "autostart" / autostart.DESKTOP_FILE


def test_macos_launch_agent(tmp_path: Path) -> None:
    entry = autostart.for_platform("darwin", home=tmp_path, command=COMMAND)
    entry.enable()
    path = tmp_path / "Library" / "LaunchAgents" / f"{autostart.AGENT_LABEL}.plist"
    agent = plistlib.loads(path.read_bytes())
    assert agent["ProgramArguments"] == COMMAND
    assert agent["RunAtLoad"] is True and agent["Label"] == autostart.AGENT_LABEL
    assert entry.is_enabled()
    entry.disable()
    assert not path.exists()


def test_windows_run_key(tmp_path: Path, qapp) -> None:
    # the registry is stood in for by an INI file with the same QSettings interface
    settings = QSettings(str(tmp_path / "run.ini"), QSettings.Format.IniFormat)
    entry = autostart.for_platform("win32", command=["C:\\Program Files\\Ecom Ledger\\app.exe",
                                                     "--hidden"], windows_settings=settings)
    assert isinstance(entry, autostart.WindowsRunKey)
    assert not entry.is_enabled()
    entry.enable()
    reread = QSettings(str(tmp_path / "run.ini"), QSettings.Format.IniFormat)
    assert reread.value(autostart.ENTRY_NAME) == '"C:\\Program Files\\Ecom Ledger\\app.exe" --hidden'
    entry.disable()
    assert not QSettings(str(tmp_path / "run.ini"), QSettings.Format.IniFormat).contains(
        autostart.ENTRY_NAME)


def test_launch_command_starts_hidden() -> None:
    assert autostart.launch_command()[-1] == autostart.HIDDEN_FLAG

"""Start at login, the way each desktop expects it; off unless the merchant turns it on.

* Windows: a value under ``HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run``
  (through ``QSettings`` in native format, so no extra dependency).
* macOS: a LaunchAgent plist in ``~/Library/LaunchAgents``.
* Linux and other XDG desktops: a ``.desktop`` file in ``~/.config/autostart``.

Every location is injectable so tests write into a temporary folder.
"""

from __future__ import annotations

import os
import plistlib
import subprocess
import sys
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QSettings

ENTRY_NAME = "EcomLedgerDesktop"
AGENT_LABEL = "com.ecomledger.desktop"
DESKTOP_FILE = "ecom-ledger-desktop.desktop"
WINDOWS_RUN_KEY = "HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run"
HIDDEN_FLAG = "--hidden"


class Autostart(Protocol):
    """Turns start-at-login on or off."""

    def is_enabled(self) -> bool:
        """Whether the app starts at login now."""
        ...

    def enable(self) -> None:
        """Start the app (into the tray) at login."""
        ...

    def disable(self) -> None:
        """Stop starting the app at login."""
        ...


def launch_command() -> list[str]:
    """How to start this app again: the frozen executable, or the interpreter with ``-m``."""
    if getattr(sys, "frozen", False):
        return [sys.executable, HIDDEN_FLAG]
    return [sys.executable, "-m", "ecom_ledger_desktop.app", HIDDEN_FLAG]


def _desktop_quote(arg: str) -> str:
    """Quote one argument for a desktop entry's ``Exec`` key (freedesktop.org rules)."""
    if not any(ch in arg for ch in ' \t\n"\'\\><~|&;$*?#()`'):
        return arg
    escaped = "".join("\\" + ch if ch in '"`$\\' else ch for ch in arg)
    return f'"{escaped}"'


class LinuxAutostart:
    """An XDG autostart entry."""

    def __init__(self, folder: Path, command: list[str]) -> None:
        self.path = folder / DESKTOP_FILE
        self.command = command

    def is_enabled(self) -> bool:
        """Whether the entry exists."""
        return self.path.is_file()

    def enable(self) -> None:
        """Write the entry."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        from ecom_ledger_desktop.app.icons import app_icon_file

        exec_line = " ".join(_desktop_quote(arg) for arg in self.command)
        icon = app_icon_file()
        self.path.write_text(
            "[Desktop Entry]\nType=Application\nName=Ecom Ledger\n"
            "Comment=Keeps your online store and your books in step\n"
            f"Exec={exec_line}\n" + (f"Icon={icon}\n" if icon else "")
            + "Terminal=false\nX-GNOME-Autostart-enabled=true\n",
            encoding="utf-8")

    def disable(self) -> None:
        """Remove the entry."""
        self.path.unlink(missing_ok=True)


class MacLaunchAgent:
    """A per-user LaunchAgent that runs the app once at login."""

    def __init__(self, folder: Path, command: list[str]) -> None:
        self.path = folder / f"{AGENT_LABEL}.plist"
        self.command = command

    def is_enabled(self) -> bool:
        """Whether the agent file exists."""
        return self.path.is_file()

    def enable(self) -> None:
        """Write the agent."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        agent = {"Label": AGENT_LABEL, "ProgramArguments": self.command, "RunAtLoad": True,
                 "ProcessType": "Interactive"}
        self.path.write_bytes(plistlib.dumps(agent))

    def disable(self) -> None:
        """Remove the agent."""
        self.path.unlink(missing_ok=True)


class WindowsRunKey:
    """A value in the current user's Run key."""

    def __init__(self, settings: QSettings, command: list[str]) -> None:
        self.settings = settings
        self.command = command

    def is_enabled(self) -> bool:
        """Whether the value exists."""
        return self.settings.contains(ENTRY_NAME)

    def enable(self) -> None:
        """Write the value (a quoted command line)."""
        self.settings.setValue(ENTRY_NAME, subprocess.list2cmdline(self.command))
        self.settings.sync()

    def disable(self) -> None:
        """Remove the value."""
        self.settings.remove(ENTRY_NAME)
        self.settings.sync()


def for_platform(platform: str | None = None, home: Path | None = None,
                 command: list[str] | None = None,
                 windows_settings: QSettings | None = None) -> Autostart:
    """The start-at-login mechanism of ``platform`` (default: this computer)."""
    platform = platform or sys.platform
    xdg_config = os.environ.get("XDG_CONFIG_HOME") if home is None else None
    home = home or Path.home()
    command = command or launch_command()
    if platform.startswith("win"):
        settings = windows_settings or QSettings(WINDOWS_RUN_KEY, QSettings.Format.NativeFormat)
        return WindowsRunKey(settings, command)
    if platform == "darwin":
        return MacLaunchAgent(home / "Library" / "LaunchAgents", command)
    config = Path(xdg_config) if xdg_config else home / ".config"
    return LinuxAutostart(config / "autostart", command)

"""Everything a page, the tray or the window needs, in one object passed down."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ecom_ledger_desktop.app import autostart
from ecom_ledger_desktop.app.bridge import EventBridge
from ecom_ledger_desktop.app.dialogs import DialogService
from ecom_ledger_desktop.app.settings import SettingsStore
from ecom_ledger_desktop.app.tasks import TaskRunner
from ecom_ledger_desktop.secrets.store import KeyringStatus, keyring_status

if TYPE_CHECKING:
    from ecom_ledger_desktop.app.lazy_core import Scheduling
    from ecom_ledger_desktop.app.status import AppStatus
    from ecom_ledger_desktop.sync.service import SyncService


@dataclass
class AppContext:
    """The core service and its background runner, plus the app's own helpers."""

    service: SyncService
    background: Scheduling  # sync.background.Background, or the app's LazyBackground
    bridge: EventBridge
    tasks: TaskRunner
    dialogs: DialogService
    settings: SettingsStore
    data_dir: Path
    log_dir: Path
    demo: bool = False
    notices: list[str] = field(default_factory=list)
    keyring_probe: Callable[[], KeyringStatus] = keyring_status
    login_item: autostart.Autostart = field(default_factory=autostart.for_platform)
    tray_available: bool = False
    on_close: list[Callable[[], None]] = field(default_factory=list)  # run once, after the core stops
    status: AppStatus | None = None  # set by the shell once built

    def require_status(self) -> AppStatus:
        """The app status (always set once the shell exists)."""
        assert self.status is not None, "the shell sets ctx.status before building pages"
        return self.status

    @property
    def app_title(self) -> str:
        """The window title (says "Demo data" in demo mode)."""
        return "Ecom Ledger — Demo data" if self.demo else "Ecom Ledger"

"""Settings: schedule default, notifications, start at login, where data lives, the keychain."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QWidget

from ecom_ledger_desktop.app.context import AppContext
from ecom_ledger_desktop.app.settings import MAX_SCHEDULE_MINUTES, MIN_SCHEDULE_MINUTES
from ecom_ledger_desktop.app.views.page import Page
from ecom_ledger_desktop.app.views.widgets import Card
from ecom_ledger_desktop.secrets.store import KeyringStatus

KEYCHAIN_NAMES = {"winvault": "Windows Credential Manager", "macos": "the macOS Keychain",
                  "secretservice": "your desktop's keyring (GNOME Keyring or KWallet)",
                  "kwallet": "KWallet", "libsecret": "your desktop's keyring (GNOME Keyring)"}


def describe_keyring(status: KeyringStatus, demo: bool) -> str:
    """Where passwords and tokens are kept, in words a shop owner understands."""
    if demo:
        return ("Demo mode: the pretend shop's and company's passwords are kept in memory only "
                "and forgotten when you quit.")
    if not status.usable:
        return status.message
    lowered = status.backend.lower().replace("_", "")
    place = next((name for key, name in KEYCHAIN_NAMES.items() if key in lowered),
                 "this computer's secure keychain")
    return (f"Your store's and your books' passwords and access tokens are kept in {place}, "
            "never in a file or in the database.")


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("muted")
    label.setWordWrap(True)
    return label


class SettingsPage(Page):
    """Changes are saved as they are made."""

    key = "settings"
    title = "Settings"
    subtitle = "Changes are saved as soon as you make them."

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        current = ctx.settings.current
        sync = Card("Syncing")
        row = QHBoxLayout()
        row.addWidget(QLabel("Check for new orders every"))
        self.schedule = QSpinBox()
        self.schedule.setRange(MIN_SCHEDULE_MINUTES, MAX_SCHEDULE_MINUTES)
        self.schedule.setSuffix(" minutes")
        self.schedule.setValue(current.schedule_minutes)
        self.schedule.valueChanged.connect(lambda v: ctx.settings.update(schedule_minutes=v))
        row.addWidget(self.schedule)
        row.addStretch(1)
        sync.layout_.addLayout(row)
        sync.layout_.addWidget(_note("New pairs start with this schedule. Each pair can have its "
                                     "own on the Pairs & rules page."))
        self.body.addWidget(sync)

        notify = Card("Notifications")
        self.notifications = QCheckBox("Tell me when orders need my attention, a sync fails or "
                                       "my books ask me to sign in again")
        self.notifications.setChecked(current.notifications)
        self.notifications.toggled.connect(lambda on: ctx.settings.update(notifications=on))
        notify.layout_.addWidget(self.notifications)
        notify.layout_.addWidget(_note("When everything posts fine, Ecom Ledger stays quiet."))
        self.body.addWidget(notify)

        login = Card("Start at login")
        self.start_at_login = QCheckBox("Start Ecom Ledger when I log in to this computer")
        self.start_at_login.toggled.connect(self._set_start_at_login)
        login.layout_.addWidget(self.start_at_login)
        self.login_note = _note(
            "It starts quietly in the system tray and syncs on schedule."
            if ctx.tray_available else "It opens its window and syncs on schedule.")
        login.layout_.addWidget(self.login_note)
        if ctx.demo:
            self.start_at_login.setEnabled(False)
            self.login_note.setText("Not available with demo data.")
        self.body.addWidget(login)

        folders = Card("Where your data is kept")
        self.data_label = self._folder_row(folders, "Data folder", ctx.data_dir)
        self.log_label = self._folder_row(folders, "Log files", ctx.log_dir)
        if ctx.demo:
            folders.layout_.addWidget(_note("Demo data lives in a temporary folder that is deleted "
                                            "when you quit."))
        self.body.addWidget(folders)

        secrets = Card("Passwords and access tokens")
        self.keyring_label = QLabel("Checking the keychain…")
        self.keyring_label.setWordWrap(True)
        secrets.layout_.addWidget(self.keyring_label)
        self.body.addWidget(secrets)

    def _folder_row(self, card: Card, label: str, path: object) -> QLabel:
        row = QHBoxLayout()
        caption = QLabel(label)
        caption.setMinimumWidth(110)
        row.addWidget(caption)
        value = QLabel(str(path))
        value.setObjectName("path")
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        value.setWordWrap(True)
        row.addWidget(value, 1)
        button = QPushButton("Open folder")
        button.setObjectName("secondaryButton")
        button.clicked.connect(lambda: self.open_folder(str(path)))
        row.addWidget(button)
        card.layout_.addLayout(row)
        return value

    def open_folder(self, path: str) -> bool:
        """Show a folder in the file manager."""
        opened = QDesktopServices.openUrl(QUrl.fromLocalFile(path))
        if not opened:
            self.ctx.dialogs.warn("Could not open the folder",
                                  f"Open this folder in your file manager instead:\n{path}", self)
        return bool(opened)

    def refresh(self) -> None:
        """Show what the computer says now: login item, keychain (checked in the background)."""
        self.start_at_login.blockSignals(True)
        self.start_at_login.setChecked(self.ctx.login_item.is_enabled())
        self.start_at_login.blockSignals(False)
        self.ctx.tasks.run(self.ctx.keyring_probe, on_done=self._show_keyring,
                           on_error=lambda e: self.keyring_label.setText(
                               f"The keychain could not be checked ({type(e).__name__})."))

    def _show_keyring(self, status: KeyringStatus) -> None:
        self.keyring_label.setText(describe_keyring(status, self.ctx.demo))

    def _set_start_at_login(self, on: bool) -> None:
        try:
            if on:
                self.ctx.login_item.enable()
            else:
                self.ctx.login_item.disable()
        except OSError as error:
            self.ctx.dialogs.warn("Start at login could not be changed",
                                  f"The system refused the change ({error.strerror or error}). "
                                  "Check that your user may change its login items, then try "
                                  "again.", self)
            self.start_at_login.blockSignals(True)
            self.start_at_login.setChecked(not on)
            self.start_at_login.blockSignals(False)
            return
        self.ctx.settings.update(start_at_login=on)

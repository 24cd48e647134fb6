"""The tray icon and its menu: the state at a glance, Sync now, Pause, Open, Quit.

The menu exists even where no system tray does (the window then offers the same actions), so its
actions are testable headless. The icon follows ``AppStatus.state``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from ecom_ledger_desktop.app.icons import ATTENTION, ERROR, IDLE, PAUSED, SYNCING, state_icon
from ecom_ledger_desktop.app.notifier import Notification
from ecom_ledger_desktop.app.status import AppStatus

STATE_WORDS = {IDLE: "all caught up", SYNCING: "syncing…", ATTENTION: "records need your attention",
               ERROR: "a sync or a connection needs you", PAUSED: "schedule paused"}


@dataclass
class TrayActions:
    """What the menu's entries do (the shell provides them)."""

    sync_all: Callable[[], None]
    sync_pair: Callable[[int], None]
    toggle_pause: Callable[[], None]
    open_window: Callable[[], None]
    open_page: Callable[[str], None]
    quit: Callable[[], None]


class TrayController(QObject):
    """Owns the tray icon (when available) and the menu."""

    def __init__(self, status: AppStatus, actions: TrayActions, *, available: bool,
                 demo: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.status = status
        self.actions = actions
        self.demo = demo
        self.menu = QMenu()
        self.icon_state = ""
        self._last_page: str | None = None
        self.status_actions = [self._info_action() for _ in range(3)]
        self.held_action = QAction("", self.menu)  # "12 orders wait for your approval — Review…"
        self.held_action.triggered.connect(self._review_held)
        self.menu.addAction(self.held_action)
        self.menu.addSeparator()
        self.sync_menu = QMenu("Sync now", self.menu)
        self.sync_action = QAction("Sync now", self.menu)
        self.sync_action.triggered.connect(self._sync_all)
        self.menu.addAction(self.sync_action)
        self.sync_menu_action = self.menu.addMenu(self.sync_menu)
        self.pause_action = QAction("Pause schedule", self.menu)
        self.pause_action.triggered.connect(self._toggle_pause)
        self.menu.addAction(self.pause_action)
        self.menu.addSeparator()
        self.open_action = QAction("Open Ecom Ledger", self.menu)
        self.open_action.triggered.connect(self._open_window)
        self.menu.addAction(self.open_action)
        self.quit_action = QAction("Quit", self.menu)
        self.quit_action.triggered.connect(self._quit)
        self.menu.addAction(self.quit_action)
        self.icon: QSystemTrayIcon | None = None
        if available:
            self.icon = QSystemTrayIcon(self)
            self.icon.setContextMenu(self.menu)
            self.icon.activated.connect(self._on_activated)
            self.icon.messageClicked.connect(self._on_message_clicked)
        status.changed.connect(self.update)
        status.progress_changed.connect(lambda _pair: self.update())
        self.update()
        if self.icon is not None:
            self.icon.show()

    # bound methods (not lambdas over ``actions``) so the menu's signals reach the GUI thread's
    # object and the actions can be swapped in tests
    def _sync_all(self) -> None:
        self.actions.sync_all()

    def _toggle_pause(self) -> None:
        self.actions.toggle_pause()

    def _open_window(self) -> None:
        self.actions.open_window()

    def _quit(self) -> None:
        self.actions.quit()

    def _review_held(self) -> None:
        self.actions.open_page("preview")

    def _info_action(self) -> QAction:
        action = QAction("", self.menu)
        action.setEnabled(False)
        self.menu.addAction(action)
        return action

    @property
    def tooltip(self) -> str:
        """The icon's tooltip: the state in words, and "Demo data" in demo mode; what waits for
        the merchant's approval, if anything does."""
        lines = [f"Ecom Ledger{' — Demo data' if self.demo else ''}: {STATE_WORDS[self.icon_state]}"]
        held = self.status.snapshot.held_line() if self.status.loaded else ""
        return "\n".join(lines + self.status.status_lines()[:2] + ([held] if held else []))

    def update(self) -> None:
        """Follow the status: icon, tooltip, status lines, which Sync now and Pause to offer."""
        self.icon_state = self.status.state
        lines = self.status.status_lines()
        held = self.status.snapshot.held_line() if self.status.loaded else ""
        for action, line in zip(self.status_actions, lines + [""] * 3, strict=False):
            action.setText(line)
            action.setVisible(bool(line) and line != held)  # the Review entry says it
        self.held_action.setText(f"{held} — Review…")
        self.held_action.setVisible(bool(held))
        pairs = self.status.snapshot.pairs
        self.sync_action.setVisible(len(pairs) <= 1)
        self.sync_action.setEnabled(bool(pairs))
        self.sync_menu_action.setVisible(len(pairs) > 1)
        if len(pairs) > 1:
            self._rebuild_sync_menu()
        self.pause_action.setText("Resume schedule" if self.status.paused else "Pause schedule")
        self.pause_action.setEnabled(bool(pairs))
        if self.icon is not None:
            self.icon.setIcon(state_icon(self.icon_state))
            self.icon.setToolTip(self.tooltip)

    def _rebuild_sync_menu(self) -> None:
        wanted = ["All pairs"] + [p.name for p in self.status.snapshot.pairs]
        if [a.text() for a in self.sync_menu.actions() if not a.isSeparator()] == wanted:
            return
        self.sync_menu.clear()
        everything = self.sync_menu.addAction("All pairs")
        everything.triggered.connect(self._sync_all)
        self.sync_menu.addSeparator()
        for pair in self.status.snapshot.pairs:
            action = self.sync_menu.addAction(pair.name)
            action.triggered.connect(lambda _=False, pid=pair.id: self.actions.sync_pair(pid))

    def notify(self, note: Notification) -> None:
        """Show a balloon; a click on it opens ``note.page``."""
        if self.icon is None:
            return
        self._last_page = note.page
        icons = {"info": QSystemTrayIcon.MessageIcon.Information,
                 "warning": QSystemTrayIcon.MessageIcon.Warning,
                 "critical": QSystemTrayIcon.MessageIcon.Critical}
        self.icon.showMessage(note.title, note.text, icons.get(note.level,
                              QSystemTrayIcon.MessageIcon.Information), 10_000)

    def set_quitting(self) -> None:
        """Quit was chosen: say so and offer nothing else."""
        for action in (self.sync_action, self.sync_menu_action, self.pause_action, self.quit_action,
                       self.held_action):
            action.setEnabled(False)
        self.status_actions[0].setText("Finishing the current sync…")
        if self.icon is not None:
            self.icon.setToolTip("Ecom Ledger: finishing the current sync…")

    def hide(self) -> None:
        """Take the icon away (at quit)."""
        if self.icon is not None:
            self.icon.hide()

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger,
                      QSystemTrayIcon.ActivationReason.DoubleClick):
            self.actions.open_window()

    def _on_message_clicked(self) -> None:
        if self._last_page:
            self.actions.open_page(self._last_page)
        else:
            self.actions.open_window()

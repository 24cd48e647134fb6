"""The main window: a sidebar of pages (with status and the tray's actions) and the page area."""

from __future__ import annotations

import html
import importlib
from collections.abc import Callable
from types import ModuleType

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ecom_ledger_desktop.app.context import AppContext
from ecom_ledger_desktop.app.icons import app_icon
from ecom_ledger_desktop.app.navigation import NavigationList
from ecom_ledger_desktop.app.notifier import Notification
from ecom_ledger_desktop.app.pages import PAGE_SPECS, LazyPages, PageSpec
from ecom_ledger_desktop.app.style import STYLE_SHEET
from ecom_ledger_desktop.app.tray import TrayActions
from ecom_ledger_desktop.app.views.page import Page

SIDEBAR_WIDTH = 240
SETUP_MODULE = "ecom_ledger_desktop.app.views.setup_assistant"


class NoticeBar(QFrame):
    """A notification shown inside the window: what happened, and a button to go and see."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("noticeBar")
        self.note: Notification | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(28, 10, 20, 10)
        row.setSpacing(12)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        row.addWidget(self.label, 1)
        self.open_button = QPushButton()
        self.open_button.setObjectName("secondaryButton")
        row.addWidget(self.open_button)
        self.dismiss_button = QPushButton("Dismiss")
        self.dismiss_button.setObjectName("secondaryButton")
        self.dismiss_button.clicked.connect(self.hide)
        row.addWidget(self.dismiss_button)
        self.hide()

    def show_note(self, note: Notification, open_label: str) -> None:
        """Show ``note``; ``open_label`` names the button that leads to its page ("" for none)."""
        self.note = note
        self.setProperty("level", note.level)
        self.style().unpolish(self)
        self.style().polish(self)
        self.label.setText(f"<b>{html.escape(note.title)}.</b> {html.escape(note.text)}")
        self.open_button.setText(open_label)
        self.open_button.setVisible(bool(open_label))
        self.show()


class MainWindow(QMainWindow):
    """Closing asks ``close_handler`` what to do (hide to the tray, or confirm and quit).

    Pages are built the first time they are shown or asked for (``pages[key]``)."""

    def __init__(self, ctx: AppContext, actions: TrayActions,
                 page_types: list[type[Page]] | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.commands = actions
        self.status = ctx.require_status()
        self.close_handler: Callable[[], bool] | None = None  # True: let the window close
        self.setWindowTitle(ctx.app_title)
        self.setWindowIcon(app_icon())
        self.setStyleSheet(STYLE_SHEET)
        self.resize(1120, 760)
        self.setMinimumSize(880, 600)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self._build_sidebar())
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(0)
        if ctx.demo:
            banner = QLabel("Demo data — a pretend shop and pretend books running on "
                            "this computer. Nothing real is read or changed.")
            banner.setObjectName("demoBanner")
            banner.setWordWrap(True)
            right.addWidget(banner)
        self.notice = NoticeBar()
        self.notice.open_button.clicked.connect(self._open_notice_page)
        right.addWidget(self.notice)
        self.stack = QStackedWidget()
        right.addWidget(self.stack, 1)
        row.addLayout(right, 1)
        self.setCentralWidget(central)
        specs = [PageSpec.of(t) for t in page_types] if page_types else PAGE_SPECS
        self.pages = LazyPages(ctx, specs, self._place_page)
        for spec in specs:
            self.nav.add_page(spec.key, spec.title)
        self.nav.currentRowChanged.connect(self._on_row_changed)
        self.nav.setCurrentRow(0)
        self.status.changed.connect(self._show_status)
        self.status.progress_changed.connect(lambda _pair: self._show_status())
        self._show_status()
        self.setup_assistant: QWidget | None = None  # opened on a first run without a pair
        self._offer_setup()

    def _build_sidebar(self) -> QFrame:
        sidebar = QFrame()
        sidebar.setObjectName("sidebar")
        sidebar.setFixedWidth(SIDEBAR_WIDTH)
        column = QVBoxLayout(sidebar)
        column.setContentsMargins(0, 0, 0, 16)
        column.setSpacing(0)
        name = QLabel("Ecom Ledger")
        name.setObjectName("appName")
        column.addWidget(name)
        tagline = QLabel("Your store, in your books")
        tagline.setObjectName("appTagline")
        column.addWidget(tagline)
        self.nav = NavigationList()
        column.addWidget(self.nav, 1)
        rule = QFrame()
        rule.setObjectName("sidebarRule")
        rule.setFixedHeight(1)
        column.addWidget(rule)
        column.addSpacing(8)
        self.status_labels = []
        for _ in range(3):
            label = QLabel()
            label.setObjectName("sidebarStatus")
            label.setWordWrap(True)
            column.addWidget(label)
            self.status_labels.append(label)
        column.addSpacing(10)
        self.sync_button = QPushButton("Sync now")
        self.sync_button.clicked.connect(self._sync_all)
        column.addWidget(self.sync_button)
        column.addSpacing(6)
        self.pause_button = QPushButton("Pause schedule")
        self.pause_button.clicked.connect(self._toggle_pause)
        column.addWidget(self.pause_button)
        return sidebar

    def _sync_all(self) -> None:
        self.commands.sync_all()

    def _toggle_pause(self) -> None:
        self.commands.toggle_pause()

    # -- pages ----------------------------------------------------------------------------
    def show_page(self, key: str) -> None:
        """Switch to a page by key."""
        row = self.nav.row_of(key)
        if row >= 0:
            self.nav.setCurrentRow(row)

    @property
    def current_key(self) -> str:
        """The key of the page on screen."""
        page = self.stack.currentWidget()
        return page.key if isinstance(page, Page) else ""

    def _on_row_changed(self, row: int) -> None:
        if row >= 0:
            self.stack.setCurrentWidget(self.pages[self.nav.key_at(row)])

    def _place_page(self, page: Page) -> None:
        page.navigate.connect(self.show_page)
        self.stack.addWidget(page)

    def _offer_setup(self) -> None:
        """A first run without a pair opens the setup assistant (imported only then)."""
        status = self.status
        if self.ctx.demo:
            return

        def check() -> None:
            if not status.loaded:
                return
            status.changed.disconnect(check)
            if not status.snapshot.pairs:  # its modules load on a worker: no stall here
                self.ctx.tasks.run(importlib.import_module, SETUP_MODULE, on_done=self._open_setup)

        status.changed.connect(check)

    def _open_setup(self, module: ModuleType) -> None:
        if self.status.snapshot.pairs:
            return  # a pair appeared meanwhile
        self.setup_assistant = module.open_setup_assistant(self.ctx, self)

    def bring_forward(self) -> None:
        """Show, un-minimise and raise the window."""
        self.show()
        self.setWindowState((self.windowState() & ~Qt.WindowState.WindowMinimized)
                            | Qt.WindowState.WindowActive)
        self.raise_()
        self.activateWindow()

    # -- status ---------------------------------------------------------------------------
    def _show_status(self) -> None:
        lines = self.status.status_lines()
        for label, line in zip(self.status_labels, lines + [""] * 3, strict=False):
            label.setText(line)
            label.setVisible(bool(line))
        self.nav.set_badge("errors", self.status.snapshot.open_errors)
        self.nav.set_badge("preview", self.status.snapshot.held)
        has_pairs = bool(self.status.snapshot.pairs)
        self.sync_button.setEnabled(has_pairs and not self.status.busy)
        self.sync_button.setText("Syncing…" if self.status.busy else "Sync now")
        self.pause_button.setEnabled(has_pairs)
        self.pause_button.setText("Resume schedule" if self.status.paused else "Pause schedule")

    def show_notice(self, note: Notification) -> None:
        """Where notifications go when there is no tray: a bar above the page."""
        title = self.pages.title(note.page or "")
        self.notice.show_note(note, f"Open {title}" if title else "")

    def _open_notice_page(self) -> None:
        page = self.notice.note.page if self.notice.note else None
        self.notice.hide()
        if page:
            self.show_page(page)

    def set_quitting(self) -> None:
        """Quit was chosen: no new syncs from here."""
        self.sync_button.setEnabled(False)
        self.pause_button.setEnabled(False)
        self.status_labels[0].setText("Finishing the current sync…")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """Ask the shell: hide to the tray, or (without one) confirm and quit."""
        if self.close_handler is None or self.close_handler():
            event.accept()
        else:
            event.ignore()

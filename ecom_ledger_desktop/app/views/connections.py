"""Connections: the store and the books this computer talks to — add, edit, test, sign in,
remove. All reading and writing happens off the GUI thread."""

from __future__ import annotations

from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QPushButton, QVBoxLayout, QWidget

from ecom_ledger_desktop.app.context import AppContext
from ecom_ledger_desktop.app.views.connection_card import ConnectionCard
from ecom_ledger_desktop.app.views.connection_form import HINT_STYLE, ConnectionDialog
from ecom_ledger_desktop.app.views.connection_service import admin_for, keyring_refuses
from ecom_ledger_desktop.app.views.oauth_dialog import OAuthDialog, OpenUrl
from ecom_ledger_desktop.app.views.page import Page
from ecom_ledger_desktop.app.views.widgets import EmptyState
from ecom_ledger_desktop.connectors.kinds import Role, load
from ecom_ledger_desktop.connectors.registry import KINDS, kinds_for
from ecom_ledger_desktop.secrets.store import ENABLE_HINT
from ecom_ledger_desktop.sync.connections_admin import (
    ConnectionFormError,
    ConnectionSummary,
    TestReport,
)


class ConnectionsPage(Page):
    """Where the merchant connects, tests and reconnects the store and the books."""

    key = "connections"
    title = "Connections"
    subtitle = ("Your online store and your books. Passwords and tokens are kept in "
                "this computer's keychain, never in a file.")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.open_url: OpenUrl = QDesktopServices.openUrl  # tests drive the browser themselves
        self.cards: dict[str, ConnectionCard] = {}
        self.dialog: ConnectionDialog | OAuthDialog | None = None  # the one open (tests use it)
        self.loaded = False
        self.keyring_hint = QLabel(ENABLE_HINT)
        self.keyring_hint.setWordWrap(True)
        self.keyring_hint.setStyleSheet(HINT_STYLE)
        self.keyring_hint.setVisible(keyring_refuses(ctx.service.secrets))
        self.body.addWidget(self.keyring_hint)
        actions = QHBoxLayout()
        actions.setSpacing(10)
        # one button per side, stores first; with several kinds on a side the merchant picks
        # the kind first (a menu, as the registry lists them), then fills its form
        self.add_buttons: dict[str, QPushButton] = {}
        self.add_actions: dict[str, QAction] = {}  # kind name -> its menu entry
        sides: tuple[tuple[Role, str], ...] = (("store", "a store"), ("ledger", "your books"))
        for role, what in sides:
            kinds = kinds_for(role)
            if not kinds:
                continue
            if len(kinds) == 1:
                only = kinds[0]
                button = QPushButton(f"Add {only.a(f'{only.brand} {only.noun}')}")
                button.clicked.connect(lambda _=False, name=only.name: self.open_add(name))
            else:
                button = QPushButton(f"Add {what}")
                menu = QMenu(button)
                for kind in kinds:
                    action = menu.addAction(kind.system)
                    action.setToolTip(f"Add {kind.a(kind.display_name)}")
                    action.triggered.connect(lambda _=False, name=kind.name: self.open_add(name))
                    self.add_actions[kind.name] = action
                button.setMenu(menu)
            button.setObjectName("primaryButton")
            actions.addWidget(button)
            self.add_buttons[role] = button
        actions.addStretch(1)
        self.body.addLayout(actions)
        self.empty = EmptyState(
            "Nothing connected yet",
            f"Add your store ({' or '.join(k.system for k in kinds_for('store'))}) and your "
            f"books ({' or '.join(k.system for k in kinds_for('ledger'))}); each form says where "
            "to find what it asks for. Use “Test connection” to see in plain words what works.")
        self.empty.hide()
        self.body.addWidget(self.empty)
        self.list_box = QVBoxLayout()
        self.list_box.setSpacing(12)
        self.body.addLayout(self.list_box)

    # -- reading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the connections in the background."""
        self.ctx.tasks.run(admin_for(self.ctx.service).list, on_done=self._show,
                           on_error=self._read_failed)

    def _show(self, summaries: list[ConnectionSummary]) -> None:
        self.loaded = True
        wanted = {s.name for s in summaries}
        for name in set(self.cards) - wanted:
            self.cards.pop(name).deleteLater()
        for summary in summaries:
            card = self.cards.get(summary.name)
            if card is None:
                card = ConnectionCard(summary)
                card.test_requested.connect(self.test)
                card.connect_requested.connect(self.sign_in)
                card.edit_requested.connect(self.open_edit)
                card.remove_requested.connect(self.remove)
                declared = KINDS.get(summary.kind)
                if declared is not None and declared.app_panel:  # the kind's own widgets
                    card.add_panel(load(declared.app_panel)(self.ctx, summary))
                self.cards[summary.name] = card
                self.list_box.addWidget(card)
            card.set_summary(summary)
        self.empty.setVisible(not summaries)

    def _read_failed(self, error: BaseException) -> None:
        self.ctx.dialogs.warn("Connections could not be read", f"{error}", self)

    # -- actions ----------------------------------------------------------------------------
    def open_add(self, kind: str) -> ConnectionDialog:
        """Open the add form of a kind (non-blocking)."""
        return self._open_form(ConnectionDialog(self.ctx, kind, parent=self))

    def open_edit(self, name: str) -> ConnectionDialog:
        """Open the edit form of a connection."""
        card = self.cards[name]
        return self._open_form(ConnectionDialog(self.ctx, card.summary.kind, card.summary, self))

    def _open_form(self, dialog: ConnectionDialog) -> ConnectionDialog:
        dialog.saved.connect(self._saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _saved(self, summary: ConnectionSummary) -> None:
        self.refresh()
        kind = KINDS.get(summary.kind)
        if kind and kind.connects == "oauth_browser" and summary.status != "ok":
            self.ctx.dialogs.inform(
                "Saved", f"'{summary.name}' is saved. Now sign in to {kind.brand}: use “Connect "
                f"to {kind.brand}” on its card.", self)

    def test(self, name: str) -> None:
        """Test a connection in the background; the card shows each check."""
        card = self.cards[name]
        card.set_testing(True)
        self.ctx.tasks.run(admin_for(self.ctx.service).test, name,
                           on_done=lambda report: self._tested(name, report),
                           on_error=lambda error: self._tested(
                               name, TestReport(False, [], f"The test could not run: {error}")))

    def _tested(self, name: str, report: TestReport) -> None:
        card = self.cards.get(name)
        if card is not None:
            card.set_testing(False)
            card.show_report(report)
        self.refresh()  # the status follows the test

    def sign_in(self, name: str) -> OAuthDialog:
        """Connect books in the browser (the dialog waits off the GUI thread)."""
        card = self.cards.get(name)
        kind = KINDS.get(card.summary.kind) if card is not None else None
        dialog = OAuthDialog(self.ctx, name, open_url=self.open_url, parent=self, kind=kind)
        dialog.connected.connect(lambda _outcome: self.refresh())
        self.dialog = dialog
        dialog.open()
        dialog.start()
        return dialog

    def remove(self, name: str) -> None:
        """Remove after confirming; a connection a pair uses is refused, saying why."""
        if not self.ctx.dialogs.confirm(
                f"Remove {name}?",
                f"'{name}' and its saved passwords are removed from this computer. Nothing "
                "changes in the store or in the books.", accept="Remove", parent=self):
            return
        self.ctx.tasks.run(admin_for(self.ctx.service).remove, name,
                           on_done=lambda _: self.refresh(),
                           on_error=lambda error: self._remove_failed(name, error))

    def _remove_failed(self, name: str, error: BaseException) -> None:
        why = (next(iter(error.problems.values())) if isinstance(error, ConnectionFormError)
               else str(error))
        self.ctx.dialogs.warn(f"{name} was not removed", why[:1].upper() + why[1:] + ".", self)


"""The QuickBooks Desktop panel on its connection card (``ConnectionKind.app_panel``): the address
the Web Connector calls, the certificate, the last contact, the setup steps, "Save .qwc file…" and
a new Web Connector password (shown once). Facts are read and files written off the GUI thread."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.signin import (
    PASSWORD_KEY as PASSWORD_SETTING,
)
from ecom_ledger_desktop.models.connections import ConnectionConfig

if TYPE_CHECKING:
    from ecom_ledger_desktop.app.context import AppContext
    from ecom_ledger_desktop.connectors.ledgers.qbd.setup import QbdSetup
    from ecom_ledger_desktop.sync.connections_admin import ConnectionSummary


def _config(summary: ConnectionSummary) -> ConnectionConfig:
    return ConnectionConfig(id=summary.id, name=summary.name, kind=summary.kind,
                            settings=dict(summary.settings))


def _setup(config: ConnectionConfig, ctx: AppContext) -> QbdSetup:
    from ecom_ledger_desktop.connectors.ledgers.qbd.setup import setup_facts

    db_path = ctx.service.db_path
    return setup_facts(config, db_path, db_path.parent, ctx.service.clock)


def _save_qwc(config: ConnectionConfig, path: str) -> str:
    from ecom_ledger_desktop.connectors.ledgers.qbd.kind import save_qwc

    return save_qwc(config, path)


def _new_password(ctx: AppContext, name: str) -> str:
    from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.signin import issue_password

    return issue_password(ctx.service.secrets, name)


class QbdConnectionPanel(QWidget):
    """What a merchant needs to connect QuickBooks Desktop through the Web Connector."""

    def __init__(self, ctx: AppContext, summary: ConnectionSummary,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.summary = ctx, summary
        self.facts: QbdSetup | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(4)
        self.url_label = QLabel()
        self.url_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.certificate_label = QLabel()
        self.contact_label = QLabel()
        self.steps_label = QLabel()
        for label in (self.url_label, self.certificate_label, self.contact_label,
                      self.steps_label):
            label.setWordWrap(True)
            layout.addWidget(label)
        self.steps_label.setTextFormat(Qt.TextFormat.RichText)
        buttons = QHBoxLayout()
        self.save_qwc_button = QPushButton("Save .qwc file…")
        self.password_button = QPushButton("New Web Connector password")
        for button in (self.save_qwc_button, self.password_button):
            button.setObjectName("secondaryButton")
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.save_qwc_button.clicked.connect(self.save_qwc)
        self.password_button.clicked.connect(self.new_password)
        self._password_label()
        self.refresh()

    def set_summary(self, summary: ConnectionSummary) -> None:
        """The connection was re-read: read the facts again."""
        self.summary = summary
        self._password_label()
        self.refresh()

    def _password_label(self) -> None:
        has = self.summary.secrets_set.get(PASSWORD_SETTING, False)
        self.password_button.setText("New Web Connector password" if has
                                     else "Make the Web Connector password")
        self.password_button.setObjectName("secondaryButton" if has else "primaryButton")
        self.password_button.style().unpolish(self.password_button)
        self.password_button.style().polish(self.password_button)

    def refresh(self) -> None:
        """Read the facts in the background."""
        self.ctx.tasks.run(_setup, _config(self.summary), self.ctx, on_done=self._show,
                           on_error=lambda error: self.contact_label.setText(
                               f"The Web Connector's state could not be read: {error}"))

    def _show(self, facts: QbdSetup) -> None:
        self.facts = facts
        self.url_label.setText(f"Web Connector address: {facts.url}")
        self.certificate_label.setText(facts.certificate)
        self.contact_label.setText(facts.last_contact)
        steps = "".join(f"<li>{html.escape(step)}</li>" for step in facts.steps)
        self.steps_label.setText(f"<b>Set up</b><ol>{steps}</ol>")

    def save_qwc(self) -> None:
        """Ask where, then write the .qwc file and say what to do with it."""
        path = self.ctx.dialogs.save_file("Save the Web Connector file",
                                          f"{self.summary.name}.qwc",
                                          "QuickBooks Web Connector files (*.qwc)", self)
        if not path:
            return
        self.ctx.tasks.run(_save_qwc, _config(self.summary), path,
                           on_done=lambda said: self.ctx.dialogs.inform(
                               "Web Connector file saved", said, self),
                           on_error=lambda error: self.ctx.dialogs.warn(
                               "The .qwc file was not saved", str(error), self))

    def new_password(self) -> None:
        """Issue a Web Connector password (after confirming when one exists); shown once."""
        has = self.summary.secrets_set.get(PASSWORD_SETTING, False)
        if has and not self.ctx.dialogs.confirm(
                "New Web Connector password?",
                "The Web Connector stops signing in until you type the new password in its "
                "Password column.", accept="Make a new password", parent=self):
            return
        self.ctx.tasks.run(_new_password, self.ctx, self.summary.name,
                           on_done=self._issued,
                           on_error=lambda error: self.ctx.dialogs.warn(
                               "No new password", str(error), self))

    def _issued(self, password: str) -> None:
        self.summary.secrets_set[PASSWORD_SETTING] = True
        self._password_label()
        self.ctx.dialogs.inform(
            "Web Connector password", "Type this password in the QuickBooks Web Connector's "
            f"Password column. It is shown only now:\n\n{password}", self)

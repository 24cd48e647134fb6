"""Connecting books in the system browser (QuickBooks Online, FreshBooks): open the provider's
sign-in, wait (off the GUI thread) for the answer on this computer, or take the pasted address
instead; when the signed-in user has several businesses, pick one ("Business: [▾] Connect").

``OAuthConnect`` does the work; this dialog only starts it, shows where it is, and cancels it.
The words are the connection kind's. The browser opener is injectable so tests drive the
"browser" themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, wait
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ecom_ledger_desktop.app.context import AppContext
from ecom_ledger_desktop.app.views.connection_form import HINT_STYLE
from ecom_ledger_desktop.connectors.kinds import ConnectionKind
from ecom_ledger_desktop.connectors.registry import DEFAULT_DEMO_LEDGER, kind_of
from ecom_ledger_desktop.sync.connect_flow import ConnectOutcome, OAuthConnect
from ecom_ledger_desktop.sync.oauth_callback import DEFAULT_TIMEOUT, ConnectError

OpenUrl = Callable[[QUrl], bool]


class OAuthDialog(QDialog):
    """Sign in to the books of one connection (``kind``: its kind, the default ledger's when not
    given); ``connected`` carries the outcome."""

    connected = Signal(object)  # ConnectOutcome

    def __init__(self, ctx: AppContext, connection: str, *, open_url: OpenUrl | None = None,
                 timeout: float = DEFAULT_TIMEOUT, parent: QWidget | None = None,
                 kind: ConnectionKind | None = None) -> None:
        super().__init__(parent)
        self.kind = kind or kind_of(DEFAULT_DEMO_LEDGER)
        brand = self.kind.brand
        self.ctx = ctx
        self.connection = connection
        self.open_url: OpenUrl = open_url or QDesktopServices.openUrl
        self.timeout = timeout
        self.flow = OAuthConnect(ctx.service.open_state, ctx.service.secrets, connection)
        self.consent_url = ""
        self.outcome: ConnectOutcome | None = None
        self._waiting: Future[Any] | None = None
        self._finished = False  # cancelled, pasted or done: a late answer is ignored
        self.setWindowTitle(f"Connect {connection} to {brand}")
        self.setMinimumWidth(540)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(12)
        self.message = QLabel(f"Opening {brand}'s sign-in page…")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        layout.addWidget(self.bar)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(HINT_STYLE)
        self.problem.hide()
        layout.addWidget(self.problem)
        self.pick_box = QWidget()  # the signed-in user has several businesses: which one
        pick = QHBoxLayout(self.pick_box)
        pick.setContentsMargins(0, 0, 0, 0)
        self.pick_label = QLabel(f"{self.kind.noun[:1].upper()}{self.kind.noun[1:]}:")
        self.pick_combo = QComboBox()
        self.pick_combo.setAccessibleName(f"{brand} {self.kind.noun}")
        self.pick_label.setBuddy(self.pick_combo)
        self.pick_button = QPushButton("Connect")
        self.pick_button.setObjectName("primaryButton")
        self.pick_button.clicked.connect(self.choose)
        pick.addWidget(self.pick_label)
        pick.addWidget(self.pick_combo, 1)
        pick.addWidget(self.pick_button)
        self.pick_box.hide()
        layout.addWidget(self.pick_box)
        links = QHBoxLayout()
        self.reopen_button = QPushButton("Open the page again")
        self.copy_button = QPushButton("Copy its address")
        self.paste_toggle = QPushButton("Paste the address instead…")
        for button in (self.reopen_button, self.copy_button, self.paste_toggle):
            button.setObjectName("secondaryButton")
            button.hide()  # until there is an address to open, copy or answer
            links.addWidget(button)
        links.addStretch(1)
        layout.addLayout(links)
        self.reopen_button.clicked.connect(lambda: self.open_url(QUrl(self.consent_url)))
        self.copy_button.clicked.connect(
            lambda: QGuiApplication.clipboard().setText(self.consent_url))
        self.paste_box = QWidget()
        paste = QVBoxLayout(self.paste_box)
        paste.setContentsMargins(0, 0, 0, 0)
        explain = QLabel("If the browser could not come back to this app, it shows an address "
                         "(or a code) after you sign in. Copy the whole address and paste it here.")
        explain.setWordWrap(True)
        explain.setObjectName("muted")
        paste.addWidget(explain)
        row = QHBoxLayout()
        self.paste_edit = QLineEdit()
        self.paste_edit.setPlaceholderText("https://…?code=…&state=…" + (
            f"&{self.kind.redirect_company}=…" if self.kind.redirect_company else ""))
        row.addWidget(self.paste_edit, 1)
        self.paste_button = QPushButton("Connect")
        self.paste_button.setObjectName("primaryButton")
        row.addWidget(self.paste_button)
        paste.addLayout(row)
        self.paste_box.hide()
        layout.addWidget(self.paste_box)
        self.paste_toggle.clicked.connect(self._show_paste)
        self.paste_button.clicked.connect(self.finish_pasted)
        self.paste_edit.returnPressed.connect(self.finish_pasted)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("secondaryButton")
        self.cancel_button.clicked.connect(self.reject)
        bottom.addWidget(self.cancel_button)
        layout.addLayout(bottom)

    # -- the flow -------------------------------------------------------------------------
    def start(self) -> None:
        """Start listening and open the sign-in page (both prepared off the GUI thread)."""
        self.ctx.tasks.run(self.flow.begin, on_done=self._begun, on_error=self._failed)

    def _begun(self, url: str) -> None:
        if self._finished:
            self.ctx.tasks.run(self.flow.cancel)
            return
        self.consent_url = url
        for button in (self.reopen_button, self.copy_button, self.paste_toggle):
            button.show()
        opened = self.open_url(QUrl(url))
        self.message.setText(
            f"Sign in to {self.kind.brand} in your browser and choose the {self.kind.noun} to "
            "connect. This window carries on by itself when you are done." if opened else
            "The browser did not open. Use “Copy its address”, open it in a browser, sign in, "
            "then paste the address you end up on.")
        self._waiting = self.ctx.tasks.run(self.flow.wait, self.timeout, on_done=self._done,
                                           on_error=self._failed)

    def _show_paste(self) -> None:
        self.paste_box.show()
        self.paste_toggle.hide()
        self.paste_edit.setFocus()
        self.adjustSize()

    def finish_pasted(self) -> None:
        """Complete from the pasted address (the listener stops waiting)."""
        text = self.paste_edit.text()
        if not text.strip() or self._finished:
            return
        self._finished = True
        self.paste_button.setEnabled(False)
        self.problem.hide()
        self.bar.show()
        self.bar.setRange(0, 0)
        self.message.setText("Connecting with the pasted address…")
        self.ctx.tasks.run(self._finish_pasted, text, on_done=self._pasted_done,
                           on_error=self._paste_failed)

    def _finish_pasted(self, text: str) -> ConnectOutcome:
        """(worker) Let the waiting worker end first, then use the pasted address."""
        self._stop_listening()
        if self._waiting is not None:
            wait([self._waiting])
        return self.flow.finish_pasted(text)

    def _stop_listening(self) -> None:
        """Wake the waiting worker, which closes the listener itself: closing it from two
        threads at once races inside ``LoopbackListener.close``."""
        listener = self.flow._listener
        if listener is not None:
            listener.cancel()

    def _pasted_done(self, outcome: ConnectOutcome) -> None:
        self._finished = False
        self._done(outcome)

    def _paste_failed(self, error: BaseException) -> None:
        self._finished = False
        self.paste_button.setEnabled(True)
        self._failed(error)

    def _done(self, outcome: ConnectOutcome) -> None:
        if self._finished:
            return
        self._finished = True
        self.outcome = outcome
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        self.message.setText(outcome.message)
        self.connected.emit(outcome)
        self.accept()

    def choose(self) -> None:
        """Connect the business picked in the list (signed in already: no browser again)."""
        chosen = self.pick_combo.currentData()
        if not isinstance(chosen, dict) or self._finished:
            return
        self.pick_button.setEnabled(False)
        self.problem.hide()
        self.bar.show()
        self.bar.setRange(0, 0)
        self.message.setText(f"Connecting {self.pick_combo.currentText()}…")
        self.ctx.tasks.run(self.flow.choose, dict(chosen), on_done=self._done,
                           on_error=self._failed)

    def _offer_choices(self, error: ConnectError) -> None:
        self.pick_combo.clear()
        for label, settings in error.choices:
            self.pick_combo.addItem(label, settings)
        self.pick_button.setEnabled(True)
        self.bar.hide()
        for button in (self.reopen_button, self.copy_button, self.paste_toggle):
            button.hide()
        self.paste_box.hide()
        self.message.setText(f"Signed in. Which {self.kind.noun} should '{self.connection}' "
                             "post to?")
        self.pick_box.show()
        self.pick_combo.setFocus()
        self.adjustSize()

    def _failed(self, error: BaseException) -> None:
        if self._finished or (isinstance(error, ConnectError) and error.reason == "cancelled"):
            return  # cancelled, or the pasted address is being used instead
        if isinstance(error, ConnectError) and error.reason == "choose" and error.choices:
            self._offer_choices(error)
            return
        self.bar.hide()
        self.pick_button.setEnabled(True)
        text = str(error) if isinstance(error, ConnectError) else (
            f"{self.kind.brand} did not connect: {error}")
        self.message.setText("Not connected.")
        self.problem.setText(text)
        self.problem.show()
        self.cancel_button.setText("Close")
        self.adjustSize()

    def reject(self) -> None:
        """Cancel: stop listening (the waiting worker ends at once)."""
        if not self._finished:
            self._finished = True
            if self._waiting is not None:
                self._stop_listening()
            else:  # still starting: _begun cancels what begin() opened
                self.ctx.tasks.run(self._stop_listening)
        super().reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        """Enter in the paste box must not close the dialog."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return
        super().keyPressEvent(event)

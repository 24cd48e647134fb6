"""One connection on the Connections page: what it is, whether it works, its actions, and the
last "Test connection" report line by line."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ecom_ledger_desktop.app.views.connection_service import (
    ENVIRONMENT_LABELS,
    chip_for,
    kind_label,
    signs_in_with_browser,
)
from ecom_ledger_desktop.app.views.widgets import Card
from ecom_ledger_desktop.connectors.registry import KINDS

if TYPE_CHECKING:  # the connections admin loads the connectors (httpx): only when used
    from ecom_ledger_desktop.sync.connections_admin import ConnectionSummary, TestReport

OK_MARK, BAD_MARK = "✓", "✗"


def report_lines(report: TestReport) -> list[tuple[bool, str]]:
    """The report as (ok, sentence) lines: each check, then the error that stopped the test."""
    lines = [(c.ok, f"{c.label} — {c.detail}" if c.detail else c.label) for c in report.checks]
    if report.error:
        lines.append((False, report.error))
    return lines


def line_html(ok: bool, sentence: str) -> str:
    """One report line with a green ✓ or a red ✗."""
    return (f"<span style='color:{'#1e6b34' if ok else '#a12020'};font-weight:600'>"
            f"{OK_MARK if ok else BAD_MARK}</span>&nbsp; {html.escape(sentence)}")


class ConnectionCard(Card):
    """A card per connection; buttons emit the connection's name."""

    test_requested = Signal(str)
    connect_requested = Signal(str)
    edit_requested = Signal(str)
    remove_requested = Signal(str)

    def __init__(self, summary: ConnectionSummary, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.summary = summary
        top = QHBoxLayout()
        top.setSpacing(10)
        self.name_label = QLabel()
        self.name_label.setObjectName("cardHeading")
        top.addWidget(self.name_label)
        self.chip = QLabel()
        self.chip.setObjectName("chip")
        top.addWidget(self.chip)
        top.addStretch(1)
        self.layout_.addLayout(top)
        self.detail_label = QLabel()
        self.detail_label.setObjectName("muted")
        self.detail_label.setWordWrap(True)
        self.layout_.addWidget(self.detail_label)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.layout_.addWidget(self.message_label)
        self.report_box = QWidget()
        self.report_layout = QVBoxLayout(self.report_box)
        self.report_layout.setContentsMargins(12, 8, 12, 8)
        self.report_layout.setSpacing(4)
        self.report_box.setStyleSheet("background: #f5f7f8; border-radius: 6px;")
        self.report_box.hide()
        self.layout_.addWidget(self.report_box)
        self.report_labels: list[QLabel] = []
        self.panel: QWidget | None = None  # the kind's own panel (``ConnectionKind.app_panel``)
        self.panel_slot = QVBoxLayout()
        self.panel_slot.setContentsMargins(0, 0, 0, 0)
        self.layout_.addLayout(self.panel_slot)
        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        self.connect_button = QPushButton("Connect")
        self.test_button = QPushButton("Test connection")
        self.edit_button = QPushButton("Edit")
        self.remove_button = QPushButton("Remove")
        for button, signal in ((self.connect_button, self.connect_requested),
                               (self.test_button, self.test_requested),
                               (self.edit_button, self.edit_requested),
                               (self.remove_button, self.remove_requested)):
            button.setObjectName("secondaryButton")
            button.clicked.connect(lambda _=False, s=signal: s.emit(self.summary.name))
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.layout_.addSpacing(4)
        self.layout_.addLayout(buttons)
        self.set_summary(summary)

    def add_panel(self, panel: QWidget) -> None:
        """Show the kind's own panel above the buttons (it follows ``set_summary``)."""
        self.panel = panel
        self.panel_slot.addWidget(panel)

    def set_summary(self, summary: ConnectionSummary) -> None:
        """Show a (re-read) connection."""
        self.summary = summary
        set_panel = getattr(self.panel, "set_summary", None)
        if set_panel is not None:
            set_panel(summary)
        self.name_label.setText(summary.name)
        text, kind = chip_for(summary.status)
        self.chip.setText(text)
        self.chip.setProperty("kind", kind)
        self.chip.style().unpolish(self.chip)
        self.chip.style().polish(self.chip)
        declared = KINDS.get(summary.kind)
        where = declared.where(summary.settings) if declared else ""
        parts = [kind_label(summary.kind), *([where] if where else []),
                 "demo data" if summary.demo else
                 ENVIRONMENT_LABELS.get(summary.environment, summary.environment)]
        self.detail_label.setText(" · ".join(parts))
        self.message_label.setText(summary.status_message)
        self.message_label.setVisible(bool(summary.status_message))
        # demo tokens live in memory: a demo connection never signs in again
        browser = signs_in_with_browser(summary.kind) and not summary.demo
        signed_in = declared is not None and all(summary.secrets_set.get(s.name)
                                                 for s in declared.secrets if s.signed_in)
        self.connect_button.setVisible(browser)
        self.connect_button.setText("Sign in again" if browser and summary.status == "ok"
                                    and signed_in
                                    else f"Connect to {declared.brand if declared else summary.kind}")
        self.connect_button.setObjectName("primaryButton" if browser and summary.status != "ok"
                                          else "secondaryButton")
        self.connect_button.style().unpolish(self.connect_button)
        self.connect_button.style().polish(self.connect_button)

    def set_testing(self, testing: bool) -> None:
        """Disable the test button while a test runs."""
        self.test_button.setEnabled(not testing)
        self.test_button.setText("Testing…" if testing else "Test connection")

    def show_report(self, report: TestReport) -> None:
        """The test's checks, one line each, ✓ or ✗."""
        for label in self.report_labels:
            label.deleteLater()
        self.report_labels = []
        for ok, sentence in report_lines(report) or [(False, "Nothing could be checked.")]:
            label = QLabel(line_html(ok, sentence))
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            label.setProperty("ok", ok)
            label.setProperty("plain", f"{OK_MARK if ok else BAD_MARK} {sentence}")
            self.report_layout.addWidget(label)
            self.report_labels.append(label)
        self.report_box.show()

    def report_texts(self) -> list[str]:
        """The report lines as plain text (tests read them)."""
        return [str(label.property("plain")) for label in self.report_labels]

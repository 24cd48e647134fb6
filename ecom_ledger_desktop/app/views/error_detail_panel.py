"""The selected entry: what is wrong in plain words, the order, and the fixes that apply."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from ecom_ledger_desktop.app import formatting as fmt
from ecom_ledger_desktop.app.models.errors_model import record_text
from ecom_ledger_desktop.app.views.error_fixes import FixesView
from ecom_ledger_desktop.app.views.error_work import DetailView
from ecom_ledger_desktop.app.views.widgets import Card
from ecom_ledger_desktop.sync.error_details import NO_BRAND, OrderSummary

STYLE = """
#fixHeading { font-weight: 600; color: #1f2a30; }
#fixRow { border-top: 1px solid #eceff1; }
#problemMessage { color: #1f2a30; font-size: 14px; }
#lookupError { background: #fff8e1; color: #5d4300; border-radius: 6px; padding: 6px 10px; }
#sectionLabel { color: #5f6f78; font-weight: 600; }
#busyLabel { color: #00695c; font-weight: 600; }
"""


def order_html(order: OrderSummary, problem_sku: str, books: str = NO_BRAND) -> str:
    """The order in a few lines; the line with the problem SKU in bold."""
    who = " · ".join(html.escape(p) for p in (order.customer_name, order.email) if p)
    total = f"{fmt.amount(order.total)} {order.currency}".strip() if order.total is not None else ""
    head = " · ".join(p for p in (html.escape(order.created_at[:10]), total,
                                  html.escape(order.status), html.escape(order.payment_method))
                      if p)
    rows = []
    for line in order.lines:
        qty = f"{line.qty.normalize():f} × " if line.qty is not None else ""
        amount = fmt.amount(line.row_total, order.currency) if line.row_total is not None \
            else ""
        text = (f"{qty}{html.escape(line.name or line.sku)} "
                f"<span style='color:#5f6f78'>({html.escape(line.sku)})</span>")
        if problem_sku and line.sku == problem_sku:
            text = f"<b>{text}</b> <span style='color:#a12020'>← not in {books}</span>"
        rows.append(f"<tr><td style='padding-right:18px'>{text}</td>"
                    f"<td align='right'>{amount}</td></tr>")
    table = f"<table cellspacing='0' cellpadding='2'>{''.join(rows)}</table>" if rows else ""
    return f"<div>{who}</div><div style='color:#5f6f78'>{head}</div>{table}"


class ErrorDetailPanel(Card):
    """Shows one ``DetailView``; ``requested(action, value)`` when the merchant picks a fix."""

    requested = Signal(str, str)
    navigate = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Choose a record above", parent)
        self.setStyleSheet(STYLE)
        self.view: DetailView | None = None
        self.fixes: FixesView | None = None
        self.summary = QLabel()
        self.summary.setObjectName("muted")
        self.layout_.addWidget(self.summary)
        busy_row = QHBoxLayout()  # at the top: seen without scrolling, whichever fix was used
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setMaximumWidth(160)
        self.busy_label = QLabel()
        self.busy_label.setObjectName("busyLabel")
        busy_row.addWidget(self.busy_bar)
        busy_row.addWidget(self.busy_label, 1)
        self.layout_.addLayout(busy_row)
        self.message = QLabel()
        self.message.setObjectName("problemMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layout_.addWidget(self.message)
        self.lookup_error = QLabel()
        self.lookup_error.setObjectName("lookupError")
        self.lookup_error.setWordWrap(True)
        self.lookup_error.hide()
        self.layout_.addWidget(self.lookup_error)
        self.order_heading = QLabel("The order in your store")
        self.order_heading.setObjectName("sectionLabel")
        self.layout_.addWidget(self.order_heading)
        self.order = QLabel()
        self.order.setTextFormat(Qt.TextFormat.RichText)
        self.order.setWordWrap(True)
        self.layout_.addWidget(self.order)
        self.fixes_heading = QLabel("What you can do")
        self.fixes_heading.setObjectName("sectionLabel")
        self.layout_.addWidget(self.fixes_heading)
        self.fixes_box = QVBoxLayout()
        self.fixes_box.setSpacing(0)
        self.layout_.addLayout(self.fixes_box)
        self.set_busy("")
        self.show_loading(None)

    def show_loading(self, record: str | None, books: str = NO_BRAND) -> None:
        """Between a selection and its details arriving (``books``: the pair's ledger brand)."""
        self.view = None
        self._clear_fixes()
        self.heading.setText(record or "Choose a record above")
        self.summary.setText(f"Reading the record and asking {books}…" if record else
                             "Its problem, the order and the fixes that apply appear here.")
        for widget in (self.message, self.lookup_error, self.order_heading, self.order,
                       self.fixes_heading):
            widget.hide()

    def show_view(self, view: DetailView, now_text: str) -> None:
        """Show an entry's details and build its fix controls."""
        self.view = view
        details, entry = view.details, view.details.entry
        self.heading.setText(f"{record_text(entry)} — {details.title}")
        times = f" · flagged {fmt.plural(entry.occurrences, 'time')}" if entry.occurrences > 1 \
            else ""
        self.summary.setText(f"Waiting since {now_text}{times}")
        self.message.setText(_plain_message(entry.message, record_text(entry)))
        self.message.show()
        self.lookup_error.setText(details.lookup_error)
        self.lookup_error.setVisible(bool(details.lookup_error))
        has_order = details.order is not None
        self.order_heading.setVisible(has_order)
        self.order.setVisible(has_order)
        if details.order is not None:
            problem_sku = entry.detail if entry.code in ("unmapped_sku", "duplicate_sku") else ""
            self.order.setText(order_html(details.order, problem_sku, details.books))
        self._clear_fixes()
        self.fixes = FixesView(details, view.item_names)
        self.fixes.requested.connect(self.requested)
        self.fixes.navigate.connect(self.navigate)
        self.fixes_box.addWidget(self.fixes)
        self.fixes_heading.show()

    def _clear_fixes(self) -> None:
        if self.fixes is not None:
            self.fixes.setParent(None)
            self.fixes.deleteLater()
            self.fixes = None

    def set_busy(self, text: str) -> None:
        """Show a moving bar and ``text`` while a fix runs ("" hides them)."""
        self.busy_bar.setVisible(bool(text))
        self.busy_label.setText(text)
        self.busy_label.setVisible(bool(text))
        if self.fixes is not None:
            self.fixes.set_enabled(not text)


def _plain_message(message: str, record: str) -> str:
    """The message without the record prefix the heading already shows."""
    for prefix in (f"{record}: ", f"{record} "):
        if message.startswith(prefix):
            return message[len(prefix):]
    return message

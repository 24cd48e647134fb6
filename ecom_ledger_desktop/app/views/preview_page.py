"""The Preview page: exactly what a pair's next run would post, and approving held orders.

The preview runs in the background (``ctx.tasks``); the page shows each document with its
lines, the customers and items that would be created, what would be flagged and why, and the
totals per day and payment method in each currency. For a pair that holds its runs for
approval, "Approve selected" / "Approve all" release orders; a sync then posts them.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from ecom_ledger_desktop.app import formatting as fmt
from ecom_ledger_desktop.app.context import AppContext
from ecom_ledger_desktop.app.views.page import Page
from ecom_ledger_desktop.app.views.preview_work import approve, read_pairs, read_preview
from ecom_ledger_desktop.app.views.widgets import Card, EmptyState
from ecom_ledger_desktop.db.connections_repo import Pair
from ecom_ledger_desktop.sync.preview_model import Preview, PreviewDocument

DOC_COLUMNS = ["Order", "Document", "Date", "Customer", "Total", "Tax", "Status"]
LINE_COLUMNS = ["", "Line", "Item", "Qty × price", "Amount", "Tax", "Account"]
TOTAL_COLUMNS = ["Day", "Payment method", "Currency", "Documents", "New sales",
                 "Changes to posted", "Refunds", "Payments received", "Tax", "Net"]
OPTIONAL_COLUMNS = {"Changes to posted": "changes", "Payments received": "payments"}


EXPLAINED = ("The preview reads your store and your books and shows each document the next sync "
             "would post, with its lines, the customers and items it would create, what it would "
             "flag and the totals per day and payment method, without changing anything.")
APPROVAL = (" This pair waits for your approval: nothing is posted until you approve it "
            "here.")


def _muted(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("muted")
    label.setWordWrap(True)
    return label


def _doc_texts(doc: PreviewDocument, holding: bool) -> list[str]:
    kind = doc.doc_kind.replace("_", " ")
    who = (f"{doc.customer.display_name} — {doc.customer.reason}" if doc.customer else "")
    status = ("approved" if doc.approved else "held") if holding else "will post"
    record = doc.record_number if doc.record_kind == "order" else (
        f"{doc.record_kind.capitalize()} {doc.record_number}")
    return [record, f"{doc.op} {kind} {doc.doc_number}".strip(), str(doc.txn_date or ""),
            who, f"{doc.total} {doc.currency}", f"{doc.tax_total} {doc.currency}", status]


def _flagged_totals(seen: Preview) -> list[str]:
    """What would be flagged, so not posted, in each currency (never added across them)."""
    amounts: dict[str, tuple[int, Decimal]] = {}
    for row in seen.flagged_totals():
        count, total = amounts.get(row.currency, (0, Decimal(0)))
        amounts[row.currency] = (count + row.documents, total + row.sales - row.refunds)
    said = [f"{total} {currency} ({count} document{'s' if count != 1 else ''})"
            for currency, (count, total) in sorted(amounts.items())]
    unpriced = seen.unpriced_flags()
    if unpriced:
        said.append(f"{unpriced} record{'s' if unpriced != 1 else ''} with no document to total")
    return [f"\nNot posted while flagged: {', '.join(said)}."] if said else []


class PreviewPage(Page):
    """The exact preview of a pair's next run, with approval when the pair holds its runs."""

    key = "preview"
    title = "Preview"
    subtitle = ("Exactly what the next sync would post — every document and line, the customers "
                "and items it would create, and what it would flag. Nothing is changed.")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.preview: Preview | None = None
        self.busy = False
        self._pairs: list[Pair] = []
        row = QHBoxLayout()
        self.pair_box = QComboBox()
        row.addWidget(self.pair_box, 1)
        self.pair_box.currentIndexChanged.connect(self._pair_chosen)
        self.preview_button = QPushButton("Preview the next sync")
        self.preview_button.clicked.connect(self.run_preview)
        row.addWidget(self.preview_button)
        self.body.addLayout(row)
        self.summary = _muted()
        self.body.addWidget(self.summary)
        self.empty = EmptyState("See exactly what the next sync would post", EXPLAINED,
                                [("Preview the next sync", self.run_preview)])
        self.body.addWidget(self.empty)
        self.docs_card = Card("Documents")
        self.documents = QTreeWidget()
        self.documents.setColumnCount(len(DOC_COLUMNS))
        self.documents.setHeaderLabels(DOC_COLUMNS)
        self.documents.setMinimumHeight(260)
        self.docs_card.layout_.addWidget(self.documents)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.approve_selected_button = QPushButton("Approve selected")
        self.approve_selected_button.clicked.connect(self.approve_selected)
        self.approve_all_button = QPushButton("Approve all")
        self.approve_all_button.clicked.connect(self.approve_all)
        for button in (self.approve_selected_button, self.approve_all_button):
            button.hide()
            buttons.addWidget(button)
        self.docs_card.layout_.addLayout(buttons)
        self.body.addWidget(self.docs_card)
        self.creates_card = Card("To create in the books")
        self.creates = _muted()
        self.creates_card.layout_.addWidget(self.creates)
        self.body.addWidget(self.creates_card)
        self.flags_card = Card("Would be flagged")
        self.flags = _muted()
        self.flags_card.layout_.addWidget(self.flags)
        self.body.addWidget(self.flags_card)
        self.totals_card = Card("Totals per day and payment method")
        self.totals = QTableWidget(0, len(TOTAL_COLUMNS))
        self.totals.setHorizontalHeaderLabels(TOTAL_COLUMNS)
        self.totals.verticalHeader().hide()
        self.totals.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.totals_card.layout_.addWidget(self.totals)
        self.body.addWidget(self.totals_card)
        self.sections = [self.docs_card, self.creates_card, self.flags_card, self.totals_card]
        self._show_sections(False)

    def _show_sections(self, shown: bool) -> None:
        """Before the first preview only the explanation and its button (no empty tables)."""
        self.empty.setVisible(not shown)
        self.preview_button.setVisible(shown)  # before, the explanation's own button offers it
        self.summary.setVisible(shown or self.busy or bool(self.summary.text()))
        for section in self.sections:
            section.setVisible(shown)

    # -- loading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the pairs in the background (the preview itself runs on request)."""
        self.ctx.tasks.run(read_pairs, self.ctx.service, on_done=self._show_pairs)

    def _show_pairs(self, pairs: list[Pair]) -> None:
        chosen = self.pair_box.currentData()
        self._pairs = pairs
        self.pair_box.blockSignals(True)  # the same choice, filled again: the preview stays
        self.pair_box.clear()
        for pair in pairs:
            self.pair_box.addItem(pair.name, pair.id)
        if chosen is not None:
            self.pair_box.setCurrentIndex(max(0, self.pair_box.findData(chosen)))
        self.pair_box.blockSignals(False)
        self._pair_chosen()
        self.preview_button.setEnabled(bool(pairs))
        self.empty.buttons[0].setEnabled(bool(pairs) and not self.busy)
        if not pairs:
            self.empty.set_text("Set up a pair (a store and its books) first: then the preview "
                                "shows exactly what its next sync would post.")

    def _pair_chosen(self) -> None:
        """Another pair: its own explanation, and no preview of the pair before on show."""
        pair_id = self.pair_box.currentData()
        pair = next((p for p in self._pairs if p.id == pair_id), None)
        holds = pair is not None and pair.rules.posting_approval == "hold"
        if pair is not None:
            self.empty.set_text(EXPLAINED + (APPROVAL if holds else ""))
        if self.preview is not None and self.preview.pair_id != pair_id and not self.busy:
            self.preview = None
            self.summary.setText("")
            self._show_sections(False)

    def run_preview(self) -> None:
        """Preview the chosen pair's next run in the background."""
        pair_id = self.pair_box.currentData()
        if pair_id is None or self.busy:
            return
        self.busy = True
        self.preview_button.setEnabled(False)
        self.empty.buttons[0].setEnabled(False)
        self.summary.setText("Reading the store and the books… nothing is changed.")
        self.summary.show()
        self.ctx.tasks.run(read_preview, self.ctx.service, int(pair_id),
                           on_done=self._show_preview, on_error=self._failed)

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        self.preview_button.setEnabled(True)
        self.empty.buttons[0].setEnabled(True)
        self.summary.setText(f"The preview could not be made: {error}")

    def _show_preview(self, seen: Preview) -> None:
        self.busy = False
        self.preview_button.setEnabled(True)
        self.preview_button.setText("Preview again")
        self.preview = seen
        self._show_sections(True)
        held = seen.held()
        words = (f"The next sync would make {len(seen.documents)} change"
                 f"{'s' if len(seen.documents) != 1 else ''} in the books "
                 f"({seen.scope()}). Nothing was changed.")
        if seen.ledger_read:
            words += f" Customers and items matched against {seen.ledger_read}"
        if seen.holding:
            words += (f" This pair waits for your approval: {len(held)} held. Tick the orders "
                      "to post and approve them; the next sync posts them.")
        self.summary.setText(words)
        self._fill_documents(seen)
        self._fill_creates(seen)
        self._fill_totals(seen)
        flags = [("" if f.record_ref in f.message else  # the message names it already
                  f"{f.record_kind.capitalize()} {f.record_ref}: ") + f.message
                 + (f" Fix: {' / '.join(f.fixes)}." if f.fixes else "")
                 + (" (already in the error queue)" if f.already_open else "")
                 for f in seen.flags]
        flags += _flagged_totals(seen)
        self.flags.setText("\n".join(flags) or "Nothing would be flagged.")
        for button in (self.approve_selected_button, self.approve_all_button):
            button.setVisible(seen.holding)
            button.setEnabled(bool(held))

    def _fill_documents(self, seen: Preview) -> None:
        self.documents.clear()
        for doc in seen.documents:
            item = QTreeWidgetItem(_doc_texts(doc, seen.holding))
            item.setData(0, Qt.ItemDataRole.UserRole, doc.posting_key)
            if seen.holding and not doc.approved:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(0, Qt.CheckState.Unchecked)
            for line in doc.lines:  # each amount with its currency, as the document's
                qty = f"{line.qty} × {line.unit_price}" if line.qty is not None else ""
                tax = fmt.amount(line.tax_amount, doc.currency) + (
                    f" ({line.tax_code})" if line.tax_code else "")
                item.addChild(QTreeWidgetItem(["", line.kind.replace("_", " "), line.item, qty,
                                               fmt.amount(line.amount, doc.currency), tax,
                                               line.account]))
            self.documents.addTopLevelItem(item)
        self.documents.expandAll()
        header = self.documents.header()
        for column in range(len(DOC_COLUMNS)):  # numbers whole; the customer takes the rest
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch if column == 3
                                        else QHeaderView.ResizeMode.ResizeToContents)

    def _fill_creates(self, seen: Preview) -> None:
        lines = [f"Customer {c.display_name} <{c.email}> — {c.reason}"
                 for c in seen.customers_to_create]
        lines += [f"Item {i.sku or i.name} ({i.name}) — {i.reason}" for i in seen.items_to_create]
        self.creates.setText("\n".join(lines) or "No customer or item would be created.")

    def _fill_totals(self, seen: Preview) -> None:
        """What the run changes in the books, per day, method and currency (never summed
        across currencies); a column only some runs need is shown when it has something."""
        rows = seen.totals()
        self.totals.setRowCount(len(rows))
        for r, row in enumerate(rows):
            values = [str(row.day), row.payment_method, row.currency, str(row.documents),
                      *(fmt.amount(value) for value in (row.sales, row.changes, row.refunds,
                                                        row.payments, row.tax, row.net))]
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if c > 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.totals.setItem(r, c, item)
        for name, field_name in OPTIONAL_COLUMNS.items():
            self.totals.setColumnHidden(TOTAL_COLUMNS.index(name),
                                        not any(getattr(row, field_name) for row in rows))
        self.totals.resizeColumnsToContents()
        self.totals.setMinimumHeight(min(8, len(rows) + 1) * 30 + 8)
        if not rows:
            self.totals_card.heading.setText("Totals per day and payment method: nothing "
                                             "would change in the books")
        else:
            self.totals_card.heading.setText("Totals per day and payment method — what the "
                                             "sync changes in the books, each currency apart")

    # -- approving --------------------------------------------------------------------------
    def checked_documents(self) -> list[str]:
        """The posting keys of the ticked documents."""
        numbers = []
        for i in range(self.documents.topLevelItemCount()):
            item = self.documents.topLevelItem(i)
            if item is not None and item.checkState(0) == Qt.CheckState.Checked:
                numbers.append(str(item.data(0, Qt.ItemDataRole.UserRole)))
        return list(dict.fromkeys(numbers))

    def approve_selected(self) -> None:
        """Approve the ticked documents."""
        keys = self.checked_documents()
        if keys:
            self._approve(keys)

    def approve_all(self) -> None:
        """Approve everything held."""
        self._approve(None)

    def _approve(self, keys: list[str] | None) -> None:
        pair_id = self.pair_box.currentData()
        if pair_id is None:
            return
        self.ctx.tasks.run(approve, self.ctx.service, int(pair_id), keys,
                           on_done=self._approved, on_error=self._failed)

    def _approved(self, count: int) -> None:
        self.summary.setText(f"Approved {count}; the next sync posts them.")
        if self.ctx.status is not None:  # the dashboard's and the tray's count of held ones
            self.ctx.status.refresh()
        self.run_preview()

"""Mappings: which item in the pair's books each store SKU is posted as.

A filterable, searchable table (``MappingsModel`` behind ``MappingsFilterProxy``) with the fuzzy
matcher's score per row; accept a suggestion, pick another item, accept every suggestion above a
line, create the item in the books, and move mappings in and out as CSV. Every read and write runs
on a task thread (``mapping_work``) and the page redraws from what it returns.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ecom_ledger_desktop.app import formatting as fmt
from ecom_ledger_desktop.app.context import AppContext
from ecom_ledger_desktop.app.models.mappings_model import MappingsModel
from ecom_ledger_desktop.app.views import mapping_texts as texts
from ecom_ledger_desktop.app.views import mapping_work as work
from ecom_ledger_desktop.app.views.mapping_files import FileChooser, QtFileChooser
from ecom_ledger_desktop.app.views.mapping_table import MappingTable, PickableMappingsProxy
from ecom_ledger_desktop.app.views.page import Page
from ecom_ledger_desktop.app.views.widgets import Card, EmptyState
from ecom_ledger_desktop.sync.error_details import NO_BRAND
from ecom_ledger_desktop.sync.mapping_suggestions import FilterMode

DEFAULT_THRESHOLD = 90
def _button(text: str, primary: bool = False) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName("primaryButton" if primary else "secondaryButton")
    return button


class MappingsPage(Page):
    """Where the merchant maps store products to the items of the pair's books."""

    key = "mappings"
    title = "Mappings"
    subtitle = ("Which item in your books each product of your store is posted as. Suggestions are "
                "ranked by how alike the SKU and name are (100 = the same SKU).")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.files: FileChooser = QtFileChooser()
        self.snapshot: work.MappingSnapshot | None = None
        self.pair_id: int | None = None
        self.busy = False
        self._csv_operation = False  # the running operation is an export or import
        self._reread = False  # a refresh asked for while busy: done once the running task ends
        self.model = MappingsModel(self)
        self.proxy = PickableMappingsProxy(self)
        self.proxy.setSourceModel(self.model)

        self.empty = EmptyState("Connect your store and your books first",
                                "Once a store and your books are paired, the products "
                                "of your store are listed here next to the item each is posted as.")
        self.empty.hide()
        self.body.addWidget(self.empty)
        self.content = QWidget()
        layout = _column(self.content)
        layout.addWidget(self._build_filters())
        layout.addWidget(self._build_table())
        layout.addWidget(self._build_csv())
        self.body.addWidget(self.content)
        self.content.setStyleSheet(texts.PAGE_STYLE)
        self.model.modelReset.connect(self._update_actions)
        self.proxy.modelReset.connect(self._update_actions)
        self.proxy.layoutChanged.connect(self._update_actions)
        ctx.require_status().run_completed.connect(self._on_run_completed)
        self._update_actions()

    # -- building ---------------------------------------------------------------------------
    def _build_filters(self) -> QWidget:
        card = Card()
        row = QHBoxLayout()
        row.setSpacing(8)
        self.pair_label = QLabel("Pair:")
        self.pair_combo = QComboBox()
        self.pair_combo.currentIndexChanged.connect(self._pair_chosen)
        row.addWidget(self.pair_label)
        row.addWidget(self.pair_combo)
        self.filter_group = QButtonGroup(self)
        self.filter_buttons: dict[FilterMode, QPushButton] = {}
        for mode, label, tip in texts.FILTERS:
            button = QPushButton(label)
            button.setObjectName("filterButton")
            button.setCheckable(True)
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, m=mode: self.set_mode(m))
            self.filter_group.addButton(button)
            self.filter_buttons[mode] = button
            row.addWidget(button)
        self.filter_buttons[self.proxy.mode].setChecked(True)
        row.addSpacing(12)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search SKU, product or item")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self.search.textChanged.connect(self.proxy.set_search)
        row.addWidget(self.search, 1)
        card.layout_.addLayout(row)
        self.summary = QLabel("Reading your products and the items in your books…")
        self.summary.setObjectName("muted")
        self.summary.setWordWrap(True)
        card.layout_.addWidget(self.summary)
        return card

    def _build_table(self) -> QWidget:
        card = Card()
        self.table = MappingTable(self._item_names)
        self.table.setModel(self.proxy)
        self.table.sortByColumn(MappingsModel.COL_SKU, Qt.SortOrder.AscendingOrder)
        self.table.picker.picked.connect(self.accept_item)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        card.layout_.addWidget(self.table)
        self.no_rows = QLabel()
        self.no_rows.setObjectName("muted")
        self.no_rows.setWordWrap(True)
        card.layout_.addWidget(self.no_rows)

        row = QHBoxLayout()
        row.setSpacing(8)
        self.accept_button = _button("Accept suggestion", primary=True)
        self.accept_button.setToolTip("Map the selected SKUs to the item shown. To choose "
                                      "another item, double-click the cell of the item.")
        self.accept_button.clicked.connect(self.accept_selected)
        self.create_button = _button("Create item")
        self.create_button.clicked.connect(self.create_selected)
        self.remove_button = _button("Forget mapping")
        self.remove_button.setToolTip("Remove your mapping of the selected SKUs")
        self.remove_button.clicked.connect(self.remove_selected)
        for button in (self.accept_button, self.create_button, self.remove_button):
            row.addWidget(button)
        self.hint = QLabel()
        self.hint.setObjectName("muted")
        row.addWidget(self.hint)
        self._name_books(NO_BRAND)
        row.addStretch(1)
        card.layout_.addLayout(row)

        bulk = QHBoxLayout()
        bulk.setSpacing(8)
        bulk.addWidget(QLabel("Accept every suggestion scoring at least"))
        self.threshold = QSpinBox()
        self.threshold.setRange(1, 99)
        self.threshold.setValue(DEFAULT_THRESHOLD)
        self.threshold.setToolTip("100 means the same SKU (already found); 90 or more is a close "
                                  "match of SKU or name")
        self.threshold.valueChanged.connect(self._update_actions)
        bulk.addWidget(self.threshold)
        self.accept_all_button = _button("Accept all")
        self.accept_all_button.clicked.connect(self.accept_all_above)
        bulk.addWidget(self.accept_all_button)
        bulk.addStretch(1)
        card.layout_.addLayout(bulk)
        self.feedback = QLabel()
        self.feedback.setObjectName("muted")
        self.feedback.setWordWrap(True)
        self.feedback.hide()
        card.layout_.addWidget(self.feedback)
        return card

    def _build_csv(self) -> QWidget:
        card = Card("Spreadsheet")
        text = QLabel("Export every SKU with its item to edit in a spreadsheet, then import it "
                      "back. The columns are sku, ledger_item, store_name; a row with an empty "
                      "ledger_item is left as it is. An import with any bad row changes nothing.")
        text.setObjectName("muted")
        text.setWordWrap(True)
        card.layout_.addWidget(text)
        row = QHBoxLayout()
        self.export_button = _button("Export CSV…")
        self.export_button.clicked.connect(self.export_csv)
        self.import_button = _button("Import CSV…")
        self.import_button.clicked.connect(self.import_csv)
        row.addWidget(self.export_button)
        row.addWidget(self.import_button)
        row.addStretch(1)
        card.layout_.addLayout(row)
        self.csv_feedback = QLabel()
        self.csv_feedback.setObjectName("muted")
        self.csv_feedback.setWordWrap(True)
        self.csv_feedback.hide()
        card.layout_.addWidget(self.csv_feedback)
        self.problems_label = QLabel()
        self.problems_label.setObjectName("problemsHeading")
        self.problems_label.setWordWrap(True)
        self.problems = QListWidget()
        self.problems.setObjectName("importProblems")
        for widget in (self.problems_label, self.problems):
            widget.hide()
            card.layout_.addWidget(widget)
        return card

    # -- reading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the rows afresh in the background."""
        self._start(None)

    def _on_run_completed(self, _run: object) -> None:
        if self.isVisible() and not self.busy:
            self.refresh()  # a sync may have brought new SKUs

    def _pair_chosen(self, index: int) -> None:
        pair_id = self.pair_combo.itemData(index)
        if isinstance(pair_id, int) and pair_id != self.pair_id:
            self.pair_id = pair_id
            self.refresh()

    def _start(self, operation: work.Operation | None, working: str = "", csv: bool = False
               ) -> None:
        if self.busy:  # the controls are disabled meanwhile; only a plain re-read can wait
            self._reread = self._reread or operation is None
            return
        self.busy = True
        if operation is not None:
            self._csv_operation = csv
        if working:
            self._say(working)
        self._update_actions()
        self.ctx.tasks.run(work.run, self.ctx.service, self.pair_id, operation,
                           on_done=self._show, on_error=self._failed)

    def _show(self, outcome: work.Outcome) -> None:
        self.busy = False
        snap = self.snapshot = outcome.snapshot
        self.pair_id = snap.pair_id
        self._show_pairs(snap)
        self.empty.setVisible(snap.pair_id is None)
        self.content.setVisible(snap.pair_id is not None)
        selected = [r.sku for r in self.table.selected_rows()]
        self._name_books(snap.books)
        self.model.set_rows(snap.rows)
        for sku in selected[:1]:
            self.table.select_sku(sku)
        if outcome.message or outcome.problems:  # an operation ran (a plain re-read says nothing)
            self._say("" if outcome.problems else outcome.message)  # the list says it all
            self._show_problems(outcome.problems)
            if outcome.problems:
                self._scroll_to(self.problems)
        self._update_actions()
        self._reread_if_asked()

    def _books(self) -> str:
        return self.snapshot.books if self.snapshot is not None else NO_BRAND

    def _name_books(self, books: str) -> None:
        """Say the pair's ledger brand on the item column, the create button and the hint."""
        self.model.set_books(books)
        self.create_button.setText(f"Create in {books}")
        self.create_button.setToolTip(f"Create an item in {books} from the selected store product "
                                      "(its SKU, name and price) and map the SKU to it")
        self.hint.setText(f"Double-click an item to pick another one from {books}.")

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        self._say("")
        self._update_actions()
        self.ctx.dialogs.warn("Mappings", f"That did not work: {error}", self)
        self._reread_if_asked()

    def _reread_if_asked(self) -> None:
        if self._reread:
            self._reread = False
            self.refresh()

    def _show_pairs(self, snap: work.MappingSnapshot) -> None:
        self.pair_combo.blockSignals(True)
        self.pair_combo.clear()
        for pair in snap.pairs:
            self.pair_combo.addItem(pair.name, pair.id)
        self.pair_combo.setCurrentIndex(max(self.pair_combo.findData(snap.pair_id), 0))
        self.pair_combo.blockSignals(False)
        several = len(snap.pairs) > 1
        self.pair_label.setVisible(several)
        self.pair_combo.setVisible(several)

    def _show_problems(self, problems: list[str]) -> None:
        self.problems.clear()
        self.problems.addItems([p[:1].upper() + p[1:] for p in problems])
        if problems:  # as tall as its rows, up to a scrolling 150 px
            self.problems.setFixedHeight(min(150, len(problems) * self.problems.sizeHintForRow(0)
                                             + 12))
        self.problems_label.setText(
            f"Nothing was imported: {fmt.plural(len(problems), 'row')} to fix first"
            if problems else "")
        self.problems_label.setVisible(bool(problems))
        self.problems.setVisible(bool(problems))

    def _say(self, text: str) -> None:
        """Say what happened next to the controls that did it (the table's or the CSV card's)."""
        shown, other = ((self.csv_feedback, self.feedback) if self._csv_operation
                        else (self.feedback, self.csv_feedback))
        shown.setText(text)
        shown.setVisible(bool(text))
        other.hide()

    def _scroll_to(self, widget: QWidget) -> None:
        scroll = self.findChild(QScrollArea)
        if scroll is not None:
            QTimer.singleShot(0, lambda: scroll.ensureWidgetVisible(widget, 0, 40))

    def _item_names(self) -> list[str]:
        return [item.name for item in self.snapshot.items] if self.snapshot else []

    # -- what the merchant does ---------------------------------------------------------------
    def set_mode(self, mode: FilterMode) -> None:
        """Show the SKUs needing a decision, the suggested ones, or all."""
        self.proxy.set_mode(mode)
        self.filter_buttons[mode].setChecked(True)
        self._update_actions()

    def accept_item(self, sku: str, item_name: str) -> None:
        """Map ``sku`` to ``item_name`` (from the item picker)."""
        self._start(work.accept(sku, item_name), f"Mapping {sku}…")

    def accept_selected(self) -> None:
        """Accept the suggestion shown on the selected rows (a weaker match than the "suggested"
        line needs a deliberate pick in the item list)."""
        rows = [r for r in self.table.selected_rows() if r.status == "suggested"]
        if len(rows) == 1:
            self.accept_item(rows[0].sku, rows[0].ledger_item)
        elif rows:
            self._start(work.accept_many([(r.sku, r.ledger_item) for r in rows]),
                        f"Mapping {fmt.plural(len(rows), 'SKU')}…")

    def accept_all_above(self) -> None:
        """Accept every suggestion scoring at least the threshold."""
        threshold = self.threshold.value()
        self._start(work.accept_above(threshold), "Accepting the suggestions…")

    def create_selected(self) -> None:
        """Create the item in the books from the selected store product and map it."""
        rows = self.table.selected_rows()
        if rows:
            self._start(work.create_item(rows[0].sku),
                        f"Creating {rows[0].store_name or rows[0].sku} in {self._books()}…")

    def remove_selected(self) -> None:
        """Forget the mapping of the selected row."""
        rows = [r for r in self.table.selected_rows() if r.mapped_item]
        if rows:
            self._start(work.remove(rows[0].sku))

    def export_csv(self) -> None:
        """Save every row to a CSV file the merchant picks."""
        path = self.files.save_path("Export mappings", "mappings.csv", self)
        if path is not None:
            self._start(work.export_to(path), f"Saving {path.name}…", csv=True)

    def import_csv(self) -> None:
        """Apply a CSV file the merchant picks (all rows or none)."""
        path = self.files.open_path("Import mappings", self)
        if path is not None:
            self._start(work.ImportFrom(path), f"Importing {path.name}…", csv=True)

    # -- state of the controls ------------------------------------------------------------------
    def _update_actions(self) -> None:
        rows = self.model.rows()
        selected = self.table.selected_rows()
        idle = not self.busy and self.snapshot is not None
        can_create = bool(self.snapshot and self.snapshot.can_create)
        self.accept_button.setEnabled(idle and any(r.status == "suggested" for r in selected))
        self.create_button.setEnabled(idle and can_create and len(selected) == 1
                                      and not selected[0].mapped_item)
        self.remove_button.setEnabled(idle and any(r.mapped_item for r in selected))
        above = texts.count_above(rows, self.threshold.value())
        self.accept_all_button.setEnabled(idle and above > 0)
        self.accept_all_button.setText(f"Accept {above}" if above else "Accept all")
        self.export_button.setEnabled(idle and bool(rows))
        self.import_button.setEnabled(idle and self.pair_id is not None)
        counts = {mode: sum(r.matches(mode) for r in rows) for mode, _, _ in texts.FILTERS}
        for mode, label, _ in texts.FILTERS:
            self.filter_buttons[mode].setText(f"{label} ({counts[mode]})" if rows else label)
        if self.snapshot is not None:
            self.summary.setText(texts.summary(rows, self._books()))
        shown = self.proxy.rowCount()
        self.no_rows.setVisible(self.snapshot is not None and shown == 0)
        self.no_rows.setText(texts.no_rows_text(rows, self.proxy.mode, self.search.text()))


def _column(widget: QWidget) -> QVBoxLayout:
    """A zero-margin vertical layout for ``widget``."""
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(14)
    return layout

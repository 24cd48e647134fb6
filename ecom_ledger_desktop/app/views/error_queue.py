"""Error queue: every flagged record, what is wrong in plain words, and the fixes in place.

The table lists the open entries (filter by problem, search by order or words); the panel under
it shows the selected one with one control per fix. Every read and every fix runs on a worker;
a fix re-drives the record at once, then the table and the sidebar badge are refreshed.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QItemSelection
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ecom_ledger_desktop.app import formatting as fmt
from ecom_ledger_desktop.app.context import AppContext
from ecom_ledger_desktop.app.models._table import ROW_ROLE, parse_time
from ecom_ledger_desktop.app.models.errors_model import (
    ENTRY_ID_ROLE,
    ErrorsModel,
    record_text,
)
from ecom_ledger_desktop.app.views.error_detail_panel import ErrorDetailPanel
from ecom_ledger_desktop.app.views.error_table import BulkProgress, SearchProxy, make_errors_table
from ecom_ledger_desktop.app.views.error_work import (
    ActionResult,
    DetailView,
    apply_action,
    outcome_text,
    read_details,
    read_entries,
    retry_many,
)
from ecom_ledger_desktop.app.views.history_tables import fit_height
from ecom_ledger_desktop.app.views.page import Page
from ecom_ledger_desktop.app.views.widgets import EmptyState
from ecom_ledger_desktop.db.errors_repo import ErrorEntry
from ecom_ledger_desktop.db.runs_repo import RunRow
from ecom_ledger_desktop.sync.error_details import NO_BRAND, RetryOutcome, problem_title

EMPTY_HEADING = "Nothing needs you — every record was posted."
EMPTY_TEXT = ("When an order cannot be posted — a product the books do not know, a customer who "
              "matches two customers in the books — it waits here with what is wrong in plain words "
              "and the fixes that apply. Nothing is posted until you decide.")
BUSY_WORDS = {"map_sku": "Mapping the product and posting {record}…",
              "create_item": "Creating the item in {books} and posting {record}…",
              "pick_customer": "Posting {record} to the customer you picked…",
              "void_and_repost": "Voiding the old document and posting {record} again…",
              "retry": "Posting {record} again…", "ignore": "Ignoring {record}…",
              "import_order": "Importing the order and posting {record} against it…",
              "post_refund_alone": "Posting {record} on its own…"}


def _record_key(entry: object) -> tuple[int, str, str] | None:
    if not isinstance(entry, ErrorEntry):
        return None
    return entry.pair_id, entry.record_kind, entry.source_id


class ErrorQueuePage(Page):
    """Where the merchant fixes, retries or ignores flagged records."""

    key = "errors"
    title = "Error queue"
    subtitle = "Orders and refunds that could not be posted without your decision."

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.loaded = False
        self._selected_id: int | None = None  # the entry whose details are shown or asked
        self._selected_record: tuple[int, str, str] | None = None  # its pair, kind, source id
        self._busy = False
        self.outcome = QLabel()
        self.outcome.setObjectName("outcome")
        self.outcome.setWordWrap(True)
        self.outcome.hide()
        self.body.addWidget(self.outcome)
        self.empty = EmptyState(EMPTY_HEADING, EMPTY_TEXT)
        self.empty.hide()
        self.body.addWidget(self.empty)
        self.content = QWidget()
        column = QVBoxLayout(self.content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(10)
        column.addLayout(self._build_toolbar())
        self.model = ErrorsModel(self)
        self.proxy = SearchProxy(self)
        self.proxy.setSourceModel(self.model)
        self.search.textChanged.connect(self.proxy.set_text)
        self.table = make_errors_table(self.proxy)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        column.addWidget(self.table)
        self.bulk_row = QHBoxLayout()
        self.bulk_bar = QProgressBar()
        self.bulk_label = QLabel()
        self.bulk_row.addWidget(self.bulk_bar, 1)
        self.bulk_row.addWidget(self.bulk_label, 2)
        column.addLayout(self.bulk_row)
        self._show_bulk(None)
        self.detail = ErrorDetailPanel()
        self.detail.requested.connect(self.run_fix)
        self.detail.navigate.connect(self.navigate)
        column.addSpacing(6)
        column.addWidget(self.detail)
        self.body.addWidget(self.content)
        self.content.hide()
        self._progress = BulkProgress(self)
        self._progress.step.connect(self._bulk_step)
        ctx.require_status().run_completed.connect(self._on_run_completed)
        self.setStyleSheet("QPushButton#secondaryButton:disabled { color: #9aa5ab; "
                           "border-color: #dde2e5; }")

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt's name
        """An outcome is news only until the merchant leaves the page."""
        super().hideEvent(event)
        if not event.spontaneous():
            self.outcome.hide()

    def _build_toolbar(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(8)
        self.problem_filter = QComboBox()
        self.problem_filter.setMinimumWidth(260)
        self.problem_filter.currentIndexChanged.connect(self._filter_changed)
        row.addWidget(self.problem_filter)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search order number or words")
        self.search.setClearButtonEnabled(True)
        row.addWidget(self.search, 1)
        self.retry_selected = QPushButton("Retry selected")
        self.retry_selected.setObjectName("secondaryButton")
        self.retry_selected.setToolTip("Post every selected record again (Ctrl+click or "
                                       "Shift+click to select several)")
        self.retry_selected.clicked.connect(self.retry_selection)
        row.addWidget(self.retry_selected)
        return row

    # -- reading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the open entries in the background."""
        if self.ctx.require_status().started:
            self.ctx.tasks.run(read_entries, self.ctx.service, on_done=self._show_entries,
                               on_error=self._read_failed)

    def _on_run_completed(self, _run: RunRow) -> None:
        if self.isVisible():
            self.refresh()

    def _read_failed(self, error: BaseException) -> None:
        self._say(f"The error queue could not be read: {error}", ok=False)

    def _show_entries(self, read: tuple[list[ErrorEntry], dict[int, str]]) -> None:
        entries, self.model.books = read
        self.loaded = True
        keep, record = self._selected_id, self._selected_record
        self.model.set_rows(entries)
        self._fill_filter(entries)
        fit_height(self.table, len(entries))
        status = self.ctx.require_status()
        if status.loaded and status.snapshot.open_errors != len(entries):
            status.refresh()  # changed elsewhere (the command line, another pair): the badge too
        self.empty.setVisible(not entries)
        self.content.setVisible(bool(entries))
        if not entries:
            self._selected_id = None
            return
        row = self._proxy_row_of(keep) if keep is not None else -1
        if row < 0 and record is not None:  # re-flagged under a new entry: the same record
            row = next((r for r in range(self.proxy.rowCount())
                        if _record_key(self.proxy.index(r, 0).data(ROW_ROLE)) == record), -1)
        self.table.selectRow(max(row, 0))
        self._update_retry_button()

    def _fill_filter(self, entries: list[ErrorEntry]) -> None:
        current = self.problem_filter.currentData() or ""
        counts: dict[str, int] = {}
        for entry in entries:
            counts[entry.code] = counts.get(entry.code, 0) + 1
        self.problem_filter.blockSignals(True)
        self.problem_filter.clear()
        self.problem_filter.addItem(f"All problems ({len(entries)})", "")
        for code, count in sorted(counts.items(), key=lambda kv: -kv[1]):
            brands = {self.model.books.get(e.pair_id, NO_BRAND) for e in entries
                      if e.code == code}
            books = brands.pop() if len(brands) == 1 else NO_BRAND
            self.problem_filter.addItem(f"{problem_title(code, books)} ({count})", code)
        index = self.problem_filter.findData(current) if current in counts else 0
        self.problem_filter.setCurrentIndex(max(index, 0))
        self.problem_filter.blockSignals(False)
        self.proxy.set_code(self.problem_filter.currentData() or "")

    def _filter_changed(self) -> None:
        self.proxy.set_code(self.problem_filter.currentData() or "")

    def _proxy_row_of(self, entry_id: int) -> int:
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 0).data(ENTRY_ID_ROLE) == entry_id:
                return row
        return -1

    def selected_ids(self) -> list[int]:
        """Entry ids of the selected rows, in table order."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [int(self.proxy.index(r, 0).data(ENTRY_ID_ROLE)) for r in rows]

    def select_entry(self, entry_id: int) -> bool:
        """Select one entry by id (False when it is not shown)."""
        row = self._proxy_row_of(entry_id)
        if row >= 0:
            self.table.selectRow(row)
        return row >= 0

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._update_retry_button()
        ids = self.selected_ids()
        current = self.table.currentIndex()
        entry_id = current.data(ENTRY_ID_ROLE) if current.isValid() else None
        if entry_id not in ids:
            entry_id = ids[0] if ids else None
        if entry_id is None or (entry_id == self._selected_id and self.detail.view is not None
                                and self.detail.view.details.entry.id == entry_id):
            return
        self._load_detail(int(entry_id))

    def _load_detail(self, entry_id: int) -> None:
        self._selected_id = entry_id
        row = self._proxy_row_of(entry_id)
        entry = self.proxy.index(row, 0).data(ROW_ROLE) if row >= 0 else None
        self._selected_record = _record_key(entry)
        self.detail.show_loading(record_text(entry) if isinstance(entry, ErrorEntry) else "…",
                                 self.model.books.get(entry.pair_id, NO_BRAND)
                                 if isinstance(entry, ErrorEntry) else NO_BRAND)
        self.ctx.tasks.run(read_details, self.ctx.service, entry_id,
                           on_done=self._show_detail, on_error=self._detail_failed)

    def _show_detail(self, view: DetailView) -> None:
        entry = view.details.entry
        if entry.id != self._selected_id:
            return  # the merchant has moved on
        since = fmt.when(parse_time(entry.created_at), datetime.now(UTC))
        self.detail.show_view(view, since)
        self.detail.set_busy("")
        if self._busy and self.detail.fixes is not None:
            self.detail.fixes.set_enabled(False)

    def _detail_failed(self, error: BaseException) -> None:
        self.detail.show_loading(None)
        self.detail.summary.setText(f"This record could not be read: {error}")

    # -- fixes -----------------------------------------------------------------------------
    def run_fix(self, action: str, value: str = "") -> None:
        """Run one fix of the shown entry in the background (confirming what cannot be undone)."""
        view = self.detail.view
        if view is None or self._busy:
            return
        entry = view.details.entry
        record, books = record_text(entry), view.details.books
        if action == "void_and_repost" and not self.ctx.dialogs.confirm(
                "Void and post again?",
                f"The document already posted for {record} will be voided in {books} and the "
                f"order posted again as it is now. A voided document stays in {books} with its "
                "number.", accept="Void and post again", reject="Cancel", parent=self):
            return
        if action == "ignore" and not self.ctx.dialogs.confirm(
                f"Ignore {record}?",
                f"It will not be posted to {books}. The reason is kept with it: “{value}”.",
                accept="Ignore it", reject="Keep it", parent=self):
            return
        self._set_busy(True)
        self.detail.set_busy(BUSY_WORDS.get(action, "Working on {record}…").format(
            record=record, books=books))
        self.ctx.tasks.run(apply_action, self.ctx.service, entry.id, action, value,
                           on_done=lambda result: self._fix_done(record, result, books),
                           on_error=lambda error: self._fix_failed(record, error))

    def _fix_done(self, record: str, result: ActionResult, books: str) -> None:
        self._set_busy(False)
        self.detail.set_busy("")
        self._say(outcome_text(record, result, books), ok=result.ok)
        if result.ok:  # done with it: the next record comes up
            self.model.remove_entry(result.entry_id)
            self._selected_id = self._selected_record = None
            self.detail.show_loading(None)
        else:  # still waiting (maybe as a new entry): show it again with what is wrong now
            self.detail.view = None
        self._after_change()

    def _fix_failed(self, record: str, error: BaseException) -> None:
        self._set_busy(False)
        self.detail.set_busy("")
        self._say(f"{record} could not be fixed: {error}", ok=False)
        self._after_change()

    def _after_change(self) -> None:
        self.refresh()
        self.ctx.require_status().refresh()  # the sidebar badge and the tray

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_retry_button()

    def _say(self, text: str, ok: bool) -> None:
        self.outcome.setText(text)
        self.outcome.setStyleSheet(
            "#outcome { border-radius: 6px; padding: 8px 12px; "
            + ("background: #e3f4e8; color: #1e6b34; }" if ok else
               "background: #fff3cd; color: #5d4300; }"))
        self.outcome.show()

    # -- bulk retry ------------------------------------------------------------------------
    def _update_retry_button(self) -> None:
        count = len(self.selected_ids())
        self.retry_selected.setText(f"Retry selected ({count})" if count > 1 else "Retry selected")
        self.retry_selected.setEnabled(count > 0 and not self._busy)

    def retry_selection(self) -> None:
        """Retry every selected entry, one after the other, in the background."""
        ids = self.selected_ids()
        if not ids or self._busy:
            return
        self._set_busy(True)
        if self.detail.fixes is not None:
            self.detail.fixes.set_enabled(False)
        self._show_bulk((0, len(ids)))
        self.ctx.tasks.run(retry_many, self.ctx.service, ids, self._progress.step.emit,
                           on_done=self._bulk_done,
                           on_error=lambda error: self._fix_failed("Retrying", error))

    def _bulk_step(self, done: int, total: int) -> None:
        self._show_bulk((done, total))

    def _show_bulk(self, progress: tuple[int, int] | None) -> None:
        self.bulk_bar.setVisible(progress is not None)
        self.bulk_label.setVisible(progress is not None)
        if progress is not None:
            done, total = progress
            self.bulk_bar.setRange(0, total)
            self.bulk_bar.setValue(done)
            self.bulk_label.setText(f"Retrying {done} of {fmt.plural(total, 'record')}…")

    def _bulk_done(self, outcomes: list[RetryOutcome]) -> None:
        self._set_busy(False)
        self._show_bulk(None)
        posted = sum(1 for o in outcomes if o.ok)
        waiting = len(outcomes) - posted
        text = f"{posted} of {fmt.plural(len(outcomes), 'record')} posted."
        if waiting:
            first = next(o.outcome for o in outcomes if not o.ok)
            text += (f" {waiting} still {'waits' if waiting == 1 else 'wait'} for you"
                     f" (e.g. {first.removeprefix('still flagged: ')}).")
        self._say(text, ok=not waiting)
        self._selected_id = None
        self.detail.show_loading(None)
        self._after_change()

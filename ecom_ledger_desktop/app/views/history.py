"""History: every sync (when, why it started, what it did, how long it took) and, per order, its
journey from the store to its QuickBooks document. Everything is read on a worker thread."""

from __future__ import annotations

import html

from PySide6.QtCore import (
    QItemSelection,
    QModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from ecom_ledger_desktop.app import formatting as fmt
from ecom_ledger_desktop.app.context import AppContext
from ecom_ledger_desktop.app.models._table import ROW_ROLE, duration_text
from ecom_ledger_desktop.app.models.history_model import (
    STATUS_WORDS,
    TRIGGER_WORDS,
    OrderTimelineModel,
    RunsModel,
)
from ecom_ledger_desktop.app.views.history_events import (
    STEP_FILTERS,
    RunEventsModel,
    StepFilter,
    TimelineModel,
)
from ecom_ledger_desktop.app.views.history_tables import (
    fit_height,
    make_table,
)
from ecom_ledger_desktop.app.views.history_undo import UndoFlow
from ecom_ledger_desktop.app.views.history_work import (
    OrderLookup,
    RunsData,
    document_words,
    read_order,
    read_run_events,
    read_runs,
    state_words,
)
from ecom_ledger_desktop.app.views.page import Page
from ecom_ledger_desktop.app.views.widgets import Card, EmptyState
from ecom_ledger_desktop.db.runs_repo import RunRow
from ecom_ledger_desktop.sync.history_queries import RunRecord, TimelineEvent
from ecom_ledger_desktop.sync.undo_run import post_again


def _muted(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("muted")
    label.setWordWrap(True)
    return label


def run_heading(run: RunRecord, when: str) -> str:
    """"Sync now, today 14:12 — done, needs you: 29 posted, 4 flagged (took 6 s)"."""
    trigger = TRIGGER_WORDS.get(run.trigger, run.trigger.capitalize())
    status = STATUS_WORDS.get(run.status, run.status).lower()
    took = duration_text(run.duration)
    awaiting = f", {run.awaiting_payment} awaiting payment" if run.awaiting_payment else ""
    counts = (f": {run.fetched} fetched, {run.posted} posted, {run.flagged} flagged, "
              f"{run.skipped} skipped{awaiting}") if run.status not in ("skipped", "failed") \
        else ""
    return f"{trigger}, {when} — {status}{counts}" + (f" (took {took})" if took else "")


def run_note(run: RunRecord) -> str:
    """The run's message, as the reason when it was skipped or failed."""
    if not run.message:
        return ""
    return f"Why: {run.message}" if run.status in ("skipped", "failed", "interrupted", "stopped") \
        else run.message


class HistoryPage(Page):
    """Runs, the selected run's events, and an order's timeline by number."""

    key = "history"
    title = "History"
    subtitle = "Every sync, and what happened to each order."

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.loaded = False
        self._run_id: int | None = None
        self.empty = EmptyState(
            "No sync has run yet",
            "Each sync will be listed here — when it ran, what started it, what it posted and "
            "flagged and, for a sync that was skipped or failed, why — with every order's journey "
            "from your store to its document in your books.")
        self.empty.hide()
        self.body.addWidget(self.empty)
        self.runs_card = Card("Syncs")
        self.runs_model = RunsModel(self)
        self.runs_table = make_table(self.runs_model, RunsModel.COL_MESSAGE, True)
        self.runs_table.sortByColumn(RunsModel.COL_WHEN, Qt.SortOrder.DescendingOrder)
        self.runs_table.selectionModel().selectionChanged.connect(self._run_selected)
        self.runs_card.layout_.addWidget(self.runs_table)
        self.body.addWidget(self.runs_card)
        self.events_card = Card("What the sync did")
        summary_row = QHBoxLayout()
        self.run_summary = _muted("Choose a sync above to see each order it handled.")
        summary_row.addWidget(self.run_summary, 1)
        self.step_filter = QComboBox()
        for label, _events in STEP_FILTERS:
            self.step_filter.addItem(label)
        self.step_filter.currentIndexChanged.connect(self._step_filter_changed)
        summary_row.addWidget(self.step_filter)
        self.events_card.layout_.addLayout(summary_row)
        self.events_model = RunEventsModel(self)
        self.events_proxy = StepFilter(self)
        self.events_table = make_table(self.events_model, RunEventsModel.COL_DETAIL, False,
                                       self.events_proxy)
        self.events_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.events_table.selectionModel().selectionChanged.connect(self._update_undo)
        self.events_card.layout_.addLayout(self._build_undo_row())
        self.events_table.doubleClicked.connect(self._event_double_clicked)
        self.events_table.setToolTip("Double-click a row to follow that order")
        self.events_card.layout_.addWidget(self.events_table)
        self.body.addWidget(self.events_card)
        self.body.addWidget(self._build_order_card())
        self._update_undo()
        ctx.require_status().run_completed.connect(self._on_run_completed)

    def _build_undo_row(self) -> QHBoxLayout:
        self.undo = UndoFlow(self.ctx, self)
        self.undo.busy_changed.connect(lambda _busy: self._update_undo())
        self.undo.progress.connect(self._undo_progress)
        self.undo.finished.connect(self._undo_finished)
        row = QHBoxLayout()
        self.undo_status = _muted("")
        row.addWidget(self.undo_status, 1)
        self.undo_selected_button = QPushButton("Undo selected orders…")
        self.undo_selected_button.setToolTip("Void their documents in your books, after a preview")
        self.undo_selected_button.clicked.connect(self.undo_selected)
        row.addWidget(self.undo_selected_button)
        self.undo_run_button = QPushButton("Undo this sync…")
        self.undo_run_button.setToolTip("Void every document this sync created, after a preview")
        self.undo_run_button.clicked.connect(self.undo_run)
        row.addWidget(self.undo_run_button)
        return row

    def _selected_run(self) -> RunRecord | None:
        return next((r for r in self.runs_model.rows() if r.id == self._run_id), None)

    def _selected_orders(self) -> tuple[str, ...]:
        rows = self.events_table.selectionModel().selectedRows()
        records = [row.data(ROW_ROLE) for row in rows]
        return tuple(dict.fromkeys(e.record for e in records
                                   if isinstance(e, TimelineEvent) and e.record))

    def _update_undo(self, *_args: object) -> None:
        run = self._selected_run()
        idle = not self.undo.busy
        self.undo_run_button.setEnabled(idle and run is not None and run.posted > 0)
        self.undo_selected_button.setEnabled(idle and run is not None
                                             and bool(self._selected_orders()))
        self.undo_order_button.setEnabled(idle)

    def undo_run(self) -> None:
        """Preview, ask, and undo what the selected sync put in the books."""
        run = self._selected_run()
        if run is not None:
            self.undo_status.setText("Reading what this sync put in your books…")
            self.undo.start(run.pair_id, run_id=run.id)

    def undo_selected(self) -> None:
        """Preview, ask, and undo the orders selected among the sync's events."""
        run, orders = self._selected_run(), self._selected_orders()
        if run is not None and orders:
            self.undo_status.setText("Reading what these orders put in your books…")
            self.undo.start(run.pair_id, orders=orders)

    def undo_order(self) -> None:
        """Preview, ask, and undo the order shown below."""
        timeline, pair_id = self.timeline_model.timeline, self.pair_box.currentData()
        if timeline is not None and pair_id is not None:
            self.undo_status.setText(f"Reading what order {timeline.number} put in your books…")
            self.undo.start(int(pair_id), orders=(timeline.number,))

    def post_order_again(self) -> None:
        """Post the undone order shown below again (once)."""
        timeline, pair_id = self.timeline_model.timeline, self.pair_box.currentData()
        if timeline is None or pair_id is None:
            return
        self.repost_button.setEnabled(False)
        self.undo_status.setText(f"Posting order {timeline.number} again…")
        self.ctx.tasks.run(post_again, self.ctx.service, int(pair_id), (timeline.number,),
                           on_done=self._reposted, on_error=self._repost_failed)

    def _reposted(self, outcomes: dict[str, str]) -> None:
        self.repost_button.setEnabled(True)
        self.undo_status.setText("; ".join(f"order {number}: {outcome}"
                                           for number, outcome in outcomes.items()))
        self.refresh()
        self.search_order()

    def _repost_failed(self, error: BaseException) -> None:
        self.repost_button.setEnabled(True)
        self.ctx.dialogs.warn("Post again", f"The order could not be posted again: {error}")

    def _undo_progress(self, done: int, total: int) -> None:
        self.undo_status.setText(f"Undoing: {done} of {fmt.plural(total, 'document')} done…")

    def _undo_finished(self, result: object) -> None:
        self.undo_status.setText("Undone. Follow an order below to post it again."
                                 if result is not None else "")
        self.refresh()
        if self.timeline_model.timeline is not None:
            self.search_order()

    def _build_order_card(self) -> Card:
        self.order_card = Card("Follow an order")
        row = QHBoxLayout()
        row.setSpacing(8)
        self.pair_box = QComboBox()
        self.pair_box.hide()  # shown when there is more than one pair
        row.addWidget(self.pair_box)
        self.order_search = QLineEdit()
        self.order_search.setPlaceholderText("Order number, e.g. 000000016")
        self.order_search.setClearButtonEnabled(True)
        self.order_search.returnPressed.connect(self.search_order)
        row.addWidget(self.order_search, 1)
        self.order_button = QPushButton("Show its journey")
        self.order_button.setObjectName("primaryButton")
        self.order_button.clicked.connect(self.search_order)
        row.addWidget(self.order_button)
        self.undo_order_button = QPushButton("Undo this order…")
        self.undo_order_button.clicked.connect(self.undo_order)
        self.undo_order_button.hide()  # shown for an order with a document in the books
        row.addWidget(self.undo_order_button)
        self.repost_button = QPushButton("Post it again")
        self.repost_button.setToolTip("Post the undone order again, once, as it is in the store")
        self.repost_button.clicked.connect(self.post_order_again)
        self.repost_button.hide()  # shown for an undone order
        row.addWidget(self.repost_button)
        self.order_card.layout_.addLayout(row)
        self.order_result = QLabel("From download to the document in your books: type an order "
                                   "number, or double-click an order in the sync above.")
        self.order_result.setObjectName("muted")
        self.order_result.setWordWrap(True)
        self.order_result.setTextFormat(Qt.TextFormat.RichText)
        self.order_result.linkActivated.connect(self._near_clicked)
        self.order_card.layout_.addWidget(self.order_result)
        self.timeline_model = TimelineModel(self)
        self.timeline_table = make_table(self.timeline_model, OrderTimelineModel.COL_DETAIL,
                                         False)
        self.timeline_table.hide()
        self.order_card.layout_.addWidget(self.timeline_table)
        return self.order_card

    # -- runs ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the runs in the background."""
        if self.ctx.require_status().started:
            self.ctx.tasks.run(read_runs, self.ctx.service, on_done=self._show_runs,
                               on_error=self._read_failed)

    def _on_run_completed(self, _run: RunRow) -> None:
        if self.isVisible():
            self.refresh()

    def _read_failed(self, error: BaseException) -> None:
        self.run_summary.setText(f"The history could not be read: {error}")

    def _show_runs(self, data: RunsData) -> None:
        self.loaded = True
        keep = self._run_id
        self.runs_model.set_rows(data.runs)
        fit_height(self.runs_table, len(data.runs), least=2)
        self.runs_table.setColumnHidden(RunsModel.COL_PAIR, len(data.pairs) < 2)
        for widget in (self.runs_card, self.events_card):
            widget.setVisible(bool(data.runs))
        self.empty.setVisible(not data.runs)
        current = self.pair_box.currentData()
        self.pair_box.clear()
        for pair in data.pairs:
            self.pair_box.addItem(pair.name, pair.id)
        self.pair_box.setCurrentIndex(max(self.pair_box.findData(current), 0))
        self.pair_box.setVisible(len(data.pairs) > 1)
        self.order_card.setVisible(bool(data.pairs))
        if data.runs:
            self._run_id = None
            self.select_run(keep if keep is not None else data.runs[0].id)

    def select_run(self, run_id: int) -> bool:
        """Select a run by id (False when it is not listed)."""
        model = self.runs_table.model()
        for row in range(model.rowCount()):
            run = model.index(row, 0).data(ROW_ROLE)
            if isinstance(run, RunRecord) and run.id == run_id:
                self.runs_table.selectRow(row)
                return True
        return False

    def _run_selected(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.runs_table.selectionModel().selectedRows()
        run = rows[0].data(ROW_ROLE) if rows else None
        if not isinstance(run, RunRecord) or run.id == self._run_id:
            return
        self._run_id = run.id
        self.events_card.heading.setText(
            run_heading(run, self.runs_model.when(run.started_at)))
        self.run_summary.setText(run_note(run) or "Reading its events…")
        self.ctx.tasks.run(read_run_events, self.ctx.service, run.id,
                           on_done=self._show_events, on_error=self._read_failed)

    def _show_events(self, result: tuple[int, list[TimelineEvent]]) -> None:
        run_id, events = result
        if run_id != self._run_id:
            return
        self.events_model.set_rows(events)
        self._fit_events()
        self._update_undo()
        self.events_table.setVisible(bool(events))
        run = next((r for r in self.runs_model.rows() if r.id == run_id), None)
        why = f"{run_note(run).rstrip('.')}. " if run is not None and run_note(run) else ""
        orders = len({e.record for e in events if e.record})
        self.run_summary.setText(
            f"{why}{fmt.plural(len(events), 'event')} about {fmt.plural(orders, 'record')}. "
            "Double-click a row to follow that order." if events else
            f"{why}This sync did not touch any order.")

    def _step_filter_changed(self, index: int) -> None:
        self.events_proxy.set_events(STEP_FILTERS[index][1])
        self._fit_events()

    def _fit_events(self) -> None:
        fit_height(self.events_table, self.events_proxy.rowCount())

    def _event_double_clicked(self, index: QModelIndex) -> None:
        event = index.data(ROW_ROLE) if index.isValid() else None
        if isinstance(event, TimelineEvent) and event.record:
            self.order_search.setText(event.record)
            self.search_order()

    # -- one order -------------------------------------------------------------------------
    def search_order(self) -> None:
        """Look the typed order up in the background."""
        text = self.order_search.text().strip()
        pair_id = self.pair_box.currentData()
        if not text or pair_id is None:
            return
        self.order_result.setText(f"Looking for order {html.escape(text)}…")
        self.ctx.tasks.run(read_order, self.ctx.service, int(pair_id), text,
                           on_done=self._show_order, on_error=self._order_failed)

    def _order_failed(self, error: BaseException) -> None:
        self.order_result.setText(html.escape(f"The order could not be read: {error}"))

    def _near_clicked(self, number: str) -> None:
        if number == "#errors":
            self.navigate.emit("errors")
            return
        self.order_search.setText(number)
        self.search_order()

    def _show_order(self, lookup: OrderLookup) -> None:
        if lookup.text != self.order_search.text().strip():
            return  # the merchant typed something else since
        timeline = lookup.timeline
        self.timeline_model.set_timeline(timeline)
        fit_height(self.timeline_table, len(timeline.events) if timeline else 0, least=1)
        self.timeline_table.setVisible(timeline is not None)
        if timeline is None:
            self.undo_order_button.hide()
            self.repost_button.hide()
            text = f"No order numbered {html.escape(lookup.text)} was downloaded from the store."
            if lookup.near:
                links = ", ".join(f'<a href="{html.escape(n)}">{html.escape(n)}</a>'
                                  for n in lookup.near)
                text = f"Several orders match {html.escape(lookup.text)}: {links}."
            self.order_result.setText(text)
            return
        docs = [f"<b>{document_words(d.kind, lookup.labels)} {html.escape(d.number or '(no number)')}</b> "
                f"({html.escape(lookup.books)} Id {html.escape(d.ledger_id)}"
                f"{state_words(d)})"
                for d in lookup.documents]
        live = [d for d in lookup.documents if not d.voided]
        self.undo_order_button.setVisible(bool(live))
        self.repost_button.setVisible(not live and any(d.undone for d in lookup.documents))
        where = ("posted as " + " and ".join(docs)) if live else (
            "not in your books yet" + (" (" + ", ".join(docs) + ")" if docs else ""))
        waiting = not live and bool(timeline.events) and timeline.events[-1].event == "flagged"
        queue = (' It waits for you in the <a href="#errors">Error queue</a>.' if waiting else "")
        self.order_result.setText(f"Order <b>{html.escape(timeline.number)}</b> is {where}."
                                  + queue)

"""The events of one run (which order, what happened, the document it became) and an order's
timeline, with the core's terse details put in a merchant's words."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel
from typing_extensions import override

from ecom_ledger_desktop.app.models._table import ROW_ROLE, Column, RowsTableModel, refilter
from ecom_ledger_desktop.app.models.history_model import OrderTimelineModel
from ecom_ledger_desktop.sync.history_queries import TimelineEvent

# (label, events) for the run's step filter; the first shows everything
STEP_FILTERS: list[tuple[str, frozenset[str]]] = [
    ("Every step", frozenset()),
    ("Posted", frozenset({"posted", "adopted"})),
    ("Flagged for you", frozenset({"flagged"})),
    ("Ignored or replaced", frozenset({"ignored", "superseded"})),
]
_DOC_KINDS = re.compile(r"\b(sales_receipt|refund_receipt|credit_memo|invoice|payment)\b")
_CODE_PREFIX = re.compile(r"^[a-z]+(?:_[a-z]+)+: ")
_RECORD_PREFIX = re.compile(r"^(?:Order|Refund) [^:]{1,40}: ")


def detail_words(event: TimelineEvent) -> str:
    """"create sales_receipt 12.00 USD" → "create sales receipt 12.00 USD"; a flagged event
    without its machine code and "Order 000000007: " (the row already names the order)."""
    text = _DOC_KINDS.sub(lambda m: m.group(1).replace("_", " "), event.detail)
    if event.event == "flagged":
        text = _RECORD_PREFIX.sub("", _CODE_PREFIX.sub("", text))
    return text


class RunEventsModel(RowsTableModel[TimelineEvent]):
    """Rows are a run's ``TimelineEvent``s, oldest first."""

    COL_WHEN, COL_RECORD, COL_STEP, COL_DETAIL, COL_DOCUMENT = range(5)
    columns = (
        Column("When", lambda e: "", lambda e: e.at),  # text set in data()
        Column("Order", lambda e: e.record),
        Column("Step", lambda e: e.label),
        Column("Details", detail_words, tooltip=detail_words),
        Column("Document in the books", lambda e: e.doc_number),
    )

    @override
    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if index.isValid() and index.column() == self.COL_WHEN and role == 0 \
                and 0 <= index.row() < len(self._rows):
            return self._rows[index.row()].at.astimezone().strftime("%H:%M:%S")
        return super().data(index, role)


class StepFilter(QSortFilterProxyModel):
    """Shows only the events of some kinds (all when the set is empty)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._events: frozenset[str] = frozenset()

    def set_events(self, events: frozenset[str]) -> None:
        """Keep only these audit events (empty: keep all)."""
        refilter(self, lambda: setattr(self, "_events", events))

    @override
    def filterAcceptsRow(self, source_row: int,
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self._events:
            return True
        model = self.sourceModel()
        event = model.data(model.index(source_row, 0, source_parent), ROW_ROLE)
        return isinstance(event, TimelineEvent) and event.event in self._events


class TimelineModel(OrderTimelineModel):
    """``OrderTimelineModel`` with the details in words."""

    _base = OrderTimelineModel.columns
    columns = (_base[0], _base[1], Column("Details", detail_words, tooltip=detail_words),
               _base[3])

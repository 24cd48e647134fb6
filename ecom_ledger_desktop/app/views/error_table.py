"""The error queue's table: the problem filter plus a search, and the view over it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView
from typing_extensions import override

from ecom_ledger_desktop.app.models._table import ROW_ROLE, refilter
from ecom_ledger_desktop.app.models.errors_model import ErrorsFilterProxy, ErrorsModel, record_text
from ecom_ledger_desktop.db.errors_repo import ErrorEntry


class SearchProxy(ErrorsFilterProxy):
    """The problem filter plus a search over the order number and the message."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._text = ""

    def set_text(self, text: str) -> None:
        """Show only entries whose record or message contains ``text`` (any case)."""
        refilter(self, lambda: setattr(self, "_text", text.strip().casefold()))

    @override
    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        value = super().data(index, role)
        if role == Qt.ItemDataRole.DisplayRole and index.column() == ErrorsModel.COL_MESSAGE:
            record = self.index(index.row(), ErrorsModel.COL_RECORD).data()
            if isinstance(value, str) and record and value.startswith(f"{record}: "):
                return value[len(record) + 2:]  # the Record column already says it
        return value

    @override
    def filterAcceptsRow(self, source_row: int,
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not super().filterAcceptsRow(source_row, source_parent):
            return False
        if not self._text:
            return True
        model = self.sourceModel()
        entry = model.data(model.index(source_row, 0, source_parent), ROW_ROLE)
        return isinstance(entry, ErrorEntry) and self._text in (
            f"{record_text(entry)} {entry.message} {entry.detail}".casefold())


class BulkProgress(QObject):
    """Lives on the GUI thread; the bulk-retry worker emits ``step`` (queued to the page)."""

    step = Signal(int, int)



def make_errors_table(proxy: SearchProxy) -> QTableView:
    """Rows select whole; Ctrl/Shift-click picks several (for bulk retry); newest first."""
    table = QTableView()
    table.setModel(proxy)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSortingEnabled(True)
    table.sortByColumn(ErrorsModel.COL_SINCE, Qt.SortOrder.DescendingOrder)
    table.verticalHeader().hide()
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(ErrorsModel.COL_MESSAGE, QHeaderView.ResizeMode.Stretch)
    return table

"""Layout helpers of the History page (the Error queue uses them too)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QSortFilterProxyModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from ecom_ledger_desktop.app.models._table import SORT_ROLE

MIN_ROWS, MAX_ROWS = 3, 9


def fit_height(table: QTableView, rows: int, least: int = MIN_ROWS, most: int = MAX_ROWS) -> None:
    """Make a table as tall as its rows (``least`` to ``most``), so no empty box shows."""
    shown = min(max(rows, least), most)
    row_height = table.verticalHeader().defaultSectionSize()
    table.setFixedHeight(table.horizontalHeader().sizeHint().height() + shown * row_height
                         + 2 * table.frameWidth() + 4)


def make_table(model: QAbstractItemModel, stretch: int, sortable: bool,
               proxy: QSortFilterProxyModel | None = None) -> QTableView:
    """A read-only, row-selecting table with one stretching column (``fit_height`` sizes it)."""
    table = QTableView()
    if sortable or proxy is not None:
        proxy = proxy or QSortFilterProxyModel(table)
        proxy.setSourceModel(model)
        proxy.setSortRole(SORT_ROLE)
        table.setModel(proxy)
        table.setSortingEnabled(sortable)
    else:
        table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    fit_height(table, 0)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table

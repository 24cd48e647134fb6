"""The error queue's table: one flagged record per row, with its fixes as roles."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel
from typing_extensions import override

from ecom_ledger_desktop.app.models._table import (
    FIRST_CUSTOM_ROLE,
    ROW_ROLE,
    SORT_ROLE,
    Column,
    RowsTableModel,
    parse_time,
    refilter,
)
from ecom_ledger_desktop.db.errors_repo import ErrorEntry
from ecom_ledger_desktop.sync.error_details import NO_BRAND, fix_options, problem_title

ENTRY_ID_ROLE = FIRST_CUSTOM_ROLE  # int
FIXES_ROLE = FIRST_CUSTOM_ROLE + 1  # list[FixOption]: the entry's fixes + retry + ignore
CODE_ROLE = FIRST_CUSTOM_ROLE + 2  # the problem's machine code (unmapped_sku, ...)
_KIND_WORDS = {"order": "Order", "refund": "Refund"}


def record_text(entry: ErrorEntry) -> str:
    """"Order 000000251" (the number the merchant knows)."""
    what = _KIND_WORDS.get(entry.record_kind, entry.record_kind.capitalize())
    return f"{what} {entry.record_ref or entry.source_id}"


class ErrorsModel(RowsTableModel[ErrorEntry]):
    """Rows are ``ErrorEntry``s (load them with ``state.errors.entries``)."""

    COL_RECORD, COL_PROBLEM, COL_MESSAGE, COL_SINCE, COL_OCCURRENCES = range(5)
    columns = (
        Column("Record", record_text, lambda e: (e.record_kind, e.record_ref)),
        Column("Problem", lambda e: problem_title(e.code)),  # in its pair's brand: data()
        Column("What is wrong", lambda e: e.message, tooltip=lambda e: e.message),
        Column("Since", lambda e: "", lambda e: e.created_at),  # text set in row_data
        Column("Times", lambda e: str(e.occurrences), lambda e: e.occurrences, align_right=True),
    )

    def __init__(self, parent: Any = None, now: Callable[[], datetime] | None = None) -> None:
        super().__init__(parent, now)
        self.books: dict[int, str] = {}  # pair id -> its ledger brand (``ledger_brands``)

    @override

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if index.isValid() and index.column() == self.COL_SINCE and role == 0 \
                and 0 <= index.row() < len(self._rows):
            return self.when(parse_time(self._rows[index.row()].created_at))
        if index.isValid() and index.column() == self.COL_PROBLEM and role == 0 \
                and 0 <= index.row() < len(self._rows):
            entry = self._rows[index.row()]
            return problem_title(entry.code, self.books.get(entry.pair_id, NO_BRAND))
        return super().data(index, role)

    def row_data(self, row: ErrorEntry, column: int, role: int) -> Any:
        if role == ENTRY_ID_ROLE:
            return row.id
        if role == FIXES_ROLE:
            return fix_options(row.fixes)
        if role == CODE_ROLE:
            return row.code
        return None

    def entry_ids(self, rows: list[int] | None = None) -> list[int]:
        """Entry ids of the given model rows (all when None), e.g. for bulk retry."""
        picked = range(len(self._rows)) if rows is None else rows
        return [self._rows[i].id for i in picked]

    def remove_entry(self, entry_id: int) -> None:
        """Drop one entry (after it was resolved or ignored) without a full reload."""
        row = next((i for i, e in enumerate(self._rows) if e.id == entry_id), -1)
        if row >= 0:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()


class ErrorsFilterProxy(QSortFilterProxyModel):
    """Optional filter by problem code; sorts by natural values."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._code = ""
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def set_code(self, code: str) -> None:
        """Show only entries with this problem code ("" for all)."""
        refilter(self, lambda: setattr(self, "_code", code))

    @override

    def filterAcceptsRow(self, source_row: int,
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self._code:
            return True
        model = self.sourceModel()
        entry = model.data(model.index(source_row, 0, source_parent), ROW_ROLE)
        return isinstance(entry, ErrorEntry) and entry.code == self._code

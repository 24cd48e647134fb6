"""A read-mostly table model over a list of row objects, with columns declared as data."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from typing_extensions import override

from ecom_ledger_desktop.app import formatting as fmt

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex

ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the row object itself
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # a value that sorts naturally (numbers, datetimes)
FIRST_CUSTOM_ROLE = Qt.ItemDataRole.UserRole + 10  # models' own roles start here


@dataclass(frozen=True)
class Column(Generic[T]):
    """A column: header, the text shown, and (optionally) what it sorts by and a tooltip."""

    header: str
    text: Callable[[T], str]
    sort: Callable[[T], Any] | None = None
    tooltip: Callable[[T], str] | None = None
    align_right: bool = False


class RowsTableModel(QAbstractTableModel, Generic[T]):
    """Rows of ``T`` shown through ``columns``; ``set_rows`` replaces them (a reset)."""

    columns: Sequence[Column[T]] = ()

    def __init__(self, parent: Any = None, now: Callable[[], datetime] | None = None) -> None:
        super().__init__(parent)
        self._rows: list[T] = []
        self._now = now or (lambda: datetime.now(UTC))

    # -- contents ---------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[T]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[T]:
        """The rows, in model order."""
        return list(self._rows)

    def row_at(self, row: int) -> T:
        """The row object at ``row``."""
        return self._rows[row]

    def rows_changed(self, first: int = 0, last: int | None = None) -> None:
        """Tell views that rows ``first..last`` changed in place."""
        if not self._rows:
            return
        end = len(self._rows) - 1 if last is None else last
        self.dataChanged.emit(self.index(first, 0), self.index(end, self.columnCount() - 1))

    # -- QAbstractTableModel ----------------------------------------------------------------
    @override
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    @override

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    @override

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.columns)):
            return self.columns[section].header
        return None

    @override

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == SORT_ROLE:
            return sortable(column.sort(row) if column.sort else column.text(row))
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return self.row_data(row, index.column(), role)

    def row_data(self, row: T, column: int, role: int) -> Any:
        """Model-specific roles (override)."""
        return None

    @override

    def roleNames(self) -> dict[int, QByteArray]:
        names = dict(super().roleNames())
        names[ROW_ROLE] = QByteArray(b"row")
        names[SORT_ROLE] = QByteArray(b"sortValue")
        return names

    # -- formatting helpers -----------------------------------------------------------------
    def when(self, moment: datetime | None) -> str:
        """A time in the merchant's words ("today 10:42")."""
        return fmt.when(moment, self._now())


def sortable(value: Any) -> Any:
    """A value Qt can compare: datetimes as timestamps, Decimals as floats (order only)."""
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, tuple):
        return "\x1f".join(str(part) for part in value)
    return value


def refilter(proxy: QSortFilterProxyModel, change: Callable[[], None]) -> None:
    """Apply ``change`` to a proxy's filter settings and re-filter its rows.

    Qt 6.10 added begin/endFilterChange (and deprecated invalidateRowsFilter); older Qt has only
    the latter, and the project allows PySide6 from 6.7.
    """
    if hasattr(proxy, "beginFilterChange"):
        proxy.beginFilterChange()
        change()
        proxy.endFilterChange(QSortFilterProxyModel.Direction.Rows)
    else:  # pragma: no cover - Qt < 6.10
        change()
        proxy.invalidateRowsFilter()


def duration_text(span: timedelta | None) -> str:
    """"4 s", "3 min 5 s", "1 h 2 min"; empty when unknown."""
    if span is None:
        return ""
    seconds = max(0, round(span.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def parse_time(text: str | None) -> datetime | None:
    """An ISO time from the database (None when empty or unreadable)."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None

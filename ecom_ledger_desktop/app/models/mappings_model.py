"""The mapping editor's table: store SKUs against ledger items, filtered and searched."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QFont
from typing_extensions import override

from ecom_ledger_desktop.app.models._table import (
    FIRST_CUSTOM_ROLE,
    ROW_ROLE,
    SORT_ROLE,
    Column,
    RowsTableModel,
    refilter,
)
from ecom_ledger_desktop.sync.error_details import NO_BRAND
from ecom_ledger_desktop.sync.mapping_suggestions import FILTER_MODES, FilterMode, MappingRow

#: ``{books}`` is the pair's ledger brand (``MappingsModel.set_books``)
STATUS_WORDS = {"mapped": "Mapped", "found": "Same SKU in {books}",
                "suggested": "Suggested", "unmapped": "Not mapped"}
STATUS_ROLE = FIRST_CUSTOM_ROLE  # mapped | found | suggested | unmapped
CANDIDATES_ROLE = FIRST_CUSTOM_ROLE + 1  # list[Candidate], best first
SKU_ROLE = FIRST_CUSTOM_ROLE + 2


def _score(row: MappingRow) -> float | None:
    if row.mapped_item:
        return next((c.score for c in row.candidates if c.item.name == row.mapped_item), None)
    return row.best.score if row.best else None


def _score_text(row: MappingRow) -> str:
    value = _score(row)
    return "" if value is None else f"{value:.0f}"


def _item_tooltip(row: MappingRow) -> str:
    if row.mapped_item or not row.candidates:
        return ""
    return "Suggestions: " + ", ".join(f"{c.item.name} ({c.score:.0f})" for c in row.candidates)


class MappingsModel(RowsTableModel[MappingRow]):
    """Rows are ``MappingRow``s; a suggestion (not yet accepted) shows in italics."""

    COL_SKU, COL_NAME, COL_ITEM, COL_SCORE, COL_STATUS = range(5)
    columns: tuple[Column[MappingRow], ...] = (
        Column("SKU", lambda r: r.sku, lambda r: r.sku.casefold()),
        Column("Store name", lambda r: r.store_name, lambda r: r.store_name.casefold()),
        Column("Item in the books", lambda r: r.ledger_item, lambda r: r.ledger_item.casefold(),
               _item_tooltip),
        Column("Score", _score_text, lambda r: _score(r) if _score(r) is not None else -1.0,
               align_right=True),
        Column("Status", lambda r: STATUS_WORDS[r.status].format(books=NO_BRAND),
               lambda r: list(STATUS_WORDS).index(r.status)),
    )

    def set_books(self, books: str) -> None:
        """Name the pair's ledger brand in the item column's header and the status words."""
        item, status = self.columns[self.COL_ITEM], self.columns[self.COL_STATUS]
        columns = list(self.columns)
        columns[self.COL_ITEM] = replace(
            item, header=f"{books} item" if books != NO_BRAND else "Item in the books")
        columns[self.COL_STATUS] = replace(
            status, text=lambda r: STATUS_WORDS[r.status].format(books=books))
        self.columns = tuple(columns)
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(columns) - 1)

    def row_data(self, row: MappingRow, column: int, role: int) -> Any:
        if role == STATUS_ROLE:
            return row.status
        if role == CANDIDATES_ROLE:
            return list(row.candidates)
        if role == SKU_ROLE:
            return row.sku
        if role == Qt.ItemDataRole.FontRole and column == self.COL_ITEM and not row.mapped_item \
                and row.candidates:
            font = QFont()
            font.setItalic(True)
            return font
        return None

    def row_of_sku(self, sku: str) -> int:
        """The model row of ``sku`` (-1 when absent)."""
        return next((i for i, r in enumerate(self._rows) if r.sku == sku), -1)

    def sku_changed(self, sku: str) -> None:
        """A row's mapping changed in place (after accept / create / remove)."""
        row = self.row_of_sku(sku)
        if row >= 0:
            self.rows_changed(row, row)


class MappingsFilterProxy(QSortFilterProxyModel):
    """Filter mode ("unmapped", "suggested", "all") plus free-text search over SKU, names."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._mode: FilterMode = "unmapped"
        self._search = ""
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    @property
    def mode(self) -> FilterMode:
        """The current filter mode."""
        return self._mode

    def set_mode(self, mode: FilterMode) -> None:
        """Show unmapped (needing a decision), suggested only, or all rows."""
        if mode not in FILTER_MODES:
            raise ValueError(f"unknown filter mode {mode!r}")
        refilter(self, lambda: setattr(self, "_mode", mode))

    def set_search(self, text: str) -> None:
        """Keep rows whose SKU, store name or ledger item contains ``text`` (any case)."""
        refilter(self, lambda: setattr(self, "_search", text.strip().casefold()))

    @override

    def filterAcceptsRow(self, source_row: int,
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        row = model.data(model.index(source_row, 0, source_parent), ROW_ROLE)
        if not isinstance(row, MappingRow) or not row.matches(self._mode):
            return False
        if not self._search:
            return True
        haystack = f"{row.sku}\n{row.store_name}\n{row.ledger_item}".casefold()
        return self._search in haystack

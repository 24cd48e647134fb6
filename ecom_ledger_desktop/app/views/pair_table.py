"""A small editable table for the rules that are lists of rows (payment methods, tax codes); a
column may be a choice, shown in words."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

ROW_HEIGHT = 30


class RowsTable(QWidget):
    """Columns of text (or of choices: column -> [(value, words)]); "Add a row" and "Remove the
    selected row"; rows whose text cells are blank are ignored."""

    def __init__(self, columns: list[str], add_label: str = "Add a row",
                 parent: QWidget | None = None,
                 choices: dict[int, list[tuple[str, str]]] | None = None) -> None:
        super().__init__(parent)
        self.choices = choices or {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.table = QTableWidget(0, len(columns))
        self.table.setHorizontalHeaderLabels(columns)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(add_label)
        self.remove_button = QPushButton("Remove the selected row")
        for button in (self.add_button, self.remove_button):
            button.setObjectName("secondaryButton")
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(lambda: self.add_row([]))
        self.remove_button.clicked.connect(self._remove_selected)
        self._fit()

    def set_rows(self, rows: list[list[str]]) -> None:
        """Replace every row."""
        self.table.setRowCount(0)
        for row in rows:
            self.add_row(row)
        self._fit()

    def add_row(self, values: list[str]) -> None:
        """Append a row (missing cells empty)."""
        at = self.table.rowCount()
        self.table.insertRow(at)
        for column in range(self.table.columnCount()):
            text = values[column] if column < len(values) else ""
            if column in self.choices:
                self.table.setCellWidget(at, column, self._choice(column, text))
            else:
                self.table.setItem(at, column, QTableWidgetItem(text))
        self._fit()

    def _choice(self, column: int, value: str) -> QComboBox:
        box = QComboBox()
        for known, words in self.choices[column]:
            box.addItem(words, known)
        if value and box.findData(value) < 0:  # a value the words do not know still shows
            box.addItem(value, value)
        box.setCurrentIndex(max(0, box.findData(value)))
        return box

    def cell(self, row: int, column: int) -> str:
        """A cell's value (a choice's value, not its words), trimmed."""
        box = self.table.cellWidget(row, column)
        if isinstance(box, QComboBox):
            return str(box.currentData() or "")
        item = self.table.item(row, column)
        return (item.text() if item is not None else "").strip()

    def _remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        for row in rows or ([self.table.rowCount() - 1] if self.table.rowCount() else []):
            self.table.removeRow(row)
        self._fit()

    def rows(self) -> list[tuple[int, list[str]]]:
        """(row number from 1, trimmed cells) of every row that is not blank."""
        out = []
        for row in range(self.table.rowCount()):
            cells = [self.cell(row, c) for c in range(self.table.columnCount())]
            if any(cell for c, cell in enumerate(cells) if c not in self.choices):
                out.append((row + 1, cells))
        return out

    def _fit(self) -> None:
        """As tall as its rows (the page scrolls, not the table)."""
        header = self.table.horizontalHeader().height() or 28
        self.table.setFixedHeight(header + ROW_HEIGHT * max(self.table.rowCount(), 1) + 4)

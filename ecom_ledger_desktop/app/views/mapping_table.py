"""The mapping table: SKUs against ledger items, a visible score, and an item picker per row."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from ecom_ledger_desktop.app.models._table import ROW_ROLE
from ecom_ledger_desktop.app.models.mappings_model import (
    CANDIDATES_ROLE,
    SKU_ROLE,
    MappingsFilterProxy,
    MappingsModel,
)
from ecom_ledger_desktop.sync.mapping_suggestions import Candidate, MappingRow

Index = QModelIndex | QPersistentModelIndex
SCORE_GOOD, SCORE_FAIR = 90.0, 60.0  # green from 90 (the default "accept all" line), amber from 60


class ItemPickerDelegate(QStyledItemDelegate):
    """Edits the "QuickBooks item" cell with a list: the ranked suggestions, then every item.

    Choosing an entry emits ``picked(sku, item_name)``; the page maps it in the background (the
    model is read-only: it shows what the database holds)."""

    picked = Signal(str, str)

    def __init__(self, item_names: Callable[[], list[str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._item_names = item_names

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,  # noqa: N802
                     index: Index) -> QWidget:
        combo = QComboBox(parent)
        combo.setObjectName("itemPicker")
        candidates: list[Candidate] = index.data(CANDIDATES_ROLE) or []
        for candidate in candidates:
            combo.addItem(f"{candidate.item.name}  ·  {candidate.score:.0f}", candidate.item.name)
        suggested = {c.item.name for c in candidates}
        others = [name for name in self._item_names() if name not in suggested]
        if others:
            if candidates:
                combo.insertSeparator(combo.count())
            for name in others:
                combo.addItem(name, name)
        combo.setStyleSheet("combobox-popup: 0;")  # a scrolling list, not one screen-high
        combo.setMaxVisibleItems(16)
        view = combo.view()  # wide enough for the longest name, not clipped to the cell
        view.setMinimumWidth(view.sizeHintForColumn(0) + 32)
        combo.activated.connect(lambda _i, c=combo: self._commit(c))
        QTimer.singleShot(0, combo.showPopup)  # one click to open the list, not two
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        assert isinstance(editor, QComboBox)
        row = index.data(ROW_ROLE)
        current = row.ledger_item if isinstance(row, MappingRow) else ""
        at = editor.findData(current)
        editor.setCurrentIndex(max(at, 0))
        editor.setProperty("sku", index.data(SKU_ROLE))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,  # noqa: N802
                     index: Index) -> None:
        """Nothing is written to the model here: ``picked`` asks the page to map the SKU."""

    def _commit(self, combo: QComboBox) -> None:
        name = combo.currentData()
        sku = combo.property("sku")
        self.closeEditor.emit(combo, QStyledItemDelegate.EndEditHint.NoHint)
        if isinstance(name, str) and name and isinstance(sku, str):
            self.picked.emit(sku, name)


class ScoreDelegate(QStyledItemDelegate):
    """The score as a number on a small bar: green from 90, amber from 60, grey below."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if not text:
            super().paint(painter, option, index)
            return
        value = float(text)
        style = option.widget.style() if option.widget else None
        if style is not None:  # the selection background
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter,
                                option.widget)
        rect: QRect = option.rect.adjusted(8, 0, -8, 0)
        track = QRect(rect.left(), rect.center().y() - 3, max(rect.width() - 34, 10), 6)
        colour = QColor("#2e7d32" if value >= SCORE_GOOD else
                        "#f0a020" if value >= SCORE_FAIR else "#9aa7ad")
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#e3e8ea"))
        painter.drawRoundedRect(track, 3, 3)
        painter.setBrush(colour)
        painter.drawRoundedRect(QRect(track.left(), track.top(),
                                      round(track.width() * value / 100), track.height()), 3, 3)
        painter.setPen(QColor("#1f2a30"))
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                         text)
        painter.restore()


class PickableMappingsProxy(MappingsFilterProxy):
    """The filter proxy with the item column editable, so the picker opens on it (the model is
    read-only; a pick is applied by the page, not written through the model)."""

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.column() == MappingsModel.COL_ITEM:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags


class MappingTable(QTableView):
    """The table view with the picker on the item column and the score bar."""

    def __init__(self, item_names: Callable[[], list[str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mappingTable")
        self.picker = ItemPickerDelegate(item_names, self)
        self.setItemDelegateForColumn(MappingsModel.COL_ITEM, self.picker)
        self.setItemDelegateForColumn(MappingsModel.COL_SCORE, ScoreDelegate(self))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.SelectedClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setSortingEnabled(True)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setMinimumHeight(320)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(30)
        self.horizontalHeader().setHighlightSections(False)

    def setModel(self, model: QAbstractItemModel | None) -> None:  # noqa: N802 - Qt's name
        """Set the model, then the column widths (a header forgets them without a model)."""
        super().setModel(model)
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(60)
        widths = {MappingsModel.COL_SKU: 150, MappingsModel.COL_SCORE: 110,
                  MappingsModel.COL_STATUS: 190}
        for column, width in widths.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.setColumnWidth(column, width)
        for column in (MappingsModel.COL_NAME, MappingsModel.COL_ITEM):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)

    def selected_rows(self) -> list[MappingRow]:
        """The rows selected (in view order)."""
        selection = self.selectionModel()
        if selection is None:
            return []
        indexes = sorted(selection.selectedRows(), key=lambda i: i.row())
        return [row for i in indexes if isinstance(row := i.data(ROW_ROLE), MappingRow)]

    def select_sku(self, sku: str) -> bool:
        """Select the row of ``sku`` if it is shown."""
        model = self.model()
        for row in range(model.rowCount()):
            index = model.index(row, 0)
            if index.data(SKU_ROLE) == sku:
                self.selectRow(row)
                self.scrollTo(index)
                return True
        return False

"""The sidebar's page list, with a count badge (the error queue's open records)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QStyledItemDelegate, QStyleOptionViewItem

KEY_ROLE = Qt.ItemDataRole.UserRole
BADGE_ROLE = Qt.ItemDataRole.UserRole + 1
BADGE_COLOUR = "#e65100"


class BadgeDelegate(QStyledItemDelegate):
    """Paints the item as usual, then a rounded count at its right edge."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        """Item, then badge."""
        super().paint(painter, option, index)
        count = index.data(BADGE_ROLE) or 0
        if not count:
            return
        text = "99+" if count > 99 else str(count)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(option.font)
        font.setBold(True)
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        painter.setFont(font)
        metrics = painter.fontMetrics()
        height = metrics.height() + 4
        width = max(height, metrics.horizontalAdvance(text) + 12)
        rect = option.rect
        badge = QRect(rect.right() - width - 18, rect.center().y() - height // 2 + 1, width, height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(BADGE_COLOUR))
        painter.drawRoundedRect(badge, height / 2, height / 2)
        painter.setPen(QColor("white"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def sizeHint(self,  # noqa: N802 - Qt's name
                 option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        """A comfortable row height."""
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height(), 36))


class NavigationList(QListWidget):
    """One row per page key; ``set_badge`` shows a count next to a page."""

    def __init__(self) -> None:
        super().__init__()
        self.setItemDelegate(BadgeDelegate(self))
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def add_page(self, key: str, title: str) -> None:
        """Append a page."""
        item = QListWidgetItem(title)
        item.setData(KEY_ROLE, key)
        self.addItem(item)

    def row_of(self, key: str) -> int:
        """The row of a page key (-1 when absent)."""
        for row in range(self.count()):
            if self.item(row).data(KEY_ROLE) == key:
                return row
        return -1

    def key_at(self, row: int) -> str:
        """The page key of a row."""
        return str(self.item(row).data(KEY_ROLE))

    def set_badge(self, key: str, count: int) -> None:
        """Show ``count`` beside a page (0 hides it) and say it for screen readers too."""
        row = self.row_of(key)
        if row < 0:
            return
        item = self.item(row)
        item.setData(BADGE_ROLE, count)
        title = item.text()
        item.setData(Qt.ItemDataRole.AccessibleTextRole,
                     f"{title}, {count} waiting" if count else title)

    def badge(self, key: str) -> int:
        """The count shown beside a page."""
        row = self.row_of(key)
        return int(self.item(row).data(BADGE_ROLE) or 0) if row >= 0 else 0

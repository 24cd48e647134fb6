"""Small building blocks shared by the pages: cards, empty states, number tiles."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

EMPTY_TEXT_WIDTH = 680


class Card(QFrame):
    """A white, rounded panel with an optional heading."""

    def __init__(self, heading: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(20, 16, 20, 18)
        self.layout_.setSpacing(10)
        if heading:
            self.heading = QLabel(heading)
            self.heading.setObjectName("cardHeading")
            self.heading.setWordWrap(True)  # a long heading wraps instead of widening the page
            self.layout_.addWidget(self.heading)


class EmptyState(Card):
    """What a page shows when it has nothing yet: what it is for and what to do next."""

    def __init__(self, heading: str, text: str,
                 buttons: list[tuple[str, Callable[[], None]]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.setObjectName("emptyState")
        self.layout_.setContentsMargins(32, 28, 32, 28)
        self.heading_label = QLabel(heading)
        self.heading_label.setObjectName("emptyHeading")
        self.heading_label.setWordWrap(True)
        self.layout_.addWidget(self.heading_label)
        self.text_label = QLabel(text)
        self.text_label.setObjectName("emptyText")
        self.text_label.setWordWrap(True)
        self.text_label.setTextFormat(Qt.TextFormat.PlainText)
        self.text_label.setMaximumWidth(EMPTY_TEXT_WIDTH)  # long lines are hard to read
        # In a row with a stretch the label is laid out (and its height asked) at its capped
        # width; placed directly in the wider card, Qt reserves fewer lines than it draws.
        text_row = QHBoxLayout()
        text_row.addWidget(self.text_label, 1)
        text_row.addStretch(0)
        self.layout_.addLayout(text_row)
        self.buttons: list[QPushButton] = []
        if buttons:
            row = QHBoxLayout()
            row.setSpacing(10)
            for index, (label, callback) in enumerate(buttons):
                button = QPushButton(label)
                button.setObjectName("primaryButton" if index == 0 else "secondaryButton")
                button.clicked.connect(lambda _=False, cb=callback: cb())
                row.addWidget(button)
                self.buttons.append(button)
            row.addStretch(1)
            self.layout_.addSpacing(6)
            self.layout_.addLayout(row)

    def set_text(self, text: str) -> None:
        """Change the explanation."""
        self.text_label.setText(text)

    def add_row(self, widget: QWidget) -> None:
        """A row under the buttons (e.g. a choice that goes with them), left-aligned."""
        row = QHBoxLayout()
        row.addWidget(widget)
        row.addStretch(1)
        self.layout_.addLayout(row)


class StatTile(QFrame):
    """A big number with a label under it; optionally clickable."""

    clicked = Signal()

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statTile")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(2)
        self.value_label = QLabel("–")
        self.value_label.setObjectName("statValue")
        layout.addWidget(self.value_label)
        self.caption = QLabel(label)
        self.caption.setObjectName("statCaption")
        self.caption.setWordWrap(True)
        layout.addWidget(self.caption)

    def set_value(self, value: str, highlight: bool = False) -> None:
        """Show a value; ``highlight`` marks it as needing attention."""
        self.value_label.setText(value)
        self.setProperty("highlight", highlight)
        self.style().unpolish(self)
        self.style().polish(self)

    def make_clickable(self, tooltip: str) -> None:
        """Show a hand cursor and a tooltip; clicks emit ``clicked``."""
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(tooltip)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        """Emit ``clicked`` on a left click."""
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)

"""The base of every page: a title, a one-line explanation, a body, and ``refresh()`` when shown."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from ecom_ledger_desktop.app.context import AppContext

PAGE_MARGIN = 28
SECTION_SPACING = 18


class Page(QWidget):
    """A page of the main window. Subclasses set ``key``, ``title``, ``subtitle`` and fill ``body``."""

    key: ClassVar[str] = ""
    title: ClassVar[str] = ""
    subtitle: ClassVar[str] = ""

    navigate = Signal(str)  # ask the window to show another page (by key)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName(f"page-{self.key}")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer.addWidget(scroll)
        content = QWidget()
        content.setObjectName("pageContent")
        scroll.setWidget(content)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(PAGE_MARGIN, PAGE_MARGIN - 6, PAGE_MARGIN, PAGE_MARGIN)
        layout.setSpacing(SECTION_SPACING)
        header = QVBoxLayout()
        header.setSpacing(4)
        self.title_label = QLabel(self.title)
        self.title_label.setObjectName("pageTitle")
        header.addWidget(self.title_label)
        if self.subtitle:
            self.subtitle_label = QLabel(self.subtitle)
            self.subtitle_label.setObjectName("pageSubtitle")
            self.subtitle_label.setWordWrap(True)
            header.addWidget(self.subtitle_label)
        layout.addLayout(header)
        self.body = QVBoxLayout()
        self.body.setSpacing(SECTION_SPACING)
        layout.addLayout(self.body)
        layout.addStretch(1)

    def refresh(self) -> None:
        """Reload what the page shows (called each time it is shown). Never blocks: read in
        the background with ``self.ctx.tasks``."""

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        """Refresh whenever the page comes into view."""
        super().showEvent(event)
        if not event.spontaneous():
            self.refresh()

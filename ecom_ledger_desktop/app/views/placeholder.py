"""A page that is not built yet: it says what it will do, so nobody is left guessing."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtWidgets import QWidget

from ecom_ledger_desktop.app.context import AppContext
from ecom_ledger_desktop.app.views.page import Page
from ecom_ledger_desktop.app.views.widgets import EmptyState


class PlaceholderPage(Page):
    """Title, explanation, and an empty state describing the page to come."""

    empty_heading: ClassVar[str] = ""
    empty_text: ClassVar[str] = ""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.empty = EmptyState(self.empty_heading, self.empty_text)
        self.body.addWidget(self.empty)

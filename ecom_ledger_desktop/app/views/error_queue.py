"""Error queue: records that need a decision from the merchant (placeholder for this round)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ecom_ledger_desktop.app import formatting as fmt
from ecom_ledger_desktop.app.context import AppContext
from ecom_ledger_desktop.app.views.placeholder import PlaceholderPage


class ErrorQueuePage(PlaceholderPage):
    """Where the merchant fixes, retries or ignores flagged records."""

    key = "errors"
    title = "Error queue"
    subtitle = "Orders and refunds that could not be posted without your decision."
    empty_heading = "Nothing needs your attention"
    empty_text = ("When an order cannot be posted — a product QuickBooks does not know, a customer "
                  "who matches two QuickBooks customers — it waits here with what is wrong in plain "
                  "words and a one-click fix. Nothing is posted until you decide.")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        ctx.require_status().changed.connect(self._update_count)

    def _update_count(self) -> None:
        count = self.ctx.require_status().snapshot.open_errors
        if count:
            verb = "is" if count == 1 else "are"
            self.empty.heading_label.setText(f"{fmt.plural(count, 'record')} {verb} waiting for you")
            self.empty.set_text(
                "Each one will be listed here with what is wrong in plain words and a one-click "
                "fix (map the product, pick the customer, retry). Until this page is finished, "
                "the records stay safely in the queue: nothing is lost or posted twice.")
        else:
            self.empty.heading_label.setText(self.empty_heading)
            self.empty.set_text(self.empty_text)

    def refresh(self) -> None:
        """Show the current count."""
        self._update_count()

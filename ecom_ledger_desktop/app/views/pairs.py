"""Pairs & rules: which store posts into which books, and how (placeholder for this round)."""

from __future__ import annotations

from ecom_ledger_desktop.app.views.placeholder import PlaceholderPage


class PairsPage(PlaceholderPage):
    """Where the merchant pairs a store with a ledger and sets the posting rules."""

    key = "pairs"
    title = "Pairs & rules"
    subtitle = "Which store posts into which books, and how each order is recorded."
    empty_heading = "Decide how orders are recorded"
    empty_text = ("This page will pair your store with your books and set the rules: the date to "
                  "start from, sales receipt or invoice, which account each payment method goes "
                  "to, how tax and shipping are posted, and how often to sync.")

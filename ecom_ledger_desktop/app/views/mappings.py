"""Mappings: store SKUs to QuickBooks items (placeholder for this round)."""

from __future__ import annotations

from ecom_ledger_desktop.app.views.placeholder import PlaceholderPage


class MappingsPage(PlaceholderPage):
    """Where the merchant maps store products to QuickBooks items."""

    key = "mappings"
    title = "Mappings"
    subtitle = "Which QuickBooks item each product of your store is posted as."
    empty_heading = "Match your products to QuickBooks items"
    empty_text = ("This page will list the products of your store next to the QuickBooks items "
                  "they are posted as, point out the ones QuickBooks does not know yet, and let "
                  "you match or create them in a few clicks.")

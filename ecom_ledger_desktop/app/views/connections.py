"""Connections: the store and the books this computer talks to (placeholder for this round)."""

from __future__ import annotations

from ecom_ledger_desktop.app.views.placeholder import PlaceholderPage


class ConnectionsPage(PlaceholderPage):
    """Where the merchant connects, tests and reconnects the store and QuickBooks."""

    key = "connections"
    title = "Connections"
    subtitle = "Your online store and your QuickBooks company."
    empty_heading = "Connect your store and your books"
    empty_text = ("This page will list your Magento store and your QuickBooks Online company, show "
                  "whether each one works, and let you connect, test or reconnect them. Passwords "
                  "and access tokens are kept in this computer's secure keychain, never in a file.")

"""History: every sync and every order's timeline (placeholder for this round)."""

from __future__ import annotations

from ecom_ledger_desktop.app.views.placeholder import PlaceholderPage


class HistoryPage(PlaceholderPage):
    """Where the merchant sees what each sync did and why a sync did not run."""

    key = "history"
    title = "History"
    subtitle = "Every sync, and what happened to each order."
    empty_heading = "Every sync, explained"
    empty_text = ("This page will list every sync — when it ran, what it posted, what it flagged "
                  "and, for a sync that was skipped or failed, why — and show each order's "
                  "journey from your store to its QuickBooks document.")

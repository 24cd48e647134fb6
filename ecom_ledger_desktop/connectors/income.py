"""The optional ledger capability behind a daily summary's income lines (rule
``summary_lines: income``): which income account an item books its sales to, and a summary item
on an account. Re-exported by ``connectors.base`` with the other optional capabilities."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from ecom_ledger_desktop.models.ledger import LedgerItem


@dataclass(frozen=True)
class ItemBooking:
    """Where an item's sales book: its income account, and whether the ledger tracks its stock
    (an inventory item: its line keeps item and quantity, so stock and cost of goods move)."""

    income_account: str
    tracks_stock: bool = False


@runtime_checkable
class IncomeAccountLedger(Protocol):
    """A ledger whose items each book their sales to an income account (QuickBooks), so a daily
    summary's income lines can be one per account, each through a summary item on it."""

    def item_booking(self, item_id: str | None, item: LedgerItem | None) -> ItemBooking:
        """Where item ``item_id`` books its sales; with no id, where an item created for
        ``item`` would. Raises ``LedgerAway`` while a ledger that calls in is away (the posting
        waits; never a guess)."""
        ...

    def summary_item_name(self, account: str) -> str:
        """The name of the summary item on ``account`` ("Daily sales — Apparel")."""
        ...

    def ensure_summary_item(self, account: str, request_id: str) -> str:
        """The id of the summary item on income account ``account``, created when missing."""
        ...

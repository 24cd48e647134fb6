"""Income accounts of QuickBooks Online items, and the summary items that book to them.

A daily summary with one sales line per income account (rule ``summary_lines: income``) posts
each account's line through a Service item on that account ("Daily sales — Apparel"), so the
Profit and Loss by account equals what per-order posting books. An item's account is its
``IncomeAccountRef``; an item the connector would create books to the connection's income
account (``QboLookups.income_account``).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from ecom_ledger_desktop.connectors.base import ItemBooking
from ecom_ledger_desktop.connectors.ledgers.qbo import mapping
from ecom_ledger_desktop.connectors.ledgers.qbo.client import quote
from ecom_ledger_desktop.connectors.ledgers.qbo.faults import QboFault
from ecom_ledger_desktop.connectors.ledgers.qbo.lookups import QboLookups
from ecom_ledger_desktop.core.errors import Fix, RecordError, RecordProblem

log = logging.getLogger(__name__)

SUMMARY_ITEM = "Daily sales — {account}"
SALES_PREFIX = re.compile(r"^sales\s*[—–:-]\s*", re.IGNORECASE)  # "Sales — Apparel": "Apparel"


class QboIncomeAccounts:
    """Reads items' income accounts (account names cached) and makes summary items."""

    def __init__(self, lookups: QboLookups) -> None:
        self.lookups = lookups
        self._account_names: dict[str, str] = {}

    def item_booking(self, item_id: str | None) -> ItemBooking:
        """Where item ``item_id`` books its sales (None: an item we would create, NonInventory
        on the connection's income account) and whether QuickBooks tracks its stock."""
        if not item_id:
            return ItemBooking(self.lookups.income_account)
        # read each time (a summary names each item once): an account changed in QuickBooks
        # counts from the next summary on
        row = self.lookups.client.get("Item", item_id)
        ref: dict[str, Any] = row.get("IncomeAccountRef") or {}
        if not ref.get("value"):
            raise RecordError(RecordProblem(
                "missing_reference",
                f"The QuickBooks item '{row.get('Name')}' has no income account, so its sales "
                "cannot go on a summary line per income account. Give it an income account in "
                "QuickBooks, then retry.", [Fix("retry", "Retry")],
                detail=str(row.get("Name") or item_id)))
        return ItemBooking(str(ref.get("name") or self._account_name(str(ref["value"]))),
                           tracks_stock=row.get("Type") == "Inventory")

    def _account_name(self, account_id: str) -> str:
        if account_id not in self._account_names:
            self._account_names[account_id] = str(
                self.lookups.client.get("Account", account_id)["Name"])
        return self._account_names[account_id]

    @staticmethod
    def summary_item_name(account: str) -> str:
        """"Daily sales — Apparel" (for "Sales — Apparel" or "Apparel"), within QuickBooks' 100
        characters and name rules."""
        short = SALES_PREFIX.sub("", account).strip() or account
        return mapping.clean_name(SUMMARY_ITEM.format(account=short), mapping.ITEM_NAME_MAX)

    def ensure_summary_item(self, account: str, request_id: str) -> str:
        """The summary item on ``account`` (a Service item), created when missing."""
        name = self.summary_item_name(account)
        try:
            return self.lookups.resolve_name("item", name)
        except RecordError as missing:
            if missing.problem.code != "missing_reference":
                raise
        body = {"Name": name, "Type": "Service",
                "IncomeAccountRef": {"value": self.lookups.resolve_name("account", account)},
                "Description": f"Daily summary sales booked to {account}"}
        try:
            created = self.lookups.create_or_find("Item", body, f"{request_id}:item",
                                                  lambda: self._named(name))
        except QboFault as fault:
            raise fault.about(f"item '{name}'") from None
        log.info("created QuickBooks summary item %s on %s", created.get("Id"), account)
        self.lookups.names[("item", name)] = str(created["Id"])
        return str(created["Id"])

    def _named(self, name: str) -> dict[str, Any] | None:
        rows = self.lookups.client.query(f"SELECT * FROM Item WHERE Name = {quote(name)}")
        return rows[0] if rows else None

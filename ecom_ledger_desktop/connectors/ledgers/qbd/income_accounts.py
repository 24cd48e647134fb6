"""Income accounts of QuickBooks Desktop items, and the summary items that book to them.

A daily summary with one sales line per income account posts each account's line through a
Service item on it ("Daily sales - Apparel"). An item's account is read with ``ItemQuery``: an
inventory item's ``IncomeAccountRef``, another's ``SalesOrPurchase/AccountRef`` or
``SalesAndPurchase/IncomeAccountRef``. Like every exchange this happens inside a Web Connector
session: while QuickBooks is away it raises ``LedgerAway`` and the summary waits, unguessed.
"""

from __future__ import annotations

import re

from ecom_ledger_desktop.connectors.base import ItemBooking
from ecom_ledger_desktop.connectors.ledgers.qbd import limits
from ecom_ledger_desktop.connectors.ledgers.qbd.exchange import QbdExchange
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import lists, parse
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.build import Ref
from ecom_ledger_desktop.core.errors import Fix, RecordError, RecordProblem
from ecom_ledger_desktop.models.ledger import LedgerItem

SUMMARY_ITEM = "Daily sales - {account}"  # QuickBooks Desktop names are Latin-1
SALES_PREFIX = re.compile(r"^sales\s*[—–:-]\s*", re.IGNORECASE)  # "Sales — Apparel": "Apparel"


class QbdIncomeAccounts(QbdExchange):
    """``IncomeAccountLedger`` for QuickBooks Desktop (item references are full names)."""

    def item_booking(self, item_id: str | None, item: LedgerItem | None) -> ItemBooking:
        """Where item ``item_id`` books its sales (None: an item we would create, on the
        connection's income account) and whether QuickBooks tracks its stock."""
        if not item_id or item_id.startswith("preview:"):
            return ItemBooking(self.books().income_account)
        # asked each time (a summary names each item once): an account changed in QuickBooks
        # counts from the next summary on
        record = f"the item '{item_id}'"
        [found] = self._ask(lists.items_named(self._rid("item"), [item_id]), record=record)
        rows = parse.list_records(found)
        if not rows or not rows[0].income_account:
            raise RecordError(RecordProblem(
                "missing_reference",
                f"QuickBooks has no income account for {record}, so its sales cannot go on a "
                "summary line per income account. Give the item an income account in "
                "QuickBooks, then retry.", [Fix("retry", "Retry")], detail=item_id))
        return ItemBooking(rows[0].income_account,
                           tracks_stock=rows[0].kind in ("ItemInventory", "ItemInventoryAssembly"))

    def summary_item_name(self, account: str) -> str:
        """"Daily sales - Apparel", within QuickBooks Desktop's 31 characters."""
        short = SALES_PREFIX.sub("", account).strip() or account
        return limits.fit_text(SUMMARY_ITEM.format(account=short), limits.ITEM_NAME_MAX)

    def ensure_summary_item(self, account: str, request_id: str) -> str:
        """The summary item on ``account`` (a Service item), added when missing."""
        name = self.summary_item_name(account)
        record = f"the item '{name}'"
        [found] = self._ask(lists.items_named(self._rid("item"), [name]), record=record)
        if parse.list_records(found):
            return name
        sale = lists.SalesOrPurchase(desc=f"Daily summary sales booked to {account}"[:4095],
                                     account_ref=Ref.named(account))
        self._ask(lists.item_add(request_id, lists.ItemServiceAdd(
            name=name, sales_tax_code_ref=Ref.named(self.books().taxable_code),
            sales_or_purchase=sale)), record=record)
        return name

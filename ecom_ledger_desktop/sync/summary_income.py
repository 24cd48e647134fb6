"""A daily summary's sales lines per income account (rule ``summary_lines: income``).

The summary is journaled with a line per item, as the mapper made them; when it is sent, its
item lines are added up per income account (and tax treatment) and each sum goes through a
summary item on that account ("Daily sales — Apparel"), so the ledger's Profit and Loss by
account equals what per-order posting books. Which account an item books to is the ledger's
knowledge (``IncomeAccountLedger``), asked when sending — a ledger that calls in is asked in its
session, so the summary waits with every other posting while it is away, never guessing. A
ledger whose items have no income account (FreshBooks) gets one sales line per tax treatment on
the rules' standard item. Items the ledger tracks stock of keep their own lines (quantity and
all), so stock, cost of goods and the stock sent back to the store stay right; they book to
their own income account anyway. The preview goes through here too, so it shows these very
lines.
"""

from __future__ import annotations

from collections.abc import Callable

from ecom_ledger_desktop.connectors.base import IncomeAccountLedger, PushLedger, Resolution
from ecom_ledger_desktop.models.ledger import DocumentLine, ItemRef, SalesDocument

Resolver = Callable[[SalesDocument], Resolution]


def by_income_account(document: SalesDocument,
                      account_of: Callable[[DocumentLine], str | None],
                      item_of: Callable[[str], ItemRef]) -> SalesDocument:
    """The document with its item lines added up per income account and tax treatment (pure);
    a line whose account is None (an item the books track stock of) and the other lines
    (shipping, discounts, gift cards, rounding) stay as they are."""
    merged: dict[tuple[object, ...], DocumentLine] = {}
    others: list[DocumentLine] = []
    for line in document.lines:
        account = account_of(line) if line.kind == "item" else None
        if account is None:
            others.append(line)
            continue
        key = (account, line.taxable, line.tax_code, line.tax_rate, line.restock)
        seen = merged.get(key)
        if seen is None:
            merged[key] = line.model_copy(update={
                "item": item_of(account), "qty": None, "unit_price": None,
                "description": f"Sales — {account}" if account else "Sales"})
            continue
        merged[key] = seen.model_copy(update={"amount": seen.amount + line.amount,
                                              "tax_amount": seen.tax_amount + line.tax_amount})
    return document.model_copy(update={"lines": [*merged.values(), *others]})


def income_lines(ledger: PushLedger, standard_item: str, document: SalesDocument,
                 resolve: Resolver) -> tuple[SalesDocument, Resolution]:
    """The summary as it is sent with income lines, and its resolved references."""
    if not isinstance(ledger, IncomeAccountLedger):
        standard = ItemRef(ledger_name=standard_item)
        collapsed = by_income_account(document, lambda _line: "", lambda _account: standard)
        return collapsed, resolve(collapsed)
    resolution = resolve(document)  # the items, found or created as per-order posting would
    summary_items: dict[str, ItemRef] = {}

    def account_of(line: DocumentLine) -> str | None:
        if line.restock is False:  # refunded, not back in stock: the ledger books it its way
            return None
        ref = line.item
        item_id = ref.ledger_id or resolution.item_ids.get(ref.item_key or "") \
            or resolution.item_ids.get(ref.ledger_name or "")
        booking = ledger.item_booking(item_id or None, None)
        # an inventory item keeps its line: the books move its stock and cost of goods by it
        return None if booking.tracks_stock else booking.income_account

    def item_of(account: str) -> ItemRef:
        if account not in summary_items:
            name = ledger.summary_item_name(account)
            found = ledger.ensure_summary_item(account, f"summary-item:{account}")
            summary_items[account] = ItemRef(ledger_name=name)
            named[name] = found
        return summary_items[account]

    named: dict[str, str] = {}
    sent = by_income_account(document, account_of, item_of)
    resolution.item_ids.update(named)  # the summary items by name, as the rules' items are
    return sent, resolution

"""Magento 2 credit memo JSON -> the canonical ``Refund``. Pure functions.

Money is in the order currency (``base_grand_total`` kept for the home amount). Adjustments
stay apart: ``adjustment_positive`` is an extra amount refunded, ``adjustment_negative`` a fee
kept (a memo with only the net ``adjustment`` is split by its sign). Store credit and gift
cards given back (Adobe Commerce: ``extension_attributes.customer_balance_amount`` /
``gift_cards_amount``) are redemptions; like the order's they are not in ``grand_total``.

**Returned to stock.** Magento takes "Return to Stock" (``return_to_stock_items`` of
``POST /V1/order/{id}/refund``, or the admin checkbox) as an instruction and keeps no trace of it
on the credit memo (``sales-data-creditmemo-item-extension-interface`` is empty). So the rule
is ``restock``: ``auto`` (default) - an item is back in stock when its order row was never
shipped (the goods never left) or Adobe Commerce Returns recorded it received
(``qty_returned``); ``always`` - the shop has "Automatically Return Credit Memo Item to Stock"
on; ``never``. Virtual, downloadable and gift card rows never go back to stock.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal

from pydantic import ValidationError

from ecom_ledger_desktop.connectors.stores.magento2.fields import QTY_LIMIT, FieldReader
from ecom_ledger_desktop.connectors.stores.magento2.lines import item_key, postable_items
from ecom_ledger_desktop.connectors.stores.magento2.parse import (
    GIFT_CARD_TYPE,
    MEMO_FIX,
    ORDER_FIX,
    first_error,
    not_an_object,
    order_subject,
)
from ecom_ledger_desktop.connectors.stores.magento2.payments import read_redemptions
from ecom_ledger_desktop.models.commerce import Refund, RefundLine

Restock = Literal["auto", "always", "never"]
RESTOCK_CHOICES: tuple[Restock, ...] = ("auto", "always", "never")
_NO_STOCK = frozenset({"virtual", "downloadable", GIFT_CARD_TYPE})


def memo_subject(raw: Any) -> str:
    """How messages name a credit memo: ``Credit memo 000000004 (order id 42)``."""
    if not isinstance(raw, Mapping):
        return "A credit memo"
    number = raw.get("increment_id")
    name = f"Credit memo {number}" if isinstance(number, str) and number.strip() \
        else f"Credit memo with id {raw.get('entity_id', '?')}"
    order_id = raw.get("order_id")
    return f"{name} (order id {order_id})" if order_id is not None else name


def parse_creditmemo(raw: Mapping[str, Any], *, order: Mapping[str, Any] | None = None,
                     restock: Restock = "auto") -> Refund:
    """One Magento credit memo (``GET /V1/creditmemo/{id}`` or a ``/V1/creditmemos`` entry).

    Memo rows mirror the order's rows (``order_item_id``). With the ``order`` JSON, a memo row
    is posted exactly when its order row is (``lines.py``). Without it (the order is gone):
    rows with quantity 0 are skipped; a row with price 0 and no/zero ``row_total`` is a
    configurable child (skipped); a row without ``row_total`` while others have one is a
    dynamic bundle's parent (skipped). ``restock``: see the module docstring.
    """
    if not isinstance(raw, Mapping):
        raise not_an_object("A credit memo in Magento's answer", MEMO_FIX)
    read = FieldReader(memo_subject(raw), fix=MEMO_FIX, record_id=str(raw.get("entity_id", "")))
    source_id = read.identifier(raw, "entity_id", "id")
    order_source_id = read.identifier(raw, "order_id", "order id")
    number = read.text(raw, "increment_id", "credit memo number", required=True)
    created_at = read.timestamp(raw, "created_at", "creation date")
    updated_at = read.timestamp(raw, "updated_at", "last-change date") \
        if raw.get("updated_at") is not None else created_at
    items = read.records(raw, "items", "items")
    order_rows = _order_rows(order)
    lines = [_refund_line(read, index, item, order_rows, restock)
             for index, item in _memo_rows(items, order, read)]
    if raw.get("adjustment") is not None and raw.get("adjustment_positive") is None \
            and raw.get("adjustment_negative") is None:
        adjustment = read.amount(raw, "adjustment", "adjustment", allow_negative=True)
        positive, negative = max(adjustment, Decimal(0)), max(-adjustment, Decimal(0))
    else:
        positive = read.amount(raw, "adjustment_positive", "refund adjustment")
        negative = read.amount(raw, "adjustment_negative", "adjustment fee")
    extension = read.mapping(raw, "extension_attributes", "extension attributes")
    values: dict[str, Any] = {
        "source_id": source_id,
        "order_source_id": order_source_id,
        "number": number,
        "created_at": created_at,
        "updated_at": updated_at,
        "currency": read.currency(raw, "order_currency_code"),
        "lines": lines,
        "shipping": read.amount(raw, "shipping_amount", "shipping refunded"),
        "shipping_tax": read.amount(raw, "shipping_tax_amount", "shipping tax refunded"),
        "adjustment_positive": positive,
        "adjustment_negative": negative,
        "tax_total": read.amount(raw, "tax_amount", "tax amount"),
        "discount": abs(read.amount(raw, "discount_amount", "discount", allow_negative=True)),
        "discount_tax_compensation": read.amount(
            raw, "discount_tax_compensation_amount", "discount tax compensation")
        + read.amount(raw, "shipping_discount_tax_compensation_amount",
                      "shipping discount tax compensation"),
        "redemptions": [r for r in read_redemptions(read, raw, extension)
                        if r.kind != "reward_points"],
        "grand_total": read.amount(raw, "grand_total", "grand total", required=True),
    }
    if raw.get("base_grand_total") is not None:
        values["base_grand_total"] = read.amount(raw, "base_grand_total", "base grand total")
    try:
        return Refund(**values)
    except ValidationError as exc:  # defensive
        read.fail(f"could not be read ({first_error(exc)})", "credit memo")


def _order_rows(order: Mapping[str, Any] | None) -> dict[str, Mapping[str, Any]]:
    if not isinstance(order, Mapping) or not isinstance(order.get("items"), list):
        return {}
    rows = [i for i in order["items"] if isinstance(i, Mapping)]
    return {item_key(row, n): row for n, row in enumerate(rows, start=1)}


def _memo_rows(items: list[Mapping[str, Any]], order: Mapping[str, Any] | None,
               read: FieldReader) -> list[tuple[int, Mapping[str, Any]]]:
    postable: set[str] | None = None
    known: set[str] = set()
    if isinstance(order, Mapping) and isinstance(order.get("items"), list):
        order_items = [i for i in order["items"] if isinstance(i, Mapping)]
        order_read = FieldReader(order_subject(order), fix=ORDER_FIX)
        known = {item_key(item, n) for n, item in enumerate(order_items, start=1)}
        postable = {item_key(item, n) for n, item in postable_items(order_items, order_read)}
    any_row_total = any(item.get("row_total") is not None for item in items)
    chosen: list[tuple[int, Mapping[str, Any]]] = []
    for index, item in enumerate(items, start=1):
        qty = read.at(f"line {index}").amount(item, "qty", "quantity", limit=QTY_LIMIT)
        if qty == 0:
            continue
        order_item = str(item.get("order_item_id", ""))
        if postable is not None and order_item in known:
            if order_item in postable:
                chosen.append((index, item))
            continue
        row_total = item.get("row_total")
        if row_total is None and any_row_total:
            continue
        if row_total in (None, 0) and item.get("price") in (None, 0):
            continue
        chosen.append((index, item))
    return chosen


def _back_to_stock(read: FieldReader, row: Mapping[str, Any] | None, restock: Restock) -> bool:
    if row is None:
        return restock == "always"
    if row.get("product_type") in _NO_STOCK or read.flag(row, "is_virtual"):
        return False
    if restock != "auto":
        return restock == "always"
    shipped = read.amount(row, "qty_shipped", "quantity shipped", limit=QTY_LIMIT)
    returned = read.amount(row, "qty_returned", "quantity returned", limit=QTY_LIMIT)
    return shipped == 0 or returned > 0


def _refund_line(read: FieldReader, index: int, item: Mapping[str, Any],
                 order_rows: dict[str, Mapping[str, Any]], restock: Restock) -> RefundLine:
    sku_value = item.get("sku")
    where = f"line {index} (SKU {sku_value!r})" if isinstance(sku_value, str) and sku_value \
        else f"line {index}"
    line = read.at(where)
    order_item = item.get("order_item_id")
    row = order_rows.get("" if order_item is None else str(order_item))
    return RefundLine(
        line_id="" if order_item is None else str(order_item),
        sku=line.text(item, "sku", "SKU", required=True),
        name=line.text(item, "name", "product name"),
        qty=line.amount(item, "qty", "quantity", required=True, limit=QTY_LIMIT),
        unit_price=line.amount(item, "price", "price", required=True),
        tax=line.amount(item, "tax_amount", "tax amount"),
        discount=abs(line.amount(item, "discount_amount", "discount", allow_negative=True)),
        back_to_stock=_back_to_stock(line, row, restock),
        is_gift_card=row is not None and row.get("product_type") == GIFT_CARD_TYPE,
    )

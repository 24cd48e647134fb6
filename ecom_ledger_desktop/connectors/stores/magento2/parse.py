"""Magento 2 order and credit memo JSON -> the canonical commerce model. Pure functions.

Input is a dict loaded with ``core.money.loads`` (non-integer numbers as Decimal). Rules:

- Keys: ``source_id`` is ``str(entity_id)`` (unique per installation), ``number`` is
  ``increment_id`` (what the merchant sees; unique only per store sequence).
- Datetimes are UTC without a designator (``2017-08-21 22:22:19``) -> aware UTC.
- Money is in the *order* currency (``order_currency_code``; the unprefixed amounts), never the
  ``base_*`` store-currency amounts.
- Discounts: the order-level ``discount_amount`` is negative on the wire, the item-level one
  positive; both become positive "amount taken off" (the absolute value, so a positive
  order-level value from an extension means the same thing).
- Lines: see ``lines.py`` (configurable parent posted, dynamic-bundle children posted).
- Shipping address: only ``extension_attributes.shipping_assignments[0].shipping.address``.
- Guests (``customer_is_guest`` 1/true, or no ``customer_id``): ``Customer(is_guest=True,
  source_id=None)``, name and email from ``customer_*`` fields, else the billing address.
- State: Magento's machine ``state`` (not the merchant-defined ``status`` label):
  new/pending_payment -> pending, holded/payment_review -> on_hold, processing, complete,
  canceled, closed as they are, anything else -> other.
- Paid: ``total_paid`` (or, when absent, ``payment.amount_paid``) >= ``grand_total``; or the
  order is ``processing``/``complete`` and ``total_invoiced`` >= ``grand_total`` (invoiced in
  full: Magento only moves an order on once its invoice is captured). A zero total is paid.

Any missing, mistyped or impossible value raises ``RecordError(invalid_data)`` whose message
names the order (or credit memo), the line and the field, and says what to fix. Text is data:
emoji, right-to-left scripts and very long names are kept as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, cast

from pydantic import ValidationError

from ecom_ledger_desktop.connectors.stores.magento2.fields import QTY_LIMIT, FieldReader
from ecom_ledger_desktop.connectors.stores.magento2.lines import item_key, postable_items
from ecom_ledger_desktop.core.errors import RecordError, RecordProblem
from ecom_ledger_desktop.models.commerce import (
    Address,
    Customer,
    Order,
    OrderLine,
    OrderState,
    Payment,
    Redemption,
    Refund,
    RefundLine,
)

ORDER_FIX = "correct the order in Magento, then retry"
MEMO_FIX = "check the credit memo in Magento (Sales > Credit Memos), then retry"

STATES: dict[str, OrderState] = {
    "new": "pending",
    "pending_payment": "pending",
    "processing": "processing",
    "complete": "complete",
    "canceled": "canceled",
    "closed": "closed",
    "holded": "on_hold",
    "payment_review": "on_hold",
}


def order_subject(raw: Any) -> str:
    """How messages name an order: ``Order 000000123`` or ``Order with id 42``."""
    if isinstance(raw, Mapping):
        number = raw.get("increment_id")
        if isinstance(number, str | int) and not isinstance(number, bool) and str(number).strip():
            return f"Order {number}"
        entity = raw.get("entity_id")
        if entity is not None:
            return f"Order with id {entity}"
    return "An order with neither a number nor an id"


def _not_an_object(what: str, fix: str) -> RecordError:
    return RecordError(RecordProblem(code="invalid_data",
                                     message=f"{what} is not a JSON object; {fix}."))


def parse_order(raw: Mapping[str, Any]) -> Order:
    """One Magento order (``GET /V1/orders/{id}`` or an ``items`` entry of a search)."""
    if not isinstance(raw, Mapping):
        raise _not_an_object("An order in Magento's answer", ORDER_FIX)
    read = FieldReader(order_subject(raw), fix=ORDER_FIX, record_id=str(raw.get("entity_id", "")))
    source_id = read.identifier(raw, "entity_id", "id")
    number = read.text(raw, "increment_id", "order number", required=True)
    created_at = read.timestamp(raw, "created_at", "creation date")
    updated_at = read.timestamp(raw, "updated_at", "last-change date") \
        if raw.get("updated_at") is not None else created_at
    currency = read.currency(raw, "order_currency_code")
    grand_total = read.amount(raw, "grand_total", "grand total", required=True)
    state_code = read.text(raw, "state", "state")
    state: OrderState = STATES.get(state_code, "other")

    billing = _address(read, read.mapping(raw, "billing_address", "billing address"),
                       "billing address")
    shipping_address = _address(read, _shipping_address(read, raw), "shipping address")
    payment = read.mapping(raw, "payment", "payment")
    pay_read = read.at("payment")
    method = pay_read.text(payment, "method", "payment method") if payment else ""
    amount_paid = pay_read.amount(payment, "amount_paid", "amount paid") if payment else Decimal(0)
    payments = []
    if payment and amount_paid > 0:
        payments.append(Payment(method=method, amount=amount_paid,
                                reference=pay_read.text(payment, "last_trans_id", "transaction")))

    total_paid = read.amount(raw, "total_paid", "total paid") \
        if raw.get("total_paid") is not None else amount_paid
    total_invoiced = read.amount(raw, "total_invoiced", "total invoiced")
    paid = is_paid(state, grand_total, total_paid, total_invoiced)

    items = read.records(raw, "items", "items", required=True)
    lines = [_order_line(read, index, item) for index, item in postable_items(items, read)]

    values: dict[str, Any] = {
        "source_id": source_id,
        "number": number,
        "created_at": created_at,
        "updated_at": updated_at,
        "state": state,
        "status_label": read.text(raw, "status", "status"),
        "paid": paid,
        "currency": currency,
        "customer": _customer(read, raw, billing),
        "billing_address": billing,
        "shipping_address": shipping_address,
        "lines": lines,
        "shipping": read.amount(raw, "shipping_amount", "shipping amount"),
        "shipping_tax": read.amount(raw, "shipping_tax_amount", "shipping tax"),
        "discount": abs(read.amount(raw, "discount_amount", "discount", allow_negative=True)),
        "tax_total": read.amount(raw, "tax_amount", "tax amount"),
        "grand_total": grand_total,
        "refunded_total": read.amount(raw, "total_refunded", "total refunded"),
        "payment_method": method,
        "payments": payments,
        "coupon_code": read.text(raw, "coupon_code", "coupon code"),
    }
    # Adobe Commerce: gift cards pay part of the order and lower grand_total
    gift_card = abs(read.amount(raw, "gift_cards_amount", "gift cards amount", allow_negative=True))
    if gift_card:
        values["redemptions"] = [Redemption(kind="gift_card", amount=gift_card)]
    try:
        return Order(**values)
    except ValidationError as exc:  # defensive: the reads above should make this unreachable
        read.fail(f"could not be read ({_first_error(exc)})", "order")


def is_paid(state: OrderState, grand_total: Decimal, total_paid: Decimal,
            total_invoiced: Decimal) -> bool:
    """The paid rule (see the module docstring), separate so it can be tested on its own."""
    if total_paid >= grand_total:
        return True
    return state in ("processing", "complete") and total_invoiced >= grand_total


def _first_error(exc: ValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return "invalid value"
    first = errors[0]
    where = ".".join(str(p) for p in first.get("loc", ()))
    return f"{where}: {first.get('msg', 'invalid value')}"


def _order_line(read: FieldReader, index: int, item: Mapping[str, Any]) -> OrderLine:
    sku_value = item.get("sku")
    where = f"line {index} (SKU {sku_value!r})" if isinstance(sku_value, str) and sku_value \
        else f"line {index}"
    line = read.at(where)
    tax_percent = None
    if item.get("tax_percent") is not None:
        tax_percent = line.amount(item, "tax_percent", "tax rate")
    return OrderLine(
        line_id=item_key(item, index),
        sku=line.text(item, "sku", "SKU", required=True),
        name=line.text(item, "name", "product name"),
        qty=line.amount(item, "qty_ordered", "quantity", required=True, limit=QTY_LIMIT),
        unit_price=line.amount(item, "price", "price", required=True),
        tax=line.amount(item, "tax_amount", "tax amount"),
        tax_percent=tax_percent,
        discount=abs(line.amount(item, "discount_amount", "discount", allow_negative=True)),
    )


def _shipping_address(read: FieldReader, raw: Mapping[str, Any]) -> Mapping[str, Any] | None:
    extension = read.mapping(raw, "extension_attributes", "extension attributes")
    if extension is None:
        return None
    assignments = read.at("extension_attributes").records(
        extension, "shipping_assignments", "shipping assignments")
    if not assignments:
        return None
    where = read.at("shipping assignment 1")
    shipping = where.mapping(assignments[0], "shipping", "shipping")
    if shipping is None:
        return None
    return where.mapping(shipping, "address", "shipping address")


def _address(read: FieldReader, raw: Mapping[str, Any] | None, words: str) -> Address | None:
    if raw is None:
        return None
    part = read.at(f"the {words}")
    street = raw.get("street")
    if street is None:
        lines: list[str] = []
    elif isinstance(street, str):
        lines = [s for s in street.split("\n") if s]
    elif isinstance(street, list) and all(isinstance(s, str) for s in street):
        lines = [s for s in cast(list[str], street) if s]
    else:
        part.fail(f"has street {street!r} (street), which is not text", "street")
    region_value = raw.get("region")
    if isinstance(region_value, Mapping):  # customer-address shape {"region": ..., "region_code"}
        region = part.text(region_value, "region", "region")
    else:
        region = part.text(raw, "region", "region")
    return Address(
        first_name=part.text(raw, "firstname", "first name"),
        last_name=part.text(raw, "lastname", "last name"),
        company=part.text(raw, "company", "company"),
        lines=lines,
        city=part.text(raw, "city", "city"),
        region=region,
        postcode=part.text(raw, "postcode", "postcode"),
        country=part.text(raw, "country_id", "country"),
        phone=part.text(raw, "telephone", "telephone"),
        email=part.text(raw, "email", "email"),
    )


def _customer(read: FieldReader, raw: Mapping[str, Any], billing: Address | None) -> Customer:
    is_guest = read.flag(raw, "customer_is_guest") or raw.get("customer_id") in (None, "", 0)
    source_id = None if is_guest else read.identifier(raw, "customer_id", "customer id")
    fallback = billing or Address()
    return Customer(
        source_id=source_id,
        email=read.text(raw, "customer_email", "customer email") or fallback.email,
        first_name=read.text(raw, "customer_firstname", "customer first name")
        or fallback.first_name,
        last_name=read.text(raw, "customer_lastname", "customer last name") or fallback.last_name,
        company=fallback.company,
        phone=fallback.phone,
        is_guest=is_guest,
    )


def memo_subject(raw: Any) -> str:
    """How messages name a credit memo: ``Credit memo 000000004 (order id 42)``."""
    if not isinstance(raw, Mapping):
        return "A credit memo"
    number = raw.get("increment_id")
    name = f"Credit memo {number}" if isinstance(number, str) and number.strip() \
        else f"Credit memo with id {raw.get('entity_id', '?')}"
    order_id = raw.get("order_id")
    return f"{name} (order id {order_id})" if order_id is not None else name


def parse_creditmemo(raw: Mapping[str, Any], *,
                     order: Mapping[str, Any] | None = None) -> Refund:
    """One Magento credit memo (``GET /V1/creditmemo/{id}`` or a ``/V1/creditmemos`` entry).

    Memo rows mirror the order's rows (``order_item_id``). With the ``order`` JSON, a memo row
    is posted exactly when its order row is (``lines.py``). Without it (the order is gone):
    rows with quantity 0 are skipped; a row with price 0 and no/zero ``row_total`` is a
    configurable child (skipped); a row without ``row_total`` while others have one is a
    dynamic bundle's parent (skipped). ``adjustment`` is ``adjustment_positive -
    adjustment_negative`` (positive refunds more, negative keeps a fee).
    """
    if not isinstance(raw, Mapping):
        raise _not_an_object("A credit memo in Magento's answer", MEMO_FIX)
    read = FieldReader(memo_subject(raw), fix=MEMO_FIX, record_id=str(raw.get("entity_id", "")))
    source_id = read.identifier(raw, "entity_id", "id")
    order_source_id = read.identifier(raw, "order_id", "order id")
    number = read.text(raw, "increment_id", "credit memo number", required=True)
    created_at = read.timestamp(raw, "created_at", "creation date")
    updated_at = read.timestamp(raw, "updated_at", "last-change date") \
        if raw.get("updated_at") is not None else created_at
    items = read.records(raw, "items", "items")
    lines = [_refund_line(read, index, item) for index, item in _memo_rows(items, order, read)]
    if raw.get("adjustment") is not None and raw.get("adjustment_positive") is None \
            and raw.get("adjustment_negative") is None:
        adjustment = read.amount(raw, "adjustment", "adjustment", allow_negative=True)
        positive, negative = max(adjustment, Decimal(0)), max(-adjustment, Decimal(0))
    else:
        positive = read.amount(raw, "adjustment_positive", "refund adjustment")
        negative = read.amount(raw, "adjustment_negative", "adjustment fee")
    values: dict[str, Any] = {
        "source_id": source_id,
        "order_source_id": order_source_id,
        "number": number,
        "created_at": created_at,
        "updated_at": updated_at,
        "currency": read.currency(raw, "order_currency_code"),
        "lines": lines,
        "shipping": read.amount(raw, "shipping_amount", "shipping refunded"),
        "adjustment_positive": positive,
        "adjustment_negative": negative,
        "tax_total": read.amount(raw, "tax_amount", "tax amount"),
        "discount": abs(read.amount(raw, "discount_amount", "discount", allow_negative=True)),
        "grand_total": read.amount(raw, "grand_total", "grand total", required=True),
    }
    try:
        return Refund(**values)
    except ValidationError as exc:  # defensive
        read.fail(f"could not be read ({_first_error(exc)})", "credit memo")


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


def _refund_line(read: FieldReader, index: int, item: Mapping[str, Any]) -> RefundLine:
    sku_value = item.get("sku")
    where = f"line {index} (SKU {sku_value!r})" if isinstance(sku_value, str) and sku_value \
        else f"line {index}"
    line = read.at(where)
    order_item = item.get("order_item_id")
    return RefundLine(
        line_id="" if order_item is None else str(order_item),
        sku=line.text(item, "sku", "SKU", required=True),
        name=line.text(item, "name", "product name"),
        qty=line.amount(item, "qty", "quantity", required=True, limit=QTY_LIMIT),
        unit_price=line.amount(item, "price", "price", required=True),
        tax=line.amount(item, "tax_amount", "tax amount"),
        discount=abs(line.amount(item, "discount_amount", "discount", allow_negative=True)),
    )

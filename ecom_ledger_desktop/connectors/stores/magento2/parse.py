"""Magento 2 order JSON -> the canonical commerce model (credit memos: ``memos.py``). Pure.

Input is a dict loaded with ``core.money.loads`` (non-integer numbers as Decimal). Rules:

- Keys: ``source_id`` is ``str(entity_id)`` (unique per installation), ``number`` is
  ``increment_id`` (what the merchant sees; unique only per store sequence).
- Datetimes are UTC without a designator (``2017-08-21 22:22:19``) -> aware UTC; the store's
  time zone (given by the caller, from ``storeConfigs`` or the connection) dates the books.
- Money is in the *order* currency (``order_currency_code``; the unprefixed amounts); the
  store's ``base_currency_code``, ``base_to_order_rate`` and ``base_grand_total`` come along
  so the ledger can post the store's own home-currency amount.
- Discounts: the order-level ``discount_amount`` is negative on the wire, the item-level one
  positive; both become positive "amount taken off" (the absolute value, so a positive
  order-level value from an extension means the same thing).
- Tax: per-rate and per-item detail, taxability, tax-inclusive prices: ``taxes.py``.
  ``discount_tax_compensation_amount`` (item) and ``shipping_discount_tax_compensation_amount``
  are kept: Magento adds them to the grand total when a discount is taken off a gross price.
- Payments (dated by their invoice), offline methods, gift cards / store credit / reward
  points redeemed: ``payments.py``. A ``giftcard`` product row is a gift card *sold*.
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

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

from pydantic import ValidationError

from ecom_ledger_desktop.connectors.stores.magento2.fields import QTY_LIMIT, FieldReader
from ecom_ledger_desktop.connectors.stores.magento2.lines import item_key, postable_items
from ecom_ledger_desktop.connectors.stores.magento2.payments import (
    OFFLINE_METHODS,
    read_payments,
    read_redemptions,
)
from ecom_ledger_desktop.connectors.stores.magento2.taxes import (
    TaxDetail,
    prices_include_tax,
    read_tax_detail,
)
from ecom_ledger_desktop.core.errors import RecordError, RecordProblem
from ecom_ledger_desktop.models.commerce import (
    Address,
    Customer,
    Order,
    OrderLine,
    OrderState,
)

GIFT_CARD_TYPE = "giftcard"  # Adobe Commerce's gift card product type: a card *sold*
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


def not_an_object(what: str, fix: str) -> RecordError:
    return RecordError(RecordProblem(code="invalid_data",
                                     message=f"{what} is not a JSON object; {fix}."))


def parse_order(raw: Mapping[str, Any], *, timezone: str = "UTC",
                invoices: Sequence[Mapping[str, Any]] | None = None,
                include_tax: bool | None = None) -> Order:
    """One Magento order (``GET /V1/orders/{id}`` or an ``items`` entry of a search).

    ``timezone`` is the store's (``storeConfigs``; it dates the documents), ``invoices`` the
    order's ``/V1/invoices`` rows (they date the payments, see ``payments.py``),
    ``include_tax`` the connection's tax-inclusive setting (None: decide, see ``taxes.py``).
    """
    if not isinstance(raw, Mapping):
        raise not_an_object("An order in Magento's answer", ORDER_FIX)
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
    payments = read_payments(read, payment, invoices)

    total_paid = read.amount(raw, "total_paid", "total paid") \
        if raw.get("total_paid") is not None else amount_paid
    total_invoiced = read.amount(raw, "total_invoiced", "total invoiced")
    paid = is_paid(state, grand_total, total_paid, total_invoiced)

    items = read.records(raw, "items", "items", required=True)
    extension = read.mapping(raw, "extension_attributes", "extension attributes")
    taxes = read_tax_detail(read, extension)
    posted = postable_items(items, read)
    lines = [_order_line(read, index, item, taxes) for index, item in posted]

    values: dict[str, Any] = {
        "source_id": source_id,
        "number": number,
        "created_at": created_at,
        "updated_at": updated_at,
        "state": state,
        "status_label": read.text(raw, "status", "status"),
        "paid": paid,
        "currency": currency,
        "timezone": timezone,
        "prices_include_tax": prices_include_tax(read, [item for _, item in posted],
                                                 include_tax),
        "customer": _customer(read, raw, billing),
        "billing_address": billing,
        "shipping_address": shipping_address,
        "lines": lines,
        "shipping": read.amount(raw, "shipping_amount", "shipping amount"),
        "shipping_tax": read.amount(raw, "shipping_tax_amount", "shipping tax"),
        "shipping_tax_percent": taxes.shipping_percent,
        "shipping_discount_tax_compensation": read.amount(
            raw, "shipping_discount_tax_compensation_amount", "shipping discount tax compensation"),
        "discount": abs(read.amount(raw, "discount_amount", "discount", allow_negative=True)),
        "tax_total": read.amount(raw, "tax_amount", "tax amount"),
        "applied_taxes": taxes.applied,
        "redemptions": read_redemptions(read, raw, extension),
        "grand_total": grand_total,
        "refunded_total": read.amount(raw, "total_refunded", "total refunded"),
        "payment_method": method,
        "payment_offline": method in OFFLINE_METHODS,
        "payments": payments,
        "coupon_code": read.text(raw, "coupon_code", "coupon code"),
        **_base_currency(read, raw),
    }
    try:
        return Order(**values)
    except ValidationError as exc:  # defensive: the reads above should make this unreachable
        read.fail(f"could not be read ({first_error(exc)})", "order")


def _base_currency(read: FieldReader, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The store's base currency, the order's rate to it and the base grand total."""
    values: dict[str, Any] = {}
    if raw.get("base_currency_code") is not None:
        values["base_currency"] = read.currency(raw, "base_currency_code")
    rate = read.amount(raw, "base_to_order_rate", "exchange rate")
    if rate > 0:
        values["base_to_order_rate"] = rate
    if raw.get("base_grand_total") is not None:
        values["base_grand_total"] = read.amount(raw, "base_grand_total", "base grand total")
    return values


def is_paid(state: OrderState, grand_total: Decimal, total_paid: Decimal,
            total_invoiced: Decimal) -> bool:
    """The paid rule (see the module docstring), separate so it can be tested on its own."""
    if total_paid >= grand_total:
        return True
    return state in ("processing", "complete") and total_invoiced >= grand_total


def first_error(exc: ValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return "invalid value"
    first = errors[0]
    where = ".".join(str(p) for p in first.get("loc", ()))
    return f"{where}: {first.get('msg', 'invalid value')}"


def _order_line(read: FieldReader, index: int, item: Mapping[str, Any],
                taxes: TaxDetail) -> OrderLine:
    sku_value = item.get("sku")
    where = f"line {index} (SKU {sku_value!r})" if isinstance(sku_value, str) and sku_value \
        else f"line {index}"
    line = read.at(where)
    tax_percent = None
    if item.get("tax_percent") is not None:
        tax_percent = line.amount(item, "tax_percent", "tax rate")
    line_id = item_key(item, index)
    return OrderLine(
        line_id=line_id,
        sku=line.text(item, "sku", "SKU", required=True),
        name=line.text(item, "name", "product name"),
        qty=line.amount(item, "qty_ordered", "quantity", required=True, limit=QTY_LIMIT),
        unit_price=line.amount(item, "price", "price", required=True),
        tax=line.amount(item, "tax_amount", "tax amount"),
        tax_percent=tax_percent,
        discount=abs(line.amount(item, "discount_amount", "discount", allow_negative=True)),
        taxable=taxes.taxable(line_id),
        tax_codes=taxes.codes(line_id),
        discount_tax_compensation=line.amount(item, "discount_tax_compensation_amount",
                                              "discount tax compensation"),
        is_gift_card=item.get("product_type") == GIFT_CARD_TYPE,
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

"""The error queue's summary of a staged X-Cart order (its raw JSON, the default-schema order
the connector reads; a 5.5 order is staged in that shape too), tolerant of rough input."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ecom_ledger_desktop.connectors.summary import OrderLine, OrderSummary, decimal_or_none

#: X-Cart's payment and shipping status codes in the admin's words
PAYMENT_STATUSES = {"Q": "Awaiting payment", "A": "Authorized", "P": "Paid",
                    "PP": "Partially paid", "D": "Declined", "C": "Cancelled", "R": "Refunded"}
SHIPPING_STATUSES = {"N": "New", "P": "Processing", "S": "Shipped", "D": "Delivered",
                     "WND": "Will not deliver", "R": "Returned", "WFR": "Waiting for approve"}


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return "" if value is None or isinstance(value, dict | list | bool) else str(value).strip()


def _code(value: Any) -> str:
    return _text(_mapping(value).get("code") if isinstance(value, dict) else value)


def _when(value: Any) -> str:
    """An X-Cart timestamp (Unix seconds) as UTC text; other text as it came."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(float(value), UTC).strftime("%Y-%m-%d %H:%M:%S")
        except (OverflowError, OSError, ValueError):
            return str(value)
    return _text(value)


def _fields(profile: dict[str, Any]) -> dict[str, str]:
    """The first (billing) address's fields by service name."""
    addresses = [a for a in profile.get("addresses") or [] if isinstance(a, dict)]
    first = next((a for a in addresses if a.get("is_billing")), addresses[0] if addresses else {})
    found: dict[str, str] = {}
    for row in first.get("addressFields") or []:
        field = _mapping(_mapping(row).get("addressField"))
        if field.get("serviceName"):
            found[str(field["serviceName"])] = _text(_mapping(row).get("value"))
    return found


def order_summary(raw: str | None) -> OrderSummary | None:
    """The order summary from a staged X-Cart order (None when unreadable)."""
    try:
        data = json.loads(raw or "", parse_float=Decimal)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    profile = _mapping(data.get("profile")) or _mapping(data.get("orig_profile"))
    fields = _fields(profile)
    payment, shipping = _code(data.get("paymentStatus")), _code(data.get("shippingStatus"))
    status = " / ".join(x for x in (PAYMENT_STATUSES.get(payment, payment),
                                    SHIPPING_STATUSES.get(shipping, shipping)) if x)
    txns = [t for t in data.get("payment_transactions") or [] if isinstance(t, dict)]
    method = _text(data.get("payment_method_name")) or next(
        (_text(t.get("method_name")) for t in txns if _text(t.get("method_name"))), "")
    lines = [OrderLine(_text(item.get("sku")), _text(item.get("name")),
                       decimal_or_none(item.get("amount")), decimal_or_none(item.get("price")),
                       decimal_or_none(item.get("total", item.get("subtotal"))))
             for item in data.get("items") or [] if isinstance(item, dict)] \
        if isinstance(data.get("items"), list) else []
    name = " ".join(x for x in (fields.get("firstname", ""), fields.get("lastname", "")) if x)
    return OrderSummary(
        number=_text(data.get("orderNumber")) or _text(data.get("order_id")),
        created_at=_when(data.get("date")), status=status, customer_name=name,
        email=_text(profile.get("login")), phone=fields.get("phone", ""),
        postcode=fields.get("zipcode", ""), total=decimal_or_none(data.get("total")),
        currency=_text(_mapping(data.get("currency")).get("code")), payment_method=method,
        lines=lines)

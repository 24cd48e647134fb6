"""Parts of an order document: addresses, payment, extension attributes, derived copies."""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from .money import ZERO, dec, num, q2

PAYMENT_TITLES = {
    "checkmo": "Check / Money order",
    "banktransfer": "Bank Transfer Payment",
    "cashondelivery": "Cash On Delivery",
    "purchaseorder": "Purchase Order",
    "paypal_express": "PayPal Express Checkout",
    "braintree": "Credit Card (Braintree)",
    "free": "No Payment Information Required",
}
ONLINE_METHODS = frozenset({"paypal_express", "braintree"})
SHIPPING_TITLES = {
    "flatrate_flatrate": "Flat Rate - Fixed",
    "tablerate_bestway": "Best Way - Table Rate",
    "freeshipping_freeshipping": "Free Shipping - Free",
    "ups_GND": "United Parcel Service - Ground",
}
STATE_OF_STATUS = {
    "pending": "new",
    "processing": "processing",
    "complete": "complete",
    "closed": "closed",
    "canceled": "canceled",
    "holded": "holded",
    "pending_payment": "pending_payment",
    "payment_review": "payment_review",
    "fraud": "payment_review",
}
DEFAULT_ADDRESS = {
    "city": "Purchase",
    "country_id": "US",
    "postcode": "10577",
    "region": "New York",
    "region_code": "NY",
    "region_id": 43,
    "street": ["123 Oak Ave"],
    "telephone": "512-555-1111",
}


def normalise_line_part(line: dict[str, Any]) -> dict[str, Any]:
    """Fill a bundle's price from its children and its order SKU (dynamic SKU bundles)."""
    line = dict(line)
    children = line.get("children") or []
    if line.get("type") == "bundle" or children:
        line["type"] = "bundle"
        if line.get("price") is None:
            line["price"] = sum((dec(c.get("price")) * dec(c.get("qty", 1)) for c in children), ZERO)
        dynamic = line.get("sku_type") == "dynamic"
        line["order_sku"] = (
            "-".join([str(line["sku"])] + [str(c["sku"]) for c in children]) if dynamic else str(line["sku"])
        )
    return line


def address_part(
    kind: str,
    src: dict[str, Any] | None,
    entity_id: int,
    parent_id: int,
    who: tuple[str, str, str],
) -> dict[str, Any]:
    email, first, last = who
    data = {**DEFAULT_ADDRESS, "email": email, "firstname": first, "lastname": last, **(src or {})}
    street = data.get("street")
    data["street"] = street if isinstance(street, list) else [str(street)]
    data.update({"address_type": kind, "entity_id": entity_id, "parent_id": parent_id})
    return dict(sorted(data.items()))


def payment_part(
    method: str, grand: Decimal, shipping: Decimal, rate: Decimal, entity_id: int
) -> dict[str, Any]:
    title = PAYMENT_TITLES.get(method, method)
    payment: dict[str, Any] = {
        "account_status": None,
        "additional_information": [title, ""] if method == "banktransfer" else [title],
        "amount_ordered": num(grand),
        "base_amount_ordered": num(q2(grand / rate)),
        "base_shipping_amount": num(q2(shipping / rate)),
        "cc_last4": None,
        "entity_id": entity_id,
        "method": method,
        "parent_id": entity_id,
        "shipping_amount": num(shipping),
    }
    if method == "braintree":
        payment.update({"cc_last4": "1111", "cc_type": "VI", "cc_exp_month": "12", "cc_exp_year": "2030"})
    return payment


def extension_part(
    address: dict[str, Any],
    virtual: bool,
    method: str,
    shipping: Decimal,
    *,
    rate: Decimal,
    tax_by_pct: dict[Decimal, Decimal],
    pay_method: str,
    ship_tax: Decimal = ZERO,
    code: Callable[[Decimal], str] | None = None,
) -> dict[str, Any]:
    total = {
        "base_shipping_amount": num(q2(shipping / rate)),
        "base_shipping_discount_amount": 0,
        "base_shipping_incl_tax": num(q2((shipping + ship_tax) / rate)),
        "base_shipping_tax_amount": num(q2(ship_tax / rate)),
        "shipping_amount": num(shipping),
        "shipping_discount_amount": 0,
        "shipping_discount_tax_compensation_amount": 0,
        "shipping_incl_tax": num(shipping + ship_tax),
        "shipping_tax_amount": num(ship_tax),
    }
    ship: dict[str, Any] = (
        {"total": total} if virtual else {"address": address, "method": method, "total": total}
    )
    ext: dict[str, Any] = {"shipping_assignments": [{"shipping": ship, "items": []}]}
    ext["payment_additional_info"] = [
        {"key": "method_title", "value": PAYMENT_TITLES.get(pay_method, pay_method)}
    ]
    if tax_by_pct:
        ext["applied_taxes"] = [
            {
                "code": (code or _us_code)(pct),
                "title": (code or _us_code)(pct),
                "percent": num(pct),
                "amount": num(amount),
                "base_amount": num(q2(amount / rate)),
            }
            for pct, amount in sorted(tax_by_pct.items())
        ]
    return ext


def _us_code(pct: Decimal) -> str:
    return f"US-*-Rate {pct.normalize()}"


def refresh_derived(order: dict[str, Any]) -> None:
    """Re-copy the derived parts: ``parent_item`` in child rows and shipping-assignment items."""
    items = order.get("items")
    if not isinstance(items, list):
        return
    by_id = {row.get("item_id"): row for row in items if isinstance(row, dict)}
    for row in items:
        if isinstance(row, dict) and row.get("parent_item_id") in by_id:
            parent = {k: v for k, v in by_id[row["parent_item_id"]].items() if k != "parent_item"}
            row["parent_item"] = copy.deepcopy(parent)
    ext = order.get("extension_attributes")
    if isinstance(ext, dict):
        for assignment in ext.get("shipping_assignments") or []:
            if isinstance(assignment, dict):
                assignment["items"] = copy.deepcopy(items)


def visible_rows(order: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows without a parent (the ones that carry the money)."""
    return [r for r in order.get("items") or [] if isinstance(r, dict) and not r.get("parent_item_id")]


def children_of(order: dict[str, Any], item_id: int) -> list[dict[str, Any]]:
    """Child rows of a configurable or bundle parent."""
    return [r for r in order.get("items") or [] if isinstance(r, dict) and r.get("parent_item_id") == item_id]

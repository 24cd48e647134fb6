"""Builds order JSON in the exact shape of a real ``GET /V1/orders/{id}`` (reference A5).

A compact spec (see ``Magento2Simulator.add_order``) becomes the full document: configurable
parent rows carrying the child SKU and all money plus zero-priced child rows embedding
``parent_item``; bundle parents plus children with their own prices; items repeated under
``extension_attributes.shipping_assignments``; negative order-level discounts; ``base_*``
amounts in the base currency. Totals are computed with ``Decimal`` and emitted as numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .money import ZERO, dec, num, q2
from .order_parts import (
    SHIPPING_TITLES,
    STATE_OF_STATUS,
    address_part,
    extension_part,
    normalise_line_part,
    payment_part,
    refresh_derived,
)
from .order_tax import item_applied_taxes, line_tax, rate_code, redemptions

GIFT_CARD = "giftcard"  # Adobe Commerce gift card product: virtual, a liability when sold
ProductLookup = Callable[[str], "dict[str, Any] | None"]


@dataclass
class Ids:
    """Identifiers the store allocates for one order build."""

    entity_id: int
    increment_id: str
    item_id_start: int
    address_id_start: int
    customer_id: int | None
    quote_id: int


def _rate(spec: dict[str, Any]) -> Decimal:
    return dec(spec.get("base_to_order_rate", 1)) or Decimal(1)


def _spread(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split ``total`` over ``weights`` proportionally in cents; the last row takes the rest."""
    base = sum(weights, ZERO)
    if total == 0 or base == 0:
        return [ZERO for _ in weights]
    shares = [q2(total * w / base) for w in weights]
    shares[-1] = total - sum(shares[:-1], ZERO)
    return shares


def _item(fields: dict[str, Any], ids: Ids, created: str) -> dict[str, Any]:
    """A full order-item row (key set and order of the capture)."""
    price, qty, rate = fields["price"], fields["qty"], fields["rate"]
    row, disc, tax = price * qty, fields["discount"], fields["tax"]
    pct = fields["tax_percent"]
    incl = fields.get("price_incl", q2(price * (1 + pct / 100)))
    row_incl = fields.get("row_incl", row + tax)
    compensation = fields.get("compensation", ZERO)
    item: dict[str, Any] = {
        "amount_refunded": 0,
        "base_amount_refunded": 0,
        "base_discount_amount": num(q2(disc / rate)),
        "base_discount_invoiced": 0,
        "base_discount_tax_compensation_amount": num(q2(compensation / rate)),
        "base_original_price": num(q2(fields["original_price"] / rate)),
        "base_price": num(q2(price / rate)),
        "base_price_incl_tax": num(q2(incl / rate)),
        "base_row_invoiced": 0,
        "base_row_total": num(q2(row / rate)),
        "base_row_total_incl_tax": num(q2(row_incl / rate)),
        "base_tax_amount": num(q2(tax / rate)),
        "base_tax_invoiced": 0,
        "created_at": created,
        "discount_amount": num(disc),
        "discount_invoiced": 0,
        "discount_percent": num(fields["discount_percent"]),
        "free_shipping": 0,
        "discount_tax_compensation_amount": num(compensation),
        "is_qty_decimal": 0,
        "is_virtual": fields["is_virtual"],
        "item_id": fields["item_id"],
        "name": fields["name"],
        "no_discount": 0,
        "order_id": ids.entity_id,
        "original_price": num(fields["original_price"]),
        "price": num(price),
        "price_incl_tax": num(incl),
        "product_id": fields["product_id"],
        "product_type": fields["product_type"],
        "qty_canceled": 0,
        "qty_invoiced": 0,
        "qty_ordered": num(qty),
        "qty_refunded": 0,
        "qty_shipped": 0,
        "quote_item_id": fields["item_id"] + 3,
        "row_invoiced": 0,
        "row_total": num(row),
        "row_total_incl_tax": num(row_incl),
        "row_weight": num(fields["weight"] * qty),
        "sku": fields["sku"],
        "store_id": 1,
        "tax_amount": num(tax),
        "tax_invoiced": 0,
        "tax_percent": num(pct),
        "updated_at": created,
        "weight": num(fields["weight"]),
    }
    if fields.get("rule_ids"):
        item["applied_rule_ids"] = fields["rule_ids"]
    if fields["product_type"] in ("downloadable", "virtual"):
        item.pop("weight")
    if fields["product_type"] == "bundle":
        for key in (
            "base_discount_tax_compensation_amount",
            "discount_tax_compensation_amount",
            "tax_percent",
        ):
            item.pop(key)
    return dict(sorted(item.items()))


_CHILD_DROP = (
    "applied_rule_ids",
    "base_discount_tax_compensation_amount",
    "base_original_price",
    "base_price_incl_tax",
    "base_row_total_incl_tax",
    "discount_tax_compensation_amount",
    "price_incl_tax",
    "row_total_incl_tax",
)


def _config_child(parent: dict[str, Any], item_id: int, name: str, product_id: int) -> dict[str, Any]:
    """The zero-priced simple row under a configurable parent (capture item 11)."""
    child = {k: v for k, v in parent.items() if k not in _CHILD_DROP}
    child.update(
        {
            "base_discount_amount": 0,
            "base_price": 0,
            "base_row_total": 0,
            "base_tax_amount": 0,
            "discount_amount": 0,
            "discount_percent": 0,
            "item_id": item_id,
            "name": name,
            "original_price": 0,
            "parent_item_id": parent["item_id"],
            "price": 0,
            "product_id": product_id,
            "product_type": "simple",
            "quote_item_id": item_id + 3,
            "row_total": 0,
            "row_weight": 0,
            "tax_amount": 0,
            "tax_percent": 0,
        }
    )
    return dict(sorted(child.items()))


def build_order(spec: dict[str, Any], ids: Ids, created: str, lookup: ProductLookup) -> dict[str, Any]:
    """The full order document for ``spec`` (state ``new`` unless the spec says otherwise)."""
    rate = _rate(spec)
    lines = [normalise_line_part(ln) for ln in spec.get("lines") or []]
    coupon = spec.get("coupon_code")
    rule_ids = spec.get("applied_rule_ids") or ("1" if (coupon or spec.get("discount")) else None)
    weights = [dec(ln.get("price")) * dec(ln.get("qty", 1)) for ln in lines]
    extra = _spread(q2(dec(spec.get("discount", 0))), weights) if lines else []
    rows: list[dict[str, Any]] = []
    next_id = ids.item_id_start
    subtotal = tax_total = disc_total = qty_total = weight_total = ZERO
    tax_by_pct: dict[Decimal, Decimal] = {}
    taxed_rows: list[tuple[int, Decimal, Decimal]] = []
    compensation_total = incl_total = ZERO
    inclusive = bool(spec.get("prices_include_tax"))
    all_virtual = bool(lines)
    for line, spread in zip(lines, extra, strict=True):
        sku = str(line["sku"])
        product = lookup(sku) or {}
        parent_sku = line.get("configurable_parent_sku")
        parent_product = lookup(str(parent_sku)) if parent_sku else None
        ptype = str(line.get("type") or product.get("type") or "simple")
        if parent_sku:
            ptype = "configurable"
        is_virtual = 1 if ptype in ("downloadable", "virtual", GIFT_CARD) else 0
        all_virtual = all_virtual and bool(is_virtual)
        qty, price = dec(line.get("qty", 1)), q2(dec(line.get("price")))
        discount = q2(dec(line.get("discount", 0))) + spread
        pct = ZERO if ptype == GIFT_CARD else dec(line.get("tax_percent", 0))
        taxed = line_tax(line, price, qty, discount, pct, inclusive)
        row, tax, price = taxed.row, taxed.tax, taxed.price
        if not taxed.taxable:
            pct = ZERO
        name = str(line.get("name") or (parent_product or product).get("name") or sku)
        pid = int((parent_product or product).get("id") or 9000 + next_id)
        default_weight = 0 if is_virtual or ptype == "bundle" else product.get("weight", 1)
        weight = dec(line.get("weight", default_weight))
        fields: dict[str, Any] = {
            "price": price,
            "qty": qty,
            "rate": rate,
            "discount": discount,
            "tax": tax,
            "tax_percent": pct,
            "original_price": taxed.original,
            "price_incl": taxed.price_incl,
            "row_incl": taxed.row_incl,
            "compensation": taxed.compensation,
            "discount_percent": dec(line.get("discount_percent", 0)),
            "is_virtual": is_virtual,
            "item_id": next_id,
            "name": name,
            "product_id": pid,
            "product_type": ptype,
            "weight": weight,
            "sku": sku if ptype != "bundle" else str(line.get("order_sku")),
            "rule_ids": rule_ids,
        }
        parent = _item(fields, ids, created)
        rows.append(parent)
        if taxed.taxable:
            taxed_rows.append((parent["item_id"], pct, tax))
        compensation_total += taxed.compensation
        incl_total += taxed.row_incl
        next_id += 1
        if ptype == "configurable":
            child_name = str(line.get("child_name") or product.get("name") or f"{name}-{sku}")
            rows.append(_config_child(parent, next_id, child_name, int(product.get("id") or pid + 1)))
            next_id += 1
        for child in line.get("children") or [] if ptype == "bundle" else []:
            cprod = lookup(str(child["sku"])) or {}
            cprice = q2(dec(child.get("price", cprod.get("price", 0))))
            cfields = dict(
                fields,
                price_incl=cprice,
                row_incl=cprice * dec(child.get("qty", 1)) * qty,
                compensation=ZERO,
                price=cprice,
                qty=dec(child.get("qty", 1)) * qty,
                discount=ZERO,
                tax=ZERO,
                tax_percent=ZERO,
                original_price=cprice,
                item_id=next_id,
                name=str(child.get("name") or cprod.get("name") or child["sku"]),
                product_id=int(cprod.get("id") or 9000 + next_id),
                product_type="simple",
                weight=ZERO,
                sku=str(child["sku"]),
                rule_ids=None,
                discount_percent=ZERO,
            )
            crow = _item(cfields, ids, created)
            crow["parent_item_id"] = parent["item_id"]
            crow.pop("weight", None)
            rows.append(dict(sorted(crow.items())))
            next_id += 1
        subtotal += row
        tax_total += tax
        disc_total += discount
        qty_total += qty
        weight_total += weight * qty
        if tax:
            tax_by_pct[pct] = tax_by_pct.get(pct, ZERO) + tax
    shipping = ZERO if all_virtual else q2(dec(spec.get("shipping", 0)))
    ship_pct = dec(spec.get("shipping_tax_percent", 0)) if shipping else ZERO
    ship_tax = q2(shipping * ship_pct / 100)
    if ship_tax:
        tax_by_pct[ship_pct] = tax_by_pct.get(ship_pct, ZERO) + ship_tax
    redeemed, redemption_ext = redemptions(spec, rate)
    grand = (subtotal + shipping + tax_total + ship_tax - disc_total + compensation_total
             - redeemed)
    tax_total += ship_tax
    currency = str(spec.get("currency") or "USD")
    base_currency = str(spec.get("base_currency") or "USD")

    def base(x: Decimal) -> int | float:
        return num(q2(x / rate))

    customer = spec.get("customer") or {}
    guest = not spec.get("customer") or bool(customer.get("guest"))
    contact = customer or spec.get("guest") or spec.get("billing_address") or {}
    email = str(contact.get("email") or "guest@example.com")
    first, last = (
        str(contact.get("firstname") or "Guest"),
        str(contact.get("lastname") or "Shopper"),
    )
    bill_id, ship_id = ids.address_id_start + 1, ids.address_id_start
    who = (email, first, last)
    billing = address_part("billing", spec.get("billing_address"), bill_id, ids.entity_id, who)
    ship_src = spec.get("shipping_address") or spec.get("billing_address")
    shipping_address = address_part("shipping", ship_src, ship_id, ids.entity_id, who)
    method = str(spec.get("payment_method") or "checkmo")
    ship_method = str(spec.get("shipping_method") or "flatrate_flatrate")
    status = str(spec.get("status") or "pending")
    order: dict[str, Any] = {
        "base_currency_code": base_currency,
        "base_discount_amount": base(-disc_total),
        "base_grand_total": base(grand),
        "base_discount_tax_compensation_amount": base(compensation_total),
        "base_shipping_amount": base(shipping),
        "base_shipping_discount_amount": 0,
        "base_shipping_incl_tax": base(shipping + ship_tax),
        "base_shipping_tax_amount": base(ship_tax),
        "base_subtotal": base(subtotal),
        "base_subtotal_incl_tax": base(incl_total),
        "base_tax_amount": base(tax_total),
        "base_total_due": base(grand),
        "base_to_global_rate": 1,  # global currency = base currency (USD) in the simulator
        "base_to_order_rate": num(rate),
        "billing_address_id": bill_id,
        "created_at": created,
        "customer_email": email,
        "customer_firstname": first,
        "customer_group_id": 0 if guest else 1,
        "customer_is_guest": 1 if guest else 0,
        "customer_lastname": last,
        "customer_note_notify": 1,
        "discount_amount": num(-disc_total),
        "email_sent": 1,
        "entity_id": ids.entity_id,
        "global_currency_code": base_currency,
        "grand_total": num(grand),
        "discount_tax_compensation_amount": num(compensation_total),
        "increment_id": ids.increment_id,
        "is_virtual": 1 if all_virtual else 0,
        "order_currency_code": currency,
        "protect_code": f"{ids.entity_id * 7919 % 0xFFFFFF:06x}",
        "quote_id": ids.quote_id,
        "shipping_amount": num(shipping),
        "shipping_discount_amount": 0,
        "shipping_discount_tax_compensation_amount": 0,
        "shipping_incl_tax": num(shipping + ship_tax),
        "shipping_tax_amount": num(ship_tax),
        "state": str(spec.get("state") or STATE_OF_STATUS.get(status, "new")),
        "status": status,
        "store_currency_code": base_currency,
        "store_id": int(spec.get("store_id", 1)),
        "store_name": "Main Website\nMain Website Store\nDefault Store View",
        "store_to_base_rate": 0,
        "store_to_order_rate": 0,
        "subtotal": num(subtotal),
        "subtotal_incl_tax": num(incl_total),
        "tax_amount": num(tax_total),
        "total_due": num(grand),
        "total_item_count": len(lines),
        "total_qty_ordered": num(qty_total),
        "updated_at": created,
        "weight": num(weight_total),
    }
    if not all_virtual:
        order["shipping_description"] = SHIPPING_TITLES.get(ship_method, ship_method)
    if rule_ids:
        order["applied_rule_ids"] = rule_ids
    if coupon:
        order["coupon_code"] = str(coupon)
        order["discount_description"] = str(spec.get("discount_description") or coupon)
    if not guest:
        order["customer_id"] = ids.customer_id
    order = dict(sorted(order.items()))
    order["items"] = rows
    order["billing_address"] = billing
    order["payment"] = payment_part(method, grand, shipping, rate, ids.entity_id)
    order["status_histories"] = []
    order["extension_attributes"] = extension_part(
        shipping_address,
        all_virtual,
        ship_method,
        shipping,
        rate=rate,
        tax_by_pct=tax_by_pct,
        pay_method=method,
        ship_tax=ship_tax,
        code=lambda pct: rate_code(spec, pct),
    )
    ext = order["extension_attributes"]
    per_item = item_applied_taxes(spec, taxed_rows, (ship_pct, ship_tax) if ship_tax else None,
                                  rate)
    if per_item:  # like applied_taxes, absent from an untaxed order (the capture has neither)
        ext["item_applied_taxes"] = per_item
    ext.update(redemption_ext)
    refresh_derived(order)
    return order

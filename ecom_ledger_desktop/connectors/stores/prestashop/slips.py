"""Credit slips (``order_slip``) -> ``Refund``.

A slip lists the refunded order details (``order_slip_details``: quantity, amounts with and
without tax), the shipping refunded (``total_shipping_tax_*``, ``shipping_cost_amount``) and
``amount``, the products' refund as paid back. ``order_slip_type`` 1: the coupon's share was
deducted (``amount`` is below the products' total by it); 2: the merchant typed the amount, so the
difference is an adjustment (more given back, or a fee kept). The money refunded is ``amount +
shipping_cost_amount``. A line is back in stock when its order detail says products were
re-injected ("Re-stock products" ticked).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ecom_ledger_desktop.connectors.stores.prestashop.context import ShopFacts
from ecom_ledger_desktop.connectors.stores.prestashop.fields import Reader, problem
from ecom_ledger_desktop.models.commerce import Refund, RefundLine

ZERO = Decimal(0)
CENT = Decimal("0.01")


def _unit(total: Decimal, qty: Decimal) -> Decimal:
    """A refunded amount over its quantity, to at most 6 decimals (PrestaShop's precision)."""
    unit = total / qty
    six = Decimal("0.000001")
    return unit if unit == unit.quantize(six) else unit.quantize(six, ROUND_HALF_UP)


def slip_number(slip_id: str) -> str:
    """How PrestaShop prints a credit slip number (``PS_CREDIT_SLIP_PREFIX`` + 6 digits)."""
    return f"SL{int(slip_id):06d}" if slip_id.isdigit() else slip_id


def slip_subject(row: Any) -> str:
    """``Credit slip SL000003 (order 12)``."""
    rid = row.get("id") if isinstance(row, Mapping) else None
    order = row.get("id_order") if isinstance(row, Mapping) else None
    text = f"Credit slip {slip_number(str(rid))}" if rid is not None else "A credit slip"
    return f"{text} (order {order})" if isinstance(order, str | int) and str(order) else text


def parse_slip(row: Any, order: Mapping[str, Any] | None, details: dict[str, Mapping[str, Any]],
               facts: ShopFacts, include_tax: bool) -> Refund:
    """One credit slip with its order's JSON and order details."""
    subject = slip_subject(row)
    read = Reader(row, subject)
    sid, oid = read.ident("id"), read.ident("id_order")
    if order is None:
        raise problem(f"{subject} refunds order {oid}, which PrestaShop no longer has; check the "
                      "order, then retry.", "not_found")
    ord_read = Reader(order, f"Order {oid}")
    currency_row = facts.lookup("currencies", ord_read.ident("id_currency"))
    if currency_row is None:
        raise problem(f"{subject}: its order {oid} is in an unknown currency; restore it in "
                      "International › Localization › Currencies, then retry.")
    currency = str(currency_row.get("iso_code") or "").upper()
    lines = []
    assoc = row.get("associations") if isinstance(row, Mapping) else None
    listed = assoc.get("order_slip_details") if isinstance(assoc, Mapping) else None
    for n, item in enumerate(listed if isinstance(listed, list) else [], start=1):
        at = Reader(item, f"{subject}: line {n}")
        detail = details.get(at.ident("id_order_detail"))
        if detail is None:
            raise problem(f"{subject}: line {n} refunds order detail "
                          f"{at.text('id_order_detail')}, which order {oid} does not have; check "
                          "the credit slip in PrestaShop, then retry.", "not_found")
        about = Reader(detail, f"{subject}: line {n}")
        qty = at.quantity("product_quantity")
        excl, incl = at.amount("amount_tax_excl"), at.amount("amount_tax_incl")
        lines.append(RefundLine(
            line_id=about.text("id"), sku=about.text("product_reference"),
            name=about.text("product_name"), qty=qty, unit_price=_unit(excl, qty),
            tax=incl - excl,
            back_to_stock=about.amount("product_quantity_reinjected", required=False) > 0))
    products_incl = read.amount("total_products_tax_incl")
    amount = read.amount("amount")
    ship_excl = read.amount("total_shipping_tax_excl", required=False)
    ship_incl = read.amount("total_shipping_tax_incl", required=False)
    shipping_paid = read.amount("shipping_cost_amount", required=False)
    kind = read.text("order_slip_type") or "0"
    voucher_incl = voucher_excl = positive = negative = ZERO
    if kind == "1":
        voucher_incl = products_incl - amount
        disc_incl = ord_read.amount("total_discounts_tax_incl", required=False)
        disc_excl = ord_read.amount("total_discounts_tax_excl", required=False)
        voucher_excl = (voucher_incl * disc_excl / disc_incl).quantize(CENT, ROUND_HALF_UP) \
            if disc_incl else voucher_incl
    elif kind == "2":
        difference = amount - products_incl
        positive, negative = max(difference, ZERO), max(-difference, ZERO)
    total = amount + shipping_paid
    if total < 0:
        read.fail("refunds a negative amount")
    rate = ord_read.amount("conversion_rate", required=False)
    base = facts.default_currency
    zone = facts.zone
    created = read.moment("date_add", zone)
    assert created is not None
    return Refund(
        source_id=sid, order_source_id=oid, number=slip_number(sid), created_at=created,
        updated_at=read.moment("date_upd", zone, required=False) or created, currency=currency,
        lines=lines, shipping=ship_excl, shipping_tax=ship_incl - ship_excl,
        adjustment_positive=positive, adjustment_negative=negative,
        tax_total=sum((ln.tax for ln in lines), ZERO) + ship_incl - ship_excl
        - (voucher_incl - voucher_excl),
        discount=voucher_incl if include_tax else voucher_excl,
        discount_tax_compensation=voucher_incl - voucher_excl if include_tax else ZERO,
        grand_total=total,
        base_grand_total=(total / rate).quantize(CENT, ROUND_HALF_UP)
        if currency != base and rate > 0 else None)

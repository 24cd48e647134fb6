"""Credit slips: a partial refund from the back office's order page.

Lines by SKU and quantity (their share of the line totals, with and without tax), shipping (tax
excluded, taxed at the order's carrier rate), the coupon's share deducted ("voucher deducted",
``order_slip_type`` 1), or an amount the merchant typed (``adjustment_positive`` /
``adjustment_negative``, type 2). ``amount`` is the products' refund as paid back,
``shipping_cost_amount`` the shipping's; "Re-stock products" (``return_to_stock``) puts the
goods back and counts them in ``product_quantity_reinjected``.
"""

from __future__ import annotations

from typing import Any

from .orders import ZERO, OrderError, Orders, dec
from .shop import money, q2


def issue(orders: Orders, oid: int, spec: dict[str, Any]) -> int:
    """A partial refund (credit slip) of lines by SKU, shipping (tax excluded) and an amount
    chosen by the merchant (``adjustment_positive`` / ``adjustment_negative``)."""
    shop, order, meta = orders.shop, orders.shop.row("orders", oid), orders.meta.get(oid, {})
    details = orders.details(oid)
    slip_lines = []
    products_excl = products_incl = ZERO
    restock = bool(spec.get("return_to_stock", spec.get("restock", False)))
    for wanted in spec.get("lines") or []:
        qty = int(dec(wanted.get("qty", 1)))
        match = [d for d in details if d["product_reference"] == str(wanted["sku"])
                 and int(d["product_quantity"]) - int(d["product_quantity_refunded"]) >= qty]
        if not match or qty <= 0:
            raise OrderError(f"nothing left to refund for SKU {wanted['sku']!r}")
        d = match[0]
        sold = int(d["product_quantity"])
        excl = q2(dec(d["total_price_tax_excl"]) * qty / sold)
        incl = q2(dec(d["total_price_tax_incl"]) * qty / sold)
        slip_lines.append({"id_order_detail": d["id"], "product_quantity": str(qty),
                           "amount_tax_excl": money(excl), "amount_tax_incl": money(incl)})
        products_excl += excl
        products_incl += incl
        d["product_quantity_refunded"] = str(int(d["product_quantity_refunded"]) + qty)
        d["total_refunded_tax_excl"] = money(dec(d["total_refunded_tax_excl"]) + excl)
        d["total_refunded_tax_incl"] = money(dec(d["total_refunded_tax_incl"]) + incl)
        if restock:
            d["product_quantity_reinjected"] = str(int(d["product_quantity_reinjected"]) + qty)
            shop.move_stock(int(d["product_id"]), int(d["product_attribute_id"]), qty)
    ship_excl = dec(spec.get("shipping"))
    ship_incl = q2(ship_excl * (1 + dec(order["carrier_tax_rate"]) / 100))
    voucher = ZERO
    if spec.get("deduct_voucher", True) and meta.get("coupon_incl") and meta["products_wt"]:
        voucher = q2(meta["coupon_incl"] * products_incl / meta["products_wt"])
    adjust = dec(spec.get("adjustment_positive")) - dec(spec.get("adjustment_negative"))
    amount = products_incl - voucher + adjust
    kind = 2 if adjust else (1 if voucher else 0)
    everything = all(int(d["product_quantity_refunded"]) >= int(d["product_quantity"])
                     for d in details)
    stamp = shop.stamp()
    slip = shop.insert("order_slip", {
        "id_customer": order["id_customer"], "id_order": oid,
        "conversion_rate": order["conversion_rate"],
        "total_products_tax_excl": money(products_excl),
        "total_products_tax_incl": money(products_incl),
        "total_shipping_tax_excl": money(ship_excl), "total_shipping_tax_incl": money(ship_incl),
        "amount": money(amount), "shipping_cost": 1 if ship_excl else 0,
        "shipping_cost_amount": money(ship_incl), "partial": 0 if everything else 1,
        "date_add": stamp, "date_upd": stamp, "order_slip_type": kind,
        "associations": {"order_slip_details": [
            {"id": line["id_order_detail"], **line} for line in slip_lines]}})
    if everything:
        orders.history(oid, 7)
    if orders.refunds_touch_order:
        order["date_upd"] = stamp  # the refund handler saves the order
    return int(slip["id"])

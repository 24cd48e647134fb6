"""What happens to an order after it is placed: invoice (paid), cancel, refund, comments.

Each function mutates an order document built by ``orders.build_order`` and returns the new
side document (invoice or credit memo) in the shape of the real captures (``invoice_3.json``,
``creditmemo_1.json``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .money import ZERO, dec, money_text, num, q2
from .order_parts import ONLINE_METHODS, children_of, refresh_derived, visible_rows


class LifecycleError(ValueError):
    """An action the real store refuses (maps to HTTP 400 on the wire)."""


_INVOICE_REDEEMED = ("gift_cards_amount", "base_gift_cards_amount", "customer_balance_amount",
                    "base_customer_balance_amount")


def _add(target: dict[str, Any], key: str, amount: Decimal) -> None:
    target[key] = num(dec(target.get(key, 0)) + amount)


def _rate(order: dict[str, Any]) -> Decimal:
    return dec(order.get("base_to_order_rate", 1)) or Decimal(1)


def _header(order: dict[str, Any], entity_id: int, increment_id: str, now: str) -> dict[str, Any]:
    """Fields shared by invoices and credit memos."""
    ship = order.get("extension_attributes", {}).get("shipping_assignments", [{}])[0]
    ship_addr = ship.get("shipping", {}).get("address", {})
    header = {
        "base_currency_code": order["base_currency_code"],
        "base_to_global_rate": 1,
        "base_to_order_rate": order["base_to_order_rate"],
        "billing_address_id": order["billing_address_id"],
        "created_at": now,
        "entity_id": entity_id,
        "global_currency_code": order["global_currency_code"],
        "increment_id": increment_id,
        "order_currency_code": order["order_currency_code"],
        "order_id": order["entity_id"],
        "store_currency_code": order["store_currency_code"],
        "store_id": 1,
        "store_to_base_rate": 0,
        "store_to_order_rate": 0,
        "updated_at": now,
    }
    if ship_addr:
        header["shipping_address_id"] = ship_addr["entity_id"]
    return header


def _doc_item(
    row: dict[str, Any], qty: Decimal, parent_id: int, entity_id: int, rate: Decimal
) -> dict[str, Any]:
    """An invoice / credit-memo item for ``qty`` of order row ``row``."""
    ordered = dec(row.get("qty_ordered", 1)) or Decimal(1)
    price = dec(row.get("price"))
    if (row.get("parent_item_id") and price == 0) or row.get("product_type") == "bundle":
        minimal: dict[str, Any] = {
            "base_price": num(q2(price / rate)),
            "entity_id": entity_id,
            "name": row["name"],
            "parent_id": parent_id,
            "price": num(price),
            "product_id": row["product_id"],
            "sku": row["sku"],
            "order_item_id": row["item_id"],
            "qty": num(qty),
        }
        if row.get("product_type") == "bundle":  # the capture keeps the incl-tax prices here
            minimal["price_incl_tax"] = row.get("price_incl_tax", num(price))
            minimal["base_price_incl_tax"] = row.get("base_price_incl_tax", num(price))
        return minimal
    row_total = price * qty
    tax = q2(dec(row.get("tax_amount")) * qty / ordered)
    disc = q2(dec(row.get("discount_amount")) * qty / ordered)
    comp = q2(dec(row.get("discount_tax_compensation_amount")) * qty / ordered)
    item = {
        "base_discount_tax_compensation_amount": num(q2(comp / rate)),
        "base_price": num(q2(price / rate)),
        "base_price_incl_tax": num(q2(dec(row.get("price_incl_tax", price)) / rate)),
        "base_row_total": num(q2(row_total / rate)),
        "base_row_total_incl_tax": num(q2((row_total + tax) / rate)),
        "base_tax_amount": num(q2(tax / rate)),
        "entity_id": entity_id,
        "discount_tax_compensation_amount": num(comp),
        "name": row["name"],
        "parent_id": parent_id,
        "price": num(price),
        "price_incl_tax": row.get("price_incl_tax", num(price)),
        "product_id": row["product_id"],
        "row_total": num(row_total),
        "row_total_incl_tax": num(row_total + tax),
        "sku": row["sku"],
        "tax_amount": num(tax),
        "order_item_id": row["item_id"],
        "qty": num(qty),
    }
    if disc:
        item["discount_amount"] = num(disc)
        item["base_discount_amount"] = num(q2(disc / rate))
    return item


def apply_invoice(
    order: dict[str, Any], now: str, invoice_id: int, increment_id: str, item_id_start: int
) -> dict[str, Any]:
    """Invoice everything still open: the order becomes paid (state ``processing``)."""
    if order.get("state") in ("canceled", "closed") or "total_invoiced" in order:
        raise LifecycleError("The order does not allow an invoice to be created.")
    rate = _rate(order)
    items, next_id = [], item_id_start
    for row in order["items"]:
        qty = dec(row["qty_ordered"]) - dec(row.get("qty_canceled"))
        row["qty_invoiced"] = num(qty)
        for key in ("row", "tax", "discount"):
            amount = dec(row.get("row_total" if key == "row" else f"{key}_amount"))
            row[f"{key}_invoiced"] = num(amount)
            row[f"base_{key}_invoiced"] = num(q2(amount / rate))
        row["updated_at"] = now
        items.append(_doc_item(row, qty, invoice_id, next_id, rate))
        next_id += 1
    grand, ship = dec(order["grand_total"]), dec(order["shipping_amount"])
    for key in ("grand_total", "subtotal", "tax_amount", "shipping_amount", "discount_amount"):
        target = {
            "grand_total": "total_invoiced",
            "subtotal": "subtotal_invoiced",
            "tax_amount": "tax_invoiced",
            "shipping_amount": "shipping_invoiced",
            "discount_amount": "discount_invoiced",
        }[key]
        order[target] = order[key]
        order[f"base_{target}"] = order[f"base_{key}"]
    order.update(
        {
            "total_paid": num(grand),
            "base_total_paid": order["base_grand_total"],
            "total_due": 0,
            "base_total_due": 0,
            "updated_at": now,
        }
    )
    virtual = bool(order.get("is_virtual"))
    order["state"] = order["status"] = "complete" if virtual else "processing"
    payment = order["payment"]
    payment.update(
        {
            "amount_paid": num(grand),
            "base_amount_paid": order["base_grand_total"],
            "shipping_captured": num(ship),
            "base_shipping_captured": order["base_shipping_amount"],
        }
    )
    if payment.get("method") in ONLINE_METHODS:
        payment["base_amount_paid_online"] = order["base_grand_total"]
        payment["last_trans_id"] = f"{order['entity_id']:08d}-capture"
    refresh_derived(order)
    invoice = _header(order, invoice_id, increment_id, now)
    for key in (
        "discount_amount",
        "grand_total",
        "shipping_amount",
        "shipping_incl_tax",
        "shipping_tax_amount",
        "subtotal",
        "subtotal_incl_tax",
        "tax_amount",
    ):
        invoice[key] = order[key]
        invoice[f"base_{key}"] = order[f"base_{key}"]
    invoice.update(
        {
            "base_discount_tax_compensation_amount": order["base_discount_tax_compensation_amount"],
            "can_void_flag": 0,
            "email_sent": 1,
            "discount_tax_compensation_amount": order["discount_tax_compensation_amount"],
            "shipping_discount_tax_compensation_amount": 0,
            "state": 2,
            "total_qty": num(sum((dec(r["qty_invoiced"]) for r in visible_rows(order)), ZERO)),
        }
    )
    if payment.get("last_trans_id"):
        invoice["transaction_id"] = payment["last_trans_id"]
    redeemed = {k: v for k, v in (order.get("extension_attributes") or {}).items()
                if k in _INVOICE_REDEEMED}
    if redeemed:
        invoice["extension_attributes"] = redeemed
    invoice = dict(sorted(invoice.items()))
    invoice["items"] = items
    invoice["comments"] = []
    return invoice


def mark_shipped(order: dict[str, Any], now: str) -> None:
    """Ship every row; a paid order becomes ``complete``."""
    for row in order["items"]:
        row["qty_shipped"] = row["qty_ordered"]
    if dec(order.get("total_paid")) > 0:
        order["state"] = order["status"] = "complete"
    order["updated_at"] = now
    refresh_derived(order)


def apply_cancel(order: dict[str, Any], now: str) -> None:
    """Cancel an unpaid order."""
    if "total_invoiced" in order or order.get("state") in ("canceled", "closed", "complete"):
        raise LifecycleError("You cannot cancel the order.")
    for row in order["items"]:
        row["qty_canceled"] = num(dec(row["qty_ordered"]) - dec(row.get("qty_invoiced")))
        row["updated_at"] = now
    for key, target in (
        ("subtotal", "subtotal_canceled"),
        ("tax_amount", "tax_canceled"),
        ("shipping_amount", "shipping_canceled"),
        ("discount_amount", "discount_canceled"),
        ("grand_total", "total_canceled"),
    ):
        order[target] = order[key]
        order[f"base_{target}"] = order[f"base_{key}"]
    order["payment"]["amount_canceled"] = order["grand_total"]
    order["payment"]["base_amount_canceled"] = order["base_grand_total"]
    order.update({"state": "canceled", "status": "canceled", "updated_at": now})
    refresh_derived(order)


def add_history(order: dict[str, Any], history: dict[str, Any], now: str, entity_id: int) -> None:
    """Prepend a ``status_histories`` entry (newest first) and bump ``updated_at``."""
    entry = {
        "comment": str(history.get("comment", "")),
        "created_at": now,
        "entity_id": entity_id,
        "entity_name": str(history.get("entity_name") or "order"),
        "is_customer_notified": _flag(history.get("is_customer_notified")),
        "is_visible_on_front": _flag(history.get("is_visible_on_front")) or 0,
        "parent_id": order.get("entity_id"),
        "status": str(history.get("status") or order.get("status") or ""),
    }
    if history.get("status"):
        order["status"] = str(history["status"])  # label only: the state is untouched (H2)
    histories = order.get("status_histories")
    order["status_histories"] = [entry, *(histories if isinstance(histories, list) else [])]
    order["updated_at"] = now


def _flag(value: Any) -> int | None:
    if value is None:
        return None
    return 1 if value in (True, 1, "1", "true") else 0


def apply_refund(
    order: dict[str, Any],
    spec: dict[str, Any],
    now: str,
    *,
    memo_id: int,
    increment_id: str,
    item_id_start: int,
) -> dict[str, Any]:
    """Create an offline credit memo for ``spec`` and update the order's refunded totals."""
    paid = dec(order.get("total_paid"))
    if paid <= 0:
        raise LifecycleError("The order does not allow a creditmemo to be created.")
    rate = _rate(order)
    wanted = spec.get("lines")
    rows = visible_rows(order)
    picks: list[tuple[dict[str, Any], Decimal]] = []
    if wanted is None:
        picks = [(r, dec(r["qty_invoiced"]) - dec(r.get("qty_refunded"))) for r in rows]
    else:
        for line in wanted:
            row = next((r for r in rows if r.get("sku") == line["sku"]), None)
            if row is None:
                raise LifecycleError(f"No order item with SKU {line['sku']}")
            picks.append((row, dec(line.get("qty", 1))))
    items, next_id = [], item_id_start
    subtotal = tax = disc = comp = ZERO
    for row, qty in picks:
        if qty <= 0:
            continue
        if qty > dec(row["qty_invoiced"]) - dec(row.get("qty_refunded")):
            raise LifecycleError("The credit memo's total must be positive.")
        doc = _doc_item(row, qty, memo_id, next_id, rate)
        doc.update(
            {
                "base_cost": None,
                "base_weee_tax_row_disposition": 0,
                "weee_tax_applied": "[]",
                "weee_tax_applied_row_amount": 0,
                "weee_tax_row_disposition": 0,
            }
        )
        items.append(dict(sorted(doc.items())))
        next_id += 1
        ordered = dec(row["qty_ordered"]) or Decimal(1)
        row_total = dec(row["price"]) * qty
        row_tax = q2(dec(row.get("tax_amount")) * qty / ordered)
        row_disc = q2(dec(row.get("discount_amount")) * qty / ordered)
        comp += q2(dec(row.get("discount_tax_compensation_amount")) * qty / ordered)
        subtotal, tax, disc = subtotal + row_total, tax + row_tax, disc + row_disc
        _add(row, "qty_refunded", qty)
        _add(row, "amount_refunded", row_total)
        _add(row, "base_amount_refunded", q2(row_total / rate))
        _add(row, "tax_refunded", row_tax)
        _add(row, "base_tax_refunded", q2(row_tax / rate))
        _add(row, "discount_refunded", row_disc)
        _add(row, "base_discount_refunded", q2(row_disc / rate))
        row["updated_at"] = now
        for child in children_of(order, row["item_id"]):
            _add(child, "qty_refunded", qty * dec(child["qty_ordered"]) / dec(row["qty_ordered"]))
            share = dec(child["qty_ordered"]) / (dec(row["qty_ordered"]) or Decimal(1))
            child_doc = _doc_item(child, qty * share, memo_id, next_id, rate)
            items.append(dict(sorted({**child_doc, "base_cost": None}.items())))
            next_id += 1
    default_ship = dec(order["shipping_amount"]) - dec(order.get("shipping_refunded"))
    shipping = q2(dec(spec.get("shipping", default_ship if wanted is None else 0)))
    order_ship = dec(order["shipping_amount"])
    ship_tax = q2(shipping * dec(order.get("shipping_tax_amount")) / order_ship) if order_ship else ZERO
    tax += ship_tax
    adj_pos, adj_neg = (
        q2(dec(spec.get("adjustment_positive"))),
        q2(dec(spec.get("adjustment_negative"))),
    )
    credit = q2(dec(spec.get("store_credit")))  # given back as store credit, not money
    grand = subtotal + shipping + tax - disc + comp + adj_pos - adj_neg - credit
    available = paid - dec(order.get("total_refunded"))
    if grand < 0 or grand + credit <= 0 or grand > available:
        most = money_text(available, str(order["order_currency_code"]))
        raise LifecycleError(f"The most money available to refund is {most}.")
    memo = _header(order, memo_id, increment_id, now)
    amounts = {
        "adjustment": adj_pos - adj_neg,
        "adjustment_negative": adj_neg,
        "adjustment_positive": adj_pos,
        "discount_amount": -disc,
        "grand_total": grand,
        "shipping_amount": shipping,
        "shipping_incl_tax": shipping + ship_tax,
        "shipping_tax_amount": ship_tax,
        "subtotal": subtotal,
        "subtotal_incl_tax": subtotal + tax - ship_tax,
        "tax_amount": tax,
        "discount_tax_compensation_amount": comp,
    }
    for key, amount in amounts.items():
        memo[key] = num(amount)
        memo[f"base_{key}"] = num(q2(amount / rate))
    memo["state"] = 2
    memo = dict(sorted(memo.items()))
    memo["items"] = items
    memo["comments"] = []
    if credit:
        memo["extension_attributes"] = {"customer_balance_amount": num(credit),
                                        "base_customer_balance_amount": num(q2(credit / rate))}
        _add(order, "customer_balance_refunded", credit)
    online = order["payment"].get("method") in ONLINE_METHODS
    for key, amount in (
        ("subtotal_refunded", subtotal),
        ("tax_refunded", tax),
        ("shipping_refunded", shipping),
        ("discount_refunded", -disc),
        ("adjustment_positive", adj_pos),
        ("adjustment_negative", adj_neg),
        ("total_refunded", grand),
        ("total_online_refunded" if online else "total_offline_refunded", grand),
    ):
        _add(order, key, amount)
        _add(order, f"base_{key}", q2(amount / rate))
    _add(order["payment"], "amount_refunded", grand)
    _add(order["payment"], "base_amount_refunded", q2(grand / rate))
    _add(order["payment"], "shipping_refunded", shipping)
    _add(order["payment"], "base_shipping_refunded", q2(shipping / rate))
    if dec(order["total_refunded"]) >= paid:
        order["state"] = order["status"] = "closed"
    order["updated_at"] = now
    refresh_derived(order)
    return memo


def refund_comment(order: dict[str, Any], memo: dict[str, Any]) -> dict[str, Any]:
    """The history entry Magento writes for an offline refund."""
    online = order["payment"].get("method") in ONLINE_METHODS
    text = money_text(dec(memo["grand_total"]), str(order["order_currency_code"]))
    return {
        "comment": f"We refunded {text} {'online' if online else 'offline'}.",
        "entity_name": "creditmemo",
        "is_customer_notified": 0,
        "status": order["status"],
    }

"""Tax and redemption parts of a simulated order, computed the way Magento does.

- A line's ``tax_percent`` is the rate that matched it; ``tax_class: "none"`` makes a product
  untaxable (no rate, no ``item_applied_taxes`` entry, whatever the buyer's region); a taxable
  product at a 0 % rate (``tax_percent`` 0 with ``taxable: true``) gets a 0 % entry.
- Tax-inclusive catalogues (spec ``prices_include_tax``): the spec's ``price`` is gross and is
  what Magento stores as ``original_price``/``price_incl_tax``; ``price`` becomes the net price
  rounded to cents, the discount is taken off the gross row, and the tax the discount removes
  is ``discount_tax_compensation_amount`` (so the grand total is gross row - discount).
- Shipping tax: spec ``shipping_tax_percent`` on the (net) shipping amount.
- Redemptions (Adobe Commerce): spec ``gift_card`` ``{"code", "amount"}``, ``store_credit``
  and ``reward`` amounts become ``extension_attributes`` ``gift_cards_amount`` + ``gift_cards``,
  ``customer_balance_amount``, ``reward_currency_amount`` and lower the grand total.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .money import ZERO, dec, num, q2

HUNDRED = Decimal(100)


@dataclass
class LineTax:
    """The money of one order row after tax."""

    price: Decimal  # net unit price
    price_incl: Decimal
    original: Decimal
    row: Decimal  # net row total
    row_incl: Decimal
    tax: Decimal
    compensation: Decimal
    taxable: bool


def line_tax(line: dict[str, Any], price: Decimal, qty: Decimal, discount: Decimal,
             pct: Decimal, inclusive: bool) -> LineTax:
    """Tax of one row (module docstring); ``price`` as the spec gives it."""
    taxable = str(line.get("tax_class", "")).lower() != "none" and (
        pct > 0 or bool(line.get("taxable")))
    if not taxable:
        pct = ZERO
    if inclusive:
        net = q2(price * HUNDRED / (HUNDRED + pct))
        row, row_incl = net * qty, price * qty
        tax = q2((row_incl - discount) * pct / (HUNDRED + pct))
        compensation = (row_incl - row) - tax if discount else ZERO
        if not discount:
            tax = row_incl - row
        original = q2(dec(line.get("original_price", price)))
        return LineTax(net, price, original, row, row_incl, tax, compensation, taxable)
    row = price * qty
    tax = q2((row - discount) * pct / HUNDRED)
    original = q2(dec(line.get("original_price", price)))
    return LineTax(price, q2(price * (1 + pct / HUNDRED)), original, row, row + tax, tax, ZERO,
                   taxable)


def rate_code(spec: dict[str, Any], pct: Decimal) -> str:
    """The rate's code: the spec's ``tax_code``, else ``<country>-*-Rate <pct>``."""
    if spec.get("tax_code"):
        return str(spec["tax_code"])
    country = str((spec.get("billing_address") or {}).get("country_id") or "US")
    return f"{country}-*-Rate {pct.normalize():f}"


def applied(code: str, pct: Decimal, amount: Decimal, rate: Decimal) -> dict[str, Any]:
    """One ``tax-data-order-tax-details-applied-tax-interface`` entry."""
    return {"code": code, "title": code, "percent": num(pct), "amount": num(amount),
            "base_amount": num(q2(amount / rate))}


def item_applied_taxes(spec: dict[str, Any], taxed_rows: list[tuple[int, Decimal, Decimal]],
                       shipping: tuple[Decimal, Decimal] | None, rate: Decimal,
                       ) -> list[dict[str, Any]]:
    """``item_applied_taxes``: a ``product`` entry per taxed row, a ``shipping`` entry."""
    out = [{"type": "product", "item_id": item_id, "associated_item_id": None,
            "applied_taxes": [applied(rate_code(spec, pct), pct, tax, rate)]}
           for item_id, pct, tax in taxed_rows]
    if shipping is not None:
        pct, tax = shipping
        out.append({"type": "shipping", "item_id": None, "associated_item_id": None,
                    "applied_taxes": [applied(rate_code(spec, pct), pct, tax, rate)]})
    return out


def redemptions(spec: dict[str, Any], rate: Decimal) -> tuple[Decimal, dict[str, Any]]:
    """(total redeemed, the ``extension_attributes`` keys) for the spec's redemptions."""
    ext: dict[str, Any] = {}
    total = ZERO
    card = spec.get("gift_card")
    if card:
        amount = q2(dec(card.get("amount")))
        total += amount
        ext.update({"gift_cards_amount": num(amount), "base_gift_cards_amount":
                    num(q2(amount / rate)),
                    "gift_cards": [{"id": int(card.get("id", 1)), "code": str(card["code"]),
                                    "amount": num(amount), "base_amount": num(q2(amount / rate))}]})
    for key, field in (("store_credit", "customer_balance_amount"),
                       ("reward", "reward_currency_amount")):
        if spec.get(key):
            amount = q2(dec(spec[key]))
            total += amount
            ext[field] = num(amount)
            ext[f"base_{field}"] = num(q2(amount / rate))
    if spec.get("reward"):
        ext["reward_points_balance"] = int(q2(dec(spec["reward"])) * 100)
    return total, ext

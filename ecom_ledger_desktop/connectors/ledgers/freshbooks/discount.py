"""A store discount as FreshBooks' invoice discount (the ``discount_as`` rule's
"invoice_discount"), where FreshBooks can carry it exactly.

FreshBooks' invoice discount is a percentage (``discount_value``) taken off every line before
tax: it cannot state an amount. So it is used only when a percentage of at most two decimals
takes exactly the store's discount off the lines and FreshBooks' per-line tax on the discounted
lines is exactly the store's tax; otherwise (a fixed-amount coupon, a discount that spared the
shipping, a cent of rounding) the order's discount goes on lines, as by default, and the invoice
still equals the store's total to the cent.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ecom_ledger_desktop.connectors.ledgers.freshbooks.documents import (
    ROUNDING_LINE,
    LineName,
    TaxName,
    lines_body,
)
from ecom_ledger_desktop.core.money import round_money
from ecom_ledger_desktop.models.ledger import SalesDocument

CENT = Decimal("0.01")
PERCENT_PLACES = Decimal("0.01")  # the percentages offered to FreshBooks: two decimals


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def as_invoice_discount(document: SalesDocument, name_of: LineName, tax_name: TaxName,
                        record: str) -> tuple[list[dict[str, Any]], Decimal, Decimal] | None:
    """(lines without the discount, the total FreshBooks will compute, the percentage) when
    FreshBooks' invoice discount reproduces the store's discount and tax exactly, else None."""
    discounts = [line for line in document.lines if line.kind == "discount"]
    if not discounts or document.kind not in ("sales_receipt", "invoice") \
            or document.tax_treatment == "line_item":  # a tax line must not be discounted
        return None
    off = -sum((line.amount for line in discounts), Decimal(0))
    rest = document.model_copy(update={"tax_total": Decimal(0), "lines": [
        line for line in document.lines if line.kind != "discount"]})
    lines = [body for body in lines_body(rest, name_of, tax_name, record)[0]
             if body["name"] != ROUNDING_LINE]  # a gap line would be discounted too
    net = sum((_amount(body) for body in lines), Decimal(0))
    if off <= 0 or net <= 0:
        return None
    percent = (off / net * 100).quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP)
    if _cents(net * percent / 100) != off:
        return None
    tax = sum((_cents(_amount(body) * (1 - percent / 100) * Decimal(body[f"taxAmount{n}"]) / 100)
               for body in lines for n in (1, 2) if body.get(f"taxName{n}")), Decimal(0))
    if tax != round_money(document.tax_total, document.currency):
        return None
    total = round_money(net - off + tax, document.currency)
    if total != document.total:
        return None
    return lines, total, percent


def _amount(body: dict[str, Any]) -> Decimal:
    return Decimal(body["qty"]) * Decimal(body["unit_cost"]["amount"])

"""Tax-inclusive documents outside the US: what to send, and the VAT QuickBooks will compute.

The store takes a coupon off *gross* prices; the tax the discount removes comes back as Magento's
discount tax compensation, so the mapper's discount line is net of it and each line's
``amount + tax_amount`` is its gross *after* that compensation. QuickBooks wants each line's
full gross (``TaxInclusiveAmt``) and the gross discount, spreads the discount over its tax codes
in proportion to their gross amounts, and computes per code: gross - discount share - net, where
net = gross / (1 + rate) per line and the share's own net part is rounded to the cent. Sending the
compensated gross and the net discount took the discount's tax off twice (less VAT than the store
charged, the same total, so nothing flagged it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ecom_ledger_desktop.models.ledger import SalesDocument

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class InclusiveAmounts:
    """Per document line its gross (``TaxInclusiveAmt``; discount lines 0), the gross discount
    to send, and the tax QuickBooks will compute (None when a code's rate is unknown)."""

    gross: list[Decimal]
    discount: Decimal
    tax: Decimal | None


def inclusive_amounts(document: SalesDocument, codes: list[str | None],
                      code_rate: Callable[[str], Decimal | None]) -> InclusiveAmounts:
    """The module docstring's figures for ``document`` with the lines' TaxCode Ids ``codes``."""
    net_discount = -sum((ln.amount for ln in document.lines if ln.kind == "discount"), ZERO)
    gross: list[Decimal] = []
    for line in document.lines:
        if line.kind == "discount":
            gross.append(ZERO)
        elif net_discount and line.taxable and line.tax_rate is not None:
            gross.append(_cents(line.amount * (HUNDRED + line.tax_rate) / HUNDRED))
        else:
            gross.append(line.amount + line.tax_amount)
    compensation = sum((g - ln.amount - ln.tax_amount for g, ln in zip(gross, document.lines,
                                                                        strict=True)
                        if ln.kind != "discount"), ZERO)
    discount = net_discount + compensation if net_discount else ZERO
    return InclusiveAmounts(gross, discount, _quickbooks_tax(document, codes, gross, discount,
                                                             code_rate))


def _quickbooks_tax(document: SalesDocument, codes: list[str | None], gross: list[Decimal],
                    discount: Decimal, code_rate: Callable[[str], Decimal | None]
                    ) -> Decimal | None:
    by_gross: dict[str, Decimal] = {}
    by_net: dict[str, Decimal] = {}
    pct: dict[str, Decimal] = {}
    for line, code, amount in zip(document.lines, codes, gross, strict=True):
        if line.kind == "discount" or code is None:
            continue
        rate = code_rate(code)
        if rate is None:
            return None
        pct[code] = rate
        by_gross[code] = by_gross.get(code, ZERO) + amount
        by_net[code] = by_net.get(code, ZERO) + _cents(amount * HUNDRED / (HUNDRED + rate))
    order = list(by_gross)
    whole = sum(by_gross.values(), ZERO)
    shares: dict[str, Decimal] = {}
    for code in order[:-1]:
        shares[code] = _cents(discount * by_gross[code] / whole) if whole else ZERO
    if order:
        shares[order[-1]] = discount - sum(shares.values(), ZERO)
    tax = ZERO
    for code in order:
        after = by_net[code] - _cents(shares[code] * HUNDRED / (HUNDRED + pct[code]))
        tax += by_gross[code] - shares[code] - after
    return tax

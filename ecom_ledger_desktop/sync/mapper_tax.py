"""Tax treatment: which lines are taxable, at what rate, under which ledger tax code.

"ledger" mode (the default) posts no tax line: every line carries the store's taxable flag, tax
amount and rate, and the ledger tax code mapped from the store's rate (``rules.tax_codes``, by
rate "8.25" or by the store's rate code) where a mapping exists; the document carries the store's
tax total for the ledger to honour. "line_item" mode posts the tax as an ordinary line and no
line is taxable (see ``LINE_ITEM_TAX_WARNING``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ecom_ledger_desktop.core.errors import Fix, RecordError, RecordProblem
from ecom_ledger_desktop.core.money import round_money
from ecom_ledger_desktop.models.commerce import Order
from ecom_ledger_desktop.models.ledger import DocumentLine
from ecom_ledger_desktop.models.rules import PostingRules

ZERO = Decimal("0")


def rate_key(rate: Decimal) -> str:
    """How a store tax rate is written in ``PostingRules.tax_codes`` ("8.25", "20")."""
    return format(rate.normalize(), "f")


@dataclass(frozen=True)
class LineTax:
    """The tax facts one document line carries."""

    taxable: bool = False
    tax_amount: Decimal = ZERO
    tax_rate: Decimal | None = None
    tax_code: str | None = None

    def as_fields(self) -> dict[str, object]:
        """Keyword arguments for ``DocumentLine``."""
        return {"taxable": self.taxable, "tax_amount": self.tax_amount,
                "tax_rate": self.tax_rate, "tax_code": self.tax_code}


NO_TAX = LineTax()


def by_ledger(rules: PostingRules) -> bool:
    """Whether the ledger's tax system carries the tax (no tax line)."""
    return rules.tax_mode == "ledger"


def single_rate(order: Order) -> Decimal | None:
    """The order's one applied rate, when the store applied exactly one."""
    rates = {rate.percent for rate in order.applied_taxes}
    if len(rates) == 1:
        return rates.pop()
    line_rates = {line.tax_percent for line in order.lines
                  if line.tax_percent is not None and line.tax > 0}
    return line_rates.pop() if len(line_rates) == 1 else None


def _mapped_code(rate: Decimal | None, store_codes: list[str], rules: PostingRules) -> str | None:
    if rate is not None:
        code = rules.tax_codes.get(rate_key(rate))
        if code:
            return code
    for store_code in store_codes:
        code = rules.tax_codes.get(store_code)
        if code:
            return code
    return None


def line_tax(*, taxable: bool, tax: Decimal, rate: Decimal | None, store_codes: list[str],
             currency: str, rules: PostingRules, record: str) -> LineTax:
    """The tax facts of one line in "ledger" mode (``NO_TAX`` in "line_item" mode)."""
    if not by_ledger(rules) or not taxable:
        return NO_TAX
    code = _mapped_code(rate, store_codes, rules)
    if code is None and rules.tax_code_required and tax > 0:
        shown = rate_key(rate) if rate is not None else (store_codes[0] if store_codes else "")
        raise RecordError(RecordProblem(
            code="unmapped_tax_rate",
            message=f"{record} is taxed at {shown or 'an unknown rate'}"
                    f"{'%' if rate is not None else ''} but no ledger tax code is mapped to "
                    f"that rate; map one (rules set PAIR tax_codes.{shown or 'RATE'} "
                    "\"<tax code>\"), then retry.",
            fixes=[Fix("edit_field", "Map the tax rate to a tax code"), Fix("retry", "Retry")]))
    return LineTax(True, round_money(tax, currency), rate, code)


def document_tax_code(lines: list[DocumentLine]) -> str | None:
    """One ledger tax code for the whole document, when every taxed line maps to the same one
    (what a US company without automated sales tax applies to the document)."""
    codes = {line.tax_code for line in lines if line.taxable}
    if len(codes) == 1:
        return codes.pop()
    return None


def code_untaxed(lines: list[DocumentLine], rules: PostingRules) -> list[DocumentLine]:
    """Untaxed lines (shipping, gift cards, adjustments...) take the code mapped to the store's
    0 % rate (``tax_codes["0"]``), when one is: a VAT company needs a real code on every line."""
    zero = rules.tax_codes.get("0")
    if not zero or not by_ledger(rules):
        return lines
    return [line.model_copy(update={"tax_code": zero})
            if not line.taxable and line.tax_code is None and line.kind != "discount" else line
            for line in lines]

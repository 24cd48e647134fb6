"""Sales tax on a QuickBooks Online document, chosen by what the company is (reference A2.3).

For ``tax_treatment == "ledger"`` the store's tax goes into QuickBooks' own tax system:

- US with Automated Sales Tax: taxable lines ``TAX``, others ``NON``, and
  ``TxnTaxDetail.TotalTax`` = the store's tax (AST honours an explicit amount).
- US without AST: the same plus ``TxnTaxCodeRef``, the tax code mapped from the store's rate
  (the XSD documents a "total tax override (when user specifies TxnTaxDetail.TotalTax)" for
  sales forms generally; the reference verifies it for AST only, and the read-back check after
  posting catches a company that recomputes).
- Outside the US: every line carries its real TaxCode Id (no pseudo-codes) and
  ``GlobalTaxCalculation`` says whether the prices include tax; QuickBooks computes the tax per
  rate. With ``TaxInclusive`` a line's ``Amount`` stays net and ``TaxInclusiveAmt`` is the
  gross amount (the shape QuickBooks returns for tax-inclusive documents).
- Sales tax off in QuickBooks: ``NON`` (US) or no code, and no ``TxnTaxDetail``.

``"line_item"`` and ``"none"`` keep tax out of QuickBooks' tax system (US lines ``NON``). The
plan also says what tax QuickBooks will add, so the total can be checked *before* sending.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ecom_ledger_desktop.connectors.ledgers.qbo.company import CompanyFacts
from ecom_ledger_desktop.connectors.ledgers.qbo.tax_inclusive import inclusive_amounts
from ecom_ledger_desktop.core.errors import Fix, RecordError, RecordProblem
from ecom_ledger_desktop.core.money import round_money
from ecom_ledger_desktop.models.ledger import DocumentLine, SalesDocument

CodeId = Callable[[str], str]  # a tax code's name -> its Id (raises when there is none)
CodeRate = Callable[[str], "Decimal | None"]  # a tax code Id -> its combined rate in percent
ZERO = Decimal(0)


@dataclass
class TaxPlan:
    """The tax parts of one document body and the tax QuickBooks will add."""

    codes: list[str | None]  # TaxCodeRef value per document line (None: no TaxCodeRef)
    header: dict[str, Any] = field(default_factory=dict)
    inclusive: bool = False  # send TaxInclusiveAmt (Amount + the line's tax) on each line
    tax: Decimal = ZERO  # what QuickBooks will add as TotalTax
    how: str = ""  # how the tax is computed, for messages
    gross: list[Decimal] = field(default_factory=list)  # inclusive: TaxInclusiveAmt per line
    discount: Decimal | None = None  # inclusive: the gross discount to send


def rate_key(rate: Decimal) -> str:
    """A store rate as the posting rules write it ("8.25", "20")."""
    return format(rate.normalize(), "f")


def _item_lines(document: SalesDocument) -> list[DocumentLine]:
    return [line for line in document.lines if line.kind != "discount"]


def plan_tax(document: SalesDocument, facts: CompanyFacts, code_id: CodeId,
             code_rate: CodeRate, record: str) -> TaxPlan:
    """TaxCodeRefs, header fields and the predicted tax for ``document`` in this company."""
    lines = document.lines
    if document.tax_treatment != "ledger":
        code = "NON" if facts.is_us else facts.non_taxable_code_id if facts.using_sales_tax \
            else None
        return TaxPlan([code] * len(lines), how="tax as a line item" if document.tax_treatment
                       == "line_item" else "no tax")
    if not facts.using_sales_tax:
        return TaxPlan(["NON" if facts.is_us else None] * len(lines),
                       how="no tax: sales tax is off in this QuickBooks company")
    if facts.is_us:
        return _us(document, facts, code_id, record)
    return _global(document, facts, code_id, code_rate, record)


def _us(document: SalesDocument, facts: CompanyFacts, code_id: CodeId, record: str) -> TaxPlan:
    codes: list[str | None] = ["TAX" if line.taxable else "NON" for line in document.lines]
    tax = round_money(document.tax_total, document.currency)
    detail: dict[str, Any] = {"TotalTax": tax}
    if not facts.automated_sales_tax and (tax or any(line.taxable for line in document.lines)):
        detail = {"TxnTaxCodeRef": {"value": code_id(_us_code_name(document, record))},
                  "TotalTax": tax}
    header: dict[str, Any] = {"TxnTaxDetail": detail,
                              "ApplyTaxAfterDiscount": document.tax_after_discount}
    how = "the store's tax as the explicit total tax" + (
        " (automated sales tax)" if facts.automated_sales_tax else "")
    return TaxPlan(codes, header, tax=tax, how=how)


def _us_code_name(document: SalesDocument, record: str) -> str:
    """The document's tax code: its own, else the one its taxed lines share; flagged if none."""
    if document.tax_code:
        return document.tax_code
    taxed = [line for line in document.lines if line.taxable]
    names = {line.tax_code for line in taxed if line.tax_code}
    if len(names) == 1:
        return names.pop()
    rates = sorted({rate_key(line.tax_rate) for line in taxed if line.tax_rate is not None})
    if len(names) > 1:
        message = (f"{record} is taxed with several tax codes ({', '.join(sorted(names))}); a US "
                   "QuickBooks company without automated sales tax takes one per sale. Post this "
                   "pair's tax as a line item (rules set PAIR tax_mode line_item), then retry.")
    else:
        shown = rates[0] if len(rates) == 1 else "RATE"
        which = f"{', '.join(rates)}%" if rates else "a rate the store did not name"
        message = (f"{record} is taxed at {which} but no QuickBooks tax code is mapped to that "
                   "rate, and this US company (automated sales tax off) needs one on every taxed "
                   f"sale. Map it (rules set PAIR tax_codes.{shown} \"<code>\"), then retry.")
    raise RecordError(RecordProblem(
        "unmapped_tax_rate", message,
        [Fix("edit_field", "Map the tax rate to a QuickBooks tax code"), Fix("retry", "Retry")],
        detail=",".join(rates)))


def _global(document: SalesDocument, facts: CompanyFacts, code_id: CodeId, code_rate: CodeRate,
            record: str) -> TaxPlan:
    codes: list[str | None] = []
    for line in document.lines:
        codes.append(None if line.kind == "discount" else
                     _line_code(line, facts, code_id, record))
    inclusive = document.prices_include_tax
    header = {"GlobalTaxCalculation": "TaxInclusive" if inclusive else "TaxExcluded"}
    if inclusive:  # full gross per line and the gross discount (tax_inclusive.py)
        amounts = inclusive_amounts(document, codes, code_rate)
        tax = amounts.tax if amounts.tax is not None else \
            sum((line.tax_amount for line in _item_lines(document)), ZERO)
        return TaxPlan(codes, header, inclusive=True, tax=round_money(tax, document.currency),
                       how="each line's tax included in its price, the discount spread over "
                           "the tax codes", gross=amounts.gross, discount=amounts.discount)
    return TaxPlan(codes, header, tax=_computed(document, codes, code_rate),
                   how="QuickBooks' tax per rate on the lines' net amounts")


def _line_code(line: DocumentLine, facts: CompanyFacts, code_id: CodeId, record: str) -> str:
    if line.tax_code:
        return code_id(line.tax_code)
    untaxed = not line.taxable or (line.tax_amount == 0 and not line.tax_rate)
    if untaxed and facts.non_taxable_code_id:
        return facts.non_taxable_code_id
    rate = rate_key(line.tax_rate) if line.tax_rate is not None else ("0" if untaxed else "RATE")
    what = "is not taxed" if untaxed else f"is taxed at {rate}%"
    raise RecordError(RecordProblem(
        "unmapped_tax_rate",
        f"{record}: the line '{line.description or line.kind}' {what} but no QuickBooks tax "
        f"code is mapped to the store's {rate}% rate; a {facts.country} company needs a real tax "
        f"code on every line. Map it (rules set PAIR tax_codes.{rate} \"<code>\"), then retry.",
        [Fix("edit_field", "Map the tax rate to a QuickBooks tax code"), Fix("retry", "Retry")],
        detail=rate))


def _computed(document: SalesDocument, codes: list[str | None], code_rate: CodeRate) -> Decimal:
    """Tax per code as QuickBooks computes it: (net − the code's share of the discount) × rate."""
    currency = document.currency
    net: dict[str, Decimal] = {}
    store: dict[str, Decimal] = {}
    rates: dict[str, Decimal | None] = {}
    for line, code in zip(document.lines, codes, strict=True):
        if code is None or line.kind == "discount":
            continue
        net[code] = net.get(code, ZERO) + line.amount
        store[code] = store.get(code, ZERO) + line.tax_amount
        if rates.get(code) is None:
            known = code_rate(code)
            rates[code] = known if known is not None else line.tax_rate
    subtotal = sum(net.values(), ZERO)
    discount = -sum((line.amount for line in document.lines if line.kind == "discount"), ZERO)
    total = ZERO
    for code, amount in net.items():
        rate = rates.get(code)
        if rate is None:  # QuickBooks' rate is unknown here: expect the store's own figure
            total += store[code]
            continue
        base = amount - (round_money(discount * amount / subtotal, currency) if subtotal else ZERO)
        total += round_money(base * rate / 100, currency)
    return round_money(total, currency)


def predicted_total(document: SalesDocument, plan: TaxPlan) -> Decimal:
    """What QuickBooks will total: the lines, less the discount, plus its tax."""
    lines = sum((line.amount for line in document.lines), ZERO)  # discount lines are negative
    return round_money(lines + plan.tax, document.currency)


def check_predicted(document: SalesDocument, plan: TaxPlan, facts: CompanyFacts,
                    record: str) -> None:
    """Flag a document QuickBooks would total differently from the store, before sending it."""
    expected = round_money(document.total, document.currency)
    predicted = predicted_total(document, plan)
    if predicted == expected:
        return
    store_tax = round_money(document.tax_total, document.currency)
    if document.tax_treatment == "ledger" and not facts.using_sales_tax and store_tax:
        advice = ("Sales tax is off in this QuickBooks company: turn it on in QuickBooks and test "
                  "the connection again, or post this pair's tax as a line item (rules set PAIR "
                  "tax_mode line_item), then retry.")
    elif document.tax_treatment == "ledger" and plan.tax != store_tax:
        advice = (f"QuickBooks would compute {plan.tax} tax ({plan.how}) where the store charged "
                  f"{store_tax}: check the tax codes mapped to the store's rates, or post this "
                  "pair's tax as a line item (rules set PAIR tax_mode line_item), then retry.")
    else:
        advice = "Check the order's lines in the store, then retry."
    if plan.inclusive and plan.tax != store_tax:  # the same gross total, other tax inside it
        what = (f"QuickBooks would keep {record}'s total of {expected} {document.currency} "
                "but book a different tax inside it")
    else:
        what = (f"QuickBooks would total {record} at {predicted} {document.currency} but the "
                f"store's total is {expected}")
    raise RecordError(RecordProblem(
        "total_mismatch",
        f"{what}; nothing was posted. {advice}",
        [Fix("edit_field", "Change the tax mapping or tax mode"), Fix("retry", "Retry"),
         Fix("ignore", "Ignore this record")],
        detail=f"predicted={predicted} expected={expected} tax={plan.tax} store_tax={store_tax}"))

"""Sales tax on sales forms, as the company's kind decides (reference A2.3).

US companies: lines carry ``TAX``/``NON``. Without Automated Sales Tax the header
``TxnTaxDetail.TxnTaxCodeRef`` picks the (combined) rate and tax is computed on the taxable lines,
before the discount unless ``ApplyTaxAfterDiscount`` is true. With AST the supplied code is
replaced by the one for the ship-to state (:data:`.profiles.AST_STATE_CODES`). An explicit
``TxnTaxDetail.TotalTax`` is honoured and prorated across the code's rates (always with AST; in a
non-AST company while ``Company.honour_explicit_tax`` is true, the default: the reference leaves
this [?], so it is a switch). Without AST and without a ``TxnTaxCodeRef`` there is no tax (an
explicit TotalTax alone is dropped). A state with no nexus gets the 0 % "Out of state" code; an
explicit amount there lands on that rate. Sales tax off: ``TxnTaxDetail`` is ignored.

Other countries: every item line needs a real TaxCode (6000 "Make sure all your transactions
have a VAT rate before you save." otherwise); ``GlobalTaxCalculation`` is ``TaxExcluded``
(default), ``TaxInclusive`` (line amounts include tax: the line's ``TaxInclusiveAmt`` if given,
else its ``Amount``; QBO answers with the net ``Amount`` and ``TaxInclusiveAmt``, as in captured
AU/CA invoices) or ``NotApplicable``. The discount always reduces the taxable base, spread over
the codes in proportion to their amounts. Tax-exclusive forms keep an explicit tax while
``honour_explicit_tax`` is on: ``TxnTaxDetail.TaxLine`` amounts per ``TaxRateRef``, or a bare
``TotalTax`` spread over the rates in proportion to their computed tax (the reference: "for
global-locale invoices, when updating line Amounts remove TxnTaxDetail", i.e. a stale one is kept).
Tax-inclusive forms are always computed.

Rounding: half-up to the cent, once per tax rate on its taxable base (tax-exclusive), or once per
line for the net of a tax-inclusive amount (tax = gross - net, so the total is the gross exactly,
as the captured 450.00 = 409.09 + 40.91 invoice shows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import faults
from .company import Company, Record, cents, money, num
from .profiles import AST_OUT_OF_STATE, AST_STATE_CODES, US_PSEUDO_CODES
from .validation import decimal_field, ref_value, resolve_ref

GLOBAL_TAX = ("TaxExcluded", "TaxInclusive", "NotApplicable")
UNIT_PRICE = Decimal("0.0000001")


@dataclass
class ItemLine:
    """One SalesItemLine as validated: its output detail/line (adjusted in place for
    tax-inclusive amounts), the amount as supplied, the line's tax code and quantity."""

    line: dict[str, Any]
    detail: dict[str, Any]
    amount: Decimal
    code: str | None
    qty: Decimal | None


@dataclass
class Totals:
    """What the tax rules make of a form: lines to append and the header figures."""

    subtotal: Decimal
    discount_lines: list[dict[str, Any]]
    tax_detail: dict[str, Any]
    tax: Decimal
    total: Decimal
    header: dict[str, Any] = field(default_factory=dict)


def check_line_code(company: Company, code: str | None) -> str | None:
    """US: TAX/NON only (missing means NON). Elsewhere the code is checked in :func:`totals`."""
    if company.is_us:
        code = code or "NON"
        if code not in US_PSEUDO_CODES:
            raise faults.invalid_reference("TaxCodes", code)
    return code


def totals(company: Company, inp: dict[str, Any], lines: list[ItemLine],
           discounts: list[dict[str, Any]], customer: Record | None) -> Totals:
    """Subtotal, discounts, tax and total of a sales form under the company's tax rules."""
    if company.is_us:
        return _us(company, inp, lines, discounts, customer)
    return _global(company, inp, lines, discounts)


# ----------------------------------------------------------------------------- helpers
def _discount(company: Company, raw: dict[str, Any], base: Decimal
              ) -> tuple[dict[str, Any], Decimal]:
    """A discount line's output and amount (percent of ``base``, or the supplied Amount)."""
    detail = raw.get("DiscountLineDetail") or {}
    percent_based = bool(detail.get("PercentBased", False))
    if percent_based and detail.get("DiscountPercent") is not None:
        pct = decimal_field("DiscountPercent", detail["DiscountPercent"])
        amount = cents(base * pct / 100)
    elif raw.get("Amount") is not None:
        amount = decimal_field("Line.Amount", raw["Amount"])
    else:
        raise faults.required("Line.Amount")
    if amount < 0:
        raise faults.business("Discount amount must be positive.", element="Line.Amount")
    account = resolve_ref(company, detail, "DiscountAccountRef", "Account") or \
        company.find_by_name("Account", "Discounts given")
    out_detail: dict[str, Any] = {"PercentBased": percent_based}
    if percent_based and detail.get("DiscountPercent") is not None:
        out_detail["DiscountPercent"] = detail["DiscountPercent"]
    if account is not None:
        out_detail["DiscountAccountRef"] = company.ref("Account", account.id)
    return ({"Amount": num(amount), "DetailType": "DiscountLineDetail",
             "DiscountLineDetail": out_detail}, amount)


def code_rates(company: Company, code_id: str) -> list[tuple[str, Decimal]]:
    """(TaxRate Id, percent) of a TaxCode's sales rates."""
    code = company.get("TaxCode", code_id)
    if code is None:
        return []
    out = []
    for detail in (code.data.get("SalesTaxRateList") or {}).get("TaxRateDetail") or []:
        rate_id = str(detail["TaxRateRef"]["value"])
        rate = company.get("TaxRate", rate_id)
        if rate is not None:
            out.append((rate_id, money(rate.data.get("RateValue", 0))))
    return out


def _split(amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """``amount`` in cents across ``weights`` (half-up; the last share takes the remainder)."""
    if not weights:
        return []
    whole = sum(weights, Decimal(0))
    shares = []
    for weight in weights[:-1]:
        shares.append(cents(amount * weight / whole) if whole else Decimal(0))
    shares.append(amount - sum(shares, Decimal(0)))
    return shares


def _tax_line(rate_id: str, pct: Decimal, base: Decimal, amount: Decimal) -> dict[str, Any]:
    return {"Amount": num(amount), "DetailType": "TaxLineDetail",
            "TaxLineDetail": {"TaxRateRef": {"value": rate_id}, "PercentBased": True,
                              "TaxPercent": num(pct), "NetAmountTaxable": num(base)}}


def _explicit_total(inp: dict[str, Any]) -> Decimal | None:
    detail = inp.get("TxnTaxDetail") or {}
    if not isinstance(detail, dict):
        raise faults.invalid_property("TxnTaxDetail")
    if detail.get("TotalTax") is None:
        return None
    return decimal_field("TxnTaxDetail.TotalTax", detail["TotalTax"])


# ---------------------------------------------------------------------------------- US
def ast_code(company: Company, inp: dict[str, Any], customer: Record | None) -> str:
    """The code Automated Sales Tax assigns: ship-to state, then bill-to, then the company's."""
    sources = [inp.get("ShipAddr"), customer.data.get("ShipAddr") if customer else None,
               inp.get("BillAddr"), customer.data.get("BillAddr") if customer else None,
               company.profile.address]
    for addr in sources:
        if isinstance(addr, dict) and addr.get("CountrySubDivisionCode"):
            state = str(addr["CountrySubDivisionCode"]).strip().upper()
            return AST_STATE_CODES.get(state, AST_OUT_OF_STATE)
    return AST_OUT_OF_STATE


def _us(company: Company, inp: dict[str, Any], lines: list[ItemLine],
        discount_raw: list[dict[str, Any]], customer: Record | None) -> Totals:
    subtotal = cents(sum((il.amount for il in lines), Decimal(0)))
    built = [_discount(company, raw, subtotal) for raw in discount_raw]
    discount = sum((amount for _, amount in built), Decimal(0))
    after = bool(inp.get("ApplyTaxAfterDiscount", False))
    header = {"ApplyTaxAfterDiscount": after}
    explicit = _explicit_total(inp)
    code_id = ref_value(inp.get("TxnTaxDetail") or {}, "TxnTaxCodeRef")
    ast = company.profile.automated_sales_tax
    if not company.pref("TaxPrefs", "UsingSalesTax", False):
        code_id = None
    elif ast:
        code_id = ast_code(company, inp, customer)
    if code_id is None:
        return Totals(subtotal, [line for line, _ in built], {"TotalTax": 0}, Decimal(0),
                      subtotal - discount, header)
    code = company.get("TaxCode", code_id)
    if code is None or code.deleted or code_id in US_PSEUDO_CODES:
        raise faults.invalid_reference("TaxCodes", code_id)
    taxable = cents(sum((il.amount for il in lines if il.code == "TAX"), Decimal(0)))
    base = taxable
    if after and subtotal:
        base = cents(taxable - discount * taxable / subtotal)
    rates = code_rates(company, code_id)
    if explicit is not None and (ast or company.honour_explicit_tax):
        amounts = _split(explicit, [pct for _, pct in rates] if any(
            pct for _, pct in rates) else [Decimal(1)] * len(rates))
    else:
        amounts = [cents(base * pct / 100) for _, pct in rates]
    tax = sum(amounts, Decimal(0))
    detail: dict[str, Any] = {"TxnTaxCodeRef": {"value": code_id}, "TotalTax": num(tax)}
    if rates:
        detail["TaxLine"] = [_tax_line(rid, pct, base, amount)
                             for (rid, pct), amount in zip(rates, amounts, strict=True)]
    return Totals(subtotal, [line for line, _ in built], detail, tax,
                  subtotal - discount + tax, header)


# ------------------------------------------------------------------------------ global
def _line_code(company: Company, il: ItemLine) -> str:
    missing = faults.business(f"Make sure all your transactions have a "
                              f"{company.profile.tax_word} rate before you save.",
                              element="Line.SalesItemLineDetail.TaxCodeRef")
    if il.code is None or il.code in US_PSEUDO_CODES:
        raise missing
    code = company.get("TaxCode", il.code)
    if code is None or code.deleted:
        raise faults.invalid_reference("TaxCodes", il.code)
    return il.code


def _explicit_rates(inp: dict[str, Any], taxes: dict[str, Decimal],
                    bases: dict[str, Decimal]) -> dict[str, Decimal]:
    """Supplied per-rate amounts (TaxLine) or a supplied TotalTax, over the computed rates."""
    given: dict[str, Decimal] = {}
    for tax_line in (inp.get("TxnTaxDetail") or {}).get("TaxLine") or []:
        rate_id = ref_value(tax_line.get("TaxLineDetail") or {}, "TaxRateRef")
        if rate_id in taxes and tax_line.get("Amount") is not None:
            given[rate_id] = decimal_field("TaxLine.Amount", tax_line["Amount"])
    if given:
        return {rid: given.get(rid, amount) for rid, amount in taxes.items()}
    total = _explicit_total(inp)
    if total is None or not taxes:
        return taxes
    weights = list(taxes.values())
    if not any(weights):
        weights = list(bases.values()) if any(bases.values()) else [Decimal(1)] * len(bases)
    return dict(zip(taxes, _split(total, weights), strict=True))


def _global(company: Company, inp: dict[str, Any], lines: list[ItemLine],
            discount_raw: list[dict[str, Any]]) -> Totals:
    mode = str(inp.get("GlobalTaxCalculation") or "TaxExcluded")
    if mode not in GLOBAL_TAX:
        raise faults.invalid_property(f"GlobalTaxCalculation={mode}")
    header = {"GlobalTaxCalculation": mode}
    if mode == "NotApplicable":
        subtotal = cents(sum((il.amount for il in lines), Decimal(0)))
        built = [_discount(company, raw, subtotal) for raw in discount_raw]
        discount = sum((amount for _, amount in built), Decimal(0))
        return Totals(subtotal, [line for line, _ in built], {"TotalTax": 0}, Decimal(0),
                      subtotal - discount, header)
    codes = [_line_code(company, il) for il in lines]
    inclusive = mode == "TaxInclusive"
    gross: dict[str, Decimal] = {}
    net: dict[str, Decimal] = {}
    for il, code in zip(lines, codes, strict=True):
        amount = il.amount
        if inclusive:
            given = il.detail.get("TaxInclusiveAmt")
            amount = decimal_field("TaxInclusiveAmt", given) if given is not None else amount
            pct = sum((p for _, p in code_rates(company, code)), Decimal(0))
            line_net = cents(amount * 100 / (100 + pct))
            il.line["Amount"] = num(line_net)
            il.detail["TaxInclusiveAmt"] = num(amount)
            if il.qty:
                il.detail["UnitPrice"] = num((line_net / il.qty).quantize(UNIT_PRICE))
        else:
            line_net = amount
        gross[code] = gross.get(code, Decimal(0)) + amount
        net[code] = net.get(code, Decimal(0)) + line_net
    order = list(net)
    weights = [gross[c] for c in order]
    built = [_discount(company, raw, sum(weights, Decimal(0))) for raw in discount_raw]
    discount = sum((amount for _, amount in built), Decimal(0))
    shares = dict(zip(order, _split(discount, weights), strict=True))
    bases: dict[str, Decimal] = {}
    rate_pct: dict[str, Decimal] = {}
    taxes: dict[str, Decimal] = {}
    net_discount = Decimal(0)
    for code in order:
        rates = code_rates(company, code)
        pct = sum((p for _, p in rates), Decimal(0))
        if inclusive:
            code_discount = cents(shares[code] * 100 / (100 + pct))
            after = net[code] - code_discount
            code_tax = gross[code] - shares[code] - after
            net_discount += code_discount
        else:
            after = net[code] - shares[code]
            code_tax = Decimal(0)
        split = _split(code_tax, [p for _, p in rates] if pct else [Decimal(1)] * len(rates))
        for (rate_id, rate), part in zip(rates, split, strict=True):
            bases[rate_id] = bases.get(rate_id, Decimal(0)) + after
            rate_pct[rate_id] = rate
            taxes[rate_id] = taxes.get(rate_id, Decimal(0)) + part
    if not inclusive:
        taxes = {rid: cents(bases[rid] * rate_pct[rid] / 100) for rid in bases}
        if company.honour_explicit_tax:
            taxes = _explicit_rates(inp, taxes, bases)
        net_discount = discount
    net_parts = _split(net_discount, [amount for _, amount in built])
    for (line, _), part in zip(built, net_parts, strict=True):
        line["Amount"] = num(part)
    tax = sum(taxes.values(), Decimal(0))
    subtotal = sum(net.values(), Decimal(0))
    detail: dict[str, Any] = {"TotalTax": num(tax)}
    if bases:
        detail["TaxLine"] = [_tax_line(rid, rate_pct[rid], bases[rid], taxes[rid])
                             for rid in bases]
    total = subtotal - net_discount + tax
    return Totals(subtotal, [line for line, _ in built], detail, tax, total, header)

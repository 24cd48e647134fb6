"""Sales forms: SalesReceipt, Invoice, RefundReceipt, CreditMemo.

``build_sales_form`` validates an input (create body or merged update body) and returns the
entity as QBO returns it plus its side effects (inventory quantity deltas). Totals are always
computed here; supplied ``TotalAmt``/``Balance``/``TotalTax`` are ignored (reference A2.3).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from . import faults
from .company import EXCHANGE_RATES, TXN_TYPE_TEXT, Company, Record, cents, money, num
from .validation import (
    check_address,
    check_currency,
    check_length,
    check_not_closed,
    decimal_field,
    parse_date,
    ref_value,
    resolve,
    resolve_ref,
)

#: Inventory direction: a sale takes stock out, a refund or credit puts it back.
QTY_SIGN = {"SalesReceipt": -1, "Invoice": -1, "RefundReceipt": 1, "CreditMemo": 1}
US_LINE_TAX_CODES = ("TAX", "NON")
PASS_THROUGH = ("PrivateNote", "CustomerMemo", "BillEmail", "ShipDate", "TrackingNum",
                "ClassRef", "DepartmentRef", "PaymentRefNum", "CustomField", "ShipMethodRef",
                "PONumber", "FOB", "SalesRepRef", "GlobalTaxCalculation")

Effects = dict[str, dict[str, str]]


def _doc_number(company: Company, entity: str, inp: dict[str, Any], record: Record | None,
                options: set[str]) -> str | None:
    doc = inp.get("DocNumber")
    if doc in (None, ""):
        if company.pref("SalesFormsPrefs", "CustomTxnNumbers", True):
            return None
        numbers = [int(r.data["DocNumber"]) for r in company.live(entity)
                   if str(r.data.get("DocNumber", "")).isdigit()]
        return str(max(numbers, default=1000) + 1)
    doc = str(doc)
    check_length("DocNumber", doc, 21)
    if "allowduplicatedocnum" not in options:
        for other in company.live(entity):
            if record is not None and other.id == record.id:
                continue
            if str(other.data.get("DocNumber", "")).casefold() == doc.casefold():
                raise faults.duplicate_docnumber(doc, TXN_TYPE_TEXT[entity], other.id)
    return doc


def _currency(company: Company, inp: dict[str, Any], customer: Record | None) -> str:
    customer_currency = (customer.data.get("CurrencyRef", {}).get("value")
                         if customer else None) or company.home_currency
    code = ref_value(inp, "CurrencyRef") or customer_currency
    check_currency(company, code)
    if code != customer_currency:
        raise faults.business(
            f"The transaction currency ({code}) must match the currency of the customer "
            f"({customer_currency}).", element="CurrencyRef")
    return code


def _item_line(company: Company, entity: str, raw: dict[str, Any], qty_effects: dict[str, Decimal]
               ) -> tuple[dict[str, Any] | None, Decimal, bool]:
    """One SalesItemLine: (output detail, amount, taxable) or None for a documentation line."""
    detail = raw.get("SalesItemLineDetail") or {}
    if not isinstance(detail, dict):
        raise faults.invalid_property("Line.SalesItemLineDetail")
    item_id = ref_value(detail, "ItemRef")
    if item_id is None:
        return None, Decimal(0), False
    if item_id in ("SHIPPING_ITEM_ID", "GRATUITY_ITEM_ID") and company.pref(
            "SalesFormsPrefs", "AllowShipping", False):
        item_ref: dict[str, Any] = {"value": item_id}
        item = None
    else:
        item = resolve(company, "Item", item_id)
        item_ref = company.ref("Item", item.id)
    if raw.get("Amount") is None:
        raise faults.required("Line.Amount")
    amount = decimal_field("Line.Amount", raw["Amount"])
    qty = decimal_field("Qty", detail["Qty"]) if detail.get("Qty") is not None else None
    price = (decimal_field("UnitPrice", detail["UnitPrice"])
             if detail.get("UnitPrice") is not None else None)
    if qty is not None and price is not None and cents(qty * price) != cents(amount):
        raise faults.business(
            f"Amount is not equal to UnitPrice * Qty. Supplied value:{raw['Amount']}",
            element="Line.Amount")
    tax_code = ref_value(detail, "TaxCodeRef") or "NON"
    if tax_code not in US_LINE_TAX_CODES:
        raise faults.invalid_reference("TaxCodes", tax_code)
    if item is not None and item.data.get("Type") == "Inventory":
        used = qty if qty is not None else Decimal(1)
        qty_effects[item.id] = qty_effects.get(item.id, Decimal(0)) + QTY_SIGN[entity] * used
    out = {k: v for k, v in detail.items() if k not in ("ItemRef", "TaxCodeRef")}
    out = {"ItemRef": item_ref, **out, "TaxCodeRef": {"value": tax_code}}
    return out, amount, tax_code == "TAX"


def _discount_line(company: Company, raw: dict[str, Any], subtotal: Decimal
                   ) -> tuple[dict[str, Any], Decimal]:
    detail = raw.get("DiscountLineDetail") or {}
    percent_based = bool(detail.get("PercentBased", False))
    if percent_based and detail.get("DiscountPercent") is not None:
        pct = decimal_field("DiscountPercent", detail["DiscountPercent"])
        amount = cents(subtotal * pct / 100)
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


def _tax(company: Company, inp: dict[str, Any], taxable: Decimal, subtotal: Decimal,
         discount: Decimal) -> tuple[dict[str, Any], Decimal]:
    detail = inp.get("TxnTaxDetail") or {}
    if not isinstance(detail, dict):
        raise faults.invalid_property("TxnTaxDetail")
    code_id = ref_value(detail, "TxnTaxCodeRef")
    if code_id is None or not company.pref("TaxPrefs", "UsingSalesTax", False):
        return {"TotalTax": 0}, Decimal(0)
    code = company.get("TaxCode", code_id)
    if code is None or code.deleted:
        raise faults.invalid_reference("TaxCodes", code_id)
    base = taxable
    if inp.get("ApplyTaxAfterDiscount") and subtotal:
        base = cents(taxable - discount * taxable / subtotal)
    tax_lines: list[dict[str, Any]] = []
    total = Decimal(0)
    rates = (code.data.get("SalesTaxRateList") or {}).get("TaxRateDetail") or []
    for rate_detail in rates:
        rate_id = str(rate_detail["TaxRateRef"]["value"])
        rate_rec = company.get("TaxRate", rate_id)
        if rate_rec is None:
            continue
        pct = money(rate_rec.data.get("RateValue", 0))
        amount = cents(base * pct / 100)
        total += amount
        tax_lines.append({"Amount": num(amount), "DetailType": "TaxLineDetail",
                          "TaxLineDetail": {"TaxRateRef": {"value": rate_id},
                                            "PercentBased": True, "TaxPercent": num(pct),
                                            "NetAmountTaxable": num(base)}})
    out: dict[str, Any] = {"TxnTaxCodeRef": {"value": code_id}, "TotalTax": num(total)}
    if tax_lines:
        out["TaxLine"] = tax_lines
    return out, total


def applied_to_invoice(company: Company, invoice_id: str) -> tuple[Decimal, list[str]]:
    """Total applied to an invoice by live payments, and those payments' ids."""
    total = Decimal(0)
    payments = []
    for pay in company.live("Payment"):
        amount = pay.effects.get("applied", {}).get(invoice_id)
        if amount is not None:
            total += money(amount)
            payments.append(pay.id)
    return total, payments


def build_sales_form(company: Company, entity: str, inp: dict[str, Any], record: Record | None,
                     options: set[str]) -> tuple[dict[str, Any], Effects]:
    """Validate and compute one sales form; returns (entity data, effects)."""
    customer = resolve_ref(company, inp, "CustomerRef", "Customer")
    if customer is None and entity != "SalesReceipt":
        raise faults.required("CustomerRef")
    lines = inp.get("Line")
    if not lines:
        raise faults.required("Line")
    txn_date = str(inp.get("TxnDate") or company.today().isoformat())
    parse_date("TxnDate", txn_date)
    check_not_closed(company, txn_date)
    doc = _doc_number(company, entity, inp, record, options)
    currency = _currency(company, inp, customer)
    check_length("PrivateNote", inp.get("PrivateNote"), 4000)
    check_length("PaymentRefNum", inp.get("PaymentRefNum"), 100)
    for element in ("BillAddr", "ShipAddr"):
        check_address(element, inp.get(element))

    qty_effects: dict[str, Decimal] = {}
    out_lines: list[dict[str, Any]] = []
    discount_raw: list[dict[str, Any]] = []
    subtotal = taxable = Decimal(0)
    used_ids = {str(line.get("Id")) for line in (record.data.get("Line", []) if record else [])}
    next_line = record.next_line_id if record else 1
    for raw in lines:
        kind = raw.get("DetailType")
        if kind == "DiscountLineDetail":
            discount_raw.append(raw)
            continue
        if kind == "SubTotalLineDetail":
            continue
        if kind == "SalesItemLineDetail":
            detail, amount, is_taxable = _item_line(company, entity, raw, qty_effects)
        elif kind == "DescriptionOnly":
            detail, amount, is_taxable = None, Decimal(0), False
        else:
            raise faults.invalid_property(f"Line.DetailType={kind}")
        line_id = str(raw.get("Id", ""))
        if not (line_id.isdigit() and int(line_id) > 0 and line_id in used_ids):
            line_id = str(next_line)
            next_line += 1
        check_length("Line.Description", raw.get("Description"), 4000)
        line: dict[str, Any] = {"Id": line_id, "LineNum": len(out_lines) + 1}
        if raw.get("Description") is not None:
            line["Description"] = raw["Description"]
        if detail is None:
            line.update({"DetailType": "DescriptionOnly", "DescriptionLineDetail": {}})
        else:
            subtotal += amount
            if is_taxable:
                taxable += amount
            line.update({"Amount": num(amount), "DetailType": "SalesItemLineDetail",
                         "SalesItemLineDetail": detail})
        out_lines.append(line)
    subtotal = cents(subtotal)
    discounts = [_discount_line(company, raw, subtotal) for raw in discount_raw]
    discount = sum((amount for _, amount in discounts), Decimal(0))
    tax_detail, tax = _tax(company, inp, cents(taxable), subtotal, discount)
    total = subtotal - discount + tax
    if total < 0:
        raise faults.business("You must set the transaction amount to zero or greater.",
                              element="TotalAmt")

    data: dict[str, Any] = {}
    if doc is not None:
        data["DocNumber"] = doc
    data["TxnDate"] = txn_date[:10]
    data["CurrencyRef"] = company.currency_ref(currency)
    rate = EXCHANGE_RATES.get(currency, Decimal(1))
    if currency != company.home_currency:
        if inp.get("ExchangeRate") is not None:
            rate = decimal_field("ExchangeRate", inp["ExchangeRate"])
        data["ExchangeRate"] = num(rate)
    data.update({k: inp[k] for k in PASS_THROUGH if inp.get(k) is not None})
    if entity == "Invoice":
        _applied, payment_ids = applied_to_invoice(company, record.id) if record else (0, [])
        data["LinkedTxn"] = [{"TxnId": pid, "TxnType": "Payment"} for pid in payment_ids]
    data["Line"] = [*out_lines, {"Amount": num(subtotal), "DetailType": "SubTotalLineDetail",
                                 "SubTotalLineDetail": {}}, *(line for line, _ in discounts)]
    data["TxnTaxDetail"] = tax_detail
    if customer is not None:
        data["CustomerRef"] = company.ref("Customer", customer.id)
        for element in ("BillAddr", "ShipAddr"):
            source = inp.get(element) or customer.data.get(element)
            if source:
                data[element] = dict(source)
    data["TotalAmt"] = num(total)
    if currency != company.home_currency:
        data["HomeTotalAmt"] = num(cents(total * rate))
    data["ApplyTaxAfterDiscount"] = bool(inp.get("ApplyTaxAfterDiscount", False))
    data["PrintStatus"] = inp.get("PrintStatus",
                                  "NeedToPrint" if entity == "Invoice" else "NotSet")
    data["EmailStatus"] = inp.get("EmailStatus", "NotSet")
    _specific(company, entity, inp, data, total, record, txn_date[:10])
    effects: Effects = {"qty": {k: str(v) for k, v in qty_effects.items() if v},
                        "meta": {"next_line_id": str(next_line)}}
    return data, effects


def _specific(company: Company, entity: str, inp: dict[str, Any], data: dict[str, Any],
              total: Decimal, record: Record | None, txn_date: str) -> None:
    """Fields particular to one form type (DueDate, Balance, deposit account...)."""
    method = resolve_ref(company, inp, "PaymentMethodRef", "PaymentMethod")
    if method is not None:
        data["PaymentMethodRef"] = company.ref("PaymentMethod", method.id)
    if entity == "Invoice":
        term = resolve_ref(company, inp, "SalesTermRef", "Term")
        if term is None:
            default = company.pref("SalesFormsPrefs", "DefaultTerms")
            term = company.get("Term", default["value"]) if default else None
        if term is not None:
            data["SalesTermRef"] = company.ref("Term", term.id)
        due_days = int(term.data.get("DueDays", 0)) if term is not None else 0
        due = inp.get("DueDate") or (parse_date("TxnDate", txn_date)
                                     + timedelta(days=due_days)).isoformat()
        parse_date("DueDate", due)
        data["DueDate"] = str(due)[:10]
        applied = applied_to_invoice(company, record.id)[0] if record else Decimal(0)
        if applied > total:
            raise faults.business("The invoice total can't be less than the payments "
                                  "already applied to it.", element="TotalAmt")
        data["Balance"] = num(total - applied)
        data.update({"AllowIPNPayment": False, "AllowOnlinePayment": False,
                     "AllowOnlineCreditCardPayment": False, "AllowOnlineACHPayment": False})
        return
    if entity == "CreditMemo":
        data["Balance"] = num(total)
        data["RemainingCredit"] = num(total)
        return
    data["Balance"] = 0
    account = resolve_ref(company, inp, "DepositToAccountRef", "Account")
    if account is None:
        if entity == "RefundReceipt":
            raise faults.required("DepositToAccountRef")
        account = company.find_by_name("Account", "Undeposited Funds")
    if account is not None:
        data["DepositToAccountRef"] = company.ref("Account", account.id)

"""Sales forms: SalesReceipt, Invoice, RefundReceipt, CreditMemo.

``build_sales_form`` validates an input (create body or merged update body) and returns the
entity as QBO returns it plus its side effects (inventory quantity deltas). Totals are always
computed; supplied ``TotalAmt``/``Balance``/``HomeTotalAmt`` are ignored (reference A2.3); tax
follows the company's rules in :mod:`.tax`. A foreign-currency form keeps the supplied
``ExchangeRate`` (home units per foreign unit) or takes the company's rate for its TxnDate.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from . import faults
from .company import TXN_TYPE_TEXT, Company, Record, cents, money, num
from .tax import ItemLine, check_line_code, totals
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
PASS_THROUGH = ("PrivateNote", "CustomerMemo", "BillEmail", "ShipDate", "TrackingNum",
                "ClassRef", "DepartmentRef", "PaymentRefNum", "CustomField", "ShipMethodRef",
                "PONumber", "FOB", "SalesRepRef")

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
        # one pass over the stored records, unsorted (every create checks: a sorted copy of
        # 10,000 documents per create made the simulator, not the client, pace a big backlog)
        wanted = doc.casefold()
        own_id = record.id if record is not None else None
        holders = [other for other in company.records[entity].values()
                   if not other.deleted and other.id != own_id
                   and str(other.data.get("DocNumber", "")).casefold() == wanted]
        if holders:  # named: the lowest Id holding it, as before
            holder = min(holders, key=lambda r: (int(r.id), "") if r.id.isdigit()
                         else (1 << 60, r.id))
            raise faults.duplicate_docnumber(doc, TXN_TYPE_TEXT[entity], holder.id)
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
               ) -> tuple[dict[str, Any] | None, Decimal, str | None, Decimal | None]:
    """One SalesItemLine: (output detail, amount, tax code, qty); detail None for a
    documentation line."""
    detail = raw.get("SalesItemLineDetail") or {}
    if not isinstance(detail, dict):
        raise faults.invalid_property("Line.SalesItemLineDetail")
    item_id = ref_value(detail, "ItemRef")
    if item_id is None:
        return None, Decimal(0), None, None
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
    tax_code = check_line_code(company, ref_value(detail, "TaxCodeRef"))
    if item is not None and item.data.get("Type") == "Inventory":
        used = qty if qty is not None else Decimal(1)
        qty_effects[item.id] = qty_effects.get(item.id, Decimal(0)) + QTY_SIGN[entity] * used
    out = {k: v for k, v in detail.items() if k not in ("ItemRef", "TaxCodeRef")}
    out = {"ItemRef": item_ref, **out}
    if tax_code is not None:
        out["TaxCodeRef"] = {"value": tax_code}
    return out, amount, tax_code, qty


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
    item_lines: list[ItemLine] = []
    discount_raw: list[dict[str, Any]] = []
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
            detail, amount, code, qty = _item_line(company, entity, raw, qty_effects)
        elif kind == "DescriptionOnly":
            detail, amount, code, qty = None, Decimal(0), None, None
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
            line.update({"Amount": num(amount), "DetailType": "SalesItemLineDetail",
                         "SalesItemLineDetail": detail})
            item_lines.append(ItemLine(line, detail, amount, code, qty))
        out_lines.append(line)
    figures = totals(company, inp, item_lines, discount_raw, customer)
    total = figures.total
    if total < 0:
        raise faults.business("You must set the transaction amount to zero or greater.",
                              element="TotalAmt")

    data: dict[str, Any] = {}
    if doc is not None:
        data["DocNumber"] = doc
    data["TxnDate"] = txn_date[:10]
    data["CurrencyRef"] = company.currency_ref(currency)
    rate = exchange_rate(company, inp, currency, txn_date)
    if currency != company.home_currency:
        data["ExchangeRate"] = num(rate)
    data.update({k: inp[k] for k in PASS_THROUGH if inp.get(k) is not None})
    if entity == "Invoice":
        _applied, payment_ids = applied_to_invoice(company, record.id) if record else (0, [])
        data["LinkedTxn"] = [{"TxnId": pid, "TxnType": "Payment"} for pid in payment_ids]
    data["Line"] = [*out_lines, {"Amount": num(figures.subtotal),
                                 "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}},
                    *figures.discount_lines]
    data["TxnTaxDetail"] = figures.tax_detail
    if customer is not None:
        data["CustomerRef"] = company.ref("Customer", customer.id)
        for element in ("BillAddr", "ShipAddr"):
            source = inp.get(element) or customer.data.get(element)
            if source:
                data[element] = dict(source)
    data["TotalAmt"] = num(total)
    if currency != company.home_currency:
        data["HomeTotalAmt"] = num(cents(total * rate))
    data.update(figures.header)
    data["PrintStatus"] = inp.get("PrintStatus",
                                  "NeedToPrint" if entity == "Invoice" else "NotSet")
    data["EmailStatus"] = inp.get("EmailStatus", "NotSet")
    _specific(company, entity, inp, data, total, record, txn_date[:10])
    if currency != company.home_currency and "Balance" in data:
        data["HomeBalance"] = num(cents(money(data["Balance"]) * rate))
    effects: Effects = {"qty": {k: str(v) for k, v in qty_effects.items() if v},
                        "meta": {"next_line_id": str(next_line)}}
    return data, effects


def exchange_rate(company: Company, inp: dict[str, Any], currency: str, txn_date: str
                  ) -> Decimal:
    """The supplied ``ExchangeRate`` for a foreign currency, else the company's for the date."""
    if currency == company.home_currency:
        return Decimal(1)
    if inp.get("ExchangeRate") is not None:
        rate = decimal_field("ExchangeRate", inp["ExchangeRate"])
        if rate <= 0:
            raise faults.business("The exchange rate must be greater than zero.",
                                  element="ExchangeRate")
        return rate
    return company.exchange_rate(currency, parse_date("TxnDate", txn_date))


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

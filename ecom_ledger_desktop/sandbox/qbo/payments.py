"""Payment (receive payment): applies amounts to invoices through ``Line[].LinkedTxn``.

A foreign-currency payment keeps its ``ExchangeRate`` (supplied, else the company's rate for the
date); the ledger settles A/R at each invoice's own rate, the difference being exchange gain/loss.

The invoice side (Balance drops, ``LinkedTxn`` back-reference to the payment) is applied by
:mod:`.operations` from the effects returned here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from . import faults
from .company import Company, Record, money, num
from .sales import Effects, exchange_rate
from .validation import (
    check_currency,
    check_length,
    check_not_closed,
    decimal_field,
    parse_date,
    ref_value,
    resolve_ref,
)

PASS_THROUGH = ("PrivateNote", "PaymentRefNum", "DocNumber", "CustomField")


def build_payment(company: Company, inp: dict[str, Any], record: Record | None,
                  options: set[str]) -> tuple[dict[str, Any], Effects]:
    """Validate a Payment and compute its application to invoices."""
    del options
    customer = resolve_ref(company, inp, "CustomerRef", "Customer")
    if customer is None:
        raise faults.required("CustomerRef")
    if inp.get("TotalAmt") is None:
        raise faults.required("TotalAmt")
    total = decimal_field("TotalAmt", inp["TotalAmt"])
    if total < 0:
        raise faults.business("You must set the transaction amount to zero or greater.",
                              element="TotalAmt")
    txn_date = str(inp.get("TxnDate") or company.today().isoformat())
    parse_date("TxnDate", txn_date)
    check_not_closed(company, txn_date)
    check_length("PaymentRefNum", inp.get("PaymentRefNum"), 21)
    check_length("PrivateNote", inp.get("PrivateNote"), 4000)
    customer_currency = customer.data.get("CurrencyRef", {}).get("value", company.home_currency)
    currency = ref_value(inp, "CurrencyRef") or customer_currency
    check_currency(company, currency)
    if currency != customer_currency:
        raise faults.business(
            f"The transaction currency ({currency}) must match the currency of the customer "
            f"({customer_currency}).", element="CurrencyRef")
    previous = {k: money(v) for k, v in (record.effects.get("applied", {}) if record else {}
                                         ).items()}
    applied: dict[str, Decimal] = {}
    out_lines: list[dict[str, Any]] = []
    for raw in inp.get("Line") or []:
        if not isinstance(raw, dict) or raw.get("Amount") is None:
            raise faults.required("Line.Amount")
        amount = decimal_field("Line.Amount", raw["Amount"])
        links = raw.get("LinkedTxn") or []
        if not isinstance(links, list) or not links:
            raise faults.required("Line.LinkedTxn")
        link = links[0]
        txn_type = link.get("TxnType")
        txn_id = str(link.get("TxnId", ""))
        if txn_type != "Invoice":
            raise faults.business(f"Applying a payment to a {txn_type} is not supported.",
                                  element="Line.LinkedTxn")
        invoice = company.get("Invoice", txn_id)
        if invoice is None or invoice.deleted:
            raise faults.object_not_found()
        if invoice.data.get("CustomerRef", {}).get("value") != customer.id:
            raise faults.business("The invoice you're applying this payment to belongs to a "
                                  "different customer.", element="Line.LinkedTxn")
        open_balance = money(invoice.data.get("Balance", 0)) + previous.get(txn_id, Decimal(0)) \
            - applied.get(txn_id, Decimal(0))
        if amount > open_balance:
            raise faults.business(
                f"The payment amount {amount} is more than the open balance {open_balance} of "
                f"invoice {invoice.data.get('DocNumber', invoice.id)}.", element="Line.Amount")
        applied[txn_id] = applied.get(txn_id, Decimal(0)) + amount
        out_lines.append({"Amount": num(amount),
                          "LinkedTxn": [{"TxnId": txn_id, "TxnType": "Invoice"}]})
    used = sum(applied.values(), Decimal(0))
    if used > total:
        raise faults.business("The amount applied to invoices is more than the payment total.",
                              element="TotalAmt")
    data: dict[str, Any] = {"TxnDate": txn_date[:10],
                            "CurrencyRef": company.currency_ref(currency)}
    if currency != company.home_currency:
        data["ExchangeRate"] = num(exchange_rate(company, inp, currency, txn_date))
    data.update({k: inp[k] for k in PASS_THROUGH if inp.get(k) is not None})
    data["Line"] = out_lines
    data["CustomerRef"] = company.ref("Customer", customer.id)
    account = resolve_ref(company, inp, "DepositToAccountRef", "Account") or \
        company.find_by_name("Account", "Undeposited Funds")
    if account is not None:
        data["DepositToAccountRef"] = company.ref("Account", account.id)
    method = resolve_ref(company, inp, "PaymentMethodRef", "PaymentMethod")
    if method is not None:
        data["PaymentMethodRef"] = company.ref("PaymentMethod", method.id)
    data.update({"TotalAmt": num(total), "UnappliedAmt": num(total - used),
                 "ProcessPayment": False})
    return data, {"applied": {k: str(v) for k, v in applied.items()}}

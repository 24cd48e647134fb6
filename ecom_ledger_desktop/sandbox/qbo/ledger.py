"""The general ledger behind the stored transactions: what each one posts, in home currency.

Every live, unvoided transaction becomes balanced postings (debit positive) on its TxnDate:

- SalesReceipt / Invoice: each item line credits the item's income account (a "Gift Card" item
  credits the Gift Card Liability, a "Sales Tax" item the tax account: whatever the item's
  ``IncomeAccountRef`` is); discount lines debit their discount account; each ``TaxLine``
  credits the profile's tax account (Sales Tax Payable, VAT Control...); the total debits the
  deposit account (receipt) or A/R (invoice). Inventory lines also move cost (item
  ``PurchaseCost`` x qty) from the asset account to cost of goods sold.
- RefundReceipt / CreditMemo: the same with every sign reversed (the refund is paid from the
  deposit account; a credit memo reduces A/R).
- Payment: the deposit account is debited at the payment's rate; A/R is credited at each paid
  invoice's rate, so a rate change lands in "Exchange Gain or Loss".

Home amounts are line amount x ExchangeRate rounded half-up to the cent; a cent left over by that
rounding also goes to "Exchange Gain or Loss" so every transaction balances.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from .company import Company, Record, cents, money

SIGN = {"SalesReceipt": 1, "Invoice": 1, "RefundReceipt": -1, "CreditMemo": -1}
FX_ACCOUNT = "Exchange Gain or Loss"


@dataclass(frozen=True)
class Posting:
    """One line of the general ledger (home currency, debit positive)."""

    txn_type: str
    txn_id: str
    txn_date: date
    account_id: str
    amount: Decimal


def is_voided(record: Record) -> bool:
    """A transaction voided through the API (its amounts are zero)."""
    return bool(record.effects.get("meta", {}).get("voided"))


def rate_of(data: dict[str, Any]) -> Decimal:
    """Home units per unit of the transaction's currency (1 for home currency)."""
    return money(data.get("ExchangeRate", 1))


def _account_id(company: Company, name: str) -> str:
    rec = company.find_by_name("Account", name)
    return rec.id if rec is not None else name


def _ref(data: dict[str, Any], key: str) -> str | None:
    ref = data.get(key)
    return str(ref["value"]) if isinstance(ref, dict) and ref.get("value") else None


def _item_lines(company: Company, data: dict[str, Any], sign: int, rate: Decimal
                ) -> list[tuple[str, Decimal]]:
    """(account id, home debit) for the item and discount lines of a sales form."""
    out: list[tuple[str, Decimal]] = []
    for line in data.get("Line", []):
        kind = line.get("DetailType")
        amount = cents(money(line.get("Amount", 0)) * rate)
        if kind == "DiscountLineDetail":
            account = _ref(line["DiscountLineDetail"], "DiscountAccountRef")
            out.append((account or _account_id(company, "Discounts given"), sign * amount))
            continue
        if kind != "SalesItemLineDetail":
            continue
        detail = line["SalesItemLineDetail"]
        item_id = _ref(detail, "ItemRef") or ""
        item = company.get("Item", item_id)
        if item is None:  # SHIPPING_ITEM_ID and friends
            out.append((_account_id(company, "Shipping Income"), -sign * amount))
            continue
        income = _ref(item.data, "IncomeAccountRef") or _account_id(company, "Services")
        out.append((income, -sign * amount))
        cost = money(item.data.get("PurchaseCost", 0))
        if item.data.get("Type") == "Inventory" and cost:
            moved = cents(cost * money(detail.get("Qty", 1)))
            out.append((_ref(item.data, "ExpenseAccountRef") or "", sign * moved))
            out.append((_ref(item.data, "AssetAccountRef") or "", -sign * moved))
    return out


def _sales_form(company: Company, rec: Record) -> list[tuple[str, Decimal]]:
    data = rec.data
    sign = SIGN[rec.entity]
    rate = rate_of(data)
    out = _item_lines(company, data, sign, rate)
    tax_account = _account_id(company, company.profile.tax_account)
    for tax_line in (data.get("TxnTaxDetail") or {}).get("TaxLine", []):
        out.append((tax_account, -sign * cents(money(tax_line.get("Amount", 0)) * rate)))
    total = money(data.get("HomeTotalAmt", data.get("TotalAmt", 0)))
    if rec.entity in ("Invoice", "CreditMemo"):
        debit = _account_id(company, "Accounts Receivable (A/R)")
    else:
        debit = _ref(data, "DepositToAccountRef") or _account_id(company, "Undeposited Funds")
    out.append((debit, sign * total))
    return out


def _payment(company: Company, rec: Record) -> list[tuple[str, Decimal]]:
    data = rec.data
    rate = rate_of(data)
    deposit = _ref(data, "DepositToAccountRef") or _account_id(company, "Undeposited Funds")
    receivable = _account_id(company, "Accounts Receivable (A/R)")
    out = [(deposit, cents(money(data.get("TotalAmt", 0)) * rate))]
    for invoice_id, text in rec.effects.get("applied", {}).items():
        invoice = company.get("Invoice", invoice_id)
        inv_rate = rate_of(invoice.data) if invoice is not None else rate
        out.append((receivable, -cents(money(text) * inv_rate)))
    out.append((receivable, -cents(money(data.get("UnappliedAmt", 0)) * rate)))
    return out


def postings(company: Company) -> list[Posting]:
    """Every posting of every live, unvoided transaction, in Id order."""
    out: list[Posting] = []
    fx = _account_id(company, FX_ACCOUNT)
    for entity in ("SalesReceipt", "Invoice", "RefundReceipt", "CreditMemo", "Payment"):
        for rec in company.live(entity):
            if is_voided(rec):
                continue
            lines = _payment(company, rec) if entity == "Payment" else _sales_form(company, rec)
            residual = sum((amount for _, amount in lines), Decimal(0))
            if residual:
                lines.append((fx, -residual))
            when = date.fromisoformat(str(rec.data.get("TxnDate"))[:10])
            out += [Posting(entity, rec.id, when, account, amount)
                    for account, amount in lines if amount]
    return out

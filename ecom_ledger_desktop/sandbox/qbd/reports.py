"""The accountant's view of the simulated company, for the month-end audit.

``tax_liability`` is what QuickBooks' Sales Tax Liability report shows: tax collected on sales
receipts and invoices less tax on credit memos, per sales tax item (or per tax agency), from the
Sales Tax item lines and the forms' own tax, in home currency. ``account_balance`` follows the
postings each form makes (deposit or A/R, income per item account, Sales Tax Payable, cost of
goods at average cost; a refund paid out of a credit memo moves A/R back up and the money out of
the account it was paid from); ``open_receivables`` lists invoices with something left to pay.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from .state import Company, Record, cents, day

ZERO = Decimal(0)
CREDIT_NORMAL = ("OtherCurrentLiability", "LongTermLiability", "AccountsPayable", "Equity",
                 "Income", "OtherIncome", "CreditCard")
SIGN = {"SalesReceipt": 1, "Invoice": 1, "CreditMemo": -1}
TAX_PAYABLE = "Sales Tax Payable"
REFUND = "ARRefundCreditCard"  # a credit memo's credit paid out
MONEY_MOVES = {"ReceivePayment": 1, REFUND: -1}


@dataclass(frozen=True)
class OpenInvoice:
    """An invoice with a balance on ``as_of``."""

    txn_id: str
    ref_number: str
    customer: str
    txn_date: date
    balance: Decimal


def _rate(record: Record) -> Decimal:
    return Decimal(record.data.get("ExchangeRate") or 1)


class Reports:
    """Figures over one company (every call takes the company lock)."""

    def __init__(self, company: Company) -> None:
        self.company = company

    def tax_liability(self, start: date, end: date, by: str = "item") -> dict[str, Decimal]:
        """Tax on forms dated in [start, end], keyed by sales tax item or (``by="agency"``)
        its tax vendor; credit memos count negative."""
        out: dict[str, Decimal] = {}
        with self.company.lock:
            for record in self.company.all(*SIGN):
                if not start <= day(record.data["TxnDate"]) <= end:
                    continue
                for item, amount in self._tax_parts(record):
                    key = item.name if by == "item" else \
                        str((item.data.get("TaxVendorRef") or {}).get("FullName", "?"))
                    out[key] = out.get(key, ZERO) + SIGN[record.kind] * cents(
                        amount * _rate(record))
        return out

    def _tax_parts(self, record: Record) -> Iterator[tuple[Record, Decimal]]:
        for line in self._lines(record):
            if line.get("_kind") == "ItemSalesTax":
                item = self.company.get("ItemSalesTax", line["ItemRef"]["ListID"])
                if item is not None:
                    yield item, line["Amount"]
        header = record.data.get("ItemSalesTaxRef")
        if header and record.data.get("SalesTaxTotal"):
            item = self.company.get("ItemSalesTax", header["ListID"])
            if item is not None:
                yield item, record.data["SalesTaxTotal"]

    @staticmethod
    def _lines(record: Record) -> list[dict[str, Any]]:
        return next((v for k, v in record.data.items() if k.endswith("LineRet")), [])

    def _income_account(self, line: dict[str, Any]) -> str:
        if not line.get("ItemRef"):
            return "Sales"
        item = self.company.get(line["_kind"], line["ItemRef"]["ListID"])
        if item is None:
            return "Sales"
        if item.kind == "ItemSalesTax":
            return TAX_PAYABLE
        account = item.data.get("IncomeAccountRef") or (item.data.get("SalesOrPurchase") or {}
                                                        ).get("AccountRef") or {}
        return str(account.get("FullName") or "Sales")

    def postings(self) -> Iterator[tuple[date, str, Decimal]]:
        """(date, account, debit-positive home amount) for every form and payment."""
        for record in self.company.all("SalesReceipt", "Invoice", "CreditMemo", "ReceivePayment",
                                       REFUND):
            when, rate, data = day(record.data["TxnDate"]), _rate(record), record.data
            if record.kind in MONEY_MOVES:  # money in (a payment) or out (a refund) against A/R
                amount = MONEY_MOVES[record.kind] * cents(data["TotalAmount"] * rate)
                cash = data.get("DepositToAccountRef") or data.get("RefundFromAccountRef") or {}
                yield when, str(cash.get("FullName", "?")), amount
                yield when, str(data["ARAccountRef"]["FullName"]), -amount
                continue
            sign = SIGN[record.kind]
            total = data["Subtotal"] + data["SalesTaxTotal"]
            debit = data.get("DepositToAccountRef") or data.get("ARAccountRef") or {}
            yield when, str(debit.get("FullName", "?")), sign * cents(total * rate)
            if data["SalesTaxTotal"]:
                yield when, TAX_PAYABLE, -sign * cents(data["SalesTaxTotal"] * rate)
            for line in self._lines(record):
                yield when, self._income_account(line), -sign * cents(line["Amount"] * rate)
                if line.get("_kind") == "ItemInventory" and line.get("Quantity"):
                    item = self.company.get("ItemInventory", line["ItemRef"]["ListID"])
                    if item is None:
                        continue
                    cost = cents(line["Quantity"] * Decimal(item.data.get("AverageCost") or 0))
                    yield when, str((item.data.get("COGSAccountRef") or {}).get(
                        "FullName", "Cost of Goods Sold")), sign * cost
                    yield when, str((item.data.get("AssetAccountRef") or {}).get(
                        "FullName", "Inventory Asset")), -sign * cost

    def account_balance(self, name: str, as_of: date | None = None) -> Decimal:
        """An account's balance on its normal side (credit for liabilities and income)."""
        with self.company.lock:
            account = self.company.named("Account", name)
            if account is None:
                raise KeyError(name)
            total = sum((amount for when, acct, amount in self.postings()
                         if acct.casefold() == name.casefold()
                         and (as_of is None or when <= as_of)), ZERO)
            credit = account.data.get("AccountType") in CREDIT_NORMAL
        return -total if credit else total

    def open_receivables(self, as_of: date | None = None) -> list[OpenInvoice]:
        """Invoices dated by ``as_of`` still unpaid on that date, oldest first."""
        out = []
        with self.company.lock:
            paid: dict[str, Decimal] = {}
            for pay in self.company.all("ReceivePayment"):
                if as_of and day(pay.data["TxnDate"]) > as_of:
                    continue
                for applied in pay.data.get("AppliedToTxnRet", []):
                    paid[applied["TxnID"]] = paid.get(applied["TxnID"], ZERO) - applied["Amount"]
            for inv in self.company.all("Invoice"):
                if as_of and day(inv.data["TxnDate"]) > as_of:
                    continue
                total = inv.data["Subtotal"] + inv.data["SalesTaxTotal"]
                balance = total - paid.get(inv.id, ZERO)
                if balance > 0:
                    out.append(OpenInvoice(inv.id, str(inv.data.get("RefNumber", "")),
                                           str(inv.data["CustomerRef"]["FullName"]),
                                           day(inv.data["TxnDate"]), balance))
        return sorted(out, key=lambda o: (o.txn_date, o.txn_id))

    def customer_balance(self, name: str) -> Decimal:
        """What the customer owes (negative: a credit they still hold), as the Customer
        Balance report shows it."""
        with self.company.lock:
            customer = self.company.named("Customer", name)
            if customer is None:
                raise KeyError(name)
            return Decimal(customer.data.get("Balance", 0))

    def stock(self, item_name: str) -> Decimal:
        """``QuantityOnHand`` of an inventory item."""
        with self.company.lock:
            item = self.company.named("ItemInventory", item_name)
            if item is None:
                raise KeyError(item_name)
            return Decimal(item.data["QuantityOnHand"])

    def documents(self) -> list[dict[str, Any]]:
        """Every sales form, payment and refund paid out: kind, TxnID, RefNumber, Memo, total
        (for verifiers)."""
        with self.company.lock:
            return [{"kind": r.kind, "txn_id": r.id, "ref_number": r.data.get("RefNumber", ""),
                     "memo": r.data.get("Memo") or "", "voided": bool(r.data.get("_voided")),
                     "total": r.data.get("TotalAmount", r.data.get("Subtotal", ZERO) +
                                         r.data.get("SalesTaxTotal", ZERO))}
                    for r in self.company.all("SalesReceipt", "Invoice", "CreditMemo",
                                              "ReceivePayment", REFUND)]

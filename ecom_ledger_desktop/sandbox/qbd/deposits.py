"""Deposits: sales receipts and payments waiting in Undeposited Funds, and the merchant's bank
deposit that takes them out (``ReceivePaymentToDepositQuery`` lists the ones still waiting).

The deposit itself is made in QuickBooks by hand (``deposit``, for tests: the app never deposits),
as the merchant does at the bank; QuickBooks then lists the receipt no more as to be deposited.
"""

from __future__ import annotations

from typing import Any

from .outcome import NO_MATCH, Outcome
from .state import Company, Record

UNDEPOSITED = "Undeposited Funds"


def _waiting(record: Record) -> bool:
    account = (record.data.get("DepositToAccountRef") or {}).get("FullName", "")
    return (str(account).casefold() == UNDEPOSITED.casefold() and not record.data.get("_voided")
            and not record.data.get("_deposited"))


def deposit(company: Company, txn_ids: list[str]) -> None:
    """The merchant deposits these receipts / payments at the bank (in QuickBooks)."""
    with company.lock:
        for record in company.all("SalesReceipt", "ReceivePayment"):
            if record.id in txn_ids:
                record.data["_deposited"] = True
                company.touch(record)


def to_deposit(company: Company, body: dict[str, Any]) -> Outcome:
    """``ReceivePaymentToDepositQuery``: what still waits in Undeposited Funds."""
    rows = []
    for record in company.all("SalesReceipt", "ReceivePayment"):
        if _waiting(record):
            rows.append(("ReceivePaymentToDepositRet", Record(
                "ReceivePaymentToDeposit", record.id, {
                    "TxnID": record.id, "TxnType": record.kind,
                    "CustomerRef": record.data["CustomerRef"], "TxnDate": record.data["TxnDate"],
                    "RefNumber": record.data.get("RefNumber"),
                    "Amount": record.data["TotalAmount"]}, record.created, record.modified)))
    if not rows:
        return Outcome(1, "Info", NO_MATCH, query=True)
    return Outcome(rets=rows, query=True)


HANDLERS = {"ReceivePaymentToDepositQueryRq": to_deposit}

"""Refunds paid out of a credit memo: ``ARRefundCreditCardAdd``/``Query``, ``TxnVoid`` and
``TxnDel`` of one.

A credit memo leaves the customer a credit (their balance goes down, A/R with it); the refund
pays that credit out: each ``RefundAppliedToTxnAdd`` takes ``RefundAmount`` off one credit memo's
``CreditRemaining`` (more than remains is refused, 3210), the customer's balance goes back up,
and the money leaves ``RefundFromAccountRef`` (Undeposited Funds when none is named). A void
zeroes it and gives the credit back to the memos; a delete does the same and leaves only the
deleted log (``TxnDeletedQuery``). A credit memo with a live refund applied cannot be voided
(``sales.txn_void`` asks :func:`refunded_from`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .outcome import Outcome, error, invalid_reference, not_found, number, ref_label
from .state import Company, Record, cents, ref

KIND = "ARRefundCreditCard"
ZERO = Decimal(0)


def _balance(customer: Record, change: Decimal) -> None:
    for key in ("Balance", "TotalBalance"):
        customer.data[key] = cents(Decimal(customer.data.get(key, 0)) + change)


def _named(company: Company, kind: str, data: dict[str, Any], key: str, what: str
           ) -> tuple[Record | None, Outcome | None]:
    if key not in data:
        return None, None
    found = company.resolve(kind, data[key])
    if found is None or found.data.get("IsActive") == "false":
        return None, invalid_reference(what, ref_label(data[key]), KIND)
    return found, None


def refund_add(company: Company, body: dict[str, Any]) -> Outcome:
    """``ARRefundCreditCardAdd``: pay out (part of) the customer's credit memos."""
    data = body["ARRefundCreditCardAdd"]
    customer, failure = _named(company, "Customer", data, "CustomerRef", "Customer")
    if failure or customer is None:
        return failure or error(3140, "A customer is required.")
    account, failure = _named(company, "Account", data, "RefundFromAccountRef", "Account")
    if failure:
        return failure
    method, failure = _named(company, "PaymentMethod", data, "PaymentMethodRef",
                             "Payment Method")
    if failure:
        return failure
    applied: list[tuple[Record, Decimal]] = []
    for item in data.get("RefundAppliedToTxnAdd", []):
        memo = company.get("CreditMemo", str(item["TxnID"]))
        if memo is None or memo.data.get("_voided") or \
                memo.data["CustomerRef"]["ListID"] != customer.id:
            return not_found(str(item["TxnID"]))
        amount = number(item.get("RefundAmount"), ZERO) or ZERO
        remaining = memo.data["CreditRemaining"]
        if amount <= 0 or amount > remaining:
            return error(3210, f'The "RefundAmount" field has an invalid value "{amount}".  '
                               "QuickBooks error message: The refund amount cannot be more "
                               f"than the credit remaining ({remaining}).")
        applied.append((memo, amount))
    if not applied:
        return error(3210, 'The "RefundAppliedToTxnAdd" field is missing.')
    account = account or company.named("Account", "Undeposited Funds")
    receivable = company.named("Account", "Accounts Receivable")
    when = data.get("TxnDate") or company.now().date().isoformat()
    total = sum((amount for _, amount in applied), ZERO)
    rets = []
    for memo, amount in applied:
        memo.data["CreditRemaining"] -= amount
        company.touch(memo)
        rets.append({"TxnID": memo.id, "TxnType": "CreditMemo", "TxnDate": memo.data["TxnDate"],
                     "RefNumber": memo.data.get("RefNumber"),
                     "CreditRemaining": memo.data["CreditRemaining"], "RefundAmount": amount})
    _balance(customer, total)
    company.txn_number += 1
    record = company.add(KIND, {
        "TxnNumber": str(company.txn_number), "CustomerRef": ref(customer),
        "RefundFromAccountRef": ref(account) if account else None,
        "ARAccountRef": ref(receivable) if receivable else None, "TxnDate": when,
        "RefNumber": data.get("RefNumber"), "TotalAmount": cents(total),
        "ExchangeRate": number(data.get("ExchangeRate"), Decimal(1)),
        "PaymentMethodRef": ref(method) if method else None, "Memo": data.get("Memo"),
        "RefundAppliedToTxnRet": rets})
    for memo, amount in applied:  # the memo's link names the refund
        memo.data.setdefault("_linked", []).append(
            {"TxnID": record.id, "TxnType": KIND, "TxnDate": when,
             "RefNumber": data.get("RefNumber"), "LinkType": "AMTTYPE", "Amount": amount})
    return Outcome(rets=[(f"{KIND}Ret", record)])


def refunded_from(company: Company, memo: Record) -> bool:
    """Whether a live refund is applied to the credit memo (it cannot be voided then)."""
    return any(link.get("TxnType") == KIND for link in memo.data.get("_linked", []))


def _take_back(company: Company, record: Record) -> None:
    """The refund no longer pays anything: the memos' credit and the customer's balance back."""
    data = record.data
    for applied in data.get("RefundAppliedToTxnRet", []):
        memo = company.get("CreditMemo", applied["TxnID"])
        if memo is not None:
            memo.data["CreditRemaining"] += applied["RefundAmount"]
            memo.data["_linked"] = [link for link in memo.data.get("_linked", [])
                                    if link["TxnID"] != record.id]
            company.touch(memo)
    customer = company.get("Customer", data["CustomerRef"]["ListID"])
    if customer is not None:
        _balance(customer, -data["TotalAmount"])
    data["RefundAppliedToTxnRet"] = []
    data["TotalAmount"] = ZERO


def void_refund(company: Company, record: Record) -> None:
    """``TxnVoid`` of a refund: zeroed, memo "VOID: …", kept on file."""
    if not record.data.get("_voided"):
        _take_back(company, record)
        record.data["Memo"] = f"VOID: {record.data.get('Memo') or ''}".strip()
        record.data["_voided"] = True
        company.touch(record)


def txn_del(company: Company, body: dict[str, Any]) -> Outcome:
    """``TxnDel`` (refunds): gone but for the deleted log."""
    kind, ident = (str(v[0] if isinstance(v, list) else v)  # ids directly in a …Rq: lists
                   for v in (body["TxnDelType"], body["TxnID"]))
    record = company.get(KIND, ident) if kind == KIND else None
    if record is None:
        return not_found(ident)
    if not record.data.get("_voided"):
        _take_back(company, record)
    company.delete(KIND, ident)
    return Outcome(fields={"TxnDelType": kind, "TxnID": ident,
                           "TimeDeleted": company.local(company.now()),
                           "RefNumber": record.data.get("RefNumber")})


HANDLERS = {"ARRefundCreditCardAddRq": refund_add, "TxnDelRq": txn_del}

"""Before an undo: what QuickBooks Desktop holds that a void would take away with our document
(``UndoCheckingLedger``).

One message set: the company preferences (the closing date), what still waits in Undeposited
Funds, and a query by ``TxnID`` per transaction type (invoices with their linked payments). A
document already voided has no obstacle (its void is a no-op). Obstacles: an invoice with a
payment recorded on it in QuickBooks (QuickBooks refuses to void an invoice with payments
applied; ours are voided first); dated on or before the closing date; a sales receipt or payment
taken out of Undeposited Funds into a bank deposit (``ReceivePaymentToDepositQuery`` no longer
lists it); a sales receipt or credit memo changed in QuickBooks since we posted it (its
``EditSequence`` moved; a credit memo we paid out moves with that refund, like an invoice with its
payments). A refund paid out of a credit memo goes before it, like a payment before its invoice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ecom_ledger_desktop.connectors.base import PostedRef
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import parse, transactions
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.build import Request
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.company import preferences_query
from ecom_ledger_desktop.connectors.ledgers.qbd.retire import Ask

TXN_OF_KIND = {"sales_receipt": "SalesReceipt", "invoice": "Invoice", "credit_memo": "CreditMemo",
               "refund_receipt": "CreditMemo", "payment": "ReceivePayment",
               "refund_payout": "ARRefundCreditCard"}
TOKEN_CHECKED = ("SalesReceipt", "CreditMemo")  # an invoice's version moves with its payments
DEPOSITED = ("SalesReceipt", "ReceivePayment")  # money that goes through Undeposited Funds
UNDEPOSITED = "undeposited funds"


def undo_obstacles(ask: Ask, documents: list[tuple[PostedRef, str]],
                   request_id: str) -> dict[str, str]:
    """See ``UndoCheckingLedger.undo_obstacles``."""
    if not documents:
        return {}
    by_type: dict[str, dict[str, PostedRef]] = {}
    for ref, kind in documents:
        txn = ref.extra.get("txn_kind") or TXN_OF_KIND.get(kind, "ReceivePayment")
        by_type.setdefault(txn, {})[ref.ledger_id] = ref
    requests: list[Request] = [preferences_query(f"{request_id}-prefs"),
                               transactions.to_deposit_query(f"{request_id}-deposit")]
    for txn, refs in by_type.items():
        requests.append(transactions.txn_query(txn, f"{request_id}-{txn}", transactions.TxnQuery(
            txn_id=list(refs), include_linked_txns=True if txn == "Invoice" else None)))
    [prefs, waiting, *found] = ask(*requests, record="the documents to undo")
    books = _Books(_closing_date(prefs), {ret.findtext("TxnID") or "" for ret in waiting.rets})
    obstacles: dict[str, str] = {}
    for (txn, refs), response in zip(by_type.items(), found, strict=True):
        for record in parse.txn_records(response):
            why = _obstacle(txn, record, refs.get(record.txn_id), books)
            if why:
                obstacles[record.txn_id] = why
    return obstacles


@dataclass(frozen=True)
class _Books:
    closing: date | None
    to_deposit: set[str]  # receipts and payments still in Undeposited Funds


def _closing_date(response: parse.Response) -> date | None:
    for ret in response.rets:
        text = (ret.findtext("AccountingPreferences/ClosingDate") or "").strip()
        if text:
            try:
                return date.fromisoformat(text[:10])
            except ValueError:
                return None
    return None


def _obstacle(txn: str, record: parse.TxnRecord, ref: PostedRef | None, books: _Books) -> str:
    if ref is None or record.voided:
        return ""
    closing = books.closing
    ours = set(filter(None, ref.extra.get("payments", "").split(",")))
    by_hand = [txn_id for kind, txn_id in record.links
               if kind == "ReceivePayment" and txn_id not in ours]
    if txn == "Invoice" and by_hand:
        return (f"a payment was recorded on it in QuickBooks (payment {', '.join(by_hand)}); "
                "delete that payment there first, or keep it")
    if closing is not None and record.txn_date is not None and record.txn_date <= closing:
        return (f"the books are closed up to {closing} in QuickBooks and it is dated "
                f"{record.txn_date}; change the closing date there first (Company > Set Closing "
                "Date), or keep it")
    if txn in DEPOSITED and record.deposit_to.casefold() == UNDEPOSITED \
            and record.txn_id not in books.to_deposit:
        return ("it was deposited in QuickBooks (it is no longer in Undeposited Funds); take it "
                "out of the bank deposit there first, or keep it")
    # our own refund paid out of a credit memo moves its version too (its credit remaining)
    if txn in TOKEN_CHECKED and ref.sync_token and record.edit_sequence \
            and record.edit_sequence != ref.sync_token and not (txn == "CreditMemo" and ours):
        return ("it was changed in QuickBooks after it was posted; undoing would void those "
                "changes too. Void it there yourself if you want it gone, or keep it")
    return ""

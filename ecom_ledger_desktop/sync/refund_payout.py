"""A refund's pay-out: the money going back to the buyer, where the refund document leaves a credit.

In a ledger whose refund document is a credit for the customer (QuickBooks Desktop's credit
memo: its kind declares ``refunds_paid_out``), the credit alone would stay open for ever and
receivables would go negative. The store gave the money back, so a refund posted as a refund
receipt is followed by a pay-out of its credit: a posting of its own (op ``payment``, doc kind
``refund_payout``) journaled in the same transaction as the refund document it applies to, sent
once that document is posted, like an invoice's payment (write-ahead, looked up before a resend).
A refund kept as a store credit (``refund_document`` ``credit_memo``) is not paid out.

The money leaves the account the sale's money went to: the payment route's deposit account,
else the refund's (``refund_account``, Undeposited Funds by default), with the refund's payment
method. An undo takes the pay-out back before its refund document (``sync/undo.py``).
"""

from __future__ import annotations

from ecom_ledger_desktop.core.money import dumps
from ecom_ledger_desktop.db.journal_repo import PostingRow
from ecom_ledger_desktop.models.ledger import LedgerCustomer, LedgerPayment, SalesDocument
from ecom_ledger_desktop.sync.context import PairContext

PAYOUT_KIND = "refund_payout"
OPEN_STATES = ("queued", "flagged")


def pays_out(ctx: PairContext, document: SalesDocument) -> bool:
    """Whether a refund document of this pair gets a pay-out of its own."""
    return ctx.refunds_paid_out and document.kind == "refund_receipt"


def is_payout(row: PostingRow) -> bool:
    """Whether a posting is a refund's pay-out."""
    return row.op == "payment" and row.doc_kind == PAYOUT_KIND


def journal_payout(ctx: PairContext, credit_key: str, document: SalesDocument,
                   customer: LedgerCustomer, run_id: int | None,
                   deposit_account: str | None = None) -> str | None:
    """Journal the pay-out of the refund document journaled as ``credit_key`` (its create);
    returns the pay-out's key (None when the pair's ledger needs none). An earlier pay-out not
    sent yet, of a revision replaced before it was posted, is superseded. Call inside the
    transaction that journals the refund document."""
    credit = ctx.state.journal.get(credit_key)
    if credit is None or credit.op != "create" or credit.state != "queued" \
            or not pays_out(ctx, document):
        return None
    journal, pair_id = ctx.state.journal, ctx.pair.id
    rows = journal.for_record(pair_id, credit.record_kind, credit.source_id)
    for old in rows:
        if is_payout(old) and old.state in OPEN_STATES and old.target_key != credit_key:
            journal.mark_state(old.posting_key, "superseded",
                               "its refund changed before it was posted")
    taken = {r.posting_key for r in rows}
    key, generation = ctx.posting_key(credit.record_kind, credit.source_id, "payout"), 1
    while key in taken:  # an undone pay-out keeps its key; one per refund document
        if any(r.posting_key == key and r.target_key == credit_key for r in rows):
            return key
        generation += 1
        key = ctx.posting_key(credit.record_kind, credit.source_id, f"payout.{generation}")
    payout = LedgerPayment(
        customer_key=document.customer_key, invoice_posting_key=credit_key,
        amount=document.total, txn_date=document.txn_date, currency=document.currency,
        deposit_account=deposit_account or document.deposit_account,
        payment_method=document.payment_method, base_currency=document.base_currency,
        base_rate=document.base_rate, refund_payout=True,
        private_note=f"{credit.record_number} paid back. ecom-ledger key: {key}")
    journal.enqueue(
        pair_id=pair_id, posting_key=key, op="payment", doc_kind=PAYOUT_KIND,
        record_kind=credit.record_kind, source_id=credit.source_id,
        record_number=credit.record_number, revision="payout",
        payload=dumps({"payment": payout.model_dump(mode="json"),
                       "customer": customer.model_dump(mode="json")}),
        amount=payout.amount, target_key=credit_key, depends_on=credit.depends_on,
        run_id=run_id)
    ctx.state.runs.audit("journaled", pair_id=pair_id, run_id=run_id,
                         record_kind=credit.record_kind, source_id=credit.source_id,
                         posting_key=key, detail=f"refund paid out {payout.amount} "
                                                 f"{payout.currency}")
    return key

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

import json

from ecom_ledger_desktop.core.money import dumps, loads
from ecom_ledger_desktop.db.journal_repo import PostingRow
from ecom_ledger_desktop.models.ledger import LedgerCustomer, LedgerPayment, SalesDocument
from ecom_ledger_desktop.sync.context import PairContext

PAYOUT_KIND = "refund_payout"
OPEN_STATES = ("queued", "flagged")
DEAD = ("superseded", "ignored")


def pays_out(ctx: PairContext, document: SalesDocument) -> bool:
    """Whether a refund document of this pair gets a pay-out of its own."""
    return ctx.refunds_paid_out and document.kind == "refund_receipt"


def is_payout(row: PostingRow) -> bool:
    """Whether a posting is a refund's pay-out."""
    return row.op == "payment" and row.doc_kind == PAYOUT_KIND


def live_payout(row: PostingRow, rows: list[PostingRow]) -> bool:
    """A posted pay-out that no void takes back (done or on its way)."""
    return is_payout(row) and row.state == "posted" and not any(
        r.op == "void" and r.target_key == row.posting_key and r.state not in DEAD for r in rows)


def payout_account(ctx: PairContext, root_key: str) -> str | None:
    """The account an earlier pay-out of the refund document ``root_key`` was paid from."""
    root = ctx.state.journal.get(root_key)
    rows = ctx.state.journal.for_record(ctx.pair.id, root.record_kind, root.source_id) \
        if root is not None else []
    for payout in reversed([r for r in rows if is_payout(r) and r.target_key == root_key]):
        account = loads(payout.payload)["payment"].get("deposit_account")
        return str(account) if account else None
    return None


def void_payouts(ctx: PairContext, root_key: str, run_id: int | None, why: str) -> str | None:
    """Before the refund document journaled as ``root_key`` changes or is voided: its pay-outs
    taken back (a posted one voided, one not sent yet superseded); returns the key of the void
    the change must wait for (None: nothing was paid out). Call inside a transaction."""
    journal = ctx.state.journal
    root = journal.get(root_key)
    if root is None:
        return None
    rows = journal.for_record(ctx.pair.id, root.record_kind, root.source_id)
    last: str | None = None
    for payout in (r for r in rows if is_payout(r) and r.target_key == root_key):
        if payout.state in OPEN_STATES:
            journal.mark_state(payout.posting_key, "superseded", why)
            continue
        if payout.state != "posted":
            continue
        key = f"{payout.posting_key}:void"
        if live_payout(payout, rows):
            journal.enqueue(
                pair_id=ctx.pair.id, posting_key=key, op="void", doc_kind=PAYOUT_KIND,
                record_kind=payout.record_kind, source_id=payout.source_id,
                record_number=payout.record_number, revision="void",
                payload=json.dumps({"reason": why}), amount=None,
                target_key=payout.posting_key, run_id=run_id)
        void = journal.get(key)
        if void is not None and void.state not in DEAD:
            last = key
    return last


def journal_payout(ctx: PairContext, credit_key: str, document: SalesDocument,
                   customer: LedgerCustomer, run_id: int | None,
                   deposit_account: str | None = None) -> str | None:
    """Journal the pay-out of the refund document journaled as ``credit_key`` (its create, or a
    summary's update: then paid after it, its earlier pay-out voided by ``void_payouts``);
    returns the pay-out's key (None when the pair's ledger needs none). A pay-out not sent yet
    is superseded by this one. Call inside the transaction that journals the refund document."""
    credit = ctx.state.journal.get(credit_key)
    if credit is None or credit.op not in ("create", "update") or credit.state != "queued" \
            or not pays_out(ctx, document):
        return None
    journal, pair_id = ctx.state.journal, ctx.pair.id
    root_key = credit_key if credit.op == "create" else (credit.target_key or credit_key)
    rows = journal.for_record(pair_id, credit.record_kind, credit.source_id)
    for old in rows:
        if is_payout(old) and old.state in OPEN_STATES:
            journal.mark_state(old.posting_key, "superseded",
                               "its refund changed before it was paid out")
    taken = {r.posting_key for r in rows}
    key, generation = ctx.posting_key(credit.record_kind, credit.source_id, "payout"), 1
    while key in taken:  # an undone or replaced pay-out keeps its key
        generation += 1
        key = ctx.posting_key(credit.record_kind, credit.source_id, f"payout.{generation}")
    payout = LedgerPayment(
        customer_key=document.customer_key, invoice_posting_key=root_key,
        amount=document.total, txn_date=document.txn_date, currency=document.currency,
        deposit_account=deposit_account or document.deposit_account,
        payment_method=document.payment_method, base_currency=document.base_currency,
        base_rate=document.base_rate, refund_payout=True,
        private_note=f"Refund {credit.record_number} paid back. ecom-ledger key: {key}")
    journal.enqueue(
        pair_id=pair_id, posting_key=key, op="payment", doc_kind=PAYOUT_KIND,
        record_kind=credit.record_kind, source_id=credit.source_id,
        record_number=credit.record_number, revision="payout",
        payload=dumps({"payment": payout.model_dump(mode="json"),
                       "customer": customer.model_dump(mode="json")}),
        amount=payout.amount, target_key=root_key,
        depends_on=credit.depends_on if credit.op == "create" else f"posting:{credit_key}",
        run_id=run_id)
    ctx.state.runs.audit("journaled", pair_id=pair_id, run_id=run_id,
                         record_kind=credit.record_kind, source_id=credit.source_id,
                         posting_key=key, detail=f"refund paid out {payout.amount} "
                                                 f"{payout.currency}")
    return key

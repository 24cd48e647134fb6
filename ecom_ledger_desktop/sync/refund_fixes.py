"""Fixes for a refund whose order is not in the books (placed before the pair's start date).

Import the order (it is journaled despite the start date, posted, and the refund posted against
it), or post the refund on its own for its customer. Each returns the postings to send now, in
order; the caller holds the pair's lock.
"""

from __future__ import annotations

from ecom_ledger_desktop.db.errors_repo import ErrorEntry
from ecom_ledger_desktop.db.journal_repo import PostingRow
from ecom_ledger_desktop.sync.context import PairContext
from ecom_ledger_desktop.sync.fixes import FixError
from ecom_ledger_desktop.sync.ingest import ingest_order
from ecom_ledger_desktop.sync.refund_payout import is_payout

REFUND_FIXES = ("import_order", "post_refund_alone")


def _refund_posting(ctx: PairContext, entry: ErrorEntry) -> PostingRow:
    row = ctx.state.journal.get(entry.posting_key or "")
    if row is None or row.record_kind != "refund" or entry.code != "order_not_posted":
        raise FixError(f"entry {entry.id} is not about a refund whose order is not in the books")
    return row


def _requeue(ctx: PairContext, entry: ErrorEntry, row: PostingRow, resolution: str) -> None:
    if row.state == "flagged":
        ctx.state.journal.mark_state(row.posting_key, "queued")
    ctx.state.errors.close(entry.id, "resolved", resolution)
    ctx.state.runs.audit("fixed", pair_id=entry.pair_id, record_kind="refund",
                         source_id=row.source_id, posting_key=row.posting_key, detail=resolution)


def import_order(ctx: PairContext, entry: ErrorEntry) -> list[PostingRow]:
    """Journal the refund's order despite the start date; its postings, then the refund's."""
    row = _refund_posting(ctx, entry)
    if not row.depends_on:
        raise FixError(f"refund {row.record_number} is already posted on its own")
    fetched = ctx.store.get_order(row.depends_on)
    number = fetched.record.number if fetched.record else row.depends_on
    with ctx.state.tx():
        ingest_order(ctx, fetched, None, import_before_start=True)
        _requeue(ctx, entry, row, f"order {number} imported despite the start date")
    journal = ctx.state.journal
    order_rows = [r for r in journal.for_record(ctx.pair.id, "order", row.depends_on)
                  if r.state in ("queued", "sending")]
    refund = journal.get(row.posting_key)
    return order_rows + ([refund] if refund is not None else []) + _payouts(ctx, row)


def post_refund_alone(ctx: PairContext, entry: ErrorEntry) -> list[PostingRow]:
    """Post the refund as a document of its own for its customer (no order document)."""
    row = _refund_posting(ctx, entry)
    with ctx.state.tx():
        ctx.state.journal.stand_alone(row.posting_key)
        for payout in _payouts(ctx, row):  # its money paid back goes alone with it
            ctx.state.journal.stand_alone(payout.posting_key)
        _requeue(ctx, entry, row, "posted on its own: its order is not in the books")
    refund = ctx.state.journal.get(row.posting_key)
    return ([refund] if refund is not None else []) + _payouts(ctx, row)


def _payouts(ctx: PairContext, row: PostingRow) -> list[PostingRow]:
    """The open pay-outs of the refund document ``row`` (``refund_payout``)."""
    return [p for p in ctx.state.journal.for_record(ctx.pair.id, "refund", row.source_id)
            if is_payout(p) and p.target_key == row.posting_key
            and p.state in ("queued", "sending")]

"""From a fetched store record to journal entries: the decisions about *what* to post.

Re-fetching an unchanged record is a no-op (its mapped revision already has a posting). A new
revision of a posted order becomes an update of the posted document, never a second document;
a cancelled order voids its document; a paid-later invoice gets a payment.
"""

from __future__ import annotations

import json
import logging
from decimal import Decimal

from ecom_ledger_desktop.connectors.base import Fetched
from ecom_ledger_desktop.core.errors import Fix, RecordError, RecordProblem
from ecom_ledger_desktop.core.money import dumps, loads
from ecom_ledger_desktop.db.journal_repo import PostingRow
from ecom_ledger_desktop.models.commerce import Order, Refund
from ecom_ledger_desktop.sync.context import PairContext
from ecom_ledger_desktop.sync.mapper import (
    MappedDocument,
    book_date,
    map_order,
    map_refund,
    store_zone,
)
from ecom_ledger_desktop.sync.refund_payout import journal_payout, void_payouts
from ecom_ledger_desktop.sync.undo_journal import UNDONE, repost_number
from ecom_ledger_desktop.sync.unpaid import (
    awaits_payment,
    hold_unpaid,
    ledger_payment,
    posted_date,
    settle_unpaid,
)

log = logging.getLogger(__name__)

SALE_OPS = ("create", "update")
REFUNDS_DUE = "refunds_due"  # an order changed with refunds: read the store's refunds this run
DEAD_STATES = ("superseded", "ignored", UNDONE)  # undone: voided in the ledger by an undo


def active_sale(postings: list[PostingRow]) -> PostingRow | None:
    """The latest live create/update posting of an order."""
    live = [p for p in postings if p.op in SALE_OPS and p.state not in DEAD_STATES]
    return live[-1] if live else None


def root_key(posting: PostingRow) -> str:
    """The create posting a chain of updates belongs to."""
    return posting.posting_key if posting.op == "create" else (posting.target_key or "")


def ignored_as_is(postings: list[PostingRow], revision: str) -> PostingRow | None:
    """The record's latest document posting, when the merchant ignored this very revision.

    Reading the same content again (the store touched the record, a look-back re-read it) must
    not journal it anew under the next revision key: ignoring it (or undoing it, until the
    merchant posts it again) closed it for good. A later
    *different* revision is a new revision in time and is journaled as usual.
    """
    sales = [p for p in postings if p.op in SALE_OPS]
    latest = sales[-1] if sales else None
    if latest is not None and latest.state in ("ignored", UNDONE) and latest.revision == revision:
        return latest
    return None


def revision_key(ctx: PairContext, record_kind: str, source_id: str, revision: str, kind: str,
                 postings: list[PostingRow]) -> str:
    """The posting key of one revision *in time*, not of its content alone.

    The first time a content revision is journaled its key is the content hash; a record edited
    A → B → A journals A again under the next free ``<hash>.<n>``, because A's first key is
    taken by the posting B replaced (re-using it would be ignored and the books would keep B).
    Deterministic from the record's journal, so a crash before the commit recomputes the same
    key; the number sits inside the key, so no key is a prefix of another's note.
    """
    taken = {p.posting_key for p in postings}
    key, generation = ctx.posting_key(record_kind, source_id, revision, kind), 1
    while key in taken:
        generation += 1
        key = ctx.posting_key(record_kind, source_id, f"{revision}.{generation}", kind)
    return key


def mapped_payload(mapped: MappedDocument) -> str:
    """Journal payload of a document posting."""
    return dumps({"document": mapped.document.model_dump(mode="json"),
                  "customer": mapped.customer.model_dump(mode="json"),
                  "items": [item.model_dump(mode="json") for item in mapped.items]})


def _flag(ctx: PairContext, record_kind: str, source_id: str, ref: str, problem: RecordProblem,
          run_id: int | None, raw: str | None = None, posting_key: str | None = None) -> str:
    ctx.state.errors.flag(pair_id=ctx.pair.id, record_kind=record_kind, source_id=source_id,
                          record_ref=ref, problem=problem, raw=raw, posting_key=posting_key)
    ctx.state.runs.audit("flagged", pair_id=ctx.pair.id, run_id=run_id, record_kind=record_kind,
                         source_id=source_id, posting_key=posting_key,
                         detail=f"{problem.code}: {problem.message}")
    return "flagged"


def _supersede(ctx: PairContext, posting: PostingRow, run_id: int | None, why: str) -> None:
    ctx.state.journal.mark_state(posting.posting_key, "superseded", why)
    ctx.state.errors.close_for_record(ctx.pair.id, posting.record_kind, posting.source_id,
                                      f"superseded: {why}")
    ctx.state.runs.audit("superseded", pair_id=ctx.pair.id, run_id=run_id,
                         record_kind=posting.record_kind, source_id=posting.source_id,
                         posting_key=posting.posting_key, detail=why)


def _fold(ctx: PairContext, key: str, order: Order, run_id: int | None) -> None:
    """Summary posting: hold the posting for its day's summary when that is its channel."""
    from ecom_ledger_desktop.sync.summary_journal import fold  # it builds on this module

    fold(ctx, key, store_zone(order, ctx.pair.rules), run_id)


def ingest_order(ctx: PairContext, fetched: Fetched[Order], run_id: int | None,
                 import_before_start: bool = False) -> str:
    """Stage an order and journal what it needs; returns queued/unchanged/flagged/skipped.

    An order placed before the pair's start date is skipped, unless the merchant imported it
    (``import_before_start``, then it is journaled like any other from then on; an order they
    had ignored is journaled again too). Call inside a transaction.
    """
    pair_id = ctx.pair.id
    order = fetched.record
    number = order.number if order else (fetched.number or fetched.source_id)
    if order is None:
        ctx.state.cursors.stage(pair_id, "order", fetched.source_id, number, fetched.updated_at,
                                "invalid", fetched.raw)
        problem = fetched.problem or RecordProblem("invalid_data", f"Order {number} is unreadable")
        return _flag(ctx, "order", fetched.source_id, number, problem, run_id,
                     raw=fetched.raw or None)
    postings = ctx.state.journal.for_record(pair_id, "order", order.source_id)
    if book_date(order.created_at, order, ctx.pair.rules) < ctx.pair.rules.start_date and not (
            postings or import_before_start):
        if order.refunded_total > 0:  # its refunds are read, and the queue says what they need
            ctx.state.cursors.raise_flag(pair_id, REFUNDS_DUE)
        return "skipped"
    active = active_sale(postings)
    if order.state == "canceled":
        ctx.state.cursors.stage(pair_id, "order", order.source_id, number, order.updated_at,
                                "canceled", fetched.raw)
        settle_unpaid(ctx, order)
        return _cancel(ctx, order, postings, active, run_id)
    if awaits_payment(ctx, order, active):
        return hold_unpaid(ctx, order, fetched.raw, run_id)
    try:
        mapped = map_order(order, ctx.pair.rules, kind=active.doc_kind if active else None,  # type: ignore[arg-type]
                           txn_date=posted_date(active))
    except RecordError as error:
        ctx.state.cursors.stage(pair_id, "order", order.source_id, number, order.updated_at,
                                "invalid", fetched.raw)
        return _flag(ctx, "order", order.source_id, number, error.problem, run_id, raw=fetched.raw)
    changed = ctx.state.cursors.stage(pair_id, "order", order.source_id, number,
                                      order.updated_at, mapped.revision, fetched.raw)
    if changed and order.refunded_total > 0:  # a store bumps the order when it refunds
        ctx.state.cursors.raise_flag(pair_id, REFUNDS_DUE)
    # a record that maps cleanly now no longer has the data problems it was flagged for
    for entry in ctx.state.errors.open_for_record(pair_id, "order", order.source_id):
        if entry.posting_key is None:
            ctx.state.errors.close(entry.id, "resolved", "the order was corrected in the store")
    outcome, key = _journal_revision(ctx, order, mapped, active, postings, run_id,
                                     revive=import_before_start)
    if outcome == "queued":  # the summary channel holds it for its day's summary
        _fold(ctx, key, order, run_id)
    if _needs_payment(ctx, order, mapped, postings):
        root = active if active else ctx.state.journal.get(key)
        if root is not None and root.state not in DEAD_STATES:  # no payment for an ignored sale
            _enqueue_payment(ctx, order, mapped, root_key(root), run_id)
            outcome = "queued"
    return outcome


def _journal_revision(ctx: PairContext, order: Order, mapped: MappedDocument,
                      active: PostingRow | None, postings: list[PostingRow],
                      run_id: int | None, revive: bool = False) -> tuple[str, str]:
    """Journal the order's revision unless it is the live one or, ``revive`` aside, the one the
    merchant ignored; returns (outcome, its key)."""
    kind = mapped.document.kind
    if active is not None and active.revision == mapped.revision:
        return "unchanged", active.posting_key
    ignored = ignored_as_is(postings, mapped.revision) if active is None and not revive else None
    if ignored is not None:
        return "unchanged", ignored.posting_key
    key = revision_key(ctx, "order", order.source_id, mapped.revision, kind, postings)
    op, target = "create", None
    if active is not None:
        if active.state in ("queued", "flagged"):
            _supersede(ctx, active, run_id, f"order {order.number} changed before it was posted")
            op, target = active.op, active.target_key
        else:
            op, target = "update", root_key(active)
    mapped.document.doc_number = repost_number(mapped.document.doc_number, postings)
    mapped.document.private_note = f"{order.number} from the web store. ecom-ledger key: {key}"
    payload = mapped_payload(mapped)
    created = ctx.state.journal.enqueue(
        pair_id=ctx.pair.id, posting_key=key, op=op, doc_kind=kind, record_kind="order",
        source_id=order.source_id, record_number=order.number, revision=mapped.revision,
        payload=payload, amount=mapped.document.total, target_key=target, run_id=run_id)
    if not created:
        return "unchanged", key
    ctx.state.runs.audit("journaled", pair_id=ctx.pair.id, run_id=run_id, record_kind="order",
                         source_id=order.source_id, posting_key=key,
                         detail=f"{op} {kind} {mapped.document.total} {mapped.document.currency}")
    return "queued", key


def _needs_payment(ctx: PairContext, order: Order, mapped: MappedDocument,
                   postings: list[PostingRow]) -> bool:
    if mapped.document.kind != "invoice" or not order.paid:
        return False
    return not any(p.op == "payment" and p.state not in DEAD_STATES for p in postings)


def _enqueue_payment(ctx: PairContext, order: Order, mapped: MappedDocument, invoice_key: str,
                     run_id: int | None) -> None:
    key, generation = ctx.posting_key("order", order.source_id, "payment"), 1
    while ctx.state.journal.get(key) is not None:  # an undone payment keeps its key
        generation += 1
        key = ctx.posting_key("order", order.source_id, f"payment.{generation}")
    payment = ledger_payment(ctx, order, mapped, invoice_key, key)
    payload = dumps({"payment": payment.model_dump(mode="json"),
                     "customer": mapped.customer.model_dump(mode="json")})
    if ctx.state.journal.enqueue(
            pair_id=ctx.pair.id, posting_key=key, op="payment", doc_kind="payment",
            record_kind="order", source_id=order.source_id, record_number=order.number,
            revision="payment", payload=payload, amount=payment.amount, target_key=invoice_key,
            run_id=run_id):
        ctx.state.runs.audit("journaled", pair_id=ctx.pair.id, run_id=run_id,
                             record_kind="order", source_id=order.source_id, posting_key=key,
                             detail=f"payment {payment.amount} {payment.currency}")


def _cancel(ctx: PairContext, order: Order, postings: list[PostingRow],
            active: PostingRow | None, run_id: int | None) -> str:
    if active is None:
        return "skipped"
    if active.state in ("queued", "flagged") and active.op == "create":
        _supersede(ctx, active, run_id, f"order {order.number} was cancelled before it was posted")
        return "skipped"
    root = root_key(active)
    key = ctx.posting_key("order", order.source_id, "void")
    if any(p.posting_key == key for p in postings):
        return "unchanged"
    ctx.state.journal.enqueue(
        pair_id=ctx.pair.id, posting_key=key, op="void", doc_kind=active.doc_kind,
        record_kind="order", source_id=order.source_id, record_number=order.number,
        revision="void", payload=json.dumps({"reason": "order cancelled in the store"}),
        amount=None, target_key=root, run_id=run_id)
    ctx.state.runs.audit("journaled", pair_id=ctx.pair.id, run_id=run_id, record_kind="order",
                         source_id=order.source_id, posting_key=key, detail="void (cancelled)")
    _fold(ctx, key, order, run_id)
    return "queued"


def _refunded_before(ctx: PairContext, order_source_id: str, refund_source_id: str) -> Decimal:
    """What the order's *other* live refunds give back (their latest revision each)."""
    total = Decimal(0)
    for other in ctx.state.journal.refunds_of_order(ctx.pair.id, order_source_id):
        if other.source_id == refund_source_id:
            continue
        live = active_sale(ctx.state.journal.for_record(ctx.pair.id, "refund", other.source_id))
        if live is not None and live.posting_key == other.posting_key and live.amount:
            total += live.amount
    return total


def ingest_refund(ctx: PairContext, fetched: Fetched[Refund], order: Order | None,
                  run_id: int | None) -> str:
    """Journal a refund; it waits in the journal until its order's sale is posted."""
    pair_id = ctx.pair.id
    refund = fetched.record
    if refund is None:
        problem = fetched.problem or RecordProblem("invalid_data",
                                                   f"Refund {fetched.source_id} is unreadable")
        return _flag(ctx, "refund", fetched.source_id, fetched.source_id, problem, run_id,
                     raw=fetched.raw)
    if (book_date(refund.created_at, order, ctx.pair.rules) if order else
            refund.created_at.date()) < ctx.pair.rules.start_date:
        return "skipped"
    if order is None:
        problem = RecordProblem(
            "invalid_data",
            f"Refund {refund.number} belongs to order id {refund.order_source_id}, which the "
            "store did not return; check the order still exists in the store.",
            fixes=[Fix("retry", "Retry"), Fix("ignore", "Ignore this refund")])
        return _flag(ctx, "refund", refund.source_id, refund.number, problem, run_id,
                     raw=fetched.raw)
    try:
        mapped = map_refund(refund, order, ctx.pair.rules,
                            already_refunded=_refunded_before(ctx, order.source_id,
                                                              refund.source_id))
    except RecordError as error:
        return _flag(ctx, "refund", refund.source_id, refund.number, error.problem, run_id,
                     raw=fetched.raw)
    ctx.state.cursors.stage(pair_id, "refund", refund.source_id, refund.number, refund.updated_at,
                            mapped.revision, fetched.raw)
    postings = ctx.state.journal.for_record(pair_id, "refund", refund.source_id)
    active = active_sale(postings)
    outcome = "queued"
    if active is not None and active.revision == mapped.revision:
        return "unchanged"
    if active is None and ignored_as_is(postings, mapped.revision):
        return "unchanged"  # the merchant ignored this very refund
    key = revision_key(ctx, "refund", refund.source_id, mapped.revision, mapped.document.kind,
                       postings)
    op, target = "create", None
    if active is not None:
        if active.state in ("queued", "flagged"):
            _supersede(ctx, active, run_id, f"refund {refund.number} changed before it was posted")
        else:
            op, target = "update", root_key(active)
    mapped.document.doc_number = repost_number(mapped.document.doc_number, postings)
    mapped.document.private_note = (f"Refund {refund.number} of order {order.number}. "
                                    f"ecom-ledger key: {key}")
    # the order as the queue names it, should it never reach the books (placed before the start)
    payload = loads(mapped_payload(mapped))
    placed = book_date(order.created_at, order, ctx.pair.rules)
    payload["order"] = {"number": order.number, "placed": placed.isoformat()}
    # a refund the merchant chose to post alone stays alone in its later revisions
    alone = any(p.depends_on is None for p in postings)
    if op == "update" and target:  # paid back before: taken back first (journal order), and
        void_payouts(ctx, target, run_id, f"refund {refund.number} changed")  # paid again
    if ctx.state.journal.enqueue(
            pair_id=pair_id, posting_key=key, op=op, doc_kind=mapped.document.kind,
            record_kind="refund", source_id=refund.source_id, record_number=refund.number,
            revision=mapped.revision, payload=dumps(payload),
            amount=mapped.document.total, target_key=target,
            depends_on=None if alone else order.source_id, run_id=run_id):
        ctx.state.runs.audit("journaled", pair_id=pair_id, run_id=run_id, record_kind="refund",
                             source_id=refund.source_id, posting_key=key,
                             detail=f"{op} {mapped.document.kind} {mapped.document.total}")
        _fold(ctx, key, order, run_id)
        # where the refund document leaves a credit, the money paid back follows it
        journal_payout(ctx, key, mapped.document, mapped.customer, run_id,
                       ctx.pair.rules.route_for(order.payment_method).deposit_account)
    return outcome

"""Undo one order, a selection, or a whole run: preview, then void through the journal.

``plan_undo`` reads the journal and says, in plain words, which ledger documents will be voided
(payments before their invoice, refunds before their sale) and what cannot be undone and why.
``carry_out`` journals one void posting per document (``sync/undo_journal.py``) and sends them
with the ordinary ``Dispatcher``, so an undo is crash-safe like posting: a void journaled but not
confirmed is finished by running the undo again (or by the next sync), never sent twice. When
the ledger refuses a void (a closed period, a deposited payment), the posting is flagged with
the ledger's words and reported, never skipped silently. ``repost_orders`` reads undone orders
from the store again and posts each once, under a new revision key and document number. An
order posted in a daily summary is taken out of its day instead (``summary_undo``): the day's
document is updated to the other orders (voided when none is left), journaled in the same
transaction as the voids; posting it again puts it back into its day's summary.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from ecom_ledger_desktop.connectors.base import PostedRef, UndoCheckingLedger
from ecom_ledger_desktop.core.errors import RecordError, RetriableError
from ecom_ledger_desktop.core.events import OrderProgress
from ecom_ledger_desktop.db.journal_repo import PostingRow
from ecom_ledger_desktop.sync.context import PairContext
from ecom_ledger_desktop.sync.ingest import REFUNDS_DUE, active_sale, ingest_order, root_key
from ecom_ledger_desktop.sync.posting import Dispatcher
from ecom_ledger_desktop.sync.refund_payout import live_payout
from ecom_ledger_desktop.sync.summary_undo import (
    is_summarised,
    open_summaries,
    plan_take_out,
    put_back,
    take_out,
)
from ecom_ledger_desktop.sync.undo_checks import document_ref
from ecom_ledger_desktop.sync.undo_journal import (
    UNDO_REVISION,
    UNDONE,
    is_undo,
    undo_key,
)
from ecom_ledger_desktop.sync.undo_plan import Blocked, UndoPlan, UndoResult, UndoStep
from ecom_ledger_desktop.sync.undo_retire import (
    candidates,
    fully_undone,
    journal_retire,
    not_retiring,
    outcome_lines,
)

__all__ = ["Blocked", "UndoPlan", "UndoResult", "UndoStep", "carry_out", "plan_undo",
           "repost_orders"]

OPEN = ("queued", "sending")
UNDO_PHASE = "undoing"  # the OrderProgress phase of an undo (the app shows it)


# -- the preview ----------------------------------------------------------------------------------
def plan_undo(ctx: PairContext, *, run_id: int | None = None,
              order_ids: Iterable[str] = ()) -> UndoPlan:
    """Which documents an undo of a run or of orders voids, in order, and what it cannot undo."""
    plan = UndoPlan(ctx.ledger_label, ctx.undo_words)
    journal, pair_id = ctx.state.journal, ctx.pair.id
    sent = journal.sent_in_run(pair_id, run_id) if run_id is not None else []
    created = list(dict.fromkeys((kind, sid) for kind, sid, op in sent if op == "create"))
    for sid in dict.fromkeys([*order_ids, *(s for k, s in created if k == "order")]):
        _plan_order(ctx, plan, sid)  # the order's documents: it was created then, or chosen
    for kind, sid, op in dict.fromkeys(sent):  # what the run added to documents made before
        if (kind == "order" and sid in plan.orders) or (kind, sid) in created:
            continue
        rows = journal.for_record(pair_id, kind, sid)
        if op == "payment":
            payment = next((r for r in rows if r.op == "payment" and r.state == "posted"
                            and r.run_id == run_id), None)
            _plan_document(ctx, plan, rows, payment, None, sid)
        elif op == "update" and rows:
            plan.blocked.append(Blocked(rows[0].record_number, (
                "this sync only changed its document, which an earlier sync created; undo the "
                "order itself to take it out of the books")))
    for sid in (s for k, s in created if k == "summary"):  # a daily summary: its document
        rows = journal.for_record(pair_id, "summary", sid)
        summary = _sale_root(ctx, rows)
        if summary is not None:  # a day's refunds: the money paid back goes first
            _plan_refund(ctx, plan, rows, summary, None, f"summary:{sid}")
    for sid in (s for k, s in created if k == "refund"):
        rows = journal.for_record(pair_id, "refund", sid)
        root = _sale_root(ctx, rows)
        if root is not None and not any(r.depends_on in plan.orders for r in rows):
            _plan_refund(ctx, plan, rows, root, None, f"refund:{sid}")
    _check_in_ledger(ctx, plan)
    plan.summaries = plan_take_out(ctx, plan.summarised)
    _check_summaries(ctx, plan)
    plan.retire = candidates(ctx, [*plan.orders, *plan.undone_ids])
    return plan


def _plan_order(ctx: PairContext, plan: UndoPlan, source_id: str) -> None:
    journal, pair_id = ctx.state.journal, ctx.pair.id
    postings = journal.for_record(pair_id, "order", source_id)
    number = postings[0].record_number if postings else f"id {source_id}"
    busy = [p for p in postings if p.state in OPEN and not is_undo(p)]
    if busy:
        plan.blocked.append(Blocked(number, "it is still being sent to the ledger; let the "
                                            "sync finish, then undo it"))
        return
    root = _sale_root(ctx, postings)
    if root is None:
        if is_summarised(ctx, source_id):  # taken out of its day's summary
            plan.summarised.append(source_id)
        elif any(p.state == UNDONE for p in postings):
            plan.already_undone.append(number)
            plan.undone_ids.append(source_id)
        else:
            plan.blocked.append(Blocked(number, "nothing of it is in the ledger (not posted "
                                                "yet)"))
        return
    cancel_void = [p for p in postings if p.op == "void" and p.target_key == root.posting_key
                   and p.revision != UNDO_REVISION and p.state != "ignored"]
    if cancel_void:
        plan.blocked.append(Blocked(number, "its document was already voided because the order "
                                            "was cancelled in the store"))
        return
    before: str | None = None
    for payment in (p for p in postings if p.op == "payment" and p.state == "posted"):
        before = _plan_document(ctx, plan, postings, payment, before, source_id)
    by_refund: dict[str, list[PostingRow]] = {}
    for row in journal.refunds_of_order(pair_id, source_id):  # with pay-outs chained after them
        by_refund[row.source_id] = journal.for_record(pair_id, "refund", row.source_id)
    for rows in by_refund.values():
        if any(r.state in OPEN and not is_undo(r) for r in rows):
            plan.blocked.append(Blocked(number, f"its refund {rows[0].record_number} is still "
                                                "being sent; let the sync finish, then undo"))
            return
        refund_root = _sale_root(ctx, rows)
        if refund_root is not None:
            before = _plan_refund(ctx, plan, rows, refund_root, before, source_id)
    _plan_document(ctx, plan, postings, root, before, source_id)
    plan.orders.append(source_id)


def _plan_refund(ctx: PairContext, plan: UndoPlan, rows: list[PostingRow], root: PostingRow,
                 before: str | None, group: str) -> str | None:
    """A refund's document, after the money paid back out of it (``refund_payout``)."""
    for payout in (r for r in rows if live_payout(r, rows)
                   and r.target_key == root.posting_key):
        before = _plan_document(ctx, plan, rows, payout, before, group)
    return _plan_document(ctx, plan, rows, root, before, group)


def _sale_root(ctx: PairContext, postings: list[PostingRow]) -> PostingRow | None:
    """The posted create behind a record's live document, if it reached the ledger."""
    live = active_sale(postings)
    if live is None:
        return None
    root = ctx.state.journal.get(root_key(live))
    return root if root is not None and root.state == "posted" and root.ledger_id else None


def _plan_document(ctx: PairContext, plan: UndoPlan, postings: list[PostingRow],
                   root: PostingRow | None, before: str | None, group: str) -> str | None:
    """Add one document's void to the plan (or say why not); returns its undo key."""
    if root is None:
        return before
    existing = ctx.state.journal.get(undo_key(root))
    if existing is not None and existing.state == "ignored":
        plan.blocked.append(Blocked(root.record_number, "you chose to keep it in the books "
                                                        "(its undo was ignored in the error queue)"))
        return undo_key(root)
    if existing is not None and existing.state == "flagged":
        plan.blocked.append(Blocked(root.record_number, existing.last_error or
                                    "the ledger refused to void it"))
        return undo_key(root)
    latest = [p for p in postings if p.state == "posted"
              and root.posting_key in (p.posting_key, p.target_key)
              and p.op == root.op]
    amount = latest[-1].amount if latest else root.amount
    plan.steps.append(UndoStep(root.posting_key, root.record_kind, root.source_id,
                               root.record_number, root.doc_kind,
                               root.ledger_doc_number or root.ledger_id or "", amount, before,
                               group, ctx.document_label(root.doc_kind)))
    return undo_key(root)


def _check_in_ledger(ctx: PairContext, plan: UndoPlan) -> None:
    """Ask a ledger that can tell which documents it would not take back cleanly; an order
    with such a document is left out whole (its other voids would leave it half-undone)."""
    ledger = ctx.ledger
    if not plan.steps or not isinstance(ledger, UndoCheckingLedger):
        return
    refs = []
    for step in plan.steps:
        root = ctx.state.journal.get(step.target_key)
        assert root is not None
        refs.append(document_ref(ctx, root))
    try:
        obstacles = ledger.undo_obstacles(refs)
    except (RetriableError, RecordError) as error:  # asked again before the first void
        plan.unchecked = f"{ctx.ledger_label} could not be asked what it holds ({error})"
        return
    stopped: dict[str, str] = {}
    for step, (ref, _kind) in zip(plan.steps, refs, strict=True):
        why = obstacles.get(ref.ledger_id)
        if why and step.group not in stopped:
            stopped[step.group] = f"{step.label}: {why}"
    if not stopped:
        return
    for step in reversed(plan.steps):  # the sale comes last: it names the order
        if stopped.get(step.group):
            plan.blocked.append(Blocked(step.record_number, stopped[step.group]))
            stopped[step.group] = ""  # said once per order
    plan.steps = [s for s in plan.steps if s.group not in stopped]
    plan.orders = [o for o in plan.orders if o not in stopped]


def _check_summaries(ctx: PairContext, plan: UndoPlan) -> None:
    """Ask the ledger about the day summaries an undo would change; an order whose summary it
    would not change cleanly (changed by hand, deposited, in a closed period) is left out."""
    ledger, posted = ctx.ledger, [c for c in plan.summaries if c.ledger_id]
    if not posted or not isinstance(ledger, UndoCheckingLedger):
        return
    try:
        obstacles = ledger.undo_obstacles([(PostedRef(
            ledger_id=c.ledger_id, doc_number=c.doc_number, sync_token=c.sync_token),
            c.doc_kind) for c in posted])
    except (RetriableError, RecordError) as error:
        plan.unchecked = f"{ctx.ledger_label} could not be asked what it holds ({error})"
        return
    stopped = {sid: f"its day's summary {c.doc_number}: {obstacles[c.ledger_id]}"
               for c in posted if obstacles.get(c.ledger_id) for sid in c.order_ids}
    if not stopped:
        return
    for sid, why in stopped.items():
        rows = ctx.state.journal.for_record(ctx.pair.id, "order", sid)
        plan.blocked.append(Blocked(rows[0].record_number if rows else f"id {sid}", why))
    plan.summarised = [sid for sid in plan.summarised if sid not in stopped]
    plan.summaries = plan_take_out(ctx, plan.summarised)


# -- doing it -------------------------------------------------------------------------------------
def journal_undo(ctx: PairContext, plan: UndoPlan
                 ) -> tuple[list[str], list[str], list[str]]:
    """Write the plan's voids, its summarised orders taken out of their days, and its customers
    and items to make inactive to the journal, in one transaction (all or nothing; the
    merchant's confirmation approves them on a pair that holds for approval); returns the voids'
    keys in order, the days whose summaries changed and the retire keys."""
    keys: list[str] = []
    groups: dict[str, list[str]] = {}
    for step in plan.steps:
        groups.setdefault(step.group, []).append(undo_key_of(step))
    with ctx.state.tx():
        days = take_out(ctx, plan.summarised)
        for step in plan.steps:
            root = ctx.state.journal.get(step.target_key)
            assert root is not None
            key = undo_key(root)
            if ctx.state.journal.enqueue(
                    pair_id=ctx.pair.id, posting_key=key, op="void", doc_kind=root.doc_kind,
                    record_kind=root.record_kind, source_id=root.source_id,
                    record_number=root.record_number, revision=UNDO_REVISION,
                    payload=json.dumps({"reason": "undone by the merchant",
                                        "check": bool(plan.unchecked),  # sync/undo_checks.py
                                        "group": groups[step.group]}), amount=None,
                    target_key=root.posting_key,
                    depends_on=f"posting:{step.depends_on}" if step.depends_on else None):
                ctx.state.runs.audit("undo", pair_id=ctx.pair.id, record_kind=root.record_kind,
                                     source_id=root.source_id, posting_key=key,
                                     detail=f"void {step.label}")
            keys.append(key)
        retire_keys = journal_retire(ctx, plan.retire)
        ctx.state.approvals.approve(ctx.pair.id, [*keys, *retire_keys])
    return keys, days, retire_keys


def carry_out(ctx: PairContext, plan: UndoPlan) -> UndoResult:
    """Journal the plan's voids and send them, in order, then make the customers and items only
    they used inactive; says what was and was not undone (and what waits for the ledger)."""
    keys, days, retire_keys = journal_undo(ctx, plan)
    labels = {undo_key_of(step): step.label for step in plan.steps}
    said = {change.source_id: change.label for change in plan.summaries}
    for summary in open_summaries(ctx, days):  # the days' summaries, updated or voided
        keys.append(summary.posting_key)
        labels[summary.posting_key] = said.get(summary.source_id,
                                               f"the summary {summary.record_number}")
    result = UndoResult(words=ctx.undo_words)
    dispatcher = Dispatcher(ctx, None)
    dispatcher.respect_hold = False  # the merchant confirmed this undo's own preview
    for done, key in enumerate(keys, start=1):
        if ctx.stop.is_set():  # the app is quitting: the rest waits for a rerun or the next sync
            result.waiting += [(labels[k], "stopped; run the undo again to finish")
                               for k in keys[done - 1:]]
            result.retired = outcome_lines(ctx, retire_keys, dispatcher)
            return result
        row = ctx.state.journal.get(key)
        assert row is not None
        if row.state in OPEN:
            dispatcher.dispatch(row)
            row = ctx.state.journal.get(key) or row
        label = labels[key]
        if row.state == "posted":
            result.undone.append(label)
        elif row.state == "flagged":
            result.refused.append((label, row.last_error))
        else:
            result.waiting.append((label, dispatcher.away or row.last_error or "not sent yet"))
        ctx.events.publish(OrderProgress(0, done, len(keys), None, phase=UNDO_PHASE))
    result.retired = outcome_lines(ctx, retire_keys, dispatcher)
    finished = [sid for sid in [*plan.orders, *plan.undone_ids] if fully_undone(ctx, sid)]
    result.retired += not_retiring(ctx, candidates(ctx, finished))
    return result


def undo_key_of(step: UndoStep) -> str:
    """The undo posting key of a planned step."""
    return f"{step.target_key}:{UNDO_REVISION}"


def repost_orders(ctx: PairContext, order_ids: Iterable[str]) -> dict[str, str]:
    """Read undone orders from the store again and post each once; order id -> outcome
    ("posted", or "waiting for QuickBooks Desktop: …" while its Web Connector is away)."""
    outcomes: dict[str, str] = {}
    dispatcher = Dispatcher(ctx, None)
    for sid in order_ids:
        postings = ctx.state.journal.for_record(ctx.pair.id, "order", sid)
        live = active_sale(postings)
        if not any(p.state == UNDONE for p in postings) or (live and live.state not in OPEN):
            outcomes[sid] = "not undone: nothing to post again"
            continue
        fetched = ctx.store.get_order(sid)
        with ctx.state.tx():  # (journaled already when a post-again was cut short: no-op)
            outcome = ingest_order(ctx, fetched, None, import_before_start=True)  # revive
            refunds = [r for r in ctx.state.journal.refunds_of_order(ctx.pair.id, sid)
                       if r.state == UNDONE and r.op in ("create", "update")]
            for refund in refunds:  # no longer held back: the next sync reads and posts them
                ctx.state.journal.mark_state(refund.posting_key, "superseded",
                                             "undone; posted again with its order")
            if refunds:
                ctx.state.cursors.raise_flag(ctx.pair.id, REFUNDS_DUE)
            days = put_back(ctx, sid)  # a summarised order: back into its day's summary
        rows = [r for r in ctx.state.journal.for_record(ctx.pair.id, "order", sid)
                if r.state in OPEN] + open_summaries(ctx, days)
        if not rows and is_summarised(ctx, sid):
            outcomes[sid] = "held for its day's summary (posted once the day is over)"
            continue
        sent = [dispatcher.dispatch(ctx.state.journal.get(r.posting_key) or r) for r in rows]
        # a ledger that calls in (the Web Connector) posts it at its next update: say so
        said = [dispatcher.waiting_words() if s == "away" else
                dispatcher.held_words() if s == "held" else s for s in sent]
        outcomes[sid] = ", ".join(dict.fromkeys(said)) if said else outcome
    return outcomes

"""Undo one order, a selection, or a whole run: preview, then void through the journal.

``plan_undo`` reads the journal and says, in plain words, which ledger documents will be voided
(payments before their invoice, refunds before their sale) and what cannot be undone and why.
``carry_out`` journals one void posting per document (``sync/undo_journal.py``) and sends them
with the ordinary ``Dispatcher``, so an undo is crash-safe like posting: a void journaled but not
confirmed is finished by running the undo again (or by the next sync), never sent twice. When
the ledger refuses a void (a closed period, a deposited payment), the posting is flagged with
the ledger's words and reported, never skipped silently. ``repost_orders`` reads undone orders
from the store again and posts each once, under a new revision key and document number.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from ecom_ledger_desktop.connectors.base import UndoCheckingLedger
from ecom_ledger_desktop.core.errors import RecordError, RetriableError
from ecom_ledger_desktop.core.events import OrderProgress
from ecom_ledger_desktop.db.journal_repo import PostingRow
from ecom_ledger_desktop.sync.context import PairContext
from ecom_ledger_desktop.sync.document_words import UNDO_WORDS, document_label
from ecom_ledger_desktop.sync.ingest import REFUNDS_DUE, active_sale, ingest_order, root_key
from ecom_ledger_desktop.sync.posting import Dispatcher
from ecom_ledger_desktop.sync.undo_checks import document_ref
from ecom_ledger_desktop.sync.undo_journal import (
    UNDO_REVISION,
    UNDONE,
    is_undo,
    undo_key,
)
from ecom_ledger_desktop.sync.undo_retire import (
    RetireCandidate,
    candidates,
    fully_undone,
    journal_retire,
    not_retiring,
    outcome_lines,
)

OPEN = ("queued", "sending")
UNDO_PHASE = "undoing"  # the OrderProgress phase of an undo (the app shows it)


@dataclass(frozen=True)
class UndoStep:
    """One ledger document the undo voids."""

    target_key: str  # the posting that created the document
    record_kind: str
    source_id: str
    record_number: str
    doc_kind: str
    doc_number: str
    amount: Decimal | None
    depends_on: str | None = None  # the undo posting that must be confirmed first
    group: str = ""  # the order (or lone refund) it belongs to: undone together or not at all
    words: str = ""  # the document kind in the ledger's words ("Paid invoice" in FreshBooks)

    @property
    def label(self) -> str:
        """E.g. "Sales Receipt 1000012 (order 1000012, 71.96)"; "Paid invoice …" in FreshBooks."""
        what = "order" if self.record_kind == "order" else self.record_kind
        amount = f", {self.amount}" if self.amount is not None else ""
        return (f"{self.words or document_label(self.doc_kind)} {self.doc_number} "
                f"({what} {self.record_number}{amount})")


@dataclass(frozen=True)
class Blocked:
    """Something of the selection that will not be undone, and why."""

    record_number: str
    reason: str


@dataclass
class UndoPlan:
    """What an undo will do: the preview."""

    ledger_label: str
    words: Mapping[str, str] = field(default_factory=lambda: dict(UNDO_WORDS))
    steps: list[UndoStep] = field(default_factory=list)
    blocked: list[Blocked] = field(default_factory=list)
    orders: list[str] = field(default_factory=list)  # source ids of the orders undone
    already_undone: list[str] = field(default_factory=list)  # order numbers
    undone_ids: list[str] = field(default_factory=list)  # their store ids
    retire: list[RetireCandidate] = field(default_factory=list)
    unchecked: str = ""  # why the ledger could not be asked about the documents, if it was not

    def lines(self) -> list[str]:
        """The preview in plain words, one line each."""
        if not self.steps:
            out = [f"Nothing to undo in {self.ledger_label}."]
        else:
            out = [f"Will {self.words['void']} in {self.ledger_label}, in this order:"]
            out += [f"  {n}. {step.label}" for n, step in enumerate(self.steps, start=1)]
        if self.unchecked:
            out.append(f"Not checked now: {self.unchecked}. It is checked before anything is "
                       f"{self.words['voided'].lower()}: an order it would not take back "
                       "cleanly is left in the books, and said so.")
        if self.already_undone:
            out.append("Already undone: orders " + ", ".join(self.already_undone))
        if self.blocked:
            out.append("Cannot be undone:")
            out += [f"  order {b.record_number}: {b.reason}" for b in self.blocked]
        if self.retire:
            out.append(f"Then made {self.words['inactive']} in {self.ledger_label} if it shows "
                       "they were created "
                       "for these orders and nothing else uses them (else kept, saying why):")
            out += [f"  {c.kind} {c.name}" for c in self.retire]
        if self.steps:
            out.append("Afterwards the orders are not in the books until you post them again "
                       "(each once, with a new document number).")
        return out


@dataclass
class UndoResult:
    """What an undo did."""

    undone: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)  # customers/items, what became of each
    refused: list[tuple[str, str]] = field(default_factory=list)  # (document, the ledger's why)
    waiting: list[tuple[str, str]] = field(default_factory=list)
    words: Mapping[str, str] = field(default_factory=lambda: dict(UNDO_WORDS))

    def lines(self) -> list[str]:
        """The outcome in plain words."""
        out = [f"{self.words['voided']}: {label}" for label in self.undone]
        out += [f"Customer/item: {line}" for line in self.retired]
        out += [f"NOT undone: {label}: {why}" for label, why in self.refused]
        out += [f"Waiting: {label}: {why}" for label, why in self.waiting]
        return out or ["Nothing was undone."]


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
        _plan_document(ctx, plan, rows, _sale_root(ctx, rows), None, f"summary:{sid}")
    for sid in (s for k, s in created if k == "refund"):
        rows = journal.for_record(pair_id, "refund", sid)
        if not any(r.depends_on in plan.orders for r in rows):
            _plan_document(ctx, plan, rows, _sale_root(ctx, rows), None, f"refund:{sid}")
    _check_in_ledger(ctx, plan)
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
        if any(p.state in ("summarised", "in_summary") for p in postings):
            plan.blocked.append(Blocked(number, "it is posted in its day's summary document, "
                                                "not on its own; undo the sync that posted that "
                                                "summary to take the whole day out"))
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
    for row in journal.refunds_of_order(pair_id, source_id):
        by_refund.setdefault(row.source_id, []).append(row)
    for rows in by_refund.values():
        if any(r.state in OPEN and not is_undo(r) for r in rows):
            plan.blocked.append(Blocked(number, f"its refund {rows[0].record_number} is still "
                                                "being sent; let the sync finish, then undo"))
            return
        refund_root = _sale_root(ctx, rows)
        if refund_root is not None:
            before = _plan_document(ctx, plan, rows, refund_root, before, source_id)
    _plan_document(ctx, plan, postings, root, before, source_id)
    plan.orders.append(source_id)


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


# -- doing it -------------------------------------------------------------------------------------
def journal_undo(ctx: PairContext, plan: UndoPlan) -> tuple[list[str], list[str]]:
    """Write the plan's voids, then its customers and items to make inactive, to the journal
    (one transaction; the merchant's confirmation approves them on a pair that holds for
    approval); returns (void keys in order, retire keys)."""
    keys: list[str] = []
    groups: dict[str, list[str]] = {}
    for step in plan.steps:
        groups.setdefault(step.group, []).append(undo_key_of(step))
    with ctx.state.tx():
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
    return keys, retire_keys


def carry_out(ctx: PairContext, plan: UndoPlan) -> UndoResult:
    """Journal the plan's voids and send them, in order, then make the customers and items only
    they used inactive; says what was and was not undone (and what waits for the ledger)."""
    keys, retire_keys = journal_undo(ctx, plan)
    labels = {undo_key_of(step): step.label for step in plan.steps}
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
        rows = [r for r in ctx.state.journal.for_record(ctx.pair.id, "order", sid)
                if r.state in OPEN]
        sent = [dispatcher.dispatch(ctx.state.journal.get(r.posting_key) or r) for r in rows]
        # a ledger that calls in (the Web Connector) posts it at its next update: say so
        said = [dispatcher.waiting_words() if s == "away" else
                dispatcher.held_words() if s == "held" else s for s in sent]
        outcomes[sid] = ", ".join(dict.fromkeys(said)) if said else outcome
    return outcomes

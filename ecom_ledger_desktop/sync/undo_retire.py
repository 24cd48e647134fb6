"""After an undo: the customers and items the undone orders brought into the ledger, made
inactive where nothing else uses them (through the ledger's ``RetiringLedger`` capability).

Candidates come from the journal: the customer and items of the undone orders' postings that no
live posting of another record uses, and that the merchant did not pick by hand. The ledger then
decides with what it holds (created by our posting? used by a live document?) and says why it
keeps one.

Journal-driven like the voids: the undo journals one ``retire`` posting per candidate (record
kind ``customer``/``item``, key ``<pair>:<kind>:<key>:retire:<n>``) in the transaction that
journals its voids. The ordinary ``Dispatcher`` sends it (``send``) once every order it belongs to
is fully undone, so a ledger that calls in (QuickBooks Desktop) makes it inactive at its next
update, after the voids; a crash leaves it queued or ``sending`` and the retry is harmless (one
already inactive counts as retired). A decided posting is ``posted`` (its ``last_error`` holds
the outcome in words) or ``superseded`` when the ledger was not asked (the order's undo was
refused, another order uses it now).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ecom_ledger_desktop.connectors.base import RetireOutcome, RetiringLedger
from ecom_ledger_desktop.core.errors import RecordError
from ecom_ledger_desktop.db.journal_repo import PostingRow
from ecom_ledger_desktop.sync.context import PairContext
from ecom_ledger_desktop.sync.ingest import DEAD_STATES
from ecom_ledger_desktop.sync.undo_journal import UNDO_REVISION, is_undo

if TYPE_CHECKING:
    from ecom_ledger_desktop.sync.posting import Dispatcher

CLOCK_MARGIN = timedelta(minutes=2)  # the ledger's clock may run a little behind ours
RETIRE = "retire"
OPEN = ("queued", "sending")


@dataclass(frozen=True)
class RetireCandidate:
    """A customer or item only the undone orders used."""

    kind: str  # customer | item
    key: str
    ledger_id: str
    name: str
    since: datetime  # when the first of the undone orders using it was journaled
    orders: tuple[str, ...] = ()  # the undone orders (store ids) that used it


def _refs(row: PostingRow) -> list[tuple[str, str, str]]:
    """(kind, key, name) of the customer and items a posting refers to."""
    try:
        payload = json.loads(row.payload)
    except ValueError:
        return []
    found: list[tuple[str, str, str]] = []
    customer = payload.get("customer") if isinstance(payload, dict) else None
    if isinstance(customer, dict) and customer.get("key"):
        found.append(("customer", str(customer["key"]), str(customer.get("display_name") or "")))
    for item in (payload.get("items") or []) if isinstance(payload, dict) else []:
        if isinstance(item, dict) and item.get("key"):
            found.append(("item", str(item["key"]), str(item.get("sku") or item.get("name"))))
    return found


def candidates(ctx: PairContext, order_ids: Iterable[str]) -> list[RetireCandidate]:
    """Customers and items of these orders (and their refunds) that nothing else uses."""
    selected = set(order_ids)
    if not selected:
        return []
    mine: dict[tuple[str, str], tuple[str, datetime, list[str]]] = {}
    others: set[tuple[str, str]] = set()
    for row in ctx.state.journal.all(ctx.pair.id):
        ours = (row.record_kind == "order" and row.source_id in selected) or (
            row.record_kind == "refund" and row.depends_on in selected)
        order = row.source_id if row.record_kind == "order" else str(row.depends_on)
        for kind, key, name in _refs(row):
            if ours:
                when = datetime.fromisoformat(row.created_at)
                known = mine.get((kind, key))
                users = known[2] if known else []
                if order not in users:
                    users.append(order)
                mine[(kind, key)] = (name, min(when, known[1]) if known else when, users)
            elif row.state not in DEAD_STATES:
                others.add((kind, key))
    chosen = set(ctx.state.mappings.customers(ctx.pair.id))
    refs, conn = ctx.state.ledger_refs, ctx.pair.ledger_id
    out: list[RetireCandidate] = []
    for (kind, key), (name, since, users) in mine.items():
        if (kind, key) in others or (kind == "customer" and key in chosen):
            continue
        ledger_id = refs.get(conn, kind, key)
        if ledger_id:
            out.append(RetireCandidate(kind, key, ledger_id, name or key, since, tuple(users)))
    return out


def fully_undone(ctx: PairContext, source_id: str) -> bool:
    """No document of the order (or of its refunds) is live in the ledger any more."""
    rows = ctx.state.journal.for_record(ctx.pair.id, "order", source_id)
    rows += ctx.state.journal.refunds_of_order(ctx.pair.id, source_id)
    return not any(r.state in ("posted", *OPEN, "flagged") and r.op != "void" for r in rows) \
        and not any(is_undo(r) and r.state != "posted" for r in rows)


def _undo_refused(ctx: PairContext, source_id: str) -> bool:
    rows = ctx.state.journal.for_record(ctx.pair.id, "order", source_id)
    rows += ctx.state.journal.refunds_of_order(ctx.pair.id, source_id)
    return any(is_undo(r) and r.state in ("flagged", "ignored") for r in rows)


# -- journaling ---------------------------------------------------------------------------------
def journal_retire(ctx: PairContext, found: list[RetireCandidate]) -> list[str]:
    """Journal a retire posting per candidate (an open one is reused: never two at once);
    call inside the transaction that journals the undo's voids. Returns their keys."""
    if not isinstance(ctx.ledger, RetiringLedger):
        return []
    journal, keys = ctx.state.journal, []
    for candidate in found:
        rows = [r for r in journal.for_record(ctx.pair.id, candidate.kind, candidate.key)
                if r.op == RETIRE]
        waiting = [r for r in rows if r.state in OPEN]
        if waiting:
            keys.append(waiting[-1].posting_key)
            continue
        key = f"{ctx.pair.id}:{candidate.kind}:{candidate.key}:{RETIRE}:{len(rows) + 1}"
        journal.enqueue(
            pair_id=ctx.pair.id, posting_key=key, op=RETIRE, doc_kind=candidate.kind,
            record_kind=candidate.kind, source_id=candidate.key, record_number=candidate.name,
            revision=UNDO_REVISION, amount=None, payload=json.dumps({
                "name": candidate.name, "since": candidate.since.isoformat(),
                "orders": list(candidate.orders)}))
        ctx.state.runs.audit("undo", pair_id=ctx.pair.id, record_kind=candidate.kind,
                             source_id=candidate.key, posting_key=key,
                             detail=f"make {candidate.kind} {candidate.name} inactive")
        keys.append(key)
    return keys


def not_retiring(ctx: PairContext, found: list[RetireCandidate]) -> list[str]:
    """What a ledger without the capability keeps, in plain words."""
    if isinstance(ctx.ledger, RetiringLedger):
        return []
    return [f"{c.kind} {c.name}: kept ({ctx.ledger_label} cannot make it inactive from "
            "here; do it there if you no longer want it)" for c in found]


# -- sending ------------------------------------------------------------------------------------
def send(dispatcher: Dispatcher, row: PostingRow) -> str:
    """Dispatch one retire posting: wait for its orders' voids, then ask the ledger once.

    ``LedgerAway`` and transient errors reach the dispatcher (the posting waits, is retried).
    """
    ctx = dispatcher.ctx
    payload = json.loads(row.payload)
    orders = [str(order) for order in payload.get("orders", [])]
    label = f"{row.record_kind} {payload.get('name') or row.source_id}"
    if any(_undo_refused(ctx, order) for order in orders):
        return _skip(ctx, row, f"{label}: kept (the undo of its order was refused, so it is "
                               "still in the books)")
    if not all(fully_undone(ctx, order) for order in orders):
        return dispatcher.wait(row, "waiting for the undo of its orders to be confirmed")
    still = {(c.kind, c.key): c for c in candidates(ctx, orders)}
    candidate = still.get((row.record_kind, row.source_id))
    if candidate is None:
        return _skip(ctx, row, f"{label}: kept (another order uses it now, or it was made "
                               "inactive already)")
    ledger = ctx.ledger
    if not isinstance(ledger, RetiringLedger):
        return _skip(ctx, row, not_retiring(ctx, [candidate])[0])
    with ctx.state.tx():
        ctx.state.journal.mark_sending(row.posting_key, dispatcher.run_id)
    since = datetime.fromisoformat(str(payload.get("since") or candidate.since.isoformat()))
    try:
        outcome = ledger.retire(row.record_kind, candidate.ledger_id, since - CLOCK_MARGIN,
                                row.request_id)
    except RecordError as error:
        outcome = RetireOutcome(False, f"{label}: kept ({error.problem.message})")
    with ctx.state.tx():
        ctx.state.journal.mark_posted(row.posting_key, candidate.ledger_id, None, None, None)
        ctx.state.journal.note_error(row.posting_key, outcome.why)  # the outcome, in words
        if outcome.retired:  # a repost looks it up afresh (the ledger reactivates it)
            ctx.state.ledger_refs.forget(ctx.pair.ledger_id, row.record_kind, row.source_id)
            ctx.state.runs.audit("retired", pair_id=ctx.pair.id, detail=outcome.why)
    return "posted"


def _skip(ctx: PairContext, row: PostingRow, why: str) -> str:
    with ctx.state.tx():
        ctx.state.journal.mark_state(row.posting_key, "superseded", why)
    return "posted"


def outcome_lines(ctx: PairContext, keys: list[str], dispatcher: Dispatcher) -> list[str]:
    """Send the undo's retire postings that can go now; one plain line for each."""
    lines: list[str] = []
    for key in keys:
        row = ctx.state.journal.get(key)
        if row is None:
            continue
        if row.state in OPEN and not ctx.stop.is_set() and not dispatcher.away:
            dispatcher.dispatch(row)
            row = ctx.state.journal.get(key) or row
        name = row.record_number or row.source_id
        if row.state in ("posted", "superseded"):
            lines.append(row.last_error or f"{row.record_kind} {name}: done")
        elif dispatcher.away:
            lines.append(f"{row.record_kind} {name}: {dispatcher.waiting_words()}; it is made "
                         "inactive after the undo's documents, if nothing else uses it")
        else:
            lines.append(f"{row.record_kind} {name}: waiting ({row.last_error or 'not sent yet'}"
                         "); it is finished by the next sync")
    return lines

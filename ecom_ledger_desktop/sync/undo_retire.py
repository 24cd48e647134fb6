"""After an undo: the customers and items the undone orders brought into the ledger, made
inactive where nothing else uses them (through the ledger's ``RetiringLedger`` capability).

Candidates come from the journal: the customer and items of the undone orders' postings that no
live posting of another record uses, and that the merchant did not pick by hand. The ledger then
decides with what it holds (created by our posting? used by a live document?) and says why it
keeps one. Idempotent, so a rerun after a crash finishes it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from ecom_ledger_desktop.connectors.base import RetiringLedger
from ecom_ledger_desktop.core.errors import RecordError, RetriableError
from ecom_ledger_desktop.db.journal_repo import PostingRow, request_id_for
from ecom_ledger_desktop.sync.context import PairContext
from ecom_ledger_desktop.sync.ingest import DEAD_STATES

CLOCK_MARGIN = timedelta(minutes=2)  # the ledger's clock may run a little behind ours


@dataclass(frozen=True)
class RetireCandidate:
    """A customer or item only the undone orders used."""

    kind: str  # customer | item
    key: str
    ledger_id: str
    name: str
    since: datetime  # when the first of the undone orders using it was journaled


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
    mine: dict[tuple[str, str], tuple[str, datetime]] = {}
    others: set[tuple[str, str]] = set()
    for row in ctx.state.journal.all(ctx.pair.id):
        ours = (row.record_kind == "order" and row.source_id in selected) or (
            row.record_kind == "refund" and row.depends_on in selected)
        for kind, key, name in _refs(row):
            if ours:
                when = datetime.fromisoformat(row.created_at)
                known = mine.get((kind, key))
                mine[(kind, key)] = (name, min(when, known[1]) if known else when)
            elif row.state not in DEAD_STATES:
                others.add((kind, key))
    chosen = set(ctx.state.mappings.customers(ctx.pair.id))
    refs, conn = ctx.state.ledger_refs, ctx.pair.ledger_id
    out: list[RetireCandidate] = []
    for (kind, key), (name, since) in mine.items():
        if (kind, key) in others or (kind == "customer" and key in chosen):
            continue
        ledger_id = refs.get(conn, kind, key)
        if ledger_id:
            out.append(RetireCandidate(kind, key, ledger_id, name or key, since))
    return out


def retire(ctx: PairContext, found: list[RetireCandidate]) -> list[str]:
    """Ask the ledger to make each inactive; one plain line per candidate."""
    ledger = ctx.ledger
    if not found:
        return []
    if not isinstance(ledger, RetiringLedger):
        return [f"{c.kind} {c.name}: kept ({ctx.ledger_label} cannot make it inactive from "
                "here; do it there if you no longer want it)" for c in found]
    lines: list[str] = []
    for candidate in found:
        rid = request_id_for(f"retire:{candidate.kind}:{candidate.ledger_id}:{candidate.since}")
        try:
            outcome = ledger.retire(candidate.kind, candidate.ledger_id,
                                    candidate.since - CLOCK_MARGIN, rid)
        except RecordError as error:
            lines.append(f"{candidate.kind} {candidate.name}: kept ({error.problem.message})")
            continue
        except RetriableError as error:
            lines.append(f"{candidate.kind} {candidate.name}: not reached ({error}); run the "
                         "undo again to finish")
            continue
        if outcome.retired:
            with ctx.state.tx():  # a repost looks it up afresh (the ledger reactivates it)
                ctx.state.ledger_refs.forget(ctx.pair.ledger_id, candidate.kind, candidate.key)
                ctx.state.runs.audit("retired", pair_id=ctx.pair.id, detail=outcome.why)
        lines.append(outcome.why)
    return lines

"""What the ledger would not take back cleanly, asked before an undo voids anything.

The preview asks the ledger (``UndoCheckingLedger``) for every document it would void. A ledger
that calls in (QuickBooks Desktop) usually cannot be asked then: the undo is journaled with its
voids marked ``check``, and when the first void of an order comes to be sent (its Web Connector
is connected by then) the order's documents are checked first. An order with an obstacle is left
in the books whole: each of its voids is flagged with the ledger's words (retry once resolved,
or keep it), exactly as a refused void is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecom_ledger_desktop.connectors.base import PostedRef, UndoCheckingLedger
from ecom_ledger_desktop.core.errors import Fix, RecordProblem
from ecom_ledger_desktop.core.money import loads
from ecom_ledger_desktop.db.journal_repo import PostingRow
from ecom_ledger_desktop.sync.context import PairContext
from ecom_ledger_desktop.sync.undo_journal import document_chain, is_undo

if TYPE_CHECKING:
    from ecom_ledger_desktop.sync.posting import Dispatcher

OPEN = ("queued", "sending")


def document_ref(ctx: PairContext, root: PostingRow) -> tuple[PostedRef, str]:
    """The posted document ``root`` created, as the ledger's check wants it: the version we
    last wrote and the ids of our own payments on it."""
    rows = ctx.state.journal.for_record(ctx.pair.id, root.record_kind, root.source_id)
    chain = [p for p in document_chain(rows, root) if p.state == "posted"]
    payments = [p.ledger_id or "" for p in rows if p.op == "payment" and p.state == "posted"]
    return (PostedRef(ledger_id=root.ledger_id or "", doc_number=root.ledger_doc_number,
                      sync_token=(chain[-1] if chain else root).ledger_sync_token,
                      extra={"payments": ",".join(payments)}), root.doc_kind)


def check_before_void(dispatcher: Dispatcher, row: PostingRow) -> str | None:
    """For the first void of an order whose undo was journaled unchecked: ask the ledger about
    the order's documents; "flagged" when it would not take them back (else None: send it).
    ``LedgerAway`` reaches the dispatcher (the void waits for the next update)."""
    ctx = dispatcher.ctx
    ledger = ctx.ledger
    if not is_undo(row) or row.depends_on or not isinstance(ledger, UndoCheckingLedger):
        return None
    payload = loads(row.payload)
    if not payload.get("check"):
        return None
    group = [r for key in payload.get("group", [row.posting_key])
             if (r := ctx.state.journal.get(str(key))) is not None and r.state in OPEN]
    roots = [(r, root) for r in group
             if (root := ctx.state.journal.get(r.target_key or "")) is not None]
    refs = [document_ref(ctx, root) for _, root in roots]
    obstacles = ledger.undo_obstacles(refs)
    found = [(root, obstacles[root.ledger_id or ""]) for _, root in roots
             if obstacles.get(root.ledger_id or "")]
    if not found:
        return None
    root, why = found[0]
    label = f"{ctx.document_label(root.doc_kind)} {root.ledger_doc_number or root.ledger_id}"
    problem = RecordProblem("undo_obstacle", f"{label}: {why}.",
                            [Fix("retry", "Try the undo again once resolved"),
                             Fix("ignore", "Keep it in the books")], detail=root.ledger_id or "")
    for void in group:  # the order stays in the books whole
        dispatcher.flag(void, problem)
    return "flagged"

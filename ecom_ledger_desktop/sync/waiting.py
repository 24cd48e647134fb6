"""Postings that wait for another record longer than a run: said in the error queue.

A refund waits for its order, an update for the document it changes. Within one run that is
normal (the order posts first); a posting that was already journaled when the run started and
still waits when it ends, for a record a person must act on (flagged, ignored, missing), will not
post by itself, so the merchant is told what it waits for. A wait behind a record still on its
way (a transient failure) is not a person's problem and stays out of the queue. The entry closes
when the posting posts (``Dispatcher`` resolves a record's entries then).
"""

from __future__ import annotations

from ecom_ledger_desktop.core.errors import Fix, RecordProblem
from ecom_ledger_desktop.db.journal_repo import PostingRow
from ecom_ledger_desktop.sync.context import PairContext
from ecom_ledger_desktop.sync.ingest import DEAD_STATES, active_sale
from ecom_ledger_desktop.sync.refund_payout import is_payout

WAITING_CODE = "waiting"
_WHAT = {"create": "{kind} {number}", "update": "The change to {kind_lower} {number}",
         "void": "The void of {kind_lower} {number}", "payment": "The payment of order {number}"}


def _what(row: PostingRow) -> str:
    kind = "Order" if row.record_kind == "order" else row.record_kind.capitalize()
    template = _WHAT.get(row.op, "{kind} {number}")
    if row.doc_kind == "refund_payout":
        template = "The money paid back for {kind_lower} {number}"
    return template.format(kind=kind, kind_lower=kind.lower(), number=row.record_number)


def problem_for(row: PostingRow) -> RecordProblem:
    """What the merchant reads about a posting that waits across runs."""
    reason = row.last_error or "waiting for another record to be posted first"
    since = row.created_at[:10] or "an earlier sync"
    return RecordProblem(
        WAITING_CODE,
        f"{_what(row)} is not in the books yet: it has been {reason} since {since}. It posts by "
        "itself once that record is posted: fix that record's entry in this queue (or post it), "
        "then retry this one; if it should never be posted, ignore it with a reason.",
        fixes=[Fix("retry", "Retry"), Fix("ignore", "Ignore it")])


def _blocker(ctx: PairContext, row: PostingRow) -> PostingRow | None:
    """The posting ``row`` waits for (as ``Dispatcher`` decides), or None when there is none."""
    journal = ctx.state.journal
    if row.op in ("update", "void", "payment"):
        return journal.get(row.target_key or "")
    if row.depends_on and row.depends_on.startswith("posting:"):
        return journal.get(row.depends_on.removeprefix("posting:"))
    if row.record_kind == "refund":
        return active_sale(journal.for_record(ctx.pair.id, "order", row.depends_on or ""))
    return None


def _blocker_in_progress(ctx: PairContext, row: PostingRow) -> bool:
    """What ``row`` waits for is still on its way (queued, or sent and being confirmed).

    Then a transient failure (an outage, a lost answer) holds it up and the next run posts both:
    nothing for a person. A blocker flagged, ignored, superseded or missing needs one.
    """
    blocker = _blocker(ctx, row)
    return blocker is not None and blocker.state in ("queued", "sending")


def _follows_its_refund(ctx: PairContext, row: PostingRow) -> bool:
    """A refund's pay-out waiting for its own refund document says nothing of its own: that
    document's entry names the problem; if the document will never be posted (ignored,
    replaced, undone), its pay-out is dropped with it. Call inside a transaction."""
    blocker = _blocker(ctx, row) if is_payout(row) else None
    if blocker is None or blocker.source_id != row.source_id:
        return False
    if blocker.state in DEAD_STATES:
        ctx.state.journal.mark_state(row.posting_key, "superseded",
                                     f"its refund document is {blocker.state}")
    return True


def surface_stale_waiting(ctx: PairContext, run_id: int, keys: list[str],
                          run_started_at: str) -> int:
    """Flag the postings in ``keys`` journaled before this run began; returns how many.

    Call after the run's dispatch pass, outside a transaction.
    """
    stale = [row for row in map(ctx.state.journal.get, keys)
             if row is not None and row.state == "queued" and row.created_at < run_started_at
             and not _blocker_in_progress(ctx, row)]
    flagged = 0
    with ctx.state.tx():
        for row in stale:
            if _follows_its_refund(ctx, row):
                continue
            flagged += 1
            known = any(entry.posting_key == row.posting_key for entry in
                        ctx.state.errors.open_for_record(ctx.pair.id, row.record_kind,
                                                         row.source_id))
            problem = problem_for(row)
            ctx.state.errors.flag(pair_id=ctx.pair.id, record_kind=row.record_kind,
                                  source_id=row.source_id, record_ref=row.record_number,
                                  problem=problem, posting_key=row.posting_key)
            if known:
                continue  # said once in the history; the entry counts the runs since
            ctx.state.runs.audit("waiting", pair_id=ctx.pair.id, run_id=run_id,
                                 record_kind=row.record_kind, source_id=row.source_id,
                                 posting_key=row.posting_key, detail=row.last_error)
    return flagged

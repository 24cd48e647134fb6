"""Undo of orders posted in daily summaries: each is taken out of its day, and the day's
summary document is updated to the orders left (voided when none is left).

The order's member postings (and its refunds') move to ``undone`` and the day is journaled again
from its remaining members through the ordinary "a later change updates that day's document"
path (``summary_journal``), in one transaction; the dispatcher then sends the update once
(write-ahead, lookup before resend). ``put_back`` is the reverse of a post-again: the order,
journaled afresh and held for its day, goes into the day's next revision.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ecom_ledger_desktop.core.money import loads
from ecom_ledger_desktop.db.journal_repo import JournalRepo, PostingRow
from ecom_ledger_desktop.sync.context import PairContext
from ecom_ledger_desktop.sync.ingest import root_key
from ecom_ledger_desktop.sync.summary_journal import (
    IN_SUMMARY,
    MEMBER_STATES,
    PENDING,
    close_days,
    day_summaries,
    journal_day,
    live_summary,
)
from ecom_ledger_desktop.sync.undo_journal import UNDONE


@dataclass(frozen=True)
class SummaryChange:
    """How one day's summary document changes when orders are taken out of it."""

    day: date
    doc_number: str
    currency: str
    before: Decimal | None
    after: Decimal | None  # None: voided, no order is left in it
    orders: tuple[str, ...]  # what is taken out, in words: "order 1001", "refund 2002"
    source_id: str = ""  # the day group's journal source id (``day|tag``)
    order_ids: tuple[str, ...] = ()  # the orders (store ids) whose undo changes it
    doc_kind: str = ""
    ledger_id: str = ""  # the summary document in the ledger ("" while it is not posted)
    sync_token: str | None = None  # its version as we last wrote it

    @property
    def label(self) -> str:
        """E.g. "the 22 Nov summary S261122-6bc changes from 81.79 USD to 55.30 USD (order
        000000001 taken out)"."""
        which = ", ".join(self.orders)
        head = f"the {self.day.day} {self.day:%b} summary {self.doc_number}"
        if self.after is None:
            return f"{head} is voided ({which} taken out: no order is left in it)"
        before = f"{self.before} {self.currency}" if self.before is not None else "nothing"
        return f"{head} changes from {before} to {self.after} {self.currency} ({which} taken out)"


def member_rows(ctx: PairContext, source_id: str) -> list[PostingRow]:
    """The summary-member postings of an order and of its refunds."""
    journal, pair_id = ctx.state.journal, ctx.pair.id
    rows = journal.for_record(pair_id, "order", source_id) + journal.refunds_of_order(
        pair_id, source_id)
    return [r for r in rows if r.state in MEMBER_STATES]


def is_summarised(ctx: PairContext, source_id: str) -> bool:
    """Whether the order is in the books through its day's summary, not on its own."""
    rows = ctx.state.journal.for_record(ctx.pair.id, "order", source_id)
    return any(r.state in MEMBER_STATES for r in rows)


def _days(rows: Iterable[PostingRow]) -> set[str]:
    return {str(loads(r.payload)["summary"]["day"]) for r in rows}


def plan_take_out(ctx: PairContext, source_ids: list[str]) -> list[SummaryChange]:
    """How the summaries of the orders' days change once they are taken out (a preview)."""
    rows = [r for sid in source_ids for r in member_rows(ctx, sid)]
    without = frozenset((r.record_kind, r.source_id) for r in rows)
    numbers = {(r.record_kind, r.source_id): f"{r.record_kind} {r.record_number}" for r in rows}
    orders = {(r.record_kind, r.source_id): (r.depends_on or r.source_id)
              if r.record_kind == "refund" else r.source_id
              for r in rows}  # the order each record belongs to
    changes: list[SummaryChange] = []
    for day in sorted(_days(r for r in rows if r.state == IN_SUMMARY)):
        before, after = day_summaries(ctx, day, []), day_summaries(ctx, day, [], without)
        for source_id, postings in sorted(before.previous.items()):
            live = live_summary(postings)
            if live is None:
                continue
            members = {tuple(m) for m in loads(live.payload).get("members", [])}
            out = tuple(sorted({n for k, n in numbers.items() if k in members}))
            wanted = after.wanted.get(source_id)
            if not out or (wanted is not None and wanted[1].revision == live.revision):
                continue
            root = ctx.state.journal.get(root_key(live)) or live
            posted = root.state == "posted" and live.state == "posted"
            changes.append(SummaryChange(
                date.fromisoformat(day), root.ledger_doc_number or live.record_number,
                before.wanted[source_id][1].document.currency if source_id in before.wanted
                else "", live.amount, wanted[1].document.total if wanted else None, out, source_id,
                order_ids=tuple(sorted({orders[k] for k in numbers if k in members})),
                doc_kind=live.doc_kind, ledger_id=(root.ledger_id or "") if posted else "",
                sync_token=live.ledger_sync_token if posted else None))
    return changes


def take_out(ctx: PairContext, source_ids: list[str]) -> list[str]:
    """Mark the orders' summary members undone and journal their days again; returns the days
    whose summaries changed. Call inside a transaction (crash-safe: all or nothing)."""
    rows = [r for sid in source_ids for r in member_rows(ctx, sid)]
    for row in rows:
        ctx.state.journal.mark_state(row.posting_key, UNDONE, "undone by the merchant")
        ctx.state.runs.audit("undo", pair_id=ctx.pair.id, record_kind=row.record_kind,
                             source_id=row.source_id, posting_key=row.posting_key,
                             detail="taken out of its day's summary")
    days = sorted(_days(r for r in rows if r.state == IN_SUMMARY))
    for day in days:
        journal_day(ctx, day, [], None)
    return days


def open_summaries(ctx: PairContext, days: Iterable[str]) -> list[PostingRow]:
    """The summary postings of these days still to be sent."""
    wanted = set(days)
    return [row for row in ctx.state.journal.open_postings(ctx.pair.id)
            if row.record_kind == "summary" and row.source_id.split("|")[0] in wanted]


def put_back(ctx: PairContext, source_id: str) -> list[str]:
    """After a post-again journaled the order afresh: when it is held for its day's summary and
    the day is closed, journal the day with it; returns the days to send. In a transaction."""
    held = [r for r in member_rows(ctx, source_id) if r.state == PENDING]
    if not held:
        return []
    close_days(ctx, None, ctx.clock.now())
    return sorted(_days(held))


def order_summary(journal: JournalRepo, pair_id: int, source_id: str
                  ) -> tuple[PostingRow, bool] | None:
    """The posted summary document an order is counted in (or was, before an undo took it
    out), and whether it was taken out; None when the order never went into a posted summary."""
    held = [r for r in journal.for_record(pair_id, "order", source_id)
            if r.op in ("create", "update") and r.state in (IN_SUMMARY, UNDONE)
            and '"summary"' in r.payload]
    if not held:
        return None
    day = str(loads(held[-1].payload)["summary"]["day"])
    posted = [r for r in journal.summaries_of_day(pair_id, day)
              if r.state == "posted" and r.op in ("create", "update") and r.ledger_id is not None
              and ["order", source_id] in loads(r.payload).get("members", [])]
    return (posted[-1], held[-1].state == UNDONE) if posted else None

"""Summary posting through the journal, exactly once.

Ingest journals each order (and refund) as always; ``fold`` then holds a posting of the summary
channel back from sending (state ``summarised``), noting its store-local day. Once a day is
closed (store-local midnight + the grace rule), ``close_days`` journals that day's summaries: one
posting per summary group, keyed by pair, day, method, currency, kind and revision
(``summary.summary_key``), and marks the members ``in_summary``. Both steps run inside the
caller's transaction, and the summary is then sent by the ordinary dispatcher (write-ahead,
lookup before resend), so a crash anywhere posts it once.

A late change to a day already summarised (an edit, a cancellation, a refund dated that day, a
payment turning an offline order into a sale of that day) rebuilds the day from the latest
revision of every member and journals an *update* of that day's document (a void when nothing is
left). Updating rather than posting an adjusting document keeps one document per day and group,
which the per-day reconciliation compares against, and never needs a negative sales receipt
(the ledgers refuse them) when a day's total goes down. An undo of one order (``summary_undo``)
takes it out of its day the same way: its postings become ``undone`` and the day is rebuilt.

An order keeps the channel it first went through: once posted per order, its edits update its
own document even on a summary day; once in a summary, it stays in summaries after a switch back.
So a switch of mode (with its cut-over date) never counts an order twice nor drops one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from ecom_ledger_desktop.core.money import dumps, loads
from ecom_ledger_desktop.db.journal_repo import PostingRow
from ecom_ledger_desktop.models.ledger import LedgerItem, SalesDocument
from ecom_ledger_desktop.sync.context import PairContext
from ecom_ledger_desktop.sync.ingest import DEAD_STATES, active_sale, mapped_payload, root_key
from ecom_ledger_desktop.sync.mapper_common import MappedDocument
from ecom_ledger_desktop.sync.refund_payout import journal_payout, void_payouts
from ecom_ledger_desktop.sync.summary import (
    DOC_NUMBER_ROOM,
    SummaryGroup,
    day_closed,
    group_of,
    group_tag,
    summarise_day,
    summarises,
    summary_key,
)
from ecom_ledger_desktop.sync.undo_journal import UNDONE

PENDING = "summarised"  # held for its day's summary, the day not journaled since
IN_SUMMARY = "in_summary"  # counted in its day's journaled summary
MEMBER_STATES = (PENDING, IN_SUMMARY)
FOLDED_KINDS = ("sales_receipt", "refund_receipt", "credit_memo")


def _members(rows: list[PostingRow], but: str = "") -> list[PostingRow]:
    return [p for p in rows if p.state in MEMBER_STATES and p.posting_key != but]


def _summary_channel(ctx: PairContext, row: PostingRow, payload: dict[str, object]) -> bool:
    """Whether a just-journaled posting goes into a summary (see the module docstring)."""
    if row.record_kind not in ("order", "refund") or row.op not in ("create", "update", "void"):
        return False
    journal, pair_id = ctx.state.journal, ctx.pair.id
    others = [p for p in journal.for_record(pair_id, row.record_kind, row.source_id)
              if p.posting_key != row.posting_key]
    if _members(others):
        return True
    if row.record_kind == "refund" and row.depends_on and _members(
            journal.for_record(pair_id, "order", row.depends_on)):
        return True  # a refund of a summarised order has no per-order sale to refer to
    if any(p.state in ("posted", "sending") for p in others) or row.op != "create":
        return False  # posted per order: it stays so
    document = payload.get("document")
    if row.doc_kind not in FOLDED_KINDS or not isinstance(document, dict):
        return False  # invoices (unpaid at order) and their payments stay per order
    return summarises(ctx.pair.rules, date.fromisoformat(str(document["txn_date"])))


def _day_of(ctx: PairContext, row: PostingRow, payload: dict[str, object]) -> str:
    document = payload.get("document")
    if isinstance(document, dict):
        return str(document["txn_date"])
    before = _members(ctx.state.journal.for_record(ctx.pair.id, row.record_kind, row.source_id),
                      row.posting_key)
    return str(loads(before[-1].payload)["summary"]["day"])  # a void: its sale's day


def fold(ctx: PairContext, posting_key: str, zone: str, run_id: int | None) -> bool:
    """Hold a just-journaled posting for its day's summary when its channel is the summary's."""
    row = ctx.state.journal.get(posting_key)
    if row is None or row.state != "queued":
        return False
    payload = loads(row.payload) if row.payload.startswith("{") else {}
    if not _summary_channel(ctx, row, payload):
        return False
    day = _day_of(ctx, row, payload)
    payload["summary"] = {"day": day, "zone": zone}
    ctx.state.journal.hold_for_summary(posting_key, PENDING, dumps(payload))
    ctx.state.runs.audit("summarised", pair_id=ctx.pair.id, run_id=run_id,
                         record_kind=row.record_kind, source_id=row.source_id,
                         posting_key=posting_key, detail=f"held for the summary of {day}")
    return True


def close_days(ctx: PairContext, run_id: int | None, now: datetime) -> int:
    """Journal the summaries of every closed day with members not yet summarised; returns how
    many summary postings were journaled. Call inside a transaction."""
    pending: dict[str, list[PostingRow]] = {}
    zones: dict[str, str] = {}
    for row in ctx.state.journal.by_state(ctx.pair.id, PENDING):
        note = loads(row.payload)["summary"]
        pending.setdefault(note["day"], []).append(row)
        zones[note["day"]] = note["zone"]
    grace = ctx.pair.rules.summary_grace_minutes
    journaled = 0
    for day in sorted(pending):
        if day_closed(date.fromisoformat(day), zones[day], now, grace):
            journaled += journal_day(ctx, day, pending[day], run_id)
    return journaled


@dataclass
class DaySummaries:
    """A day's summaries as they should be (by journal source id ``day|tag``), the summary
    postings the day has so far and the records each summary counts (same ids)."""

    wanted: dict[str, tuple[SummaryGroup, MappedDocument]]
    previous: dict[str, list[PostingRow]]
    members: dict[str, list[tuple[str, str]]]


def day_summaries(ctx: PairContext, day: str, pending: list[PostingRow],
                  without: frozenset[tuple[str, str]] = frozenset()) -> DaySummaries:
    """The day's summaries from the latest revision of every member (the ``pending`` rows and
    the members of the day's earlier summaries), leaving out the records ``without``."""
    journal, pair_id = ctx.state.journal, ctx.pair.id
    previous = journal.summaries_of_day(pair_id, day)
    records = {(r.record_kind, r.source_id) for r in pending}
    for summary in previous:
        records.update(tuple(m) for m in loads(summary.payload).get("members", []))
    records -= without
    documents: list[tuple[str, SalesDocument]] = []
    counted: dict[str, list[tuple[str, str]]] = {}  # per summary: the records in it now
    items: dict[str, LedgerItem] = {}  # what the members need created, by policy
    for kind, source_id in sorted(records):
        rows = _members(journal.for_record(pair_id, kind, source_id))
        if not rows:
            continue
        latest = rows[-1]
        payload = loads(latest.payload)
        if payload["summary"]["day"] != day or latest.op == "void":
            continue
        document = SalesDocument.model_validate(payload["document"])
        documents.append((latest.record_number, document))
        into = f"{day}|{group_tag(group_of(document, ctx.pair.rules))}"
        counted.setdefault(into, []).append((kind, source_id))
        for raw in payload.get("items", []):
            item = LedgerItem.model_validate(raw)
            items.setdefault(item.key, item)
    by_source: dict[str, list[PostingRow]] = {}
    for summary in previous:
        by_source.setdefault(summary.source_id, []).append(summary)
    summaries: dict[str, tuple[SummaryGroup, MappedDocument]] = {}
    for group, mapped in summarise_day(documents, ctx.pair.rules).items():
        wanted = {line.item.item_key for line in mapped.document.lines}
        mapped.items = [item for key, item in sorted(items.items()) if key in wanted]
        summaries[f"{day}|{group_tag(group)}"] = (group, mapped)
    return DaySummaries(summaries, by_source, counted)


def live_summary(rows: list[PostingRow]) -> PostingRow | None:
    """The live summary document among one day group's postings (None: none, or voided)."""
    return _live(rows)


def journal_day(ctx: PairContext, day: str, pending: list[PostingRow],
                run_id: int | None) -> int:
    """Journal the day's summaries as they should be now (an update of a live one, a void of
    one left empty) and mark ``pending`` counted; returns how many postings were journaled."""
    day_now = day_summaries(ctx, day, pending)
    by_source = dict(day_now.previous)
    journaled = 0
    for source_id, (group, mapped) in day_now.wanted.items():
        journaled += _journal_summary(ctx, source_id, group, mapped, by_source.pop(source_id, []),
                                      day_now.members.get(source_id, []), run_id)
    for source_id, rows in by_source.items():  # nothing left in that group: void its document
        journaled += _void_summary(ctx, source_id, rows, run_id)
    for row in pending:
        ctx.state.journal.mark_state(row.posting_key, IN_SUMMARY)
    return journaled


def _journal_summary(ctx: PairContext, source_id: str, group: SummaryGroup,
                     mapped: MappedDocument, rows: list[PostingRow],
                     members: list[tuple[str, str]], run_id: int | None) -> int:
    journal, pair_id = ctx.state.journal, ctx.pair.id
    live = _live(rows)
    if live is not None and live.revision == mapped.revision:
        return 0
    taken = {r.posting_key for r in rows}
    key, generation = summary_key(pair_id, group, mapped.revision), 1
    while key in taken:
        generation += 1
        key = summary_key(pair_id, group, f"{mapped.revision}.{generation}")
    op, target = "create", None
    if live is not None:
        if live.state in ("queued", "flagged"):
            _supersede(ctx, live, "the day changed before it was posted")
            op, target = live.op, live.target_key
        else:
            op, target = "update", root_key(live)
    document = mapped.document
    undone = sum(1 for r in rows if r.op == "create" and (r.state == UNDONE or _voided(r, rows)))
    if undone:  # a voided summary keeps its number in the ledger: a new one, within 11
        suffix = f"U{undone}"
        document.doc_number = document.doc_number[:DOC_NUMBER_ROOM - len(suffix)] + suffix
    document.private_note = f"{document.private_note}. ecom-ledger key: {key}"
    payload = loads(mapped_payload(mapped))
    payload["members"] = [list(m) for m in members]
    # one sales line per income account, made when sending (``summary_income``)
    payload["income_lines"] = ctx.pair.rules.summary_lines == "income"
    # a day's refunds paid back before: taken back before the change, paid again after it
    before = void_payouts(ctx, target, run_id, "the day's refunds changed") \
        if op == "update" and target else None
    journal.enqueue(pair_id=pair_id, posting_key=key, op=op, doc_kind=document.kind,
                    record_kind="summary", source_id=source_id, record_number=document.doc_number,
                    revision=mapped.revision, payload=dumps(payload), amount=document.total,
                    target_key=target, run_id=run_id,
                    depends_on=f"posting:{before}" if before else None)
    ctx.state.runs.audit("journaled", pair_id=pair_id, run_id=run_id, record_kind="summary",
                         source_id=source_id, posting_key=key,
                         detail=f"{op} daily summary {group.label} {document.total}")
    journal_payout(ctx, key, document, mapped.customer, run_id)  # a day's refunds paid back
    return 1


def _supersede(ctx: PairContext, row: PostingRow, why: str) -> None:
    """A summary not yet posted is replaced: its error-queue entry (if flagged) closes too."""
    ctx.state.journal.mark_state(row.posting_key, "superseded", why)
    ctx.state.errors.close_for_record(ctx.pair.id, "summary", row.source_id, f"superseded: {why}")


def _live(rows: list[PostingRow]) -> PostingRow | None:
    """The day group's live summary document, unless it was voided since."""
    live = active_sale(rows)
    if live is None:
        return None
    voided = any(r.op == "void" and r.id > live.id and r.state not in DEAD_STATES for r in rows)
    return None if voided else live


def _voided(create: PostingRow, rows: list[PostingRow]) -> bool:
    """Whether a summary document was voided since (its day lost every order)."""
    return create.state == "posted" and any(
        r.op == "void" and r.target_key == create.posting_key and r.state not in DEAD_STATES
        for r in rows)


def _void_summary(ctx: PairContext, source_id: str, rows: list[PostingRow],
                  run_id: int | None) -> int:
    live = _live(rows)
    if live is None:
        return 0
    journal = ctx.state.journal
    if live.state in ("queued", "flagged") and live.op == "create":
        _supersede(ctx, live, "every order of the day went away")
        return 0
    key = f"{root_key(live)}:void:{live.revision}"
    before = void_payouts(ctx, root_key(live), run_id, "no refund left in the day")
    journal.enqueue(pair_id=ctx.pair.id, posting_key=key, op="void", doc_kind=live.doc_kind,
                    record_kind="summary", source_id=source_id, record_number=live.record_number,
                    revision="void", payload=json.dumps({"reason": "no order left in the day"}),
                    amount=None, target_key=root_key(live), run_id=run_id,
                    depends_on=f"posting:{before}" if before else None)
    return 1


def post_day_again(ctx: PairContext, summary_number: str) -> str | None:
    """After an undo: journal the day of an undone summary (by its document number) again, from
    its orders' latest revisions; returns that day, or None when no summary has that number.
    Call inside a transaction; the dispatcher then sends it (a live summary: nothing new)."""
    rows = [r for r in ctx.state.journal.all(ctx.pair.id)
            if r.record_kind == "summary" and r.record_number == summary_number]
    if not rows:
        return None
    day = rows[0].source_id.split("|")[0]
    journal_day(ctx, day, [], None)
    return day

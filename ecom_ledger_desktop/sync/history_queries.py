"""Read-only questions the History page asks: runs with their durations, and order timelines.

An order's timeline starts when it was first downloaded (the staged copy's first-seen time) and
follows the audit log to the posted document, each posting event carrying the ledger's document
number from the journal. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ecom_ledger_desktop.db._common import parse_iso
from ecom_ledger_desktop.db.state import State

EVENT_LABELS = {
    "downloaded": "Downloaded from the store",
    "journaled": "Queued for posting",
    "posted": "Posted",
    "adopted": "Found already posted (after a lost answer)",
    "flagged": "Flagged for you",
    "superseded": "Replaced by a newer version",
    "ignored": "Ignored",
    "summarised": "Held for its day's summary (one document for the day)",
    "written_back": "Noted on the order in the store",
    "stock": "Stock updated",
}


def event_label(event: str) -> str:
    """The merchant's words for an audit event."""
    return EVENT_LABELS.get(event, event.replace("_", " ").capitalize())


@dataclass(frozen=True)
class RunRecord:
    """One run as the History page lists it."""

    id: int
    pair_id: int
    pair_name: str
    trigger: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    fetched: int
    posted: int
    flagged: int
    skipped: int
    message: str
    awaiting_payment: int = 0

    @property
    def duration(self) -> timedelta | None:
        """How long it ran (None while running)."""
        return self.finished_at - self.started_at if self.finished_at else None


@dataclass(frozen=True)
class TimelineEvent:
    """One step of a record's journey."""

    at: datetime
    event: str
    label: str
    detail: str
    run_id: int | None = None
    doc_kind: str = ""
    doc_number: str = ""
    record: str = ""


@dataclass
class OrderTimeline:
    """An order from download to posted document."""

    pair_id: int
    source_id: str
    number: str
    events: list[TimelineEvent] = field(default_factory=list)

    @property
    def documents(self) -> list[str]:
        """Ledger document numbers it was posted as, oldest first (no repeats)."""
        return list(dict.fromkeys(e.doc_number for e in self.events
                                  if e.doc_number and e.event in ("posted", "adopted")))


def recent_runs(state: State, pair_id: int | None = None, limit: int = 200) -> list[RunRecord]:
    """Runs, newest first, with their pair's name."""
    sql = ("SELECT runs.*, pairs.name AS pair_name FROM runs JOIN pairs ON pairs.id = "
           "runs.pair_id")
    args: tuple[int, ...] = ()
    if pair_id is not None:
        sql += " WHERE runs.pair_id = ?"
        args = (pair_id,)
    rows = state.conn.execute(sql + " ORDER BY runs.id DESC LIMIT ?", (*args, limit)).fetchall()
    return [RunRecord(
        id=r["id"], pair_id=r["pair_id"], pair_name=r["pair_name"], trigger=r["trigger"],
        status=r["status"], started_at=parse_iso(r["started_at"]),
        finished_at=parse_iso(r["finished_at"]) if r["finished_at"] else None,
        fetched=r["fetched"], posted=r["posted"], flagged=r["flagged"], skipped=r["skipped"],
        message=r["message"], awaiting_payment=r["awaiting_payment"]) for r in rows]


def _doc_numbers(state: State, keys: set[str]) -> dict[str, tuple[str, str]]:
    if not keys:
        return {}
    marks = ", ".join("?" for _ in keys)
    rows = state.conn.execute(f"SELECT posting_key, doc_kind, ledger_doc_number FROM postings "
                              f"WHERE posting_key IN ({marks})", tuple(keys)).fetchall()
    return {r["posting_key"]: (r["doc_kind"], r["ledger_doc_number"] or "") for r in rows}


def run_events(state: State, run_id: int) -> list[TimelineEvent]:
    """Every event of one run, oldest first, naming the record it was about."""
    rows = state.conn.execute(
        "SELECT audit_log.*, COALESCE(store_records.number, audit_log.source_id) AS record "
        "FROM audit_log LEFT JOIN store_records ON store_records.pair_id = audit_log.pair_id "
        "AND store_records.record_kind = audit_log.record_kind AND store_records.source_id = "
        "audit_log.source_id WHERE audit_log.run_id = ? ORDER BY audit_log.id",
        (run_id,)).fetchall()
    docs = _doc_numbers(state, {r["posting_key"] for r in rows if r["posting_key"]})
    return [_event(r["at"], r["event"], r["detail"], r["run_id"], docs.get(r["posting_key"] or ""),
                   str(r["record"] or "")) for r in rows]


def _event(at: str, event: str, detail: str, run_id: int | None,
           doc: tuple[str, str] | None, record: str = "") -> TimelineEvent:
    kind, number = doc or ("", "")
    posted = event in ("posted", "adopted")
    return TimelineEvent(parse_iso(at), event, event_label(event), detail, run_id,
                         kind, number if posted else "", record)


def find_orders(state: State, pair_id: int, text: str = "", limit: int = 100
                ) -> list[tuple[str, str]]:
    """(source id, number) of downloaded orders whose number contains ``text``, newest first."""
    rows = state.conn.execute(
        "SELECT source_id, number FROM store_records WHERE pair_id = ? AND record_kind = 'order' "
        "AND (number LIKE ? OR source_id = ?) ORDER BY first_seen_at DESC, number DESC LIMIT ?",
        (pair_id, f"%{text.strip()}%", text.strip(), limit)).fetchall()
    return [(r["source_id"], r["number"]) for r in rows]


def order_timeline(state: State, pair_id: int, order_ref: str) -> OrderTimeline | None:
    """The order (by store id or number) from download to posted document; None if unknown."""
    record = state.conn.execute(
        "SELECT source_id, number, first_seen_at FROM store_records WHERE pair_id = ? AND "
        "record_kind = 'order' AND (source_id = ? OR number = ?)",
        (pair_id, order_ref, order_ref)).fetchone()
    if record is None:
        return None
    source_id = record["source_id"]
    audit = state.runs.timeline(pair_id, "order", source_id)
    docs = _doc_numbers(state, {a["posting_key"] for a in audit if a["posting_key"]})
    timeline = OrderTimeline(pair_id, source_id, record["number"])
    timeline.events.append(_event(record["first_seen_at"], "downloaded", "", None, None))
    timeline.events.extend(_event(a["at"], a["event"], a["detail"], a["run_id"],
                                  docs.get(a["posting_key"] or "")) for a in audit)
    timeline.events.sort(key=lambda e: e.at)
    return timeline

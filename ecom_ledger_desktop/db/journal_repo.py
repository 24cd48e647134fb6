"""The posting journal: every write to a ledger is a row here before it is sent.

States: ``queued`` (mapped, not yet sent) → ``sending`` (written *before* the request leaves; on
restart it means "outcome unknown, ask the ledger") → ``posted``. Side exits: ``flagged`` (a
person must act; an error-queue entry says why), ``superseded`` (a newer revision replaced it
before it was sent), ``ignored`` (the merchant chose not to post it).
"""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from decimal import Decimal

from ecom_ledger_desktop.core.clock import Clock
from ecom_ledger_desktop.db._common import iso
from ecom_ledger_desktop.db.connection import transaction

REQUEST_ID_NAMESPACE = uuid.UUID("5b1f1a4e-9d0b-4f4e-8a43-6f0c1e0d2a11")
OPEN_STATES = ("queued", "sending")


def request_id_for(posting_key: str) -> str:
    """The deterministic ledger request id of a posting (36 characters, a UUID5)."""
    return str(uuid.uuid5(REQUEST_ID_NAMESPACE, posting_key))


@dataclass
class PostingRow:
    """One journal row."""

    id: int
    pair_id: int
    posting_key: str
    op: str  # create | update | void | payment | retire (an undo's customer or item)
    doc_kind: str
    record_kind: str  # order | refund | summary | customer | item (retire)
    source_id: str
    record_number: str
    revision: str
    payload: str
    target_key: str | None
    depends_on: str | None
    state: str
    request_id: str
    amount: Decimal | None
    ledger_id: str | None
    ledger_doc_number: str | None
    ledger_sync_token: str | None
    attempts: int
    last_error: str
    writeback_done: bool
    created_at: str = ""  # when it was journaled (ISO, UTC)
    run_id: int | None = None  # the run that last sent it (or journaled it, before it was sent)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> PostingRow:
        """Build from a ``postings`` row."""
        return cls(
            id=row["id"], pair_id=row["pair_id"], posting_key=row["posting_key"], op=row["op"],
            doc_kind=row["doc_kind"], record_kind=row["record_kind"], source_id=row["source_id"],
            record_number=row["record_number"], revision=row["revision"], payload=row["payload"],
            target_key=row["target_key"], depends_on=row["depends_on"], state=row["state"],
            request_id=row["request_id"],
            amount=Decimal(row["amount"]) if row["amount"] is not None else None,
            ledger_id=row["ledger_id"], ledger_doc_number=row["ledger_doc_number"],
            ledger_sync_token=row["ledger_sync_token"], attempts=row["attempts"],
            last_error=row["last_error"], writeback_done=bool(row["writeback_done"]),
            created_at=row["created_at"], run_id=row["run_id"],
        )


class JournalRepo:
    """SQL for the ``postings`` table. Callers group calls in transactions."""

    def __init__(self, conn: sqlite3.Connection, clock: Clock) -> None:
        self._conn = conn
        self._clock = clock

    def enqueue(self, *, pair_id: int, posting_key: str, op: str, doc_kind: str,
                record_kind: str, source_id: str, record_number: str, revision: str,
                payload: str, amount: Decimal | None, target_key: str | None = None,
                depends_on: str | None = None, run_id: int | None = None) -> bool:
        """Add a queued posting; False (and nothing written) if the key already exists."""
        now = iso(self._clock.now())
        cur = self._conn.execute(
            "INSERT OR IGNORE INTO postings (pair_id, posting_key, op, doc_kind, record_kind, "
            "source_id, record_number, revision, payload, target_key, depends_on, state, "
            "request_id, amount, run_id, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?)",
            (pair_id, posting_key, op, doc_kind, record_kind, source_id, record_number, revision,
             payload, target_key, depends_on, request_id_for(posting_key),
             str(amount) if amount is not None else None, run_id, now, now),
        )
        return cur.rowcount == 1

    def get(self, posting_key: str) -> PostingRow | None:
        """A posting by key."""
        row = self._conn.execute("SELECT * FROM postings WHERE posting_key = ?",
                                 (posting_key,)).fetchone()
        return PostingRow.from_row(row) if row else None

    def get_by_id(self, posting_id: int) -> PostingRow | None:
        """A posting by row id."""
        row = self._conn.execute("SELECT * FROM postings WHERE id = ?", (posting_id,)).fetchone()
        return PostingRow.from_row(row) if row else None

    def for_record(self, pair_id: int, record_kind: str, source_id: str) -> list[PostingRow]:
        """Every posting of one store record, oldest first."""
        rows = self._conn.execute(
            "SELECT * FROM postings WHERE pair_id = ? AND record_kind = ? AND source_id = ? "
            "ORDER BY id", (pair_id, record_kind, source_id)).fetchall()
        return [PostingRow.from_row(r) for r in rows]

    def refunds_of_order(self, pair_id: int, order_source_id: str) -> list[PostingRow]:
        """Refund postings that belong to one order (they depend on it)."""
        rows = self._conn.execute(
            "SELECT * FROM postings WHERE pair_id = ? AND record_kind = 'refund' AND "
            "depends_on = ? ORDER BY id", (pair_id, order_source_id)).fetchall()
        return [PostingRow.from_row(r) for r in rows]

    def sent_in_run(self, pair_id: int, run_id: int) -> list[tuple[str, str, str]]:
        """(record kind, source id, op) of what a run sent to the ledger (voids and an undo's
        customers and items aside), in journal order: which documents it created (``create``,
        ``payment``) or changed."""
        rows = self._conn.execute(
            "SELECT record_kind, source_id, op FROM postings WHERE pair_id = ? AND run_id = ? "
            "AND ledger_id IS NOT NULL AND op NOT IN ('void', 'retire') ORDER BY id",
            (pair_id, run_id)).fetchall()
        return [(r["record_kind"], r["source_id"], r["op"]) for r in rows]

    def open_postings(self, pair_id: int) -> list[PostingRow]:
        """Queued and in-flight postings of a pair, in the order they were journaled."""
        rows = self._conn.execute(
            "SELECT * FROM postings WHERE pair_id = ? AND state IN ('queued', 'sending') "
            "ORDER BY id", (pair_id,)).fetchall()
        return [PostingRow.from_row(r) for r in rows]

    def open_postings_after(self, pair_id: int, after_id: int) -> list[PostingRow]:
        """Queued postings journaled after row ``after_id`` (what a batch poster has not seen)."""
        rows = self._conn.execute(
            "SELECT * FROM postings WHERE pair_id = ? AND id > ? AND state = 'queued' ORDER BY id",
            (pair_id, after_id)).fetchall()
        return [PostingRow.from_row(r) for r in rows]

    def pending_writebacks(self, pair_id: int) -> list[PostingRow]:
        """Posted sales documents whose note has not been written back to the store yet."""
        rows = self._conn.execute(
            "SELECT * FROM postings WHERE pair_id = ? AND state = 'posted' AND writeback_done = 0 "
            "AND record_kind = 'order' ORDER BY id", (pair_id,)).fetchall()
        return [PostingRow.from_row(r) for r in rows]

    def _set(self, posting_key: str, **values: object) -> None:
        values["updated_at"] = iso(self._clock.now())
        assignments = ", ".join(f"{column} = ?" for column in values)
        self._conn.execute(f"UPDATE postings SET {assignments} WHERE posting_key = ?",
                           (*values.values(), posting_key))

    def mark_sending(self, posting_key: str, run_id: int | None) -> None:
        """Write-ahead: the request is about to leave."""
        self._conn.execute(
            "UPDATE postings SET state = 'sending', attempts = attempts + 1, run_id = ?, "
            "updated_at = ? WHERE posting_key = ?",
            (run_id, iso(self._clock.now()), posting_key))

    def claim_for_sending(self, posting_keys: list[str], run_id: int | None) -> set[str]:
        """Write-ahead for a batch: mark ``sending`` those postings that are *still* queued.

        One commit for all. A posting superseded or cancelled since it was read is not claimed,
        so its old form is never sent. Returns the keys claimed.
        """
        claimed: set[str] = set()
        now = iso(self._clock.now())
        with transaction(self._conn):
            for key in posting_keys:
                cursor = self._conn.execute(
                    "UPDATE postings SET state = 'sending', attempts = attempts + 1, run_id = ?, "
                    "updated_at = ? WHERE posting_key = ? AND state = 'queued'", (run_id, now, key))
                if cursor.rowcount == 1:
                    claimed.add(key)
        return claimed

    def mark_posted(self, posting_key: str, ledger_id: str, doc_number: str | None,
                    sync_token: str | None, total: Decimal | None) -> None:
        """The ledger confirmed the posting."""
        self._set(posting_key, state="posted", ledger_id=ledger_id, ledger_doc_number=doc_number,
                  ledger_sync_token=sync_token,
                  ledger_total=str(total) if total is not None else None,
                  posted_at=iso(self._clock.now()), last_error="")

    def mark_state(self, posting_key: str, state: str, error: str = "") -> None:
        """Move a posting to queued / flagged / superseded / ignored."""
        self._set(posting_key, state=state, last_error=error)

    def rotate_request_id(self, posting_key: str) -> None:
        """A fresh request id after a definitive rejection.

        QuickBooks answers a repeated request id with the *original* response, a rejection
        included, so a retry after the merchant fixed the cause must not reuse it. Only a request
        the ledger rejected (nothing applied) gets a new id; an uncertain one keeps its id.
        """
        row = self.get(posting_key)
        if row is not None:
            self._set(posting_key, request_id=request_id_for(f"{posting_key}#{row.attempts}"))

    def resend(self, posting_key: str, request_id: str) -> None:
        """Send a posted document again (found deleted in the ledger by the reconciliation): in
        flight under a fresh request id, so the next dispatch first asks the ledger for the key
        (adopting a document that is there: never a duplicate) and only then creates it."""
        self._set(posting_key, state="sending", request_id=request_id)

    def stand_alone(self, posting_key: str) -> None:
        """A refund posted on its own: it no longer waits for its order's document."""
        self._set(posting_key, depends_on=None)

    def note_error(self, posting_key: str, error: str) -> None:
        """Record the last transient error without changing state."""
        self._set(posting_key, last_error=error)

    def hold_for_summary(self, posting_key: str, state: str, payload: str) -> None:
        """A posting that goes into a daily summary instead of being sent (``sync/summary_journal``)."""
        self._set(posting_key, state=state, payload=payload)

    def by_state(self, pair_id: int, state: str) -> list[PostingRow]:
        """A pair's postings in one state, in journal order."""
        rows = self._conn.execute(
            "SELECT * FROM postings WHERE pair_id = ? AND state = ? ORDER BY id",
            (pair_id, state)).fetchall()
        return [PostingRow.from_row(r) for r in rows]

    def summaries_of_day(self, pair_id: int, day: str) -> list[PostingRow]:
        """The summary postings of one store-local day (``YYYY-MM-DD``), in journal order."""
        rows = self._conn.execute(
            "SELECT * FROM postings WHERE pair_id = ? AND record_kind = 'summary' "
            "AND source_id LIKE ? ORDER BY id", (pair_id, f"{day}|%")).fetchall()
        return [PostingRow.from_row(r) for r in rows]

    def mark_written_back(self, posting_key: str) -> None:
        """The store carries the note about this posting."""
        self._set(posting_key, writeback_done=1)

    def counts(self, pair_id: int) -> dict[str, int]:
        """Number of postings per state."""
        rows = self._conn.execute(
            "SELECT state, COUNT(*) AS n FROM postings WHERE pair_id = ? GROUP BY state",
            (pair_id,)).fetchall()
        return {r["state"]: r["n"] for r in rows}

    def all(self, pair_id: int) -> list[PostingRow]:
        """Every posting of a pair (for verification and history)."""
        rows = self._conn.execute("SELECT * FROM postings WHERE pair_id = ? ORDER BY id",
                                  (pair_id,)).fetchall()
        return [PostingRow.from_row(r) for r in rows]

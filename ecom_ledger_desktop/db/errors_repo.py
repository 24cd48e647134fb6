"""The error queue: records a person must look at, with what is wrong and what would fix it."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from ecom_ledger_desktop.core.clock import Clock
from ecom_ledger_desktop.core.errors import Fix, RecordProblem
from ecom_ledger_desktop.db._common import iso


@dataclass
class ErrorEntry:
    """One flagged record."""

    id: int
    pair_id: int
    record_kind: str
    source_id: str
    record_ref: str
    posting_key: str | None
    code: str
    message: str
    detail: str
    fixes: list[Fix]
    raw: str | None
    status: str
    resolution: str
    occurrences: int
    created_at: str
    updated_at: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-able view (for ``--json`` output)."""
        data = dict(self.__dict__)
        data["fixes"] = [fix.__dict__ for fix in self.fixes]
        return data


class ErrorQueueRepo:
    """One open entry per record and problem kind; flagging again counts an occurrence."""

    def __init__(self, conn: sqlite3.Connection, clock: Clock) -> None:
        self._conn = conn
        self._clock = clock

    def flag(self, *, pair_id: int, record_kind: str, source_id: str, record_ref: str,
             problem: RecordProblem, posting_key: str | None = None,
             raw: str | None = None) -> int:
        """Open (or refresh) the entry for this record; returns its id."""
        now = iso(self._clock.now())
        fixes = json.dumps([fix.__dict__ for fix in problem.fixes])
        existing = self._conn.execute(
            "SELECT id FROM error_queue WHERE pair_id = ? AND record_kind = ? AND source_id = ? "
            "AND status = 'open' AND COALESCE(posting_key, '') = COALESCE(?, '')",
            (pair_id, record_kind, source_id, posting_key)).fetchone()
        if existing:
            self._conn.execute(
                "UPDATE error_queue SET code = ?, message = ?, detail = ?, fixes = ?, "
                "raw = COALESCE(?, raw), occurrences = occurrences + 1, updated_at = ? "
                "WHERE id = ?",
                (problem.code, problem.message, problem.detail, fixes, raw, now, existing["id"]))
            return int(existing["id"])
        cur = self._conn.execute(
            "INSERT INTO error_queue (pair_id, record_kind, source_id, record_ref, posting_key, "
            "code, message, detail, fixes, raw, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (pair_id, record_kind, source_id, record_ref, posting_key, problem.code,
             problem.message, problem.detail, fixes, raw, now, now))
        return int(cur.lastrowid or 0)

    def _to_entry(self, row: sqlite3.Row) -> ErrorEntry:
        fixes = [Fix(**item) for item in json.loads(row["fixes"])]
        return ErrorEntry(
            id=row["id"], pair_id=row["pair_id"], record_kind=row["record_kind"],
            source_id=row["source_id"], record_ref=row["record_ref"],
            posting_key=row["posting_key"], code=row["code"], message=row["message"],
            detail=row["detail"], fixes=fixes, raw=row["raw"], status=row["status"],
            resolution=row["resolution"], occurrences=row["occurrences"],
            created_at=row["created_at"], updated_at=row["updated_at"])

    def get(self, entry_id: int) -> ErrorEntry | None:
        """An entry by id."""
        row = self._conn.execute("SELECT * FROM error_queue WHERE id = ?", (entry_id,)).fetchone()
        return self._to_entry(row) if row else None

    def entries(self, pair_id: int | None = None, status: str | None = "open") -> list[ErrorEntry]:
        """Entries, newest first, optionally by pair and status."""
        sql = "SELECT * FROM error_queue WHERE 1 = 1"
        args: list[Any] = []
        if pair_id is not None:
            sql += " AND pair_id = ?"
            args.append(pair_id)
        if status is not None:
            sql += " AND status = ?"
            args.append(status)
        rows = self._conn.execute(sql + " ORDER BY id DESC", args).fetchall()
        return [self._to_entry(r) for r in rows]

    def open_for_record(self, pair_id: int, record_kind: str, source_id: str) -> list[ErrorEntry]:
        """Open entries of one record."""
        rows = self._conn.execute(
            "SELECT * FROM error_queue WHERE pair_id = ? AND record_kind = ? AND source_id = ? "
            "AND status = 'open' ORDER BY id", (pair_id, record_kind, source_id)).fetchall()
        return [self._to_entry(r) for r in rows]

    def close(self, entry_id: int, status: str, resolution: str) -> None:
        """Mark an entry resolved or ignored, saying how."""
        self._conn.execute(
            "UPDATE error_queue SET status = ?, resolution = ?, updated_at = ? WHERE id = ?",
            (status, resolution, iso(self._clock.now()), entry_id))

    def close_for_record(self, pair_id: int, record_kind: str, source_id: str,
                         resolution: str) -> None:
        """Resolve every open entry of a record (it posted, or was superseded)."""
        self._conn.execute(
            "UPDATE error_queue SET status = 'resolved', resolution = ?, updated_at = ? "
            "WHERE pair_id = ? AND record_kind = ? AND source_id = ? AND status = 'open'",
            (resolution, iso(self._clock.now()), pair_id, record_kind, source_id))

    def open_count(self, pair_id: int | None = None) -> int:
        """How many records wait for a person."""
        if pair_id is None:
            row = self._conn.execute("SELECT COUNT(*) FROM error_queue WHERE status = 'open'")
        else:
            row = self._conn.execute(
                "SELECT COUNT(*) FROM error_queue WHERE status = 'open' AND pair_id = ?", (pair_id,))
        return int(row.fetchone()[0])

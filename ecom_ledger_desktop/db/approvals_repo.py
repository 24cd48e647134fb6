"""Postings the merchant approved for a pair that holds its runs for approval."""

from __future__ import annotations

import sqlite3

from ecom_ledger_desktop.core.clock import Clock
from ecom_ledger_desktop.db._common import iso


class ApprovalsRepo:
    """Approved posting keys per pair; a posting not in here waits while its pair holds."""

    def __init__(self, conn: sqlite3.Connection, clock: Clock) -> None:
        self._conn = conn
        self._clock = clock

    def approve(self, pair_id: int, posting_keys: list[str]) -> int:
        """Approve postings (again is harmless); returns how many were newly approved."""
        before = self._conn.total_changes
        self._conn.executemany(
            "INSERT OR IGNORE INTO approvals (posting_key, pair_id, approved_at) VALUES (?, ?, ?)",
            [(key, pair_id, iso(self._clock.now())) for key in posting_keys])
        return self._conn.total_changes - before

    def approved(self, pair_id: int) -> set[str]:
        """The pair's approved posting keys."""
        rows = self._conn.execute("SELECT posting_key FROM approvals WHERE pair_id = ?",
                                  (pair_id,)).fetchall()
        return {str(row[0]) for row in rows}

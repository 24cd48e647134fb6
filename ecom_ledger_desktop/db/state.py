"""One object holding the database connection and every repository."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ecom_ledger_desktop.core.clock import Clock, SystemClock
from ecom_ledger_desktop.db.approvals_repo import ApprovalsRepo
from ecom_ledger_desktop.db.connection import connect, transaction
from ecom_ledger_desktop.db.connections_repo import ConnectionsRepo
from ecom_ledger_desktop.db.cursors_repo import CursorsRepo, LedgerRefsRepo, MappingsRepo
from ecom_ledger_desktop.db.errors_repo import ErrorQueueRepo
from ecom_ledger_desktop.db.journal_repo import JournalRepo
from ecom_ledger_desktop.db.ledger_copy_repo import LedgerCopyRepo
from ecom_ledger_desktop.db.ledger_names_repo import LedgerNamesRepo
from ecom_ledger_desktop.db.runs_repo import RunsRepo


class State:
    """The app's state in one SQLite file; use ``tx()`` to group writes."""

    def __init__(self, path: Path | str, clock: Clock | None = None,
                 conn: sqlite3.Connection | None = None) -> None:
        self.path = Path(path)
        self.clock = clock or SystemClock()
        self.conn: sqlite3.Connection = conn if conn is not None else connect(self.path)
        self.connections = ConnectionsRepo(self.conn, self.clock)
        self.journal = JournalRepo(self.conn, self.clock)
        self.errors = ErrorQueueRepo(self.conn, self.clock)
        self.runs = RunsRepo(self.conn, self.clock)
        self.cursors = CursorsRepo(self.conn, self.clock)
        self.mappings = MappingsRepo(self.conn, self.clock)
        self.ledger_refs = LedgerRefsRepo(self.conn, self.clock)
        self.ledger_names = LedgerNamesRepo(self.conn, self.clock)
        self.approvals = ApprovalsRepo(self.conn, self.clock)
        self.ledger_copy = LedgerCopyRepo(self.conn, self.clock)

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE … COMMIT)."""
        with transaction(self.conn) as conn:
            yield conn

    def snapshot(self) -> State:
        """A private in-memory copy of the database, read in one consistent read.

        A dry run works on it exactly as a run would and throws it away: it never holds the
        real file's write lock, however long its network reads take.
        """
        memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        self.conn.backup(memory)
        memory.row_factory = sqlite3.Row
        memory.execute("PRAGMA foreign_keys = ON")
        return State(self.path, self.clock, conn=memory)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

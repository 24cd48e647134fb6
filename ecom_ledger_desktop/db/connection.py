"""The one SQLite database: WAL, a busy timeout, foreign keys, migrated on open."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ecom_ledger_desktop.db.busy import begin_immediate
from ecom_ledger_desktop.db.migrations import migrate

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_MS = 10_000


def connect(path: Path | str) -> sqlite3.Connection:
    """Open (creating and migrating) the database at ``path``.

    Autocommit mode: every write happens inside an explicit ``transaction()`` so a crash
    never leaves half a change behind.
    """
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                           check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    migrate(conn, Path(path))
    return conn


def open_database(path: Path | str) -> sqlite_utils.Database:
    """The sqlite-utils view of the migrated database at ``path``.

    sqlite-utils is imported here, not at the top: the idle tray app never needs its 13 MB.
    """
    import sqlite_utils

    return sqlite_utils.Database(connect(path))


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any exception.

    Nested use becomes a SAVEPOINT, so a caller can wrap a whole run in an outer transaction
    and roll it back (the dry run does exactly that).
    """
    if conn.in_transaction:
        conn.execute("SAVEPOINT nested")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK TO nested")
            conn.execute("RELEASE nested")
            raise
        conn.execute("RELEASE nested")
        return
    begin_immediate(conn)  # waits the busy timeout, then says so in plain words
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")

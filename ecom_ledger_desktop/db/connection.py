"""The one SQLite database: WAL, a busy timeout, foreign keys, migrated on open."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ecom_ledger_desktop.core.paths import private_file
from ecom_ledger_desktop.db.backups import make_daily_backup
from ecom_ledger_desktop.db.busy import begin_immediate
from ecom_ledger_desktop.db.migrations import current_version, migrate

if TYPE_CHECKING:
    import sqlite_utils

log = logging.getLogger(__name__)
BUSY_TIMEOUT_MS = 10_000


def connect(path: Path | str) -> sqlite3.Connection:
    """Open (creating and migrating) the database at ``path``.

    Autocommit mode: every write happens inside an explicit ``transaction()`` so a crash
    never leaves half a change behind. The file (and SQLite's -wal and -shm beside it, which
    SQLite creates with the database's mode) is readable by this user only.
    """
    on_disk = str(path) != ":memory:" and not str(path).startswith("file:")
    if on_disk:
        private_file(Path(path))
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                           check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    if on_disk:  # written 0644 by an older version
        for suffix in ("-wal", "-shm"):
            side = Path(f"{path}{suffix}")
            if side.exists():
                private_file(side)
    existing = current_version(conn) > 0
    migrate(conn, Path(path))
    if on_disk and existing:
        _daily_backup(conn, Path(path))
    return conn


def _daily_backup(conn: sqlite3.Connection, path: Path) -> None:
    """Keep a daily copy to restore from; failing to make one never stops the app."""
    try:
        made = make_daily_backup(conn, path, datetime.now(UTC))
    except (OSError, sqlite3.Error) as error:
        log.warning("could not make the daily copy of the database: %s", error)
        return
    if made is not None:
        log.info("daily copy of the database saved as %s", made.name)


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

"""Waiting for the write lock, and saying so plainly when another program keeps it too long.

Every write starts with ``BEGIN IMMEDIATE``; SQLite waits up to the connection's busy timeout for
another connection (a second sync, the app, a command) to finish. Past that, the raw
``database is locked`` becomes ``DatabaseBusyError``: retriable, in a merchant's words.
"""

from __future__ import annotations

import sqlite3

from ecom_ledger_desktop.core.errors import RetriableError

_BUSY_WORDS = ("locked", "busy")


class DatabaseBusyError(RetriableError):
    """Another program held the database's write lock longer than the busy timeout."""

    def __init__(self, waited_seconds: float) -> None:
        super().__init__(
            "The data folder's database is busy: another Ecom Ledger program (a sync, the app or "
            f"a command) kept writing to it for more than {waited_seconds:g} seconds. Nothing "
            "was changed and nothing is lost; try again in a minute. If it keeps happening, "
            "close the other Ecom Ledger windows and commands.")


def is_busy(error: sqlite3.OperationalError) -> bool:
    """Whether SQLite gave up waiting for a lock."""
    return any(word in str(error).lower() for word in _BUSY_WORDS)


def begin_immediate(conn: sqlite3.Connection) -> None:
    """``BEGIN IMMEDIATE``, raising ``DatabaseBusyError`` when the wait times out."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        if not is_busy(error):
            raise
        timeout_ms = conn.execute("PRAGMA busy_timeout").fetchone()[0]
        raise DatabaseBusyError(int(timeout_ms) / 1000) from error

"""A damaged or unwritable database, told apart from a bug, in plain words with what to do.

SQLite says ``file is not a database`` or ``database disk image is malformed`` when the file is
damaged (a disk fault, a copy taken mid-write, a sync tool that merged two versions). Every run
would then fail the same way, so the message must not promise that the next run carries on: it
says how to put back the copy the app keeps (``ecom-ledger restore-backup``).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ecom_ledger_desktop.db.backups import list_backups

RESTORE_COMMAND = "ecom-ledger restore-backup"
_DAMAGED = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
_DAMAGED_TEXT = ("file is not a database", "malformed", "database corrupt")
_UNWRITABLE = ("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_FULL", "SQLITE_PERM",
               "SQLITE_IOERR")
_UNWRITABLE_TEXT = ("readonly database", "unable to open database", "disk is full",
                    "disk i/o error")


DAMAGED_PREFIX = "The app's database is damaged"
UNWRITABLE_PREFIX = "The app cannot write to its database"


def _code(error: BaseException) -> str:
    """The primary result code: SQLITE_IOERR_WRITE is an SQLITE_IOERR."""
    name = str(getattr(error, "sqlite_errorname", "") or "")
    return "_".join(name.split("_")[:2])


def is_damaged(error: BaseException) -> bool:
    """Whether ``error`` says the database file is damaged."""
    if not isinstance(error, sqlite3.DatabaseError):
        return False
    return _code(error) in _DAMAGED or any(t in str(error).lower() for t in _DAMAGED_TEXT)


def is_unwritable(error: BaseException) -> bool:
    """Whether ``error`` says the database cannot be opened or written (not a lock wait)."""
    if not isinstance(error, sqlite3.DatabaseError):
        return False
    return _code(error) in _UNWRITABLE or any(t in str(error).lower() for t in _UNWRITABLE_TEXT)


def damaged_message(db_path: Path, detail: str = "") -> str:
    """What happened and what to do, for a damaged database file."""
    why = f" (SQLite: {detail})" if detail else ""
    backups = list_backups(db_path)
    if backups:
        copy = (f"The newest copy the app kept is from {backups[0].label}. Quit the app, then "
                f"run '{RESTORE_COMMAND}' to list the copies and '{RESTORE_COMMAND} --latest' to "
                "put the newest good one back (the damaged file is kept, not deleted). Syncing "
                "then carries on from that copy: orders synced since are read again, so check "
                "the error queue after the next sync for anything QuickBooks already has.")
    else:
        copy = ("The app has no copy of it yet. Keep the file as it is and send it, with the "
                "log files, to support.")
    return (f"{DAMAGED_PREFIX} ({db_path}){why}, so nothing can be synced until it is "
            f"restored; every sync would fail the same way. {copy}")


def unwritable_message(db_path: Path, detail: str = "") -> str:
    """What happened and what to do, for a database that cannot be opened or written."""
    why = f" ({detail})" if detail else ""
    return (f"{UNWRITABLE_PREFIX} ({db_path}){why}. Check that the folder "
            f"{db_path.parent} belongs to you and can be written to, and that the disk is not "
            "full; nothing can be synced until it can.")


def is_storage_message(text: str) -> bool:
    """Whether ``text`` is one of the messages above (no "the next run carries on" after it)."""
    return text.startswith((DAMAGED_PREFIX, UNWRITABLE_PREFIX))


def header_problem(db_path: Path) -> str | None:
    """A cheap check for the start of the app: can SQLite read the file's schema at all?

    None when the file is missing (a first start) or readable; else what SQLite said. Damage
    deeper in the file shows when a sync reads it, with the same message.
    """
    if not db_path.exists():
        return None
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        if is_damaged(error):
            return str(error)
    return None


def storage_problem(error: BaseException, db_path: Path) -> str | None:
    """The plain message for a damaged or unwritable database; None for any other error."""
    if is_damaged(error):
        return damaged_message(db_path, str(error))
    if is_unwritable(error):
        return unwritable_message(db_path, str(error))
    return None

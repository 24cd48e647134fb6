"""Copies of the database the app keeps, and putting one back.

Two kinds: the copy made before a schema upgrade (``<name>.v<N>.bak`` beside the database) and
a daily copy (``backups/daily-<UTC time>.sqlite3``, the newest three kept), made when the
database is opened and the last one is a day old, and only after SQLite's own check passed, so a
damaged database never pushes the good copies out. Restoring moves the damaged file (and its
-wal and -shm, which belong to it) aside, never deletes it.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ecom_ledger_desktop.core.paths import private_dir, private_file

BACKUP_FOLDER = "backups"
KEEP_DAILY = 3
DAILY_INTERVAL = timedelta(hours=24)
_DAILY = re.compile(r"^daily-(\d{8}T\d{6}Z)\.sqlite3$")
_UPGRADE = re.compile(r"\.v(\d+)\.bak$")


class RestoreError(Exception):
    """The backup cannot be restored; the message says why and what to do."""


@dataclass(frozen=True)
class Backup:
    """One copy of the database."""

    path: Path
    made_at: datetime
    kind: str  # "daily" or "before upgrade"

    @property
    def label(self) -> str:
        """What it is, in words."""
        when = self.made_at.strftime("%Y-%m-%d %H:%M UTC")
        return f"{when}, {'daily copy' if self.kind == 'daily' else 'copy made before an upgrade'}"


def backup_folder(db_path: Path) -> Path:
    """Where the daily copies live."""
    return db_path.parent / BACKUP_FOLDER


def list_backups(db_path: Path) -> list[Backup]:
    """Every copy of ``db_path`` the app kept, newest first."""
    found: list[Backup] = []
    folder = backup_folder(db_path)
    if folder.is_dir():
        for path in folder.iterdir():
            match = _DAILY.match(path.name)
            if match:
                made = datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
                found.append(Backup(path, made, "daily"))
    for path in db_path.parent.glob(f"{db_path.name}.v*.bak"):
        if _UPGRADE.search(path.name):
            made = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            found.append(Backup(path, made, "before upgrade"))
    return sorted(found, key=lambda b: b.made_at, reverse=True)


def check_file(path: Path) -> str:
    """``"ok"``, or what SQLite finds wrong with the database file at ``path``."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        return str(error)
    problems = [str(r[0]) for r in rows if r[0] != "ok"]
    return "; ".join(problems[:3]) if problems else "ok"


def make_daily_backup(conn: sqlite3.Connection, db_path: Path, now: datetime) -> Path | None:
    """Copy the database if the newest daily copy is a day old (and the database is sound)."""
    daily = [b for b in list_backups(db_path) if b.kind == "daily"]
    if daily and now - daily[0].made_at < DAILY_INTERVAL:
        return None
    try:
        sound = conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    except sqlite3.DatabaseError:
        sound = False
    if not sound:
        return None  # never push a good copy out with a damaged one
    folder = private_dir(backup_folder(db_path))
    target = folder / f"daily-{now.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}.sqlite3"
    partial = folder / f".partial-{os.getpid()}-{target.name}"
    copy = sqlite3.connect(str(private_file(partial)))
    try:
        conn.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
    finally:
        copy.close()
    os.replace(partial, target)
    for old in [b for b in list_backups(db_path) if b.kind == "daily"][KEEP_DAILY:]:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{old.path}{suffix}").unlink(missing_ok=True)
    return target


def restore(db_path: Path, backup: Path, now: datetime) -> Path:
    """Put ``backup`` in place of the database; returns the folder the damaged files went to.

    Quit the app and every sync first: a process still holding the old file would keep using it.
    """
    problem = check_file(backup)
    if problem != "ok":
        raise RestoreError(f"the copy {backup.name} is damaged too ({problem}); choose another")
    aside = private_dir(backup_folder(db_path) / f"replaced-{now.strftime('%Y%m%dT%H%M%SZ')}")
    for suffix in ("", "-wal", "-shm", "-journal"):
        current = Path(f"{db_path}{suffix}")
        if current.exists():
            os.replace(current, aside / current.name)
    partial = db_path.with_name(f".restoring-{db_path.name}")
    shutil.copyfile(backup, private_file(partial))
    os.replace(partial, db_path)
    return aside

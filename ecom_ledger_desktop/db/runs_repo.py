"""Run history, the audit log (per-record timeline) and the per-pair run lock."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import weakref
from dataclasses import dataclass
from typing import Any

from ecom_ledger_desktop.core.clock import Clock
from ecom_ledger_desktop.core.processes import holder_running, own_start
from ecom_ledger_desktop.db._common import iso, parse_iso
from ecom_ledger_desktop.db.busy import begin_immediate, is_busy

log = logging.getLogger(__name__)

#: the run locks this process holds: (database file, pair id) -> the holding repo. A lock row
#: naming this process is held only while its holder is in here; otherwise it is a leftover.
_HOLDERS: dict[tuple[str, int], weakref.ref[RunsRepo]] = {}
_HOLDERS_LOCK = threading.Lock()  # check-and-take is atomic across this process's threads


@dataclass
class RunRow:
    """One sync run of a pair."""

    id: int
    pair_id: int
    trigger: str
    status: str
    started_at: str
    finished_at: str | None
    fetched: int
    posted: int
    flagged: int
    skipped: int
    message: str
    awaiting_payment: int = 0  # unpaid orders of a "post when paid" method, not yet posted

    def as_dict(self) -> dict[str, Any]:
        """JSON-able view."""
        return dict(self.__dict__)


class RunsRepo:
    """Runs, audit events and locks."""

    def __init__(self, conn: sqlite3.Connection, clock: Clock) -> None:
        self._conn = conn
        self._clock = clock
        files = [str(row[2]) for row in conn.execute("PRAGMA database_list") if row[1] == "main"]
        self._database = os.path.realpath(files[0]) if files and files[0] else f"memory:{id(conn)}"

    def start(self, pair_id: int, trigger: str, status: str = "running", message: str = "") -> int:
        """Record a run (or a skipped run, with ``status='skipped'`` and why)."""
        now = iso(self._clock.now())
        finished = now if status != "running" else None
        cur = self._conn.execute(
            "INSERT INTO runs (pair_id, trigger, status, started_at, finished_at, message, pid, "
            "pid_started) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (pair_id, trigger, status, now, finished, message, os.getpid(), own_start()))
        return int(cur.lastrowid or 0)

    def finish(self, run_id: int, status: str, *, fetched: int, posted: int, flagged: int,
               skipped: int, message: str = "", awaiting_payment: int = 0) -> None:
        """Close a run with its counts."""
        self._conn.execute(
            "UPDATE runs SET status = ?, finished_at = ?, fetched = ?, posted = ?, flagged = ?, "
            "skipped = ?, awaiting_payment = ?, message = ? WHERE id = ?",
            (status, iso(self._clock.now()), fetched, posted, flagged, skipped, awaiting_payment,
             message, run_id))

    def mark_interrupted(self) -> int:
        """Runs left 'running' by a process that died: say so. Returns how many."""
        rows = self._conn.execute(
            "SELECT id, pid, pid_started, started_at FROM runs WHERE status = 'running'").fetchall()
        dead = [r["id"] for r in rows if r["pid"] is None or not holder_running(
            int(r["pid"]), r["pid_started"], parse_iso(r["started_at"]))]
        for run_id in dead:
            self._conn.execute(
                "UPDATE runs SET status = 'interrupted', finished_at = ?, message = "
                "'the program stopped during this run; the next run picked up where it left off' "
                "WHERE id = ?", (iso(self._clock.now()), run_id))
        return len(dead)

    def get(self, run_id: int) -> RunRow | None:
        """A run by id."""
        row = self._conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        return self._to_run(row) if row else None

    def recent(self, pair_id: int | None = None, limit: int = 20) -> list[RunRow]:
        """Latest runs first."""
        if pair_id is None:
            rows = self._conn.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,))
        else:
            rows = self._conn.execute(
                "SELECT * FROM runs WHERE pair_id = ? ORDER BY id DESC LIMIT ?", (pair_id, limit))
        return [self._to_run(r) for r in rows.fetchall()]

    @staticmethod
    def _to_run(row: sqlite3.Row) -> RunRow:
        return run_row(row)

    def audit(self, event: str, *, pair_id: int | None = None, run_id: int | None = None,
              record_kind: str | None = None, source_id: str | None = None,
              posting_key: str | None = None, detail: str = "") -> None:
        """Append to the audit log (never contains secrets)."""
        self._conn.execute(
            "INSERT INTO audit_log (at, pair_id, run_id, record_kind, source_id, posting_key, "
            "event, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (iso(self._clock.now()), pair_id, run_id, record_kind, source_id, posting_key, event,
             detail))

    def timeline(self, pair_id: int, record_kind: str, source_id: str) -> list[dict[str, Any]]:
        """Every audit event of one record, oldest first."""
        rows = self._conn.execute(
            "SELECT at, run_id, event, detail, posting_key FROM audit_log WHERE pair_id = ? AND "
            "record_kind = ? AND source_id = ? ORDER BY id", (pair_id, record_kind, source_id))
        return [dict(r) for r in rows.fetchall()]

    def run_events(self, run_id: int) -> list[dict[str, Any]]:
        """Every audit event of one run."""
        rows = self._conn.execute(
            "SELECT at, record_kind, source_id, event, detail FROM audit_log WHERE run_id = ? "
            "ORDER BY id", (run_id,))
        return [dict(r) for r in rows.fetchall()]

    def try_lock(self, pair_id: int, owner: str) -> bool:
        """Take the pair's run lock: refused while another run holds it, in another process or
        in this one (the app's retry beside its running sync).

        The holder is named by process id and start time, so a lock left by a killed process is
        taken over even when its id now belongs to another program; a row naming this process
        that no run here holds (its unlock met a busy database) is taken over too.
        """
        with _HOLDERS_LOCK:
            begin_immediate(self._conn)
            try:
                row = self._conn.execute(
                    "SELECT pid, pid_started, acquired_at FROM pair_locks WHERE pair_id = ?",
                    (pair_id,)).fetchone()
                if row and (self._holder(pair_id) is not None if row["pid"] == os.getpid()
                            else holder_running(int(row["pid"]), row["pid_started"],
                                                parse_iso(row["acquired_at"]))):
                    self._conn.execute("ROLLBACK")
                    return False
                self._conn.execute(
                    "INSERT OR REPLACE INTO pair_locks (pair_id, owner, pid, pid_started, "
                    "acquired_at) VALUES (?, ?, ?, ?, ?)",
                    (pair_id, owner, os.getpid(), own_start(), iso(self._clock.now())))
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
            _HOLDERS[(self._database, pair_id)] = weakref.ref(self)
            return True

    def _holder(self, pair_id: int) -> RunsRepo | None:
        """The repo of this process holding the pair's lock (a dropped one holds nothing)."""
        ref = _HOLDERS.get((self._database, pair_id))
        return ref() if ref is not None else None

    def held_here(self, pair_id: int) -> bool:
        """Whether a run of this process holds the pair's lock now."""
        with _HOLDERS_LOCK:
            return self._holder(pair_id) is not None

    def unlock(self, pair_id: int) -> None:
        """Release the pair's run lock if this repo holds it (another run's lock is left alone).

        A database too busy to take the delete leaves the row: it names this process but no
        holder here, so the next run here takes it over, and another process does once this
        one has ended.
        """
        with _HOLDERS_LOCK:
            if self._holder(pair_id) is not self:
                return
            try:
                self._conn.execute("DELETE FROM pair_locks WHERE pair_id = ? AND pid = ?",
                                   (pair_id, os.getpid()))
            except sqlite3.OperationalError as error:
                if not is_busy(error):
                    raise
                log.warning("pair %s: run lock left for the next run (database busy)", pair_id)
            finally:
                del _HOLDERS[(self._database, pair_id)]


def run_row(row: sqlite3.Row) -> RunRow:
    """A ``runs`` row as a ``RunRow``."""
    return RunRow(id=row["id"], pair_id=row["pair_id"], trigger=row["trigger"],
                  status=row["status"], started_at=row["started_at"],
                  finished_at=row["finished_at"], fetched=row["fetched"],
                  posted=row["posted"], flagged=row["flagged"], skipped=row["skipped"],
                  message=row["message"], awaiting_payment=row["awaiting_payment"])

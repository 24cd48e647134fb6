"""What a pull ledger (QuickBooks Desktop) remembers per connection: chosen list names with their
ListIDs, and the last facts heard from the program that calls in (kept as JSON)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from ecom_ledger_desktop.core.clock import Clock
from ecom_ledger_desktop.db._common import iso


@dataclass(frozen=True)
class ChosenName:
    """The ledger name chosen for a store customer or item, and its ledger id once known."""

    name: str
    list_id: str | None = None


class LedgerNamesRepo:
    """``ledger_names`` and ``ledger_presence`` (migration 5)."""

    def __init__(self, conn: sqlite3.Connection, clock: Clock) -> None:
        self._conn = conn
        self._clock = clock

    def get(self, connection_id: int, kind: str, key: str) -> ChosenName | None:
        """The name chosen for ``key``, or None when none was chosen yet."""
        row = self._conn.execute(
            "SELECT name, list_id FROM ledger_names WHERE ledger_connection_id = ? AND kind = ? "
            "AND key = ?", (connection_id, kind, key)).fetchone()
        return ChosenName(str(row["name"]), row["list_id"]) if row else None

    def all(self, connection_id: int, kind: str) -> dict[str, ChosenName]:
        """Every chosen name of one kind, by key."""
        rows = self._conn.execute(
            "SELECT key, name, list_id FROM ledger_names WHERE ledger_connection_id = ? AND "
            "kind = ?", (connection_id, kind)).fetchall()
        return {str(r["key"]): ChosenName(str(r["name"]), r["list_id"]) for r in rows}

    def choose(self, connection_id: int, kind: str, key: str, name: str,
               list_id: str | None = None) -> None:
        """Keep ``name`` (and its ledger id) for ``key``; an id learnt later is added."""
        self._conn.execute(
            "INSERT INTO ledger_names (ledger_connection_id, kind, key, name, list_id, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (ledger_connection_id, kind, key) DO UPDATE "
            "SET name = excluded.name, list_id = COALESCE(excluded.list_id, list_id), "
            "updated_at = excluded.updated_at",
            (connection_id, kind, key, name, list_id, iso(self._clock.now())))

    def presence(self, connection_id: int) -> dict[str, Any]:
        """The facts last kept about the program that calls in ({} when none)."""
        row = self._conn.execute("SELECT facts FROM ledger_presence WHERE ledger_connection_id = ?",
                                 (connection_id,)).fetchone()
        return dict(json.loads(row["facts"])) if row else {}

    def keep_presence(self, connection_id: int, facts: dict[str, Any]) -> None:
        """Replace the kept facts."""
        self._conn.execute(
            "INSERT OR REPLACE INTO ledger_presence (ledger_connection_id, facts, updated_at) "
            "VALUES (?, ?, ?)", (connection_id, json.dumps(facts, sort_keys=True),
                                 iso(self._clock.now())))

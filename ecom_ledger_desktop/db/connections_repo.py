"""Connections and pairs: non-secret settings only."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from ecom_ledger_desktop.core.clock import Clock
from ecom_ledger_desktop.db._common import iso
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.models.rules import PostingRules


@dataclass
class Pair:
    """A store → ledger pairing with its posting rules."""

    id: int
    name: str
    store_id: int
    ledger_id: int
    rules: PostingRules
    schedule_minutes: int
    enabled: bool


class ConnectionsRepo:
    """CRUD for connections and pairs."""

    def __init__(self, conn: sqlite3.Connection, clock: Clock) -> None:
        self._conn = conn
        self._clock = clock

    def add_connection(self, config: ConnectionConfig) -> int:
        """Insert a connection; returns its id. Names are unique."""
        cur = self._conn.execute(
            "INSERT INTO connections (name, kind, settings, status, demo, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (config.name, config.kind, json.dumps(config.settings), config.status,
             int(config.demo), iso(self._clock.now())),
        )
        return int(cur.lastrowid or 0)

    def _to_config(self, row: sqlite3.Row) -> ConnectionConfig:
        return ConnectionConfig(id=row["id"], name=row["name"], kind=row["kind"],
                                settings=json.loads(row["settings"]), status=row["status"],
                                demo=bool(row["demo"]))

    def connection(self, ref: int | str) -> ConnectionConfig | None:
        """A connection by id or name."""
        column = "id" if isinstance(ref, int) else "name"
        row = self._conn.execute(f"SELECT * FROM connections WHERE {column} = ?", (ref,)).fetchone()
        return self._to_config(row) if row else None

    def connections(self) -> list[ConnectionConfig]:
        """Every connection, by name."""
        rows = self._conn.execute("SELECT * FROM connections ORDER BY name").fetchall()
        return [self._to_config(r) for r in rows]

    def connection_status(self, connection_id: int) -> tuple[str, str]:
        """(status, message) of a connection."""
        row = self._conn.execute("SELECT status, status_message FROM connections WHERE id = ?",
                                 (connection_id,)).fetchone()
        return (row["status"], row["status_message"]) if row else ("missing", "")

    def set_connection_status(self, connection_id: int, status: str, message: str = "") -> None:
        """Mark a connection ok / needs_reauthorisation / error."""
        self._conn.execute("UPDATE connections SET status = ?, status_message = ? WHERE id = ?",
                           (status, message, connection_id))

    def update_settings(self, connection_id: int, settings: dict[str, str]) -> None:
        """Replace a connection's non-secret settings."""
        self._conn.execute("UPDATE connections SET settings = ? WHERE id = ?",
                           (json.dumps(settings), connection_id))

    def rename_connection(self, connection_id: int, name: str) -> None:
        """Give a connection a new (unique) name."""
        self._conn.execute("UPDATE connections SET name = ? WHERE id = ?", (name, connection_id))

    def remove_connection(self, connection_id: int) -> None:
        """Delete a connection that no pair uses."""
        used = self._conn.execute(
            "SELECT name FROM pairs WHERE store_id = ? OR ledger_id = ?",
            (connection_id, connection_id)).fetchone()
        if used:
            raise ValueError(f"the connection is used by pair '{used['name']}': remove the pair first")
        self._conn.execute("DELETE FROM connections WHERE id = ?", (connection_id,))

    def add_pair(self, name: str, store_id: int, ledger_id: int, rules: PostingRules,
                 schedule_minutes: int = 15) -> int:
        """Insert a pair; returns its id."""
        cur = self._conn.execute(
            "INSERT INTO pairs (name, store_id, ledger_id, rules, schedule_minutes, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (name, store_id, ledger_id, rules.model_dump_json(), schedule_minutes,
             iso(self._clock.now())),
        )
        return int(cur.lastrowid or 0)

    def _to_pair(self, row: sqlite3.Row) -> Pair:
        return Pair(id=row["id"], name=row["name"], store_id=row["store_id"],
                    ledger_id=row["ledger_id"],
                    rules=PostingRules.model_validate_json(row["rules"]),
                    schedule_minutes=row["schedule_minutes"], enabled=bool(row["enabled"]))

    def pair(self, ref: int | str) -> Pair | None:
        """A pair by id or name."""
        column = "id" if isinstance(ref, int) else "name"
        row = self._conn.execute(f"SELECT * FROM pairs WHERE {column} = ?", (ref,)).fetchone()
        return self._to_pair(row) if row else None

    def pairs(self) -> list[Pair]:
        """Every pair, by id."""
        return [self._to_pair(r) for r in self._conn.execute("SELECT * FROM pairs ORDER BY id")]

    def save_rules(self, pair_id: int, rules: PostingRules) -> None:
        """Replace a pair's posting rules."""
        self._conn.execute("UPDATE pairs SET rules = ? WHERE id = ?",
                           (rules.model_dump_json(), pair_id))

    def set_schedule(self, pair_id: int, minutes: int, enabled: bool) -> None:
        """A pair's schedule interval and whether it runs on the schedule at all."""
        self._conn.execute("UPDATE pairs SET schedule_minutes = ?, enabled = ? WHERE id = ?",
                           (minutes, int(enabled), pair_id))

    def remove_pair(self, pair_id: int) -> None:
        """Delete a pair and its state."""
        self._conn.execute("DELETE FROM pairs WHERE id = ?", (pair_id,))

"""The copy of the QuickBooks Desktop company the app keeps between Web Connector updates.

QuickBooks Desktop is read only while the Web Connector holds a session open; the copy (SQLite,
``db.ledger_copy_repo``, migration 7) keeps its sales receipts, invoices, credit memos,
customers and items as last read, so the reconciliation and the exact preview can answer between
updates (saying when it was read), and any process (the app, ``ecom-ledger reconcile``) can ask
for a fresh read, which the next update makes. ``refresh.py`` reads the changes into it.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from ecom_ledger_desktop.core.clock import Clock
from ecom_ledger_desktop.db.ledger_copy_repo import (
    CopiedDocument,
    CopiedListEntry,
    CopyChanges,
    CopyStatus,
)
from ecom_ledger_desktop.db.state import State


class CompanyCopy(Protocol):
    """One company's copy: its state, its documents and lists, and a fresh read asked for."""

    def status(self) -> CopyStatus:
        """When it was read, its change cursor, the oldest day it covers, a read asked for."""
        ...

    def want(self, back_to: date | None = None) -> None:
        """Ask the next Web Connector update for a fresh read (back to ``back_to``)."""
        ...

    def apply(self, changes: CopyChanges, started_at: datetime) -> None:
        """Keep what one read brought (a read asked for before ``started_at`` is answered)."""
        ...

    def documents_between(self, start: date, end: date) -> list[CopiedDocument]:
        """The copied documents dated ``start``..``end``."""
        ...

    def named(self, list_name: str, names: list[str]) -> list[CopiedListEntry]:
        """Copied customers or items with any of ``names`` (any case)."""
        ...


class DbCompanyCopy:
    """A ``CompanyCopy`` in the app's database (a connection per call: any thread, any
    process; the Web Connector service and ``ecom-ledger reconcile`` share it)."""

    def __init__(self, db_path: Path, clock: Clock, connection_id: int) -> None:
        self.db_path, self.clock, self.connection_id = db_path, clock, connection_id

    def _state(self) -> State:
        return State(self.db_path, self.clock)

    def status(self) -> CopyStatus:
        """See ``CompanyCopy``."""
        state = self._state()
        try:
            return state.ledger_copy.status(self.connection_id)
        finally:
            state.close()

    def want(self, back_to: date | None = None) -> None:
        """See ``CompanyCopy`` (committed at once)."""
        state = self._state()
        try:
            with state.tx():
                state.ledger_copy.want(self.connection_id, back_to)
        finally:
            state.close()

    def apply(self, changes: CopyChanges, started_at: datetime) -> None:
        """See ``CompanyCopy`` (one transaction)."""
        state = self._state()
        try:
            with state.tx():
                state.ledger_copy.apply(self.connection_id, changes, started_at)
        finally:
            state.close()

    def documents_between(self, start: date, end: date) -> list[CopiedDocument]:
        """See ``CompanyCopy``."""
        state = self._state()
        try:
            return state.ledger_copy.documents_between(self.connection_id, start, end)
        finally:
            state.close()

    def named(self, list_name: str, names: list[str]) -> list[CopiedListEntry]:
        """See ``CompanyCopy``."""
        state = self._state()
        try:
            return state.ledger_copy.named(self.connection_id, list_name, names)
        finally:
            state.close()

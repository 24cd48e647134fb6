"""The History page's tables: every run, and one order's timeline."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from typing_extensions import override

from ecom_ledger_desktop.app.models._table import (
    FIRST_CUSTOM_ROLE,
    Column,
    RowsTableModel,
    duration_text,
)
from ecom_ledger_desktop.sync.history_queries import OrderTimeline, RunRecord, TimelineEvent

RUN_ID_ROLE = FIRST_CUSTOM_ROLE
STATUS_ROLE = FIRST_CUSTOM_ROLE + 1
TRIGGER_WORDS = {"schedule": "Scheduled", "manual": "Sync now", "retry": "Retry", "test": "Test",
                 "startup": "At start-up"}
STATUS_WORDS = {"ok": "Done", "flagged": "Done, needs you", "failed": "Failed",
                "skipped": "Skipped", "running": "Running", "interrupted": "Interrupted",
                "stopped": "Stopped (resumes next time)"}


def _words(table: dict[str, str], key: str) -> str:
    return table.get(key, key.replace("_", " ").capitalize())


class RunsModel(RowsTableModel[RunRecord]):
    """Rows are ``RunRecord``s (load them with ``history_queries.recent_runs``)."""

    COL_WHEN, COL_PAIR, COL_TRIGGER, COL_STATUS, COL_FETCHED, COL_POSTED, COL_FLAGGED, \
        COL_SKIPPED, COL_DURATION, COL_MESSAGE = range(10)
    columns = (
        Column("When", lambda r: "", lambda r: r.started_at),  # text set in data()
        Column("Pair", lambda r: r.pair_name),
        Column("Started by", lambda r: _words(TRIGGER_WORDS, r.trigger)),
        Column("Result", lambda r: _words(STATUS_WORDS, r.status)),
        Column("Fetched", lambda r: str(r.fetched), lambda r: r.fetched, align_right=True),
        Column("Posted", lambda r: str(r.posted), lambda r: r.posted, align_right=True),
        Column("Flagged", lambda r: str(r.flagged), lambda r: r.flagged, align_right=True),
        Column("Skipped", lambda r: str(r.skipped), lambda r: r.skipped, align_right=True),
        Column("Took", lambda r: duration_text(r.duration),
               lambda r: r.duration.total_seconds() if r.duration else -1.0, align_right=True),
        Column("Message", lambda r: r.message, tooltip=lambda r: r.message),
    )

    @override

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if index.isValid() and index.column() == self.COL_WHEN and role == 0 \
                and 0 <= index.row() < len(self._rows):
            return self.when(self._rows[index.row()].started_at)
        return super().data(index, role)

    def row_data(self, row: RunRecord, column: int, role: int) -> Any:
        if role == RUN_ID_ROLE:
            return row.id
        if role == STATUS_ROLE:
            return row.status
        return None


class OrderTimelineModel(RowsTableModel[TimelineEvent]):
    """One order's steps, oldest first; set with ``set_timeline``."""

    COL_WHEN, COL_STEP, COL_DETAIL, COL_DOCUMENT = range(4)
    columns = (
        Column("When", lambda e: "", lambda e: e.at),
        Column("Step", lambda e: e.label),
        Column("Details", lambda e: e.detail, tooltip=lambda e: e.detail),
        Column("Document in the books", lambda e: e.doc_number),
    )

    def __init__(self, parent: Any = None, now: Any = None) -> None:
        super().__init__(parent, now)
        self.timeline: OrderTimeline | None = None

    def set_timeline(self, timeline: OrderTimeline | None) -> None:
        """Show this order's timeline (None clears)."""
        self.timeline = timeline
        self.set_rows(timeline.events if timeline else [])

    @override

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if index.isValid() and index.column() == self.COL_WHEN and role == 0 \
                and 0 <= index.row() < len(self._rows):
            return self.when(self._rows[index.row()].at)
        return super().data(index, role)

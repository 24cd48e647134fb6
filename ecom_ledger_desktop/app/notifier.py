"""Desktop notifications: only when the merchant has something to do.

A run that flagged records, a connection that needs signing in again, a run that failed — each
told once (the same failure repeating every 15 minutes is told once until it clears). A run that
went well is quiet. Where the message goes is injectable: the tray balloon in the app, a list in
tests, the window's status bar when there is no tray.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject

from ecom_ledger_desktop.app import formatting as fmt
from ecom_ledger_desktop.app.context import AppContext
from ecom_ledger_desktop.app.status import AppStatus
from ecom_ledger_desktop.db.health import is_storage_message
from ecom_ledger_desktop.db.runs_repo import RunRow

ERROR_QUEUE_PAGE = "errors"
CONNECTIONS_PAGE = "connections"
HISTORY_PAGE = "history"


@dataclass(frozen=True)
class Notification:
    """One message; ``page`` is where a click on it leads."""

    title: str
    text: str
    level: str = "info"  # info | warning | critical
    page: str | None = None


Sink = Callable[[Notification], None]


class Notifier(QObject):
    """Turns finished runs and connection problems into notifications."""

    def __init__(self, ctx: AppContext, status: AppStatus, sink: Sink,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.status = status
        self.sink = sink
        self._told_failures: dict[int, str] = {}  # pair id -> failure already told
        self._told_connections: set[tuple[str, str]] = set()
        status.run_completed.connect(self._on_run_completed)
        status.changed.connect(self._on_status_changed)

    @property
    def enabled(self) -> bool:
        """The merchant's setting."""
        return self.ctx.settings.current.notifications

    def _send(self, note: Notification) -> None:
        if self.enabled:
            self.sink(note)

    def _pair_name(self, pair_id: int) -> str:
        for pair in self.status.snapshot.pairs:
            if pair.id == pair_id:
                return pair.name
        return "your store"

    def _on_run_completed(self, run: RunRow) -> None:
        if run.status == "failed":
            self._on_failed(run)
            return
        self._told_failures.pop(run.pair_id, None)
        if run.flagged > 0:
            verb = "needs" if run.flagged == 1 else "need"
            self._send(Notification(
                f"{fmt.plural(run.flagged, 'record')} {verb} your attention",
                f"The last sync of {self._pair_name(run.pair_id)} could not post "
                f"{fmt.plural(run.flagged, 'record')}. Open the error queue to fix "
                f"{'it' if run.flagged == 1 else 'them'}.",
                "warning", ERROR_QUEUE_PAGE))

    def _on_failed(self, run: RunRow) -> None:
        if self.status.snapshot.attention:
            return  # a connection problem: told once by _on_status_changed, with its fix
        message = run.message or "the sync stopped early"
        if self._told_failures.get(run.pair_id) == message:
            return
        self._told_failures[run.pair_id] = message
        # a damaged database fails every sync alike: its message says what to do instead
        after = ("" if is_storage_message(message) else ". Nothing was lost: the next sync "
                 "carries on where this one stopped. The History page has the details.")
        self._send(Notification(
            f"Sync of {self._pair_name(run.pair_id)} failed",
            f"{message[:1].upper()}{message[1:]}{after}", "critical", HISTORY_PAGE))

    def _on_status_changed(self) -> None:
        current = {(name, message) for name, status, message in self.status.snapshot.attention
                   if status == "needs_reauthorisation"}
        for name, _message in sorted(current - self._told_connections):
            self._send(Notification(
                f"{name} needs you to sign in again",
                "Syncing is on hold for this connection and no order is lost. Reconnect it on "
                "the Connections page; everything that waited is posted afterwards.",
                "critical", CONNECTIONS_PAGE))
        self._told_connections = current

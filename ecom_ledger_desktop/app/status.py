"""What the app is doing right now, for the tray icon, the menu's status line and the window.

Live facts (a run started, progress) come from the event bridge; durable facts (last runs, open
errors, connections needing attention, every finished run) come from a database read on a worker
thread. Reading the runs table — not only events — means a run that failed before it could
publish anything still reaches the merchant.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from PySide6.QtCore import QObject, QTimer, Signal

from ecom_ledger_desktop.app import formatting as fmt
from ecom_ledger_desktop.app.context import AppContext
from ecom_ledger_desktop.app.icons import ATTENTION, ERROR, IDLE, PAUSED, SYNCING
from ecom_ledger_desktop.core.events import OrderProgress, RunFinished, RunStarted
from ecom_ledger_desktop.db.runs_repo import RunRow
from ecom_ledger_desktop.sync import approval
from ecom_ledger_desktop.sync import dashboard_queries as q
from ecom_ledger_desktop.sync.service import SyncService

log = logging.getLogger(__name__)
REFRESH_MS = 30_000


@dataclass(frozen=True)
class PairStatus:
    """One pair as the tray and the dashboard show it."""

    id: int
    name: str
    enabled: bool
    schedule_minutes: int
    last_run: RunRow | None
    last_finished: datetime | None
    open_errors: int
    held: int = 0  # store records waiting for the merchant's approval (the pair holds)


@dataclass(frozen=True)
class StatusSnapshot:
    """One consistent read of the database."""

    pairs: list[PairStatus] = field(default_factory=list)
    open_errors: int = 0
    waiting: int = 0
    last_finished: datetime | None = None
    attention: list[tuple[str, str, str]] = field(default_factory=list)
    runs: list[RunRow] = field(default_factory=list)  # runs after the floor asked for
    latest_run_id: int = 0
    held_kinds: dict[str, int] = field(default_factory=dict)  # records waiting for approval
    # by kind (order, refund, summary), every pair together

    @property
    def held(self) -> int:
        """Store records waiting for the merchant's approval."""
        return sum(self.held_kinds.values())

    def held_line(self) -> str:
        """"12 orders wait for your approval" ("" when nothing does)."""
        return approval.waiting_line(self.held_kinds)


def read_status(service: SyncService, after_run_id: int | None,
                app_started: datetime | None = None) -> StatusSnapshot:
    """Read the status (on a worker thread).

    ``after_run_id=None`` (the first read): list no runs, and report as ``latest_run_id`` the last
    run started before the app, so every later run is reported once.
    """
    state = service.open_state()
    try:
        last = q.last_runs(state)
        held = {p.id: approval.held_by_kind(state, p) for p in state.connections.pairs()}
        pairs = [PairStatus(p.id, p.name, p.enabled, p.schedule_minutes, last.get(p.id),
                            q.last_finished_at(state, p.id), q.open_error_count(state, p.id),
                            sum(held[p.id].values()))
                 for p in state.connections.pairs()]
        kinds: dict[str, int] = {}
        for counts in held.values():
            for kind, count in counts.items():
                kinds[kind] = kinds.get(kind, 0) + count
        return StatusSnapshot(
            held_kinds=kinds,
            pairs=pairs, open_errors=q.open_error_count(state), waiting=q.waiting_count(state),
            last_finished=q.last_finished_at(state), attention=q.connections_needing_attention(state),
            runs=q.runs_after(state, after_run_id) if after_run_id is not None else [],
            latest_run_id=q.latest_run_id(state, app_started if after_run_id is None else None))
    finally:
        state.close()


@dataclass
class Progress:
    """A run in progress."""

    run_id: int
    done: int = 0
    total: int = 0
    eta_seconds: float | None = None


class AppStatus(QObject):
    """The app's state machine: idle, syncing, needs attention, error or paused."""

    changed = Signal()
    run_completed = Signal(object)  # RunRow of every run that finished since the app started
    progress_changed = Signal(int)  # pair id

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.snapshot = StatusSnapshot()
        self.loaded = False
        self.started = False
        self._started = datetime.now(UTC)
        self.paused = False
        self.running: dict[int, Progress] = {}  # pair id -> progress
        self.requested: set[int] = set()        # "Sync now" asked, run not finished yet
        self._run_pairs: dict[int, int] = {}    # run id -> pair id
        self._run_floor: int | None = None      # runs above this id are not reported yet
        self._refreshing = False
        self._again = False
        self.read_error = ""  # the database could not be read: said in the status lines
        ctx.bridge.run_started.connect(self._on_run_started)
        ctx.bridge.progress.connect(self._on_progress)
        ctx.bridge.run_finished.connect(self._on_run_finished)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)

    def start(self) -> None:
        """First read, then keep the status fresh (next-run times, runs of other processes).

        Until then ``refresh`` does nothing: the shell starts the status once the database is
        ready."""
        self.started = True
        self.refresh()
        self._timer.start()

    def stop(self) -> None:
        """Stop refreshing."""
        self._timer.stop()

    # -- reading --------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the database in the background (coalesced while a read is under way)."""
        if not self.started:
            return
        if self._refreshing:
            self._again = True
            return
        self._refreshing = True
        self.ctx.tasks.run(read_status, self.ctx.service, self._run_floor, self._started,
                           on_done=self._apply, on_error=self.report_read_error)

    def _apply(self, snapshot: StatusSnapshot) -> None:
        self._refreshing = False
        self.read_error = ""
        self.snapshot, self.loaded = snapshot, True
        if self._run_floor is None:
            self._run_floor = snapshot.latest_run_id  # runs before the app started are history
        else:
            for run in snapshot.runs:
                if run.status == "running":
                    break  # report in id order; this one (and later ones) next time
                self._run_floor = run.id
                self.run_completed.emit(run)
        self.changed.emit()
        if self._again:
            self._again = False
            self.refresh()

    def report_read_error(self, error: BaseException) -> None:
        self._refreshing = False
        log.error("could not read the status: %s", error)
        self.read_error = f"Ecom Ledger cannot read its data folder ({error})"
        self.loaded = True
        self.changed.emit()

    # -- live events ----------------------------------------------------------------------
    def pair_of_run(self, run_id: int) -> int | None:
        """The pair a run belongs to (for runs this app has seen start)."""
        return self._run_pairs.get(run_id)

    def _on_run_started(self, event: RunStarted) -> None:
        self._run_pairs[event.run_id] = event.pair_id
        self.running[event.pair_id] = Progress(event.run_id)
        self.progress_changed.emit(event.pair_id)
        self.changed.emit()

    def _on_progress(self, event: OrderProgress) -> None:
        pair_id = self._run_pairs.get(event.run_id)
        if pair_id is None or pair_id not in self.running:
            return
        self.running[pair_id] = Progress(event.run_id, event.done, event.total, event.eta_seconds)
        self.progress_changed.emit(pair_id)

    def _on_run_finished(self, event: RunFinished) -> None:
        pair_id = self._run_pairs.get(event.run_id)
        if pair_id is not None:
            self.running.pop(pair_id, None)
            self.progress_changed.emit(pair_id)
        self.refresh()

    def mark_requested(self, pair_id: int) -> None:
        """A "Sync now" was asked for this pair."""
        self.requested.add(pair_id)
        self.changed.emit()

    def request_done(self, pair_id: int) -> None:
        """The run that served a "Sync now" has ended (however it ended)."""
        self.requested.discard(pair_id)
        self.running.pop(pair_id, None)
        self.progress_changed.emit(pair_id)
        self.refresh()

    def set_paused(self, paused: bool) -> None:
        """The schedule was paused or resumed."""
        self.paused = paused
        self.changed.emit()

    # -- derived --------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """Whether a sync is running or asked for."""
        return bool(self.running or self.requested)

    @property
    def state(self) -> str:
        """One of the icon states; the most urgent wins, a running sync above all."""
        snap = self.snapshot
        if self.busy:
            return SYNCING
        if self.read_error:
            return ERROR
        failed = any(p.last_run is not None and p.last_run.status == "failed" for p in snap.pairs)
        if failed or snap.attention:
            return ERROR
        if snap.open_errors:
            return ATTENTION
        return PAUSED if self.paused else IDLE

    def next_sync(self) -> datetime | None:
        """The earliest scheduled run of any pair (None when paused or nothing is scheduled)."""
        if self.paused:
            return None
        times = [t for p in self.snapshot.pairs if (t := self.ctx.background.next_run(p.id))]
        return min(times) if times else None

    def status_lines(self, now: datetime | None = None) -> list[str]:
        """Three short lines: what is happening, what comes next, what waits for the merchant."""
        now = now or datetime.now(UTC)
        snap = self.snapshot
        if not self.loaded:
            return ["Starting…"]
        if self.read_error:
            return [self.read_error, "Check that the disk is not full and the folder is "
                    "still there (Settings shows where it is), then restart Ecom Ledger."]
        if not snap.pairs:
            return ["Not set up yet", "Connect your store and your books to start"]
        first = f"Last sync: {fmt.when(snap.last_finished, now)}"
        if self.running:
            progress = next(iter(self.running.values()))
            first = (f"Syncing: {progress.done} of {progress.total} records"
                     if progress.total else "Syncing…")
        elif self.requested:
            first = "Syncing…"
        upcoming = self.next_sync()
        if self.paused:
            second = "Schedule paused"
        elif upcoming is not None:
            second = f"Next sync: {fmt.when(upcoming, now)} ({fmt.relative(upcoming, now)})"
        else:
            second = "No sync scheduled"
        return [first, second, self._attention_line()]

    def _attention_line(self) -> str:
        snap = self.snapshot
        if snap.attention:
            name, status, _ = snap.attention[0]
            if status == "needs_reauthorisation":
                return f"{name} needs you to sign in again"
            return f"{name} has a problem: see Connections"
        failed = [p for p in snap.pairs if p.last_run is not None and p.last_run.status == "failed"]
        if failed:
            return f"The last sync of {failed[0].name} failed: see History"
        if snap.open_errors:
            verb = "needs" if snap.open_errors == 1 else "need"
            return f"{fmt.plural(snap.open_errors, 'record')} {verb} your attention"
        if snap.held:  # nothing else goes before the merchant approves it
            return snap.held_line()
        if snap.waiting:
            return f"{fmt.plural(snap.waiting, 'record')} waiting to be posted"
        if self.busy:
            return ""
        if all(p.last_finished is None for p in snap.pairs):  # nothing was posted yet at all
            return "Waiting for the first sync"
        return "Everything is posted"

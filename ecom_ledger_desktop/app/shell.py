"""The app's lifecycle: builds the window and the tray, runs syncs, quits cleanly.

Tray-first: closing the window hides it; Quit (tray menu or window) stops the schedule, waits for
a running sync to finish — never cutting a posting in half — and then leaves. Without a system
tray, closing the window asks, then quits the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

from ecom_ledger_desktop.app.context import AppContext
from ecom_ledger_desktop.app.dialogs import BusyHandle
from ecom_ledger_desktop.app.gc_guard import GcGuard
from ecom_ledger_desktop.app.notifier import Notification, Notifier, Sink
from ecom_ledger_desktop.app.single_instance import SHOW, SingleInstance
from ecom_ledger_desktop.app.status import AppStatus
from ecom_ledger_desktop.app.tray import TrayActions, TrayController
from ecom_ledger_desktop.app.window import MainWindow
from ecom_ledger_desktop.db.connections_repo import Pair
from ecom_ledger_desktop.db.health import storage_problem
from ecom_ledger_desktop.sync.service import SyncService

log = logging.getLogger(__name__)

FINISHING = "Finishing the current sync… Ecom Ledger closes as soon as it is done, so nothing is " \
            "left half-posted."


def _prepare_database(service: SyncService) -> None:
    service.open_state().close()


class AppShell(QObject):
    """Owns the status, the tray, the window and the notifier over one ``AppContext``."""

    stopped = Signal()  # the core has stopped and the app may exit

    def __init__(self, ctx: AppContext, *, tray_available: bool, notify_sink: Sink | None = None,
                 quit_app: Callable[[], None] | None = None,
                 instance: SingleInstance | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        ctx.tray_available = tray_available
        self.status = AppStatus(ctx, self)
        ctx.status = self.status
        actions = TrayActions(sync_all=self.sync_all, sync_pair=self.sync_pair,
                              toggle_pause=self.toggle_pause, open_window=self.show_window,
                              open_page=self.open_page, quit=self.request_quit)
        self.tray = TrayController(self.status, actions, available=tray_available, demo=ctx.demo,
                                   parent=self)
        self.window = MainWindow(ctx, actions)
        self.window.close_handler = self._on_window_close
        self.window.pages["dashboard"].sync_requested.connect(self.sync_pair)  # type: ignore[attr-defined]
        default_sink = self.tray.notify if tray_available else self.window.show_notice
        self.notifier = Notifier(ctx, self.status, notify_sink or default_sink, self)
        self.gc_guard = GcGuard(self.status, self)  # short collector pauses during syncs
        self.instance = instance
        if instance is not None:
            instance.message_received.connect(self._on_instance_message)
        self.quitting = False
        self.is_stopped = False
        self._busy: BusyHandle | None = None
        self._quit_app = quit_app or QApplication.quit
        self._told_about_tray = False
        self._session_ending = False
        self.schedule_running = False

    # -- start ----------------------------------------------------------------------------
    def start(self, *, show_window: bool = True, sync_at_start: bool = False) -> None:
        """Listen to the core, start the schedule (in the background) and show the window."""
        self.ctx.bridge.attach(self.ctx.service.events)
        # open (and, the first time, create or migrate) the database once before anything reads
        # it concurrently: two first-time migrations racing would fail
        self.ctx.tasks.run(_prepare_database, self.ctx.service,
                           on_done=lambda _: self._database_ready(sync_at_start),
                           on_error=self._database_failed)
        if show_window or not self.ctx.tray_available:
            self.window.show()

    def _database_ready(self, sync_at_start: bool) -> None:
        self.status.start()
        self.ctx.tasks.run(self.ctx.background.start,
                           on_done=lambda _: self._scheduler_started(sync_at_start),
                           on_error=self._scheduler_failed)

    def _database_failed(self, error: BaseException) -> None:
        log.error("the database could not be opened", exc_info=error)
        self.status.report_read_error(error)  # said in the status lines and the tray

    def _scheduler_started(self, sync_at_start: bool) -> None:
        self.schedule_running = True
        if self.status.paused:  # paused while the schedule was starting
            self.ctx.background.pause()
        self.status.refresh()  # next-run times exist now
        if sync_at_start:
            self.sync_all()

    def _scheduler_failed(self, error: BaseException) -> None:
        log.error("the schedule could not start", exc_info=error)
        self.notifier.sink(Notification(
            "Automatic syncing could not start",
            f"{error}. Sync now still works; restart Ecom Ledger to try the schedule again.",
            "critical", "history"))

    # -- actions --------------------------------------------------------------------------
    def sync_all(self) -> None:
        """Sync every pair now (pairs are read in the background if not known yet)."""
        if self.status.loaded:
            for pair in self.status.snapshot.pairs:
                self.sync_pair(pair.id)
        else:
            self.ctx.tasks.run(self.ctx.service.pairs, on_done=self._sync_pairs)

    def _sync_pairs(self, pairs: list[Pair]) -> None:
        for pair in pairs:
            self.sync_pair(pair.id)

    def sync_pair(self, pair_id: int) -> None:
        """Ask the core's job runner for a run (queued behind a running one); never blocks."""
        if self.quitting:
            return
        self.status.mark_requested(pair_id)
        future = self.ctx.background.sync_now(pair_id)
        self.ctx.tasks.watch(future, on_done=lambda _summary: self.status.request_done(pair_id),
                             on_error=lambda error: self._sync_crashed(pair_id, error))

    def _sync_crashed(self, pair_id: int, error: BaseException) -> None:
        log.error("sync of pair %s raised", pair_id, exc_info=error)
        self.status.request_done(pair_id)
        storage = storage_problem(error, self.ctx.service.db_path)
        self.notifier.sink(Notification(
            "A sync stopped unexpectedly",
            storage or f"{error}. Nothing was lost: the next sync carries on where this one "
            "stopped. If it happens again, the log files (Settings page) tell support what went "
            "wrong.", "critical", "history"))

    def toggle_pause(self) -> None:
        """Pause or resume the schedule (Sync now keeps working). Before the schedule has
        started the choice is remembered and applied when it starts."""
        pause = not self.status.paused
        if self.schedule_running:
            try:
                if pause:
                    self.ctx.background.pause()
                else:
                    self.ctx.background.resume()
            except Exception:  # already stopped (quitting)
                log.exception("could not change the schedule")
                return
        self.status.set_paused(pause)

    def show_window(self) -> None:
        """Bring the window forward."""
        self.window.bring_forward()

    def open_page(self, key: str) -> None:
        """Bring the window forward on a page (a clicked notification)."""
        self.window.show_page(key)
        self.window.bring_forward()

    def _on_instance_message(self, message: str) -> None:
        if message == SHOW:
            self.show_window()

    # -- closing and quitting -------------------------------------------------------------
    def session_ending(self) -> None:
        """The desktop session ends (log out, shut down): quit without asking."""
        self._session_ending = True
        self.request_quit()

    def shutdown_now(self) -> None:
        """Last resort when the event loop is leaving without our Quit (e.g. the session ended
        before the background stop reported back): stop the core here, waiting for a running
        sync, and clean up."""
        if self.is_stopped:
            return
        self.quitting = True
        self.status.stop()
        self.gc_guard.stop()
        self.ctx.background.stop()
        self._quit_app = lambda: None
        self._finish_quit()

    def _on_window_close(self) -> bool:
        """True lets the window close. With a tray it hides; without one, confirm and quit."""
        if self.is_stopped or self._session_ending:
            return True
        if self.quitting:
            return False
        if self.ctx.tray_available:
            self.window.hide()
            if not self._told_about_tray:
                self._told_about_tray = True
                self.tray.notify(Notification(
                    "Ecom Ledger keeps syncing",
                    "It is still running in the system tray. Choose Quit from the tray icon's "
                    "menu to stop it."))
            return False
        if self.ctx.dialogs.confirm(
                "Quit Ecom Ledger?",
                "Orders stop syncing until you open Ecom Ledger again. A sync that is running "
                "now is finished first.", accept="Quit", reject="Keep running",
                parent=self.window):
            self.request_quit()
        return False

    def request_quit(self) -> None:
        """Stop the schedule, let a running sync finish (saying so), then exit."""
        if self.quitting:
            return
        self.quitting = True
        self.tray.set_quitting()
        self.window.set_quitting()
        self.status.stop()
        self.gc_guard.stop()
        if self.status.busy:
            parent = self.window if self.window.isVisible() else None
            self._busy = self.ctx.dialogs.busy(FINISHING, parent)
        self.ctx.tasks.run(self.ctx.background.stop, on_done=lambda _: self._finish_quit(),
                           on_error=self._stop_failed)

    def _stop_failed(self, error: BaseException) -> None:
        log.error("stopping the background work failed", exc_info=error)
        self._finish_quit()

    def _finish_quit(self) -> None:
        if self._busy is not None:
            self._busy.close()
            self._busy = None
        self.ctx.bridge.detach()
        if self.instance is not None:
            self.instance.close()
        self.tray.hide()
        self.is_stopped = True
        self.window.close()
        for callback in self.ctx.on_close:
            try:
                callback()
            except Exception:
                log.exception("clean-up at quit failed")
        self.ctx.tasks.shutdown(wait=False)
        self.stopped.emit()
        self._quit_app()

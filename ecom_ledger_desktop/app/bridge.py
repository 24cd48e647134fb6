"""The core's plain events, re-emitted as Qt signals.

The engine publishes on its worker thread. Emitting a signal of this GUI-thread object from there
queues the call for receivers that live on the GUI thread, so slots connected to bound methods of
widgets (or other GUI-thread objects) always run on the GUI thread.

Progress is coalesced: a big sync publishes an ``OrderProgress`` per record, but the GUI thread
hears the latest one per run at most every ``PROGRESS_INTERVAL_MS`` (and always before the run's
``RunFinished``, so the final counts are never lost).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QMetaMethod, QObject, Qt, QTimer, Signal, SignalInstance

from ecom_ledger_desktop.core.events import (
    Event,
    EventBus,
    Flagged,
    OrderProgress,
    Posted,
    RunFinished,
    RunStarted,
)

log = logging.getLogger(__name__)
PROGRESS_INTERVAL_MS = 100


class EventBridge(QObject):
    """One Qt signal per core event type; each carries the event object."""

    run_started = Signal(object)   # RunStarted
    progress = Signal(object)      # OrderProgress (coalesced)
    posted = Signal(object)        # Posted
    flagged = Signal(object)       # Flagged
    run_finished = Signal(object)  # RunFinished
    _progress_waiting = Signal()   # worker -> GUI thread: pending progress to deliver

    def __init__(self, parent: QObject | None = None,
                 progress_interval_ms: int = PROGRESS_INTERVAL_MS) -> None:
        super().__init__(parent)
        self._unsubscribe: Callable[[], None] | None = None
        self._gui_thread = threading.get_ident()  # made on the GUI thread
        self._lock = threading.Lock()
        self._pending: dict[int, OrderProgress] = {}  # run id -> latest progress not yet shown
        self._waiting = False  # a delivery is asked for (signal queued or timer running)
        self._interval = progress_interval_ms / 1000
        self._last_delivery = float("-inf")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._deliver_progress)
        self._progress_waiting.connect(self._deliver_progress, Qt.ConnectionType.QueuedConnection)

    def attach(self, bus: EventBus) -> None:
        """Start forwarding the bus's events (from whatever thread publishes them)."""
        self.detach()
        self._unsubscribe = bus.subscribe(self.forward)

    def detach(self) -> None:
        """Stop forwarding."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def forward(self, event: Event) -> None:
        """Emit the signal matching ``event`` (safe to call on any thread)."""
        try:
            if isinstance(event, OrderProgress):
                self._forward_progress(event)
            elif isinstance(event, RunStarted):
                self.run_started.emit(event)
            elif isinstance(event, Posted):
                if self._listened(self.posted):  # one per record: only when someone listens
                    self.posted.emit(event)
            elif isinstance(event, Flagged):
                if self._listened(self.flagged):
                    self.flagged.emit(event)
            elif isinstance(event, RunFinished):
                with self._lock:
                    last = self._pending.pop(event.run_id, None)
                if last is not None:  # the final counts go first
                    self.progress.emit(last)
                self.run_finished.emit(event)
        except RuntimeError:  # the Qt side is already gone (the app quit mid-run)
            log.debug("event %s after the bridge was deleted", type(event).__name__)

    def _listened(self, signal: SignalInstance) -> bool:
        return self.isSignalConnected(QMetaMethod.fromSignal(signal))

    def _forward_progress(self, event: OrderProgress) -> None:
        if threading.get_ident() == self._gui_thread:  # already on the GUI thread: show it now
            with self._lock:
                self._pending.pop(event.run_id, None)
            self.progress.emit(event)
            return
        with self._lock:
            self._pending[event.run_id] = event
            if self._waiting:
                return  # the GUI thread has been told; it takes the latest when it delivers
            self._waiting = True
        self._progress_waiting.emit()

    def _deliver_progress(self) -> None:
        """On the GUI thread: show the latest progress per run, at most once per interval."""
        wait = self._last_delivery + self._interval - time.monotonic()
        if wait > 0:
            if not self._timer.isActive():
                self._timer.start(max(1, int(wait * 1000)))
            return
        with self._lock:
            latest = list(self._pending.values())
            self._pending.clear()
            self._waiting = False
        self._last_delivery = time.monotonic()
        for event in latest:
            self.progress.emit(event)

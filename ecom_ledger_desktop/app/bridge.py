"""The core's plain events, re-emitted as Qt signals.

The engine publishes on its worker thread. Emitting a signal of this GUI-thread object from there
queues the call for receivers that live on the GUI thread, so slots connected to bound methods of
widgets (or other GUI-thread objects) always run on the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

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


class EventBridge(QObject):
    """One Qt signal per core event type; each carries the event object."""

    run_started = Signal(object)   # RunStarted
    progress = Signal(object)      # OrderProgress
    posted = Signal(object)        # Posted
    flagged = Signal(object)       # Flagged
    run_finished = Signal(object)  # RunFinished

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe: Callable[[], None] | None = None

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
            if isinstance(event, RunStarted):
                self.run_started.emit(event)
            elif isinstance(event, OrderProgress):
                self.progress.emit(event)
            elif isinstance(event, Posted):
                self.posted.emit(event)
            elif isinstance(event, Flagged):
                self.flagged.emit(event)
            elif isinstance(event, RunFinished):
                self.run_finished.emit(event)
        except RuntimeError:  # the Qt side is already gone (the app quit mid-run)
            log.debug("event %s after the bridge was deleted", type(event).__name__)

"""Short garbage-collector pauses while a sync runs.

CPython's cyclic collector stops every thread, the GUI thread too, and a full collection walks
every tracked object. During a big sync the engine's thread keeps many objects alive, and a full
collection over them stalled the window for 70 ms and more. While a sync runs, this collects the
young generations and then freezes the heap every second (``gc.freeze()`` costs microseconds):
what survived so far is left out of later collections, so each one only looks at what the last
second allocated. Objects freed by reference counting are freed as usual. Once the app has been
idle a few seconds after the sync, the heap is unfrozen, collected once (cycles that died during
the sync are reclaimed) and frozen again, as at start-up.
"""

from __future__ import annotations

import gc
import logging
import time

from PySide6.QtCore import QObject, QTimer

from ecom_ledger_desktop.app.status import AppStatus

log = logging.getLogger(__name__)
FREEZE_MS = 1000
SETTLE_MS = 5000


def freeze_survivors() -> None:
    """Collect the young generations (cheap: only what is new), then freeze what survived."""
    gc.collect(1)
    gc.freeze()


class GcGuard(QObject):
    """Freezes the heap each ``FREEZE_MS`` while ``status`` is busy; settles it after."""

    def __init__(self, status: AppStatus, parent: QObject | None = None,
                 freeze_ms: int = FREEZE_MS, settle_ms: int = SETTLE_MS) -> None:
        super().__init__(parent)
        self.status = status
        self.settled_ms: float | None = None  # how long the last settling collection took
        self._freezer = QTimer(self)
        self._freezer.setInterval(freeze_ms)
        self._freezer.timeout.connect(freeze_survivors)
        self._settler = QTimer(self)
        self._settler.setSingleShot(True)
        self._settler.setInterval(settle_ms)
        self._settler.timeout.connect(self.settle)
        status.changed.connect(self._follow)
        status.progress_changed.connect(lambda _pair: self._follow())

    @property
    def freezing(self) -> bool:
        """Whether a sync is being guarded now."""
        return self._freezer.isActive()

    def _follow(self) -> None:
        if self.status.busy:
            self._settler.stop()
            if not self._freezer.isActive():
                freeze_survivors()
                self._freezer.start()
        elif self._freezer.isActive():
            self._freezer.stop()
            self._settler.start()

    def settle(self) -> None:
        """Collect what the sync left in cycles, then freeze what lives on (when idle)."""
        if self.status.busy:
            return
        began = time.perf_counter()
        gc.unfreeze()
        found = gc.collect()
        gc.freeze()
        self.settled_ms = (time.perf_counter() - began) * 1000
        log.debug("after the sync: %d objects in cycles collected in %.0f ms", found,
                  self.settled_ms)

    def stop(self) -> None:
        """No more freezing or settling (quitting)."""
        self._freezer.stop()
        self._settler.stop()

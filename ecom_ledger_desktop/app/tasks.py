"""One way to run work off the GUI thread and come back to it.

Work runs on a ``ThreadPoolExecutor``; when it ends, the future travels back through a queued
signal on this GUI-thread object and the callback runs on the GUI thread. Workers never touch
widgets; callbacks may. Futures made elsewhere (the core's job runner) can be watched the same way.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal

log = logging.getLogger(__name__)

OnDone = Callable[[Any], None]
OnError = Callable[[BaseException], None]


class TaskRunner(QObject):
    """Background execution with results delivered on the GUI thread."""

    _delivered = Signal(object)
    idle = Signal()  # no task left in flight (tests and the quit flow wait for it)

    def __init__(self, workers: int = 4, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="app-task")
        self._lock = threading.Lock()
        self._in_flight = 0
        self._closed = False
        # queued even when emitted on the GUI thread, so a callback never runs inside run()
        self._delivered.connect(self._on_delivered, Qt.ConnectionType.QueuedConnection)

    @property
    def closed(self) -> bool:
        """Whether ``shutdown`` was called."""
        return self._closed

    @property
    def in_flight(self) -> int:
        """Tasks started and not yet delivered."""
        with self._lock:
            return self._in_flight

    def run(self, fn: Callable[..., Any], *args: Any, on_done: OnDone | None = None,
            on_error: OnError | None = None) -> Future[Any]:
        """Run ``fn(*args)`` on a worker; ``on_done(result)`` / ``on_error(exc)`` on the GUI thread."""
        if self._closed:  # quitting: nothing new starts, and nobody waits for it
            cancelled: Future[Any] = Future()
            cancelled.cancel()
            return cancelled
        future = self._executor.submit(fn, *args)
        self.watch(future, on_done=on_done, on_error=on_error)
        return future

    def watch(self, future: Future[Any], *, on_done: OnDone | None = None,
              on_error: OnError | None = None) -> None:
        """Deliver an existing future's outcome on the GUI thread when it completes."""
        with self._lock:
            self._in_flight += 1
        future.add_done_callback(lambda done: self._deliver(done, on_done, on_error))

    def _deliver(self, future: Future[Any], on_done: OnDone | None, on_error: OnError | None) -> None:
        try:
            self._delivered.emit((future, on_done, on_error))
        except RuntimeError:  # the app is gone (quit while a task ran): nobody to tell
            log.debug("task finished after the task runner was deleted")

    def _on_delivered(self, package: tuple[Future[Any], OnDone | None, OnError | None]) -> None:
        future, on_done, on_error = package
        try:
            if _owner_gone(on_done) or _owner_gone(on_error):
                log.debug("task finished after the page that asked for it was closed")
                return
            error = future.exception()
            if error is not None:
                if on_error is not None:
                    on_error(error)
                else:
                    log.error("background task failed", exc_info=error)
            elif on_done is not None:
                on_done(future.result())
        except Exception:
            log.exception("a task callback failed")
        finally:
            with self._lock:
                self._in_flight -= 1
                now_idle = self._in_flight == 0
            if now_idle:
                self.idle.emit()

    def shutdown(self, wait: bool = False) -> None:
        """Refuse new work; optionally wait for running work (callbacks are then dropped)."""
        self._closed = True
        self._executor.shutdown(wait=wait, cancel_futures=not wait)


def _owner_gone(callback: Callable[..., Any] | None) -> bool:
    """Whether ``callback`` is a method of a Qt object whose C++ side is already deleted (a page
    closed while its work ran): calling it would touch widgets that no longer exist."""
    owner = getattr(callback, "__self__", None)
    return isinstance(owner, QObject) and not shiboken6.isValid(owner)

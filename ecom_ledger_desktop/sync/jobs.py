"""At most one run per pair at a time; a request during a run queues behind it.

"Sync now" while a sync of the same pair is running does not race it: the request is remembered
(coalesced with any other waiting request) and runs as soon as the current run ends.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass
class _PairSlot:
    running: bool = False
    waiting: list[Future[object]] = field(default_factory=list)
    waiting_trigger: str = ""


class JobRunner:
    """Runs ``run_pair(pair_id, trigger)`` on worker threads, serialised per pair."""

    def __init__(self, run_pair: Callable[[int, str], object], workers: int = 2) -> None:
        self._run_pair = run_pair
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sync")
        self._slots: dict[int, _PairSlot] = {}
        self._lock = threading.Lock()

    def request(self, pair_id: int, trigger: str) -> Future[object]:
        """Ask for a run; returns a future of the run that will serve this request."""
        future: Future[object] = Future()
        with self._lock:
            slot = self._slots.setdefault(pair_id, _PairSlot())
            if slot.running:
                slot.waiting.append(future)
                slot.waiting_trigger = slot.waiting_trigger or trigger
                log.info("pair %s: %s queued behind the running sync", pair_id, trigger)
                return future
            slot.running = True
        self._executor.submit(self._work, pair_id, trigger, [future])
        return future

    def is_running(self, pair_id: int) -> bool:
        """Whether a run of the pair is in progress."""
        with self._lock:
            slot = self._slots.get(pair_id)
            return bool(slot and slot.running)

    def _work(self, pair_id: int, trigger: str, futures: list[Future[object]]) -> None:
        while True:
            try:
                result = self._run_pair(pair_id, trigger)
            except BaseException as exc:  # the futures carry it to whoever asked
                for future in futures:
                    future.set_exception(exc)
            else:
                for future in futures:
                    future.set_result(result)
            with self._lock:
                slot = self._slots[pair_id]
                if not slot.waiting:
                    slot.running = False
                    return
                futures, slot.waiting = slot.waiting, []
                trigger, slot.waiting_trigger = slot.waiting_trigger, ""

    def shutdown(self, wait: bool = True) -> None:
        """Stop accepting work; with ``wait`` let running syncs finish (never cut a posting)."""
        self._executor.shutdown(wait=wait)

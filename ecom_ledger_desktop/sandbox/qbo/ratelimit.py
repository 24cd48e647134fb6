"""Per-realm throttling on the simulated clock (reference A6).

500 requests per sliding 60 s window, 10 requests in flight at once, 40 batch requests per
minute. Requests refused with 429 do not count towards the window. A test can hold admitted
requests at a gate to build up concurrency deterministically.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

from ecom_ledger_desktop.sandbox.server import SimClock

WINDOW = 60.0


@dataclass
class Limits:
    """The configurable limits; ``enabled=False`` turns throttling off entirely."""

    per_minute: int = 500
    concurrent: int = 10
    batch_per_minute: int = 40
    enabled: bool = True


class RateLimiter:
    """Sliding windows and in-flight counters per realm."""

    def __init__(self, clock: SimClock, limits: Limits) -> None:
        self.clock = clock
        self.limits = limits
        self._cond = threading.Condition()
        self._requests: dict[str, deque[float]] = {}
        self._batches: dict[str, deque[float]] = {}
        self._in_flight: dict[str, int] = {}
        self._forced = 0
        self._gate = threading.Event()
        self._gate.set()

    def force(self, count: int) -> None:
        """The next ``count`` API requests get 429 regardless of the limits."""
        with self._cond:
            self._forced = max(0, int(count))

    def acquire(self, realm: str, is_batch: bool) -> bool:
        """Admit a request (True) or refuse it (False). Admitted requests must ``release``."""
        with self._cond:
            if self._forced > 0:
                self._forced -= 1
                return False
            if not self.limits.enabled:
                self._in_flight[realm] = self._in_flight.get(realm, 0) + 1
                self._cond.notify_all()
                return True
            now = self.clock.elapsed()
            window = self._prune(self._requests, realm, now)
            batches = self._prune(self._batches, realm, now)
            if len(window) >= self.limits.per_minute:
                return False
            if is_batch and len(batches) >= self.limits.batch_per_minute:
                return False
            if self._in_flight.get(realm, 0) >= self.limits.concurrent:
                return False
            window.append(now)
            if is_batch:
                batches.append(now)
            self._in_flight[realm] = self._in_flight.get(realm, 0) + 1
            self._cond.notify_all()
            return True

    def release(self, realm: str) -> None:
        """A request admitted by ``acquire`` has finished."""
        with self._cond:
            self._in_flight[realm] = max(0, self._in_flight.get(realm, 0) - 1)
            self._cond.notify_all()

    def in_flight(self, realm: str) -> int:
        """Requests currently being served for a realm."""
        with self._cond:
            return self._in_flight.get(realm, 0)

    def wait_in_flight(self, realm: str, count: int, timeout: float = 10.0) -> bool:
        """Block until at least ``count`` requests are in flight (for tests)."""
        with self._cond:
            return self._cond.wait_for(lambda: self._in_flight.get(realm, 0) >= count,
                                       timeout=timeout)

    def hold(self) -> None:
        """Admitted requests wait at the gate until ``release_gate``."""
        self._gate.clear()

    def release_gate(self) -> None:
        """Let held requests proceed."""
        self._gate.set()

    def pass_gate(self, timeout: float = 30.0) -> None:
        """Called by each admitted request before it is processed."""
        self._gate.wait(timeout)

    @staticmethod
    def _prune(table: dict[str, deque[float]], realm: str, now: float) -> deque[float]:
        window = table.setdefault(realm, deque())
        while window and window[0] <= now - WINDOW:
            window.popleft()
        return window

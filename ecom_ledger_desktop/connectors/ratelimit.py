"""Client-side rate limiting: stay under a service's published limits instead of hitting 429s.

QuickBooks Online allows 500 requests a minute and 10 at once per company, and 40 batch requests a
minute; a 429 there costs a minute's wait. ``scale`` runs the windows faster, for a simulator
whose clock is compressed by the same factor (1 for the real service).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass


class SlidingWindow:
    """At most ``limit`` events in any ``window`` seconds; ``acquire`` waits for room."""

    def __init__(self, limit: int, window: float,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._events: deque[float] = deque()
        self._lock = threading.Lock()
        self.waited = 0.0

    def acquire(self) -> None:
        """Record one event, first waiting until the window has room for it."""
        while True:
            with self._lock:
                now = self._clock()
                while self._events and now - self._events[0] >= self.window:
                    self._events.popleft()
                if len(self._events) < self.limit:
                    self._events.append(now)
                    return
                delay = self.window - (now - self._events[0])
            self.waited += delay
            self._sleep(delay)


@dataclass(frozen=True)
class Limits:
    """A service's published limits (per minute, and at once)."""

    per_minute: int
    concurrent: int
    batches_per_minute: int


QBO_LIMITS = Limits(per_minute=500, concurrent=10, batches_per_minute=40)


class RateLimiter:
    """Requests per minute, batches per minute and requests in flight, for one company."""

    def __init__(self, limits: Limits, scale: float = 1.0, headroom: float = 0.96) -> None:
        minute = 60.0 / scale
        self.requests = SlidingWindow(max(1, int(limits.per_minute * headroom)), minute)
        self.batches = SlidingWindow(max(1, int(limits.batches_per_minute * headroom)), minute)
        self._in_flight = threading.BoundedSemaphore(max(1, limits.concurrent - 1))

    @contextmanager
    def slot(self, batch: bool = False) -> Iterator[None]:
        """Hold a place for one request (waiting for the windows and a free concurrent slot)."""
        if batch:
            self.batches.acquire()
        self.requests.acquire()
        with self._in_flight:
            yield

    @property
    def waited(self) -> float:
        """Seconds spent waiting for room (diagnostics and benches)."""
        return self.requests.waited + self.batches.waited

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
    """At most ``limit`` events in any ``window`` seconds, as the *server* counts them.

    A request is reserved before it is sent and recorded when it completes: the server stamps
    it on arrival, which is never later than our completion, so our window always holds at least
    what the server's does (a burst delayed on its way, e.g. behind a token refresh, cannot
    overfill the server's window).
    """

    def __init__(self, limit: int, window: float,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._events: deque[float] = deque()
        self._pending = 0
        self._lock = threading.Lock()
        self.waited = 0.0

    def acquire(self) -> None:
        """Reserve room for one event, waiting until the window has it."""
        while True:
            with self._lock:
                now = self._clock()
                while self._events and now - self._events[0] >= self.window:
                    self._events.popleft()
                if len(self._events) + self._pending < self.limit:
                    self._pending += 1
                    return
                delay = self.window - (now - self._events[0]) if self._events else 0.01
            self.waited += delay
            self._sleep(delay)

    def complete(self) -> None:
        """The reserved event is over: it counts from now on."""
        with self._lock:
            self._pending -= 1
            self._events.append(self._clock())


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
        self.scale = scale
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
        try:
            with self._in_flight:
                yield
        finally:
            self.requests.complete()
            if batch:
                self.batches.complete()

    @property
    def waited(self) -> float:
        """Seconds spent waiting for room (diagnostics and benches)."""
        return self.requests.waited + self.batches.waited

"""Plain progress events the engine publishes; the desktop app re-emits them as Qt signals."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunStarted:
    run_id: int
    pair_id: int
    trigger: str


@dataclass(frozen=True)
class OrderProgress:
    run_id: int
    done: int
    total: int
    eta_seconds: float | None = None
    phase: str = "posting"  # "posting in batches" | "posting": what the bar is counting


@dataclass(frozen=True)
class Posted:
    run_id: int
    order_ref: str
    document_kind: str
    ledger_doc_number: str | None
    amount: Decimal | None


@dataclass(frozen=True)
class Flagged:
    run_id: int
    order_ref: str
    code: str
    message: str


@dataclass(frozen=True)
class RunFinished:
    run_id: int
    status: str  # ok | flagged | failed | skipped
    posted: int
    flagged: int
    skipped: int
    message: str = ""


Event = RunStarted | OrderProgress | Posted | Flagged | RunFinished
Subscriber = Callable[[Event], None]


class EventBus:
    """Synchronous publish/subscribe; a failing subscriber never breaks a sync."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Add a subscriber; returns a function that removes it."""
        with self._lock:
            self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            with self._lock:
                if subscriber in self._subscribers:
                    self._subscribers.remove(subscriber)

        return unsubscribe

    def publish(self, event: Event) -> None:
        """Deliver ``event`` to every subscriber on the calling thread."""
        with self._lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            try:
                subscriber(event)
            except Exception:
                log.exception("event subscriber failed on %s", type(event).__name__)

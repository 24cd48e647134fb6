"""The Web Connector's scheduler: an update every N minutes, as the .qwc file (or the user) set it,
moved by the service's "postpone" and "minimum interval" answers. Time comes from an injected clock."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from ecom_ledger_desktop.sandbox.qbwc.simulator import SessionReport, WebConnectorSimulator


class _Clock(Protocol):
    def now(self) -> datetime: ...


class WebConnectorSchedule:
    """Calls ``tick()`` from a test or the demo: runs an update when one is due."""

    def __init__(self, simulator: WebConnectorSimulator, every_minutes: int, clock: _Clock) -> None:
        self.simulator = simulator
        self.interval = timedelta(minutes=every_minutes)
        self.clock = clock
        self.next_run = clock.now()  # the Web Connector runs once when an app is added or started

    def tick(self) -> SessionReport | None:
        """Run a session if one is due; schedule the next one."""
        now = self.clock.now()
        if now < self.next_run:
            return None
        report = self.simulator.run_session()
        interval = self.interval
        if report.min_run_seconds:
            interval = max(interval, timedelta(seconds=report.min_run_seconds))
        self.next_run = now + interval
        if report.postpone_seconds:
            self.next_run = max(self.next_run, now + timedelta(seconds=report.postpone_seconds))
        return report

    def run(self, stop: threading.Event, poll_seconds: float = 1.0,
            on_report: Callable[[SessionReport], None] | None = None) -> None:
        """Tick until ``stop`` is set (for the demo: run it in a thread of its own)."""
        while not stop.is_set():
            report = self.tick()
            if report is not None and on_report is not None:
                on_report(report)
            stop.wait(poll_seconds)

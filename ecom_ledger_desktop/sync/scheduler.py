"""The schedule: one APScheduler interval job per pair, in the core (no Qt).

``max_instances=1`` and ``coalesce=True`` keep runs from piling up; a finite misfire grace drops
runs missed while the computer slept, and every missed run leaves a row saying why, so the app
can answer "why didn't it sync?".
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobEvent
from apscheduler.schedulers.background import BackgroundScheduler

log = logging.getLogger(__name__)

MISFIRE_GRACE_SECONDS = 120


class SyncScheduler:
    """Interval jobs per pair that call ``request(pair_id, "schedule")``."""

    def __init__(self, request: Callable[[int, str], object],
                 record_skip: Callable[[int, str], None]) -> None:
        self._request = request
        self._record_skip = record_skip
        self._scheduler = BackgroundScheduler(timezone="UTC")
        self._scheduler.add_listener(self._on_missed, EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)
        self.paused = False

    @staticmethod
    def job_id(pair_id: int) -> str:
        """The APScheduler job id of a pair."""
        return f"pair-{pair_id}"

    def set_pair(self, pair_id: int, minutes: int) -> None:
        """Create or replace the pair's job."""
        self._scheduler.add_job(self._request, "interval", args=(pair_id, "schedule"),
                                minutes=minutes, id=self.job_id(pair_id), replace_existing=True,
                                max_instances=1, coalesce=True,
                                misfire_grace_time=MISFIRE_GRACE_SECONDS)

    def remove_pair(self, pair_id: int) -> None:
        """Drop the pair's job."""
        if self._scheduler.get_job(self.job_id(pair_id)):
            self._scheduler.remove_job(self.job_id(pair_id))

    def next_run(self, pair_id: int) -> datetime | None:
        """When the pair runs next on its interval (None when unscheduled; kept while paused)."""
        job = self._scheduler.get_job(self.job_id(pair_id))
        # a job added before the scheduler starts is pending: it has no next run time yet
        return getattr(job, "next_run_time", None) if job else None

    @property
    def running(self) -> bool:
        """Whether the schedule's clock runs (``start`` was called, not ``shutdown``)."""
        return bool(self._scheduler.running)

    def start(self) -> None:
        """Start the background thread."""
        self._scheduler.start()

    def pause(self) -> None:
        """Pause every job (Sync now still works)."""
        self._scheduler.pause()
        self.paused = True

    def resume(self) -> None:
        """Resume the schedule."""
        self._scheduler.resume()
        self.paused = False

    def shutdown(self) -> None:
        """Stop the scheduler thread (running syncs are not interrupted)."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    def _on_missed(self, event: JobEvent) -> None:
        pair_id = int(str(event.job_id).removeprefix("pair-"))
        if event.code == EVENT_JOB_MISSED:
            why = "skipped: the computer was asleep or busy at the scheduled time"
        else:
            why = "skipped: the previous scheduled sync of this pair was still running"
        log.info("pair %s: %s", pair_id, why)
        self._record_skip(pair_id, why)

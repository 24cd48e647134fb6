"""Scheduled and on-demand syncs in the background: what the tray app and ``schedule`` run.

One ``JobRunner`` serialises runs per pair ("Sync now" queues behind a running sync); one
``SyncScheduler`` fires each pair on its interval. Stopping waits for running syncs, so a quit
never cuts a posting in half.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future
from datetime import datetime
from pathlib import Path

from ecom_ledger_desktop.connectors.kinds import Companion
from ecom_ledger_desktop.connectors.registry import KINDS
from ecom_ledger_desktop.core.clock import Clock
from ecom_ledger_desktop.secrets.store import SecretStore
from ecom_ledger_desktop.sync.jobs import JobRunner
from ecom_ledger_desktop.sync.scheduler import SyncScheduler
from ecom_ledger_desktop.sync.service import SyncService

log = logging.getLogger(__name__)


class Background:
    """The scheduler plus the job runner over one ``SyncService``, and the connections'
    companion services (a kind's long-lived thread, e.g. QuickBooks Desktop's Web Connector
    endpoint), started and stopped with it."""

    def __init__(self, service: SyncService) -> None:
        self.service = service
        self.runner = JobRunner(self._run)
        self.scheduler = SyncScheduler(self.runner.request, service.record_skip)
        self.companions: dict[str, Companion] = {}

    # -- what a companion gets (``connectors.kinds.CompanionHost``) --------------------------------
    @property
    def db_path(self) -> Path:
        """The database file."""
        return self.service.db_path

    @property
    def data_dir(self) -> Path:
        """The data folder (certificates live there)."""
        return self.service.db_path.parent

    @property
    def secrets(self) -> SecretStore:
        """The keyring."""
        return self.service.secrets

    @property
    def clock(self) -> Clock:
        """The clock."""
        return self.service.clock

    def request_run(self, pair_id: int, trigger: str) -> Future[object]:
        """Run a pair as soon as possible (a companion's trigger, e.g. the Web Connector)."""
        return self.runner.request(pair_id, trigger)

    def start_companions(self) -> None:
        """Start the companion service of every connection whose kind declares one."""
        state = self.service.open_state()
        try:
            configs = state.connections.connections()
        finally:
            state.close()
        for config in configs:
            kind = KINDS.get(config.kind)
            if kind is None or config.name in self.companions:
                continue
            try:
                companion = kind.companion_for(config, self)
                if companion is None:
                    continue
                companion.start()
            except Exception as exc:  # one connection's service must not keep the app down
                log.error("the %s service of %s could not start: %s", kind.system, config.name, exc)
                continue
            self.companions[config.name] = companion

    def stop_companions(self) -> None:
        """Stop every companion service."""
        companions, self.companions = self.companions, {}
        for name, companion in companions.items():
            try:
                companion.stop()
            except Exception as exc:
                log.error("the service of %s did not stop cleanly: %s", name, exc)

    def _run(self, pair_id: int, trigger: str) -> object:
        return self.service.run_pair(pair_id, trigger)

    def start(self) -> None:
        """Schedule every enabled pair and start the clock."""
        for pair in self.service.pairs():
            if pair.enabled:
                self.scheduler.set_pair(pair.id, pair.schedule_minutes)
        self.scheduler.start()
        self.start_companions()

    def sync_now(self, pair_id: int) -> Future[object]:
        """Run a pair as soon as possible (after its current run, if one is going)."""
        return self.runner.request(pair_id, "manual")

    def next_run(self, pair_id: int) -> datetime | None:
        """When the pair runs next on the schedule."""
        return self.scheduler.next_run(pair_id)

    def reschedule(self, pair_id: int, minutes: int, enabled: bool = True) -> None:
        """Apply a pair's new schedule now (or take it off the schedule); a connection added
        since the start gets its companion service now."""
        if enabled:
            self.scheduler.set_pair(pair_id, minutes)
        else:
            self.scheduler.remove_pair(pair_id)
        if self.scheduler.running:
            self.start_companions()

    def pause(self) -> None:
        """Pause the schedule (Sync now still works)."""
        self.scheduler.pause()

    def resume(self) -> None:
        """Resume the schedule."""
        self.scheduler.resume()

    def stop(self) -> None:
        """Stop the schedule and end running syncs at their next safe point, then wait for them.

        A posting in flight is finished and journaled; what is left resumes on the next start.
        """
        self.scheduler.shutdown()
        self.stop_companions()
        self.service.request_stop()
        self.runner.shutdown(wait=True)
        self.service.stopping.clear()  # the service itself stays usable (e.g. the CLI, tests)

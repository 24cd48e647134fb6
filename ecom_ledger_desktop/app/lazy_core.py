"""Parts of the core the app makes on first use, not at start: an idle tray app with nothing to
sync never loads the connectors (httpx and friends) or the scheduler (APScheduler), nor asks the
keyring for its backend (which loads Secret Service, D-Bus and cryptography modules on Linux)."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ecom_ledger_desktop.connectors.base import PushLedger, StoreConnector
    from ecom_ledger_desktop.connectors.registry import ConnectorFactory
    from ecom_ledger_desktop.models.connections import ConnectionConfig
    from ecom_ledger_desktop.secrets.store import SecretStore
    from ecom_ledger_desktop.sync.background import Background
    from ecom_ledger_desktop.sync.service import SyncService


class LazyConnectorFactory:
    """The connector factory, imported when the first connector is made."""

    def __init__(self, lock_dir: Path | None = None) -> None:
        self._lock_dir = lock_dir  # the data folder: token refreshes lock across processes
        self._factory: ConnectorFactory | None = None
        self._lock = threading.Lock()

    def _real(self) -> ConnectorFactory:
        with self._lock:
            if self._factory is None:
                from ecom_ledger_desktop.connectors.registry import ConnectorFactory

                self._factory = ConnectorFactory(lock_dir=self._lock_dir)
            return self._factory

    def store(self, config: ConnectionConfig, secrets: SecretStore) -> StoreConnector:
        """A store connector for ``config``."""
        return self._real().store(config, secrets)

    def ledger(self, config: ConnectionConfig, secrets: SecretStore) -> PushLedger:
        """A ledger connector for ``config``."""
        return self._real().ledger(config, secrets)


class LazySecretStore:
    """``open_secret_store()`` (the keyring, or a store that refuses and says why), opened when
    a secret or the store's description is first needed."""

    def __init__(self) -> None:
        self._store: SecretStore | None = None
        self._lock = threading.Lock()

    @property
    def opened(self) -> bool:
        """Whether the keyring was asked yet."""
        return self._store is not None

    def _real(self) -> SecretStore:
        with self._lock:
            if self._store is None:
                from ecom_ledger_desktop.secrets.store import open_secret_store

                self._store = open_secret_store()
            return self._store

    @property
    def description(self) -> str:
        """Where secrets are kept (or why they cannot be)."""
        return self._real().description

    @description.setter
    def description(self, text: str) -> None:
        self._real().description = text

    def get(self, connection: str, key: str) -> str | None:
        """A stored secret, or None."""
        return self._real().get(connection, key)

    def set(self, connection: str, key: str, value: str) -> None:
        """Store a secret (the refusing store raises ``SecretUnavailable`` with the fix)."""
        self._real().set(connection, key, value)

    def delete(self, connection: str, key: str) -> None:
        """Forget a secret."""
        self._real().delete(connection, key)


class Scheduling(Protocol):
    """What the app asks of ``sync.background.Background`` (which satisfies it)."""

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...
    def sync_now(self, pair_id: int) -> Future[object]: ...
    def next_run(self, pair_id: int) -> datetime | None: ...
    def reschedule(self, pair_id: int, minutes: int, enabled: bool = True) -> None: ...


class LazyBackground:
    """``Background`` (the schedule and the job runner), built once there is something to run:
    an enabled pair at start, a pair put on the schedule, or a "Sync now". Until then the
    scheduler (APScheduler) is not even imported. Pause/resume chosen before are applied when
    it is built."""

    def __init__(self, service: SyncService) -> None:
        self.service = service
        self._real: Background | None = None
        self._lock = threading.RLock()
        self._started = False
        self._paused = False

    @property
    def built(self) -> bool:
        """Whether the real ``Background`` exists yet."""
        return self._real is not None

    def _build(self) -> Background:
        """The real one; when the app has started the schedule, its clock runs too (pairs that
        were not enabled at start reach it through ``reschedule``)."""
        with self._lock:
            if self._real is None:
                from ecom_ledger_desktop.sync.background import Background

                real = Background(self.service)
                if self._started:
                    real.scheduler.start()
                    real.start_companions()  # e.g. QuickBooks Desktop's Web Connector service
                    if self._paused:
                        real.pause()
                self._real = real
            return self._real

    def start(self) -> None:
        """Schedule every enabled pair and start the clock — or, with none, wait (worker
        thread: it reads the database)."""
        enabled = any(pair.enabled for pair in self.service.pairs())
        with self._lock:
            if self._real is None and not enabled:
                self._started = True
                return
            real = self._real or self._build()
            self._started = True
            real.start()
            if self._paused:
                real.pause()

    def sync_now(self, pair_id: int) -> Future[object]:
        """Run a pair as soon as possible."""
        return self._build().sync_now(pair_id)

    def next_run(self, pair_id: int) -> datetime | None:
        """When the pair runs next on the schedule (None before anything is scheduled)."""
        real = self._real
        return real.next_run(pair_id) if real is not None else None

    def reschedule(self, pair_id: int, minutes: int, enabled: bool = True) -> None:
        """Apply a pair's new schedule now (or take it off the schedule)."""
        if enabled or self._real is not None:
            self._build().reschedule(pair_id, minutes, enabled)

    def pause(self) -> None:
        """Pause the schedule (remembered until it exists)."""
        with self._lock:
            self._paused = True
            if self._real is not None:
                self._real.pause()

    def resume(self) -> None:
        """Resume the schedule."""
        with self._lock:
            self._paused = False
            if self._real is not None:
                self._real.resume()

    def stop(self) -> None:
        """Stop the schedule and wait for running syncs (nothing to do if never built)."""
        with self._lock:
            real = self._real
        if real is not None:
            real.stop()

"""One QuickBooks Desktop connection's Web Connector service while the app runs (the kind's
companion): the SOAP endpoint thread, the journal-backed source, and what must outlive a
restart (the names chosen in QuickBooks, the Web Connector's last contact, the company's copy)
kept in SQLite. Each update ends by reading what changed in QuickBooks into the copy; a read
asked for by any process (``CompanyCopy.want``) is work, so the next update comes for it."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path

from ecom_ledger_desktop.connectors.kinds import CompanionHost
from ecom_ledger_desktop.connectors.ledgers.qbd.company_copy import DbCompanyCopy
from ecom_ledger_desktop.connectors.ledgers.qbd.mailbox import mailbox_for
from ecom_ledger_desktop.connectors.ledgers.qbd.presence import status_facts, status_from
from ecom_ledger_desktop.connectors.ledgers.qbd.source import JournalExchangeSource
from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.endpoint import (
    EndpointSettings,
    WebConnectorEndpoint,
)
from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.service import (
    WebConnectorAccount,
    WebConnectorService,
)
from ecom_ledger_desktop.core.clock import Clock
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.connections import ConnectionConfig

log = logging.getLogger(__name__)


class DbNames:
    """The ``NameMemory`` in the app's database (``ledger_names``, migration 5)."""

    def __init__(self, db_path: Path, clock: Clock, connection_id: int) -> None:
        self.db_path, self.clock, self.connection_id = db_path, clock, connection_id

    def get(self, kind: str, key: str) -> tuple[str, str | None] | None:
        """(name, ListID) chosen for ``key``, or None."""
        state = State(self.db_path, self.clock)
        try:
            chosen = state.ledger_names.get(self.connection_id, kind, key)
        finally:
            state.close()
        return (chosen.name, chosen.list_id) if chosen else None

    def choose(self, kind: str, key: str, name: str, list_id: str | None = None) -> None:
        """Keep ``name`` (and its ListID) for ``key``, committed at once."""
        state = State(self.db_path, self.clock)
        try:
            with state.tx():
                state.ledger_names.choose(self.connection_id, kind, key, name, list_id)
        finally:
            state.close()


class QbdWebConnectorHost:
    """Starts and stops one connection's Web Connector endpoint (see the module docstring)."""

    def __init__(self, config: ConnectionConfig, host: CompanionHost,
                 endpoint_settings: EndpointSettings, username: str, company_file: str = "",
                 source: JournalExchangeSource | None = None) -> None:
        assert config.id is not None
        self.config, self.host = config, host
        self.connection_id = config.id
        self.source = source or JournalExchangeSource(self.has_work, self.start_runs)
        self.source.on_session_end = self.keep_status
        self.source.start_refresh = self.start_refresh
        self.copy = DbCompanyCopy(host.db_path, host.clock, config.id)
        self._reader: ThreadPoolExecutor | None = None
        self._stopping = threading.Event()
        self.service = WebConnectorService(
            [WebConnectorAccount(username, config.name, company_file)], host.secrets,
            self.source, host.clock)
        self.endpoint = WebConnectorEndpoint(self.service, endpoint_settings, host.data_dir,
                                             host.clock)
        self.mailbox = mailbox_for(config.name)
        self.mailbox.names = DbNames(host.db_path, host.clock, config.id)
        self.mailbox.copy = self.copy
        self.mailbox.away_reason = lambda: self.service.status.describe(config.name)
        self.mailbox.hosted = True
        self.mailbox.contact_ok = lambda: self._contact_ok(config.name)

    def _contact_ok(self, connection: str) -> bool:
        status = self.service.status.get(connection)
        return status.condition == "ok" and status.last_contact is not None

    def _state(self) -> State:
        return State(self.host.db_path, self.host.clock)

    def has_work(self, connection: str) -> bool:
        """Open postings for this company, a pair that takes its stock from the books, or a
        fresh read of the company asked for (by the reconciliation, here or elsewhere)."""
        state = self._state()
        try:
            if state.ledger_copy.status(self.connection_id).wanted_at is not None:
                return True
            for pair in state.connections.pairs():
                if pair.ledger_id != self.connection_id or not pair.enabled:
                    continue
                if pair.rules.inventory_master == "ledger" or state.journal.open_postings(pair.id):
                    return True
            return False
        finally:
            state.close()

    def start_runs(self, connection: str) -> list[Future[object]]:
        """A run of every enabled pair posting to this company (queued behind a running one)."""
        state = self._state()
        try:
            pairs = [p.id for p in state.connections.pairs()
                     if p.ledger_id == self.connection_id and p.enabled]
        finally:
            state.close()
        return [self.host.request_run(pair_id, "web_connector") for pair_id in pairs]

    def start_refresh(self, connection: str, runs: list[Future[object]]) -> Future[object]:
        """Once the session's runs have ended, read what changed in QuickBooks into the copy."""
        if self._reader is None:
            self._reader = ThreadPoolExecutor(1, thread_name_prefix=f"qbd-copy-{connection}")
        return self._reader.submit(self._refresh_after, runs)

    def _refresh_after(self, runs: list[Future[object]]) -> None:
        from ecom_ledger_desktop.connectors.ledgers.qbd.kind import books
        from ecom_ledger_desktop.connectors.ledgers.qbd.ledger import QbdLedger

        while not self._stopping.is_set() and wait(runs, timeout=1.0).not_done:
            pass  # the runs post first, so the read sees what they posted
        if self._stopping.is_set():
            return
        try:
            QbdLedger(self.mailbox, books(self.config), self.host.clock).refresh_copy()
        except Exception as exc:  # the copy stays as it was; the next update reads again
            log.warning("Web Connector for %s: reading QuickBooks back failed (%s)",
                        self.config.name, type(exc).__name__)

    def keep_status(self, connection: str = "") -> None:
        """Keep what the Web Connector last did, for the next start of the app."""
        state = self._state()
        try:
            with state.tx():
                state.ledger_names.keep_presence(
                    self.connection_id, status_facts(self.service.status.get(self.config.name)))
        finally:
            state.close()

    def restore_status(self) -> None:
        """Put back what was kept (last contact, why it stopped)."""
        state = self._state()
        try:
            facts = state.ledger_names.presence(self.connection_id)
        finally:
            state.close()
        if facts:
            self.service.status.restore(self.config.name, status_from(facts))

    @property
    def url(self) -> str:
        """The address the .qwc file gives the Web Connector."""
        return self.endpoint.url

    def start(self) -> None:
        """Serve (idempotent)."""
        self.restore_status()
        self.endpoint.start()
        log.info("Web Connector service for %s at %s", self.config.name, self.endpoint.url)

    def stop(self) -> None:
        """End live sessions (their requests become uncertain), stop serving, keep the status."""
        self._stopping.set()
        self.service.stop()  # a read under way finds its session ended and gives up
        self.endpoint.stop()
        if self._reader is not None:
            self._reader.shutdown(wait=True)
            self._reader = None
        self._stopping.clear()
        self.keep_status()
        self.mailbox.hosted = False

"""Fixtures of the contract suite: every test runs once per store harness.

``harness`` is a started store simulator; ``make_harness`` starts another with a given time
zone or clock; ``bench`` pairs the harness's connector with a QuickBooks Online simulator and a
real SQLite database, so the engine's promises are checked per store too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ecom_ledger_desktop.connectors.base import StoreConnector
from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.registry import ConnectorFactory
from ecom_ledger_desktop.core.events import EventBus
from ecom_ledger_desktop.demo import configure_pair
from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from ecom_ledger_desktop.sync.service import SyncService
from tests.contract.harness import StoreHarness
from tests.contract.magento2_harness import Magento2Harness
from tests.contract.prestashop_harness import PrestaShopHarness
from tests.contract.xcart_harness import XCartHarness
from tests.sync.conftest import LedgerBench, bench_ledger, bench_rules

#: every store in the suite: a store joins by adding its harness here
HARNESSES: dict[str, type[StoreHarness]] = {"magento2": Magento2Harness,
                                             "prestashop": PrestaShopHarness,
                                             "xcart": XCartHarness}
START = date(2020, 1, 1)

HarnessMaker = Callable[..., StoreHarness]


@pytest.fixture(params=sorted(HARNESSES))
def make_harness(request: pytest.FixtureRequest) -> Iterator[HarnessMaker]:
    """Starts this store's simulator (``timezone=``, ``now=``); stops all at the end."""
    started: list[StoreHarness] = []

    def make(**options: Any) -> StoreHarness:
        harness = HARNESSES[request.param](**options)
        started.append(harness)
        return harness

    try:
        yield make
    finally:
        for harness in started:
            harness.stop()


@pytest.fixture
def harness(make_harness: HarnessMaker) -> StoreHarness:
    return make_harness()


@dataclass
class ContractBench(LedgerBench):
    """A store harness + a QuickBooks Online simulator + a database + the sync service."""

    store: StoreHarness
    ledger: QboSimulator
    service: SyncService
    db_path: Path
    pair_id: int


@pytest.fixture
def bench(harness: StoreHarness, tmp_path: Path) -> Iterator[ContractBench]:
    ledger = bench_ledger()
    secrets = MemorySecretStore()
    db_path = tmp_path / "ledger-sync.sqlite3"
    rules = bench_rules()
    # The store connection row is of the harness's kind; its connector is the harness's own.
    pair_id = configure_pair(db_path, secrets, ledger=ledger.demo_connection(),
                             store_url="http://store.invalid", store_token="unused",
                             start_date=START, demo=False, rules=rules,
                             store_kind=harness.name)
    factory = ConnectorFactory(policy=RetryPolicy(backoff_base=0.01, backoff_max=0.05,
                                                  breaker_reset=0.5))

    def store_factory(config: Any, secrets: Any) -> StoreConnector:
        return harness.connector()

    service = SyncService(db_path, secrets, store_factory=store_factory,
                          ledger_factory=factory.ledger, events=EventBus())
    try:
        yield ContractBench(harness, ledger, service, db_path, pair_id)
    finally:
        ledger.stop()

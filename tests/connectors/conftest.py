"""Fixtures shared by the QuickBooks Online connector tests: a simulator, secrets, a ledger."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ecom_ledger_desktop.connectors.ledgers.qbo import QboLedger
from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from tests.connectors.qbo_support import make_ledger, new_sim, new_store


@pytest.fixture
def sim() -> Iterator[QboSimulator]:
    simulator = new_sim()
    try:
        yield simulator
    finally:
        simulator.stop()


@pytest.fixture
def store(sim: QboSimulator) -> MemorySecretStore:
    return new_store(sim)


@pytest.fixture
def ledger(sim: QboSimulator, store: MemorySecretStore) -> Iterator[QboLedger]:
    connector = make_ledger(sim, store)
    try:
        yield connector
    finally:
        connector.close()

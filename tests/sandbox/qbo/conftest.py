"""The running QuickBooks Online simulator (``sim``, with two inventory items) and an authorised
client of its API (``api``)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from ecom_ledger_desktop.sandbox.server import SimClock
from tests.sandbox.qbo.support import CATALOGUE, client


@pytest.fixture
def sim() -> Iterator[QboSimulator]:
    with QboSimulator(clock=SimClock(scale=1.0)) as simulator:
        simulator.seed_items(CATALOGUE)
        yield simulator


@pytest.fixture
def api(sim: QboSimulator) -> Iterator[httpx.Client]:
    with client(sim) as c:
        yield c

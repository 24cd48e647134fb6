"""The running Magento 2 simulator (``sim``, on a simulated clock) and an authorised client of its
REST API (``api``)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from ecom_ledger_desktop.sandbox.magento2 import Magento2Simulator
from ecom_ledger_desktop.sandbox.server import SimClock
from tests.sandbox.magento2.support import AUTH, START, TOKEN


@pytest.fixture
def sim() -> Iterator[Magento2Simulator]:
    with Magento2Simulator(token=TOKEN, clock=SimClock(start=START)) as running:
        yield running


@pytest.fixture
def api(sim: Magento2Simulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{sim.base_url}/rest/default/V1", headers=AUTH, timeout=5) as c:
        yield c

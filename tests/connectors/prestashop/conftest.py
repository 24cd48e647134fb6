"""A PrestaShop simulator and connectors to it over loopback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.stores.prestashop.client import PrestaShopStore
from ecom_ledger_desktop.sandbox.prestashop import PrestaShopSimulator
from ecom_ledger_desktop.sandbox.server import SimClock

FAST = RetryPolicy(attempts=3, backoff_base=0.01, backoff_max=0.05, breaker_reset=0.5)
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 6, 15, 16, 0, tzinfo=UTC)
MUG: dict[str, Any] = {"sku": "PS-MUG-01", "name": "Mug", "qty": 2, "price": "12.00",
                       "tax_percent": "8.875"}
BUYER = {"email": "jane.doe@example.com", "firstname": "Jane", "lastname": "Doe"}


def spec(**changes: Any) -> dict[str, Any]:
    """A paid card order of two mugs with taxed shipping, changed by ``changes``."""
    return {"customer": BUYER, "lines": [MUG], "shipping": "5.00",
            "shipping_tax_percent": "8.875", "paid": True, "payment_method": "braintree",
            **changes}


@pytest.fixture
def sim() -> Iterator[PrestaShopSimulator]:
    with PrestaShopSimulator(seed_orders=0, clock=SimClock(start=NOW)) as simulator:
        yield simulator


@pytest.fixture
def connect(sim: PrestaShopSimulator) -> Iterator[Callable[..., PrestaShopStore]]:
    made: list[PrestaShopStore] = []

    def make(**options: Any) -> PrestaShopStore:
        store = PrestaShopStore(sim.base_url, options.pop("key", sim.token), policy=FAST,
                                **options)
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()

"""A simulator per test, in the API version the test is parametrised with."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.stores.xcart.client import XCartStore
from ecom_ledger_desktop.sandbox.server import SimClock
from ecom_ledger_desktop.sandbox.xcart import XCartSimulator

KEY = "connector-key"
FAST = RetryPolicy(backoff_base=0.01, backoff_max=0.05, breaker_reset=0.5)
T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
LINE = {"sku": "XC-MUG-01", "name": "Planet Express Mug", "qty": 2, "price": "12.00",
        "tax_percent": "8.875"}


@pytest.fixture(params=["5.4", "5.5"])
def sim(request: pytest.FixtureRequest) -> Iterator[XCartSimulator]:
    with XCartSimulator(token=KEY, clock=SimClock(start=T0), version=request.param) as started:
        yield started


def store_for(sim: XCartSimulator, **options: Any) -> XCartStore:
    options.setdefault("policy", FAST)
    if sim.switches.version == "5.5":
        options.setdefault("timezone", sim.state.timezone)  # 5.5 cannot say its zone
    return XCartStore(sim.base_url, options.pop("key", KEY), **options)


def order(**overrides: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"customer": {"email": "ana@example.com", "firstname": "Ana",
                                         "lastname": "Silva"},
                            "lines": [dict(LINE)], "shipping": "5.00",
                            "shipping_tax_percent": "8.875", "payment_method": "braintree",
                            "paid": True}
    spec.update(overrides)
    return spec

"""A started PrestaShop simulator and a client that speaks to it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from ecom_ledger_desktop.sandbox.prestashop import PrestaShopSimulator


class Api:
    """``GET``/``PUT``/``POST`` on ``/api`` with the simulator's key."""

    def __init__(self, sim: PrestaShopSimulator) -> None:
        self.sim = sim
        self.client = httpx.Client(base_url=sim.base_url + "/api", auth=(sim.token, ""),
                                   timeout=10)

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.client.get(path, params=params)

    def json(self, path: str, **params: Any) -> Any:
        response = self.get(path, output_format="JSON", **params)
        assert response.status_code == 200, response.text
        return response.json()

    def send(self, method: str, path: str, body: str, **params: Any) -> httpx.Response:
        return self.client.request(method, path, content=body.encode(), params=params)


@pytest.fixture
def sim() -> Iterator[PrestaShopSimulator]:
    with PrestaShopSimulator(seed_orders=0) as simulator:
        yield simulator


@pytest.fixture
def api(sim: PrestaShopSimulator) -> Iterator[Api]:
    client = Api(sim)
    yield client
    client.client.close()


ORDER: dict[str, Any] = {
    "customer": {"email": "jane.doe@example.com", "firstname": "Jane", "lastname": "Doe"},
    "lines": [{"sku": "PS-MUG-01", "name": "Mug", "qty": 2, "price": "12.00",
               "tax_percent": "8.875"}],
    "shipping": "5.00", "shipping_tax_percent": "8.875", "paid": True,
    "payment_method": "braintree"}

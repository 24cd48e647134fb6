"""Every ledger driver keeps its promises (``testing.ledger_drivers``): a revoked authorisation
stops the connector until the driver reconnects it, a storm is answered 429 and ridden out,
expired access is refused and refreshed, and its view reads the books back. About a second per
ledger, no sync."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.registry import ConnectorFactory
from ecom_ledger_desktop.demo import start_ledger
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from ecom_ledger_desktop.testing.ledger_drivers import LEDGER_DRIVERS, make_ledger_driver


@pytest.fixture(params=list(LEDGER_DRIVERS))
def running(request: pytest.FixtureRequest) -> Iterator[tuple[str, Any]]:
    sim = start_ledger([{"sku": "MB-TOTE", "name": "Canvas Tote", "price": "24.00"}],
                       kind=request.param)
    try:
        yield request.param, sim
    finally:
        sim.stop()


def _checks(kind: str, settings: dict[str, str], secrets: MemorySecretStore) -> list[bool]:
    factory = ConnectorFactory(policy=RetryPolicy(backoff_base=0.01, backoff_max=0.05))
    connector = factory.ledger(ConnectionConfig(name="books", kind=kind, settings=settings),
                               secrets)
    try:
        return [check.ok for check in connector.check()]
    finally:
        connector.close()


def test_a_driver_revokes_reconnects_throttles_expires_and_reads_back(running) -> None:
    kind, sim = running
    driver = make_ledger_driver(kind, sim, access_token_ttl=600)
    assert driver.kind == kind and driver.faults is sim.faults
    settings, keys = sim.demo_connection()
    secrets = MemorySecretStore()
    for key, value in keys.items():
        secrets.set("books", key, value)
    assert all(_checks(kind, settings, secrets))
    driver.revoke_authorisation()
    assert not all(_checks(kind, settings, secrets))
    driver.reauthorise(secrets, "books")
    driver.throttle_storm(2)
    driver.expire_access()
    assert all(_checks(kind, settings, secrets))  # ridden out: waits, refreshes
    stats = driver.stats()
    assert stats["throttled (429)"] >= 1 and stats["token endpoint requests"] >= 2
    driver.quiet()
    assert driver.view().documents() == []

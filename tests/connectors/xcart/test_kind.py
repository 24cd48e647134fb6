"""The X-Cart connection kind: its settings' checks, and a connector built from a saved
connection (the demo simulator's own) that passes "Test connection"."""

from __future__ import annotations

import pytest

from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.registry import ConnectorFactory, kind_of
from ecom_ledger_desktop.connectors.stores.xcart.client import XCartStore
from ecom_ledger_desktop.core.errors import FatalError
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.sandbox.xcart import XCartSimulator
from ecom_ledger_desktop.secrets.store import MemorySecretStore

KIND = kind_of("xcart")


def test_settings_say_what_is_wrong_in_plain_words() -> None:
    problems = KIND.problems({"base_url": "shop.example.com", "api_version": "6",
                              "timezone": "New York", "ready_statuses": "paid"})
    assert set(problems) == {"base_url", "api_version", "timezone", "ready_statuses"}
    assert "America/New_York" in problems["timezone"]
    assert "P = Paid" in problems["ready_statuses"]
    assert KIND.problems({"base_url": "https://shop.example.com", "ready_statuses": "P, A",
                          "timezone": "Europe/Berlin"}) == {}
    assert [s.name for s in KIND.secrets] == ["api_key"]
    assert "REST API" in KIND.where_to_find_key and "read-only" in KIND.where_to_find_key


def test_a_saved_connection_builds_a_connector_that_passes_its_test() -> None:
    with XCartSimulator(seed=2, seed_orders=3) as shop:
        settings, secrets = shop.demo_connection()
        store = MemorySecretStore()
        for key, value in secrets.items():
            store.set("My X-Cart", key, value)
        config = ConnectionConfig(name="My X-Cart", kind="xcart",
                                  settings={**settings, "api_version": "auto",
                                            "ready_statuses": "P,A"})
        connector = ConnectorFactory(policy=RetryPolicy(attempts=2)).store(config, store)
        assert isinstance(connector, XCartStore)
        lines = connector.check()
        connector.close()
    assert all(line.ok for line in lines), [line for line in lines if not line.ok]


def test_without_its_key_a_connection_is_refused_with_what_to_do() -> None:
    config = ConnectionConfig(name="No key", kind="xcart",
                              settings={"base_url": "https://shop.example.com"})
    with pytest.raises(FatalError) as refused:
        ConnectorFactory().store(config, MemorySecretStore())
    assert "api key" in str(refused.value) and "No key" in str(refused.value)

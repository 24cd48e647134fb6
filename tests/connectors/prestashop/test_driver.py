"""The soak / crash-trial driver: a short soak-style life of orders, synced and verified."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ecom_ledger_desktop.connectors.base import StoreConnector
from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.registry import ConnectorFactory
from ecom_ledger_desktop.connectors.stores.prestashop.client import PrestaShopStore
from ecom_ledger_desktop.core.events import EventBus
from ecom_ledger_desktop.demo import configure_pair
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from ecom_ledger_desktop.sync.service import SyncService
from ecom_ledger_desktop.testing.store_drivers.prestashop import make_driver
from ecom_ledger_desktop.testing.verify import QboSimulatorView, verify_exactly_once
from tests.sync.conftest import START, bench_ledger, bench_rules

FAST = RetryPolicy(backoff_base=0.01, backoff_max=0.05, breaker_reset=0.5)


def _spec(n: int, paid: bool = True, method: str = "braintree") -> dict[str, Any]:
    return {"customer": {"email": f"soak{n}@example.com", "firstname": "Soak", "lastname": str(n)},
            "lines": [{"sku": "PS-MUG-01", "name": "Mug", "qty": 2, "price": "11.90"}],
            "shipping": "4.95", "currency": "USD", "paid": paid, "payment_method": method}


def test_add_pay_edit_refund_cancel_then_view_and_verify(tmp_path: Path) -> None:
    driver = make_driver(seed=5, orders=6)
    ledger = bench_ledger()
    try:
        assert driver.kind == "prestashop" and driver.faults is driver.sim.faults
        settings, secrets = driver.connection()
        assert set(settings) == {"base_url"} and set(secrets) == {"ws_key"}
        assert driver.payment_methods()["ps_checkpayment"] == "Check"
        assert {"sku", "name", "price"} <= set(driver.catalog()[0])
        ledger.seed_items([{"sku": p["sku"], "name": p["name"], "price": p["price"]}
                           for p in driver.catalog()])
        paid = driver.add_order(_spec(1))
        waiting = driver.add_order(_spec(2, paid=False, method="banktransfer"))
        doomed = driver.add_order(_spec(3, paid=False, method="checkmo"))
        driver.edit(paid, {"lines": [{"sku": "PS-MUG-01", "name": "Mug", "qty": 3,
                                      "price": "11.90"}]})
        driver.pay(waiting)
        driver.refund(paid, {"lines": [{"sku": "PS-MUG-01", "qty": 1}], "shipping": "0"})
        driver.cancel(doomed)

        records = driver.view().records()
        orders = {r.source_id: r for r in records if r.record_kind == "order"}
        refunds = [r for r in records if r.record_kind == "refund"]
        assert {paid, waiting, doomed} <= set(orders) and orders[doomed].canceled
        assert any(r.order_source_id == paid for r in refunds)

        db = tmp_path / "ledger.sqlite3"
        store_secrets = MemorySecretStore()
        pair = configure_pair(db, store_secrets, ledger=ledger.demo_connection(),
                              store_url="http://store.invalid", store_token="unused",
                              start_date=START, demo=False, rules=bench_rules())

        def store_factory(config: Any, keyring: Any) -> StoreConnector:
            return PrestaShopStore(settings["base_url"], secrets["ws_key"], policy=FAST)

        service = SyncService(db, store_secrets, store_factory=store_factory,
                              ledger_factory=ConnectorFactory(policy=FAST).ledger,
                              events=EventBus())
        for _ in range(2):
            assert service.run_pair(pair, "test").status in ("ok", "flagged")
        result = verify_exactly_once(db, pair, QboSimulatorView(ledger), driver.view(), START)
        assert result.ok, result.problems
        assert (result.duplicates, result.lost) == (0, 0)
        assert result.orders >= 8 and result.refunds >= 1  # the cancelled one is not counted
        # the seed's planted problems (an unknown SKU, Jordan Rivera twice in the books)
        assert set(result.open_codes) <= {"unmapped_sku", "duplicate_customer", "unpaid_order"}
    finally:
        driver.stop()
        ledger.stop()

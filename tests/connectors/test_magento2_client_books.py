"""The Magento connector against the simulator over loopback HTTP: store-local dates, payments
dated when paid, base currency, redemptions, tax-inclusive orders, refunds and stock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from ecom_ledger_desktop.connectors.stores.magento2.client import Magento2Store
from ecom_ledger_desktop.core.errors import FatalError
from ecom_ledger_desktop.models.commerce import Order
from ecom_ledger_desktop.sandbox.magento2 import Magento2Simulator
from ecom_ledger_desktop.sandbox.server import SimClock
from tests.connectors.test_magento2_client import FAST, CountingTransport, spec

D = Decimal
NOW = datetime(2026, 12, 6, 18, 0, tzinfo=UTC)
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


@pytest.fixture
def sim() -> Iterator[Magento2Simulator]:
    simulator = Magento2Simulator(token="t", seed=7, seed_orders=0, clock=SimClock(start=NOW))
    simulator.start()
    try:
        yield simulator
    finally:
        simulator.stop()


def _store(sim: Magento2Simulator, transport: httpx.BaseTransport | None = None,
           **options: Any) -> Magento2Store:
    return Magento2Store(sim.base_url, "t", policy=FAST, transport=transport, **options)


def _orders(store: Magento2Store) -> dict[str, Order]:
    out = {}
    for fetched in store.iter_orders(EPOCH):
        assert fetched.problem is None and fetched.record is not None, fetched.problem
        out[fetched.source_id] = fetched.record
    return out


def test_an_idle_poll_stays_one_request(sim: Magento2Simulator) -> None:
    transport = CountingTransport()
    store = _store(sim, transport)
    assert list(store.iter_orders(NOW - timedelta(minutes=5))) == []
    assert transport.paths == ["GET /rest/default/V1/orders"]
    store.close()


def test_the_connection_time_zone_overrides_the_store(sim: Magento2Simulator) -> None:
    oid = sim.add_order(spec(1, created_at="2026-12-01 04:30:00"))
    transport = CountingTransport()
    store = _store(sim, transport, timezone="Europe/Berlin")
    order = _orders(store)[str(oid)]
    assert (order.timezone, order.local_date) == ("Europe/Berlin", date(2026, 12, 1))
    assert "GET /rest/default/V1/store/storeConfigs" not in transport.paths
    store.close()
    with pytest.raises(FatalError, match="IANA"):
        _store(sim, timezone="New York")


def test_a_store_that_hides_its_time_zone_stops_the_run_with_advice() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/store/storeConfigs"):
            return httpx.Response(401, json={
                "message": "The consumer isn't authorized to access %resources.",
                "parameters": {"resources": "Magento_Backend::store"}})
        return httpx.Response(200, json={"items": [{"entity_id": 1}], "total_count": 1})

    store = Magento2Store("http://shop.test", "t", policy=FAST,
                          transport=httpx.MockTransport(answer))
    with pytest.raises(FatalError, match="time zone") as raised:
        list(store.iter_orders(EPOCH))
    assert "setting 'timezone'" in str(raised.value)
    store.close()


def test_an_offline_order_paid_days_later_is_dated_by_its_invoice(
        sim: Magento2Simulator) -> None:
    oid = sim.add_order(spec(1, payment_method="banktransfer", paid=False,
                             created_at="2026-11-20 15:00:00"))
    unpaid = _orders(_store(sim))[str(oid)]
    assert (unpaid.paid, unpaid.payments, unpaid.payment_offline) == (False, [], True)
    sim.state.invoice_order(oid, now="2026-11-26 14:00:00")
    sim.state.add_comment(oid, {"comment": "customer called"})  # moves updated_at again
    transport = CountingTransport()
    order = _orders(_store(sim, transport))[str(oid)]
    (payment,) = order.payments
    assert order.paid and payment.offline and payment.reference == ""
    assert payment.paid_at == datetime(2026, 11, 26, 14, tzinfo=UTC) != order.updated_at
    assert transport.paths.count("GET /rest/default/V1/invoices") == 1


def test_an_online_payment_carries_the_transaction_id(sim: Magento2Simulator) -> None:
    oid = sim.add_order(spec(1, payment_method="braintree", created_at="2026-11-20 15:00:00"))
    (payment,) = _orders(_store(sim))[str(oid)].payments
    assert (payment.reference, payment.offline) == (f"{oid:08d}-capture", False)
    assert payment.paid_at == datetime(2026, 11, 20, 15, tzinfo=UTC)


def test_gift_card_store_credit_and_points_make_a_whole_order(sim: Magento2Simulator) -> None:
    oid = sim.add_order(spec(1, lines=[{"sku": "24-WB04", "qty": 1, "price": 45}],
                             gift_card={"code": "GC-1", "amount": 20}, store_credit=10,
                             reward="3.50", payment_method="braintree"))
    order = _orders(_store(sim))[str(oid)]
    assert [(r.kind, r.amount) for r in order.redemptions] == [
        ("gift_card", D("20")), ("store_credit", D("10")), ("reward_points", D("3.5"))]
    assert order.grand_total == D("16.50") == order.computed_total
    assert order.payments[0].amount == D("16.50") and order.paid


def test_a_gift_card_sold_and_a_taxless_class(sim: Magento2Simulator) -> None:
    oid = sim.add_order(spec(1, lines=[
        {"sku": "GIFT-CARD-25", "qty": 1, "price": 25, "type": "giftcard"},
        {"sku": "24-MB01", "qty": 1, "price": 34, "tax_percent": "8.875"},
        {"sku": "GIFT-WRAP", "qty": 1, "price": 4, "tax_percent": "8.875", "tax_class": "none"}],
        shipping_tax_percent="8.875"))
    order = _orders(_store(sim))[str(oid)]
    card, bag, wrap = order.lines
    assert (card.is_gift_card, card.taxable, card.tax) == (True, False, 0)
    assert (bag.taxable, bag.tax) == (True, D("3.02"))
    assert (wrap.taxable, wrap.tax) == (False, 0)
    assert (order.shipping_tax, order.shipping_tax_percent) == (D("0.44"), D("8.875"))
    assert order.computed_total == order.grand_total


def _refund(sim: Magento2Simulator, oid: int, body: dict[str, Any]) -> int:
    response = httpx.post(f"{sim.base_url}/rest/default/V1/order/{oid}/refund", json=body,
                          headers={"Authorization": "Bearer t"})
    assert response.status_code == 200, response.text
    return int(response.json())


def test_test_connection_shows_the_time_zone_or_why_not(sim: Magento2Simulator) -> None:
    store = _store(sim, timezone="Europe/London")
    assert store.check()[-1].detail == "Europe/London (set on the connection)"
    store.close()

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/store/storeConfigs"):
            return httpx.Response(401, json={
                "message": "The consumer isn't authorized to access %resources.",
                "parameters": {"resources": "Magento_Backend::store"}})
        return httpx.Response(200, json={"items": [], "total_count": 0})

    hidden = Magento2Store("http://shop.test", "t", policy=FAST,
                           transport=httpx.MockTransport(answer))
    line = hidden.check()[-1]
    assert (line.label, line.ok) == ("Store time zone", False)
    assert "Magento_Backend::store" in line.detail and "set the time zone" in line.detail
    hidden.close()


def test_connection_settings_reach_the_connector_and_are_checked(
        sim: Magento2Simulator) -> None:
    from ecom_ledger_desktop.connectors.registry import ConnectorFactory
    from ecom_ledger_desktop.models.connections import ConnectionConfig
    from ecom_ledger_desktop.secrets.store import MemorySecretStore
    from ecom_ledger_desktop.sync.connections_admin import validate_settings

    secrets = MemorySecretStore()
    secrets.set("shop", "token", "t")
    settings = {"base_url": sim.base_url, "timezone": "Europe/Berlin",
                "prices_include_tax": "yes", "refund_restock": "always"}
    config = ConnectionConfig(name="shop", kind="magento2", settings=settings)
    store = ConnectorFactory(policy=FAST).store(config, secrets)
    oid = sim.add_order(spec(1))
    order = store.get_order(str(oid)).record
    assert order is not None and (order.timezone, order.prices_include_tax) == (
        "Europe/Berlin", True)
    store.close()
    assert validate_settings("magento2", settings) == {}
    problems = validate_settings("magento2", {**settings, "timezone": "CET+1",
                                              "refund_restock": "sometimes"})
    assert set(problems) == {"timezone", "refund_restock"}
    assert "America/New_York" in problems["timezone"]


def test_a_connection_remembers_zone_and_invoices_between_runs(sim: Magento2Simulator) -> None:
    """The next poll re-reads unchanged orders (its overlap): one request, as when idle."""
    from ecom_ledger_desktop.connectors.stores.magento2.context import StoreCache

    sim.add_order(spec(1, payment_method="braintree", created_at="2026-12-06 10:00:00"))
    later = sim.add_order(spec(2, payment_method="checkmo", paid=False,
                               created_at="2026-12-06 11:00:00"))
    cache = StoreCache()
    runs = [CountingTransport() for _ in range(3)]
    _orders(_store(sim, runs[0], cache=cache))
    _orders(_store(sim, runs[1], cache=cache))
    assert runs[1].paths == ["GET /rest/default/V1/orders"]
    sim.state.invoice_order(later, now="2026-12-06 17:00:00")  # the transfer arrived
    orders = _orders(_store(sim, runs[2], cache=cache))
    assert runs[2].paths.count("GET /rest/default/V1/invoices") == 1
    assert orders[str(later)].payments[0].paid_at == datetime(2026, 12, 6, 17, tzinfo=UTC)


def test_magento_details_of_the_contract_cases(sim: Magento2Simulator) -> None:
    """What the contract suite (tests/contract) leaves to Magento: its rate codes, the
    discount tax compensation of tax-inclusive prices, no trace of return-to-stock on a memo."""
    eur = sim.add_order(spec(1, currency="EUR", base_currency="USD", base_to_order_rate="0.9215",
                             lines=[{"sku": "24-MB01", "qty": 1, "price": 34,
                                     "tax_percent": 19}]))
    inclusive = sim.add_order(spec(2, currency="EUR", prices_include_tax=True, discount="11.90",
                                   lines=[{"sku": "24-MB01", "qty": 1, "price": "119",
                                           "tax_percent": 19}], shipping=0))
    orders = _orders(_store(sim))
    assert orders[str(eur)].lines[0].tax_codes == ["US-*-Rate 19"]
    line = orders[str(inclusive)].lines[0]
    assert (line.unit_price, line.tax, line.discount, line.discount_tax_compensation) == (
        D("100"), D("17.10"), D("11.90"), D("1.90"))
    memo = sim.refund_order(inclusive, {"lines": [{"sku": "24-MB01", "qty": 1}]})
    (fetched,) = [f for f in _store(sim).iter_refunds(EPOCH) if f.source_id == str(memo)]
    assert fetched.record is not None and fetched.record.discount_tax_compensation == D("1.90")
    row = sim.order_json(eur)["items"][0]["item_id"]
    returned = _refund(sim, eur, {"items": [{"order_item_id": row, "qty": 1}], "arguments": {
        "extension_attributes": {"return_to_stock_items": [row]}}})
    assert "return_to_stock" not in str(sim.state.creditmemos[returned])  # Magento keeps none

"""Every store driver keeps the promises the soak and the crash trials rely on (protocol B): a
neutral order spec becomes an order its store's own API lists, paid, edited, refunded and
cancelled, under the source id the driver returned; its connection and payment methods are its
kind's. Runs on each entry of ``STORE_DRIVERS`` (a few seconds each, no sync)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from ecom_ledger_desktop.connectors.registry import KINDS
from ecom_ledger_desktop.testing.store_drivers import STORE_DRIVERS, StoreDriver, start_driver
from ecom_ledger_desktop.testing.verify import StoreRecord

BUYER = {"email": "driver.check@example.com", "firstname": "Dee", "lastname": "River"}


@pytest.fixture(params=list(STORE_DRIVERS))
def driver(request: pytest.FixtureRequest) -> Iterator[StoreDriver]:
    running = start_driver(request.param, seed=5, orders=0)
    try:
        yield running
    finally:
        running.stop()


def _spec(driver: StoreDriver, *, paid: bool, method: str, guest: bool = False) -> dict[str, object]:
    product = driver.catalog()[0]
    return {"customer": None if guest else BUYER, "shipping": "4.95", "currency": "USD",
            "lines": [{"sku": product["sku"], "name": product["name"], "qty": 2,
                       "price": str(product["price"])}],
            "paid": paid, "payment_method": method}


def _orders(driver: StoreDriver) -> dict[str, StoreRecord]:
    return {r.source_id: r for r in driver.view().records() if r.record_kind == "order"}


def test_a_driver_is_its_kinds_store_with_a_catalogue_and_payment_routes(driver) -> None:
    kind = KINDS[driver.kind]
    settings, secrets = driver.connection()
    assert kind.role == "store" and driver.faults is driver.sim.faults
    assert {s.name for s in kind.plain_settings if s.required} <= set(settings)
    assert {s.name for s in kind.secrets if s.required} <= set(secrets)
    assert set(driver.payment_methods().values()) >= {"Check", "Bank Transfer"}
    products = driver.catalog()
    assert products and all({"sku", "name", "price"} <= set(p) for p in products)
    books = {p["sku"] for p in driver.sim.catalog()}
    assert {p["sku"] for p in products} <= books, "the books know every product a driver sells"


def test_neutral_orders_are_listed_by_the_stores_api_under_the_drivers_ids(driver) -> None:
    paid = driver.add_order(_spec(driver, paid=True, method="paypal_express"))
    unpaid = driver.add_order(_spec(driver, paid=False, method="banktransfer"))
    guest = driver.add_order(_spec(driver, paid=True, method="braintree", guest=True))
    doomed = driver.add_order(_spec(driver, paid=False, method="checkmo"))
    assert len({paid, unpaid, guest, doomed}) == 4
    orders = _orders(driver)
    assert {paid, unpaid, guest, doomed} <= set(orders)
    assert all(isinstance(orders[i].created, date) and orders[i].number for i in (paid, guest))
    driver.pay(unpaid)
    product = driver.catalog()[-1]
    driver.edit(paid, {"lines": [{"sku": product["sku"], "name": product["name"], "qty": 1,
                                  "price": str(product["price"])}]})
    driver.refund(paid, {"lines": [{"sku": product["sku"], "qty": 1}], "shipping": "0"})
    driver.cancel(doomed)
    records = driver.view().records()
    refunds = [r for r in records if r.record_kind == "refund"]
    assert [r.order_source_id for r in refunds] == [paid]
    assert _orders(driver)[doomed].canceled and not _orders(driver)[unpaid].canceled

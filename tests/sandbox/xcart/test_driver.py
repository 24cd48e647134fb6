"""The X-Cart store driver (protocol B): a short soak-style sequence, read back by ``view()``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ecom_ledger_desktop.testing.store_drivers.xcart import XCartStoreDriver, make_driver

LINE = {"sku": "XC-MUG-01", "name": "Planet Express Mug", "qty": 2, "price": "12.00"}


@pytest.fixture
def driver() -> Iterator[XCartStoreDriver]:
    started = make_driver(seed=3, orders=12)
    try:
        yield started
    finally:
        started.stop()


def test_add_pay_edit_refund_cancel_and_view(driver: XCartStoreDriver) -> None:
    settings, secrets = driver.connection()
    assert settings["base_url"] == driver.sim.base_url and secrets["api_key"]
    assert set(driver.payment_methods()) >= {"Check", "Stripe", "ExpressCheckout"}
    assert {"sku", "name", "price"} <= set(driver.catalog()[0])

    unpaid = driver.add_order({"customer": {"email": "sam@example.com", "firstname": "Sam",
                                            "lastname": "Lee"}, "lines": [LINE],
                               "shipping": "4.95", "currency": "USD", "paid": False,
                               "payment_method": "checkmo"})
    paid = driver.add_order({"customer": None, "lines": [LINE], "shipping": "0",
                             "currency": "USD", "paid": True, "payment_method": "braintree"})
    doomed = driver.add_order({"customer": None, "lines": [LINE], "shipping": "0",
                               "currency": "USD", "paid": False, "payment_method": "banktransfer"})
    driver.pay(unpaid)
    driver.edit(paid, {"lines": [{**LINE, "qty": 3}]})
    driver.refund(paid, {"lines": [{"sku": "XC-MUG-01", "qty": 1}], "shipping": "0"})
    driver.cancel(doomed)

    records = driver.view().records()
    orders = {r.source_id: r for r in records if r.record_kind == "order"}
    refunds = [r for r in records if r.record_kind == "refund" and r.order_source_id == paid]
    assert {unpaid, paid, doomed} <= set(orders) and len(orders) == 15
    assert orders[doomed].canceled and not orders[unpaid].canceled
    assert [r.number for r in refunds] == [f"{orders[paid].number}-1"]
    assert driver.sim.order(int(paid)).total == 36  # 3 mugs, no shipping, no tax
    assert driver.sim.order(int(unpaid)).payment_status == "P"

"""Write-back, stock, "Test connection" and failures, through both X-Cart APIs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecom_ledger_desktop.connectors.http import RetryPolicy
from ecom_ledger_desktop.connectors.stores.xcart.errors import KeyRefusedError, ReadOnlyKeyError
from ecom_ledger_desktop.core.errors import UncertainOutcome
from ecom_ledger_desktop.models.commerce import StockLevel
from ecom_ledger_desktop.sandbox.server import SimClock
from ecom_ledger_desktop.sandbox.xcart import XCartSimulator
from tests.connectors.xcart.conftest import EPOCH, KEY, T0, order, store_for


def test_the_note_is_written_once_even_after_a_lost_answer(sim: XCartSimulator) -> None:
    oid = sim.add_order(order())
    sim.state.set_note(oid, "Gift wrap please")
    sim.faults.update({"drop_after_apply_rate": 1.0, "seed": 1})
    store = store_for(sim)
    with pytest.raises(UncertainOutcome):  # applied each time, every answer lost
        store.write_back(str(oid), "Sales receipt 1001")
    sim.faults.update({"drop_after_apply_rate": 0.0})
    store.write_back(str(oid), "Sales receipt 1001")
    store.write_back(str(oid), "Sales receipt 1001")
    store.close()
    assert sim.order(oid).admin_notes == "Gift wrap please\nSent to Accounting: Sales receipt 1001"


def test_stock_for_products_and_variants_and_what_cannot_be_set(sim: XCartSimulator) -> None:
    variant = sim.state.products[max(sim.state.products)].variants[0]
    store = store_for(sim)
    problems = store.set_stock([StockLevel(sku="XC-MUG-01", qty=Decimal(7)),
                                StockLevel(sku=variant.sku, qty=Decimal(0)),
                                StockLevel(sku="NOPE 1", qty=Decimal(3)),
                                StockLevel(sku="XC-BAG-02", qty=Decimal("1.5"))])
    store.close()
    assert [p.code for p in problems] == ["unknown_sku", "stock_rejected"]
    assert "'NOPE 1'" in problems[0].message and "whole" in problems[1].message
    stock = sim.stock()
    assert (stock["XC-MUG-01"], stock[variant.sku], stock["XC-BAG-02"]) == (7, 0, 100)


def test_check_detects_the_version_and_says_so(sim: XCartSimulator) -> None:
    store = store_for(sim, version="auto", timezone=None)
    lines = {c.label: c for c in store.check()}
    store.close()
    expected = "5.5 or later" if sim.switches.version == "5.5" else "5.0-5.4"
    assert expected in lines["API version"].detail
    assert lines["API key accepted"].ok and lines["Key can write notes and stock"].ok
    assert lines["Time zone"].ok is (sim.switches.version == "5.4")
    if sim.switches.version == "5.5":
        assert "connection's settings" in lines["Time zone"].detail


def test_check_names_a_read_only_key(sim: XCartSimulator) -> None:
    store = store_for(sim, key=KEY + "-read", version="auto")
    lines = {c.label: c for c in store.check()}
    assert not lines["Key can write notes and stock"].ok
    assert "read-only" in lines["Key can write notes and stock"].detail
    oid = sim.add_order(order())
    with pytest.raises(ReadOnlyKeyError):
        store.write_back(str(oid), "Sales receipt 1")
    store.close()


def test_a_wrong_key_is_a_fatal_error_that_says_what_to_fix(sim: XCartSimulator) -> None:
    store = store_for(sim, key="wrong-key", version=sim.switches.version)
    with pytest.raises(KeyRefusedError) as refused:
        list(store.iter_orders(EPOCH))
    lines = {c.label: c for c in store_for(sim, key="wrong-key", version="auto").check()}
    store.close()
    assert "API key" in str(refused.value) and refused.value.needs_reauthorisation
    assert lines["Reached the shop"].ok and not lines["API key accepted"].ok
    assert "API key" in lines["API key accepted"].detail


def test_server_errors_and_broken_answers_are_retried(sim: XCartSimulator) -> None:
    sim.add_order(order())
    sim.faults.update({"error_rate": 0.25, "seed": 3})
    sim.corrupt_next_responses(1, "truncate")
    store = store_for(sim)
    got = list(store.iter_orders(EPOCH))
    now = store.server_now()
    store.close()
    assert len(got) == 1 and got[0].record is not None
    assert now is not None and abs((now - sim.clock.now()).total_seconds()) < 5


def test_a_rate_limited_shop_is_waited_for_not_given_up_on() -> None:
    # 600x clock: the shop's minute passes in 0.1 s, so a 429's Retry-After is soon over
    with XCartSimulator(token=KEY, clock=SimClock(scale=600, start=T0),
                        rate_limit_per_minute=3) as shop:
        for _ in range(4):
            shop.add_order(order())
        store = store_for(shop, version="5.4", page_size=1, timezone="UTC",
                          policy=RetryPolicy(backoff_base=0.05, backoff_max=0.3, attempts=8))
        got = list(store.iter_orders(EPOCH))
        retries = store.api._api.retries
        store.close()
    assert len(got) == 4 and all(f.record is not None for f in got)
    assert retries >= 1  # it was told to slow down, and did

"""Write-back, stock, "Test connection", errors and retries against the simulator."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from ecom_ledger_desktop.connectors.registry import ConnectorFactory, kind_of
from ecom_ledger_desktop.connectors.stores.prestashop.client import PrestaShopStore
from ecom_ledger_desktop.core.errors import FatalError, RecordError
from ecom_ledger_desktop.models.commerce import StockLevel
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.sandbox.prestashop import PrestaShopSimulator
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from tests.connectors.prestashop.conftest import EPOCH, FAST, spec

D = Decimal
Connect = Callable[..., PrestaShopStore]


def test_the_note_is_a_private_message_added_once(sim: PrestaShopSimulator,
                                                  connect: Connect) -> None:
    oid = sim.add_order(spec())
    before = sim.order_json(oid)["date_upd"]
    store = connect()
    store.write_back(str(oid), "Sales receipt 1042 in QuickBooks")
    store.write_back(str(oid), "Sales receipt 1042 in QuickBooks")
    messages = list(sim.shop.tables["customer_messages"].values())
    assert [(m["message"], m["private"]) for m in messages] == [
        ("Sales receipt 1042 in QuickBooks", "1")]
    assert sim.order_json(oid)["date_upd"] == before  # a message does not touch the order
    with pytest.raises(RecordError) as missing:
        store.write_back("999", "x")
    assert missing.value.problem.code == "not_found"


def test_a_note_whose_answer_was_lost_is_not_sent_twice(sim: PrestaShopSimulator,
                                                        connect: Connect) -> None:
    oid = sim.add_order(spec())
    sim.configure(notice_after_write=2)  # committed, then a PHP notice 500 (thread, message)
    connect().write_back(str(oid), "Invoice 7")
    assert [m["message"] for m in sim.shop.tables["customer_messages"].values()] == ["Invoice 7"]


def test_stock_is_put_on_products_and_combinations(sim: PrestaShopSimulator,
                                                   connect: Connect) -> None:
    problems = connect().set_stock([StockLevel(sku="PS-MUG-01", qty=D(5)),
                                    StockLevel(sku="PS-TEE-S-WHT", qty=D(3)),
                                    StockLevel(sku="NOPE", qty=D(1))])
    assert [p.code for p in problems] == ["unknown_sku"] and "'NOPE'" in problems[0].message
    stock = sim.stock()
    assert (stock["PS-MUG-01"], stock["PS-TEE-S-WHT"]) == (5, 3)
    tee = sim.shop.find("combinations", reference="PS-TEE-S-WHT")[0]
    product_row = sim.shop.stock_row(int(tee["id_product"]), 0)
    assert product_row is not None and product_row["quantity"] == "103"  # 3 + 50 + 50
    assert product_row["out_of_stock"] == "2"  # the full row went back


def test_check_names_each_missing_permission_in_plain_words(sim: PrestaShopSimulator,
                                                            connect: Connect) -> None:
    sim.set_permissions("order_slip", [])
    sim.set_permissions("stock_availables", ["GET"])
    lines = {line.label: line for line in connect().check()}
    assert lines["Webservice key"].ok and "1.7" in lines["Webservice key"].detail
    assert not lines["Access to order_slip"].ok
    assert "lacks GET on order_slip" in lines["Access to order_slip"].detail
    assert "Advanced Parameters › Webservice" in lines["Access to order_slip"].detail
    assert "lacks PUT on stock_availables" in lines["Access to stock_availables"].detail
    assert lines["Access to orders"].ok
    assert lines["Time zone"].detail.startswith("America/New_York")
    assert "USD" in lines["Currency"].detail


def test_a_wrong_key_is_one_clear_line_and_a_fatal_sync(sim: PrestaShopSimulator,
                                                        connect: Connect) -> None:
    store = connect(key="Z" * 32)
    [line] = store.check()
    assert not line.ok and "refused the Webservice key" in line.detail
    with pytest.raises(FatalError) as refused:
        list(store.iter_orders(EPOCH))
    assert refused.value.needs_reauthorisation


def test_a_permission_lost_mid_sync_stops_the_run_naming_the_resource(
        sim: PrestaShopSimulator, connect: Connect) -> None:
    sim.add_order(spec())
    sim.set_permissions("order_payments", [])
    with pytest.raises(FatalError) as stopped:
        list(connect().iter_orders(EPOCH))
    assert "lacks GET on order_payments" in str(stopped.value)


def test_broken_answers_and_a_waf_are_retried(sim: PrestaShopSimulator, connect: Connect) -> None:
    oid = sim.add_order(spec())
    sim.corrupt_next_responses(2, "truncate")
    assert [f.source_id for f in connect().iter_orders(EPOCH)] == [str(oid)]
    sim.corrupt_next_responses(1, "garbage")
    assert connect().get_order(str(oid)).record is not None


def test_the_kind_builds_a_connector_from_saved_settings(sim: PrestaShopSimulator) -> None:
    kind = kind_of("prestashop")
    settings, secrets = sim.demo_connection()
    store_secrets = MemorySecretStore()
    for key, value in secrets.items():
        store_secrets.set("shop", key, value)
    config = ConnectionConfig(name="shop", kind="prestashop",
                              settings={**settings, "paid_states": "2, 11"})
    store = ConnectorFactory(policy=FAST).store(config, store_secrets)
    try:
        assert store.check()[0].ok
    finally:
        store.close()
    assert kind.problems({"paid_states": "2,,3"})
    assert kind.problems({"timezone": "Mars/Base"})


def test_without_credit_slip_access_orders_still_sync_and_refunds_say_why(
        sim: PrestaShopSimulator, connect: Connect) -> None:
    oid = sim.add_order(spec())
    sim.refund_order(oid, {"lines": [{"sku": "PS-MUG-01", "qty": 1}]})
    sim.set_permissions("order_slip", [])
    store = connect()
    [order] = list(store.iter_orders(EPOCH))
    assert order.record is not None and order.record.refunded_total > 0
    with pytest.raises(FatalError) as stopped:
        list(store.iter_refunds(EPOCH))
    assert "lacks GET on order_slip" in str(stopped.value)

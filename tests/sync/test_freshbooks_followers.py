"""Magento → FreshBooks with the following rules on: items follow the store's catalogue (new
products created, names and prices updated, a removed or disabled product made inactive, never
deleted), and clients' address and phone follow the store's, an edit made in FreshBooks after the
store's record kept and the difference queued. Real simulators, real engine, real SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.connectors.freshbooks.bench import FreshBench, open_bench, order, rules, utc

ITEM_TYPES = ("simple", "virtual", "downloadable")


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[FreshBench]:
    with open_bench(tmp_path, pair_rules=rules(catalog_sync=True,
                                               customer_details_sync=True)) as opened:
        yield opened


def items(bench: FreshBench) -> dict[str, dict[str, Any]]:
    return {str(r["sku"]): r for r in bench.ledger.records("items") if r.get("sku")}


def store_products(bench: FreshBench) -> dict[str, dict[str, Any]]:
    return {sku: p for sku, p in bench.store.state.products.items()
            if p["type_id"] in ITEM_TYPES}


def test_new_products_become_items_and_changes_follow_never_deleted(bench: FreshBench) -> None:
    assert bench.sync().status == "ok", [(e.code, e.message) for e in bench.open_errors()]
    products = store_products(bench)
    held = items(bench)
    assert set(products) <= set(held) and len(products) > 3
    for sku, product in products.items():
        assert held[sku]["name"] == product["name"] and held[sku]["vis_state"] == 0
        assert Decimal(held[sku]["unit_cost"]["amount"]) == Decimal(str(product["price"]))
    renamed, removed, disabled = sorted(products)[:3]
    with bench.store.state.lock:
        bench.store.state.products[renamed].update(name="Renamed Tote", price=31.5)
        del bench.store.state.products[removed]
        bench.store.state.products[disabled]["status"] = 2
    ids_before = {sku: row["id"] for sku, row in items(bench).items()}
    assert bench.sync().status == "ok"
    held = items(bench)
    assert (held[renamed]["name"], Decimal(held[renamed]["unit_cost"]["amount"])) == (
        "Renamed Tote", Decimal("31.5"))
    assert held[removed]["vis_state"] == 2 and held[disabled]["vis_state"] == 2  # inactive
    assert {sku: row["id"] for sku, row in held.items()} == ids_before  # nothing re-created
    assert all(row["vis_state"] != 1 for row in held.values())  # nothing deleted
    with bench.store.state.lock:  # sold again
        bench.store.state.products[disabled]["status"] = 1
    assert bench.sync().status == "ok"
    assert items(bench)[disabled]["vis_state"] == 0


def test_without_the_rule_the_catalogue_is_left_alone(tmp_path: Path) -> None:
    with open_bench(tmp_path) as plain:
        before = plain.ledger.records("items")
        assert plain.sync().status == "ok"
        assert plain.ledger.records("items") == before


def _address(street: str, phone: str) -> dict[str, Any]:
    return {"street": [street], "city": "Austin", "region": "Texas", "region_code": "TX",
            "postcode": "78701", "country_id": "US", "telephone": phone}


def place(bench: FreshBench, street: str, phone: str, created: str) -> str:
    """An order placed at ``created`` (store-local), seen by the next sync."""
    order_id = bench.store.add_order(order(billing_address=_address(street, phone),
                                           created_at=utc(created)))
    bench.store.state.change_order(order_id, lambda o, now: o.update(updated_at=now))
    return order_id


def client(bench: FreshBench) -> dict[str, Any]:
    [found] = bench.live("clients")
    return found


def test_a_changed_address_in_the_store_updates_the_client(bench: FreshBench) -> None:
    place(bench, "1 Old Road", "512-555-0001", "2026-02-01 10:00")
    assert bench.sync().status == "ok"
    assert (client(bench)["p_street"], client(bench)["bus_phone"]) == ("1 Old Road",
                                                                       "512-555-0001")
    place(bench, "9 New Street", "512-555-0009", "2026-03-01 10:00")
    assert bench.sync().status == "ok", [(e.code, e.message) for e in bench.open_errors()]
    assert (client(bench)["p_street"], client(bench)["bus_phone"]) == ("9 New Street",
                                                                       "512-555-0009")
    # an older order seen again (its refund, a late edit) does not put the old address back
    place(bench, "1 Old Road", "512-555-0001", "2026-02-15 10:00")
    assert bench.sync().status == "ok"
    assert client(bench)["p_street"] == "9 New Street"


def test_an_edit_in_freshbooks_is_not_overwritten_by_an_older_store_record(
        bench: FreshBench) -> None:
    place(bench, "1 Old Road", "512-555-0001", "2026-02-01 10:00")
    assert bench.sync().status == "ok"
    found = client(bench)
    with bench.ledger.books.lock:  # the merchant corrects the phone in FreshBooks in April
        record = bench.ledger.books.update("users/clients", int(found["id"]),
                                           {"bus_phone": "512-555-7777"})
        record["updated"] = "2026-04-01 09:00:00"
    older = place(bench, "1 Old Road", "512-555-0002", "2026-03-01 10:00")
    summary = bench.sync()
    assert summary.status == "flagged"
    assert client(bench)["bus_phone"] == "512-555-7777"  # FreshBooks' edit kept
    [conflict] = bench.open_errors()
    assert conflict.code == "customer_conflict" and conflict.record_kind == "customer"
    assert "phone" in conflict.message and "FreshBooks' details were kept" in conflict.message
    placed = bench.store.order_json(older)["increment_id"]
    assert placed in {i["invoice_number"] for i in bench.live("invoices")}  # the order posted
    # a store record newer than the edit wins (last writer), and the conflict closes
    place(bench, "1 Old Road", "512-555-0003", "2026-05-01 10:00")
    assert bench.sync().status == "ok", [(e.code, e.message) for e in bench.open_errors()]
    assert client(bench)["bus_phone"] == "512-555-0003"
    assert bench.open_errors() == []

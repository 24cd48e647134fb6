"""Behaviour of the Magento 2 REST simulator, exercised over real HTTP with plain httpx: catalogue
and stock, injected faults and limits, the seed and the control API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import httpx
import pytest

from ecom_ledger_desktop.sandbox.magento2 import DEMO_CATALOG, Magento2Simulator
from ecom_ledger_desktop.sandbox.server import SimClock
from tests.sandbox.magento2.support import REPO_ROOT, START, criteria, simple_spec

# --- catalogue and stock ---------------------------------------------------------------------

def test_product_carries_stock_item(api: httpx.Client) -> None:
    product = api.get("/products/24-MB01").json()
    stock = product["extension_attributes"]["stock_item"]
    assert stock["item_id"] == product["id"] == stock["product_id"]
    assert isinstance(stock["is_in_stock"], bool)
    assert api.get("/products/NOPE").json()["message"] == (
        "The product that was requested doesn't exist. Verify the product and try again.")
    listed = api.get("/products", params=criteria([("sku", "MH01-%", "like")])).json()
    assert listed["total_count"] == 6


def test_stock_item_put_returns_item_id_and_updates_stock(sim: Magento2Simulator, api: httpx.Client) -> None:
    item = api.get("/stockItems/24-MB01").json()
    response = api.put(f"/products/24-MB01/stockItems/{item['item_id']}",
                       json={"stockItem": {"qty": 12, "is_in_stock": True}})
    assert response.json() == item["item_id"]
    assert sim.stock()["24-MB01"] == 12
    assert api.get("/stockItems/24-MB01").json()["qty"] == 12


def test_source_items_save_returns_empty_list_and_is_searchable(
        sim: Magento2Simulator, api: httpx.Client) -> None:
    response = api.post("/inventory/source-items", json={"sourceItems": [
        {"sku": "MH01-S-Gray", "source_code": "default", "quantity": 7, "status": 1},
        {"sku": "MH01-S-Gray", "source_code": "east", "quantity": 3, "status": 1}]})
    assert response.json() == []
    assert sim.stock()["MH01-S-Gray"] == 7
    found = api.get("/inventory/source-items", params=criteria([("sku", "MH01-S-Gray", "eq")])).json()
    assert {(i["source_code"], i["quantity"]) for i in found["items"]} == {("default", 7), ("east", 3)}


def test_source_items_over_twenty_rejected_with_input_limits(
        sim: Magento2Simulator, api: httpx.Client) -> None:
    sim.configure(input_limits=True)
    items = [{"sku": "24-MB01", "source_code": "default", "quantity": i, "status": 1} for i in range(21)]
    response = api.post("/inventory/source-items", json={"sourceItems": items})
    assert response.status_code == 400
    assert response.json()["message"].startswith("Maximum items of type")
    assert api.post("/inventory/source-items", json={"sourceItems": items[:20]}).status_code == 200


# --- faults, limits, corruption --------------------------------------------------------------

def test_injected_5xx_fault(sim: Magento2Simulator, api: httpx.Client) -> None:
    sim.faults.update({"error_rate": 1.0})
    assert api.get("/orders", params=criteria()).status_code == 503
    sim.faults.update({"error_rate": 0.0})
    assert api.get("/orders", params=criteria()).status_code == 200


def test_dropped_connection_fault(sim: Magento2Simulator, api: httpx.Client) -> None:
    sim.faults.update({"drop_rate": 1.0})
    with pytest.raises(httpx.TransportError):
        api.get("/orders", params=criteria())


def test_write_applied_then_dropped(sim: Magento2Simulator, api: httpx.Client) -> None:
    oid = sim.add_order(simple_spec())
    sim.faults.update({"drop_after_apply_rate": 1.0})
    with pytest.raises(httpx.TransportError):
        api.post(f"/orders/{oid}/comments", json={"statusHistory": {"comment": "once"}})
    assert sim.comments(oid) == ["once"]


def test_rate_limit_answers_429_until_the_minute_passes(sim: Magento2Simulator, api: httpx.Client) -> None:
    sim.configure(rate_limit_per_minute=3)
    statuses = [api.get("/products/24-MB01").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = api.get("/products/24-MB01")
    assert limited.json() == {"message": "Too Many Requests", "trace": None}
    sim.clock.advance(61)
    assert api.get("/products/24-MB01").status_code == 200


def test_corrupt_next_responses(sim: Magento2Simulator, api: httpx.Client) -> None:
    sim.corrupt_next_responses(2, "truncate")
    with pytest.raises(json.JSONDecodeError):
        api.get("/products/24-MB01").json()
    sim.corrupt_next_responses(1, "garbage")
    assert api.get("/products/24-MB01").text.startswith("<br />")
    assert api.get("/products/24-MB01").json()["sku"] == "24-MB01"


# --- seed and control API --------------------------------------------------------------------

def test_seed_is_deterministic_and_realistic() -> None:
    with (Magento2Simulator(seed=7, seed_orders=120, clock=SimClock(start=START)) as first,
          Magento2Simulator(seed=7, seed_orders=120, clock=SimClock(start=START)) as second):
        rows = first.state.order_rows()
        assert rows == second.state.order_rows()
        catalog = set(first.catalog_skus())
        assert catalog == {entry["sku"] for entry in DEMO_CATALOG}
        assert 35 <= len(catalog) <= 45
        skus = {i["sku"] for o in rows for i in o["items"]}
        assert {"LEGACY-MUG-01", "GIFT-WRAP", "CUSTOM-ENGRAVE"} & (skus - catalog)
        statuses = {o["status"] for o in rows}
        assert {"pending", "processing", "complete"} <= statuses
        assert any(o["customer_is_guest"] for o in rows)
        assert any(o["order_currency_code"] == "EUR" and o["base_to_order_rate"] != 1 for o in rows)
        assert any(o["payment"]["method"] == "free" and o["grand_total"] == 0 for o in rows)
        assert any(o["discount_amount"] < 0 for o in rows)
        assert any(o.get("total_refunded") for o in rows)
        assert any(i["product_type"] == "configurable" for o in rows for i in o["items"])
        emails = [o["customer_email"] for o in rows]
        assert any(e != e.strip().lower() and e.strip().lower() == "jane.doe@example.com" for e in emails)
        assert all(o["created_at"] >= "2024-03-02" for o in rows)
        janes = {o.get("customer_id") for o in rows if o["customer_lastname"] == "Doe"
                 and o["billing_address"]["postcode"] == "10577" and not o["customer_is_guest"]}
        assert len(janes) == 2  # two accounts, one person


def test_control_api_over_http(sim: Magento2Simulator, api: httpx.Client) -> None:
    control = f"{sim.base_url}/__sim__"
    oid = httpx.post(f"{control}/orders", json=simple_spec()).json()["entity_id"]
    assert httpx.post(f"{control}/orders/{oid}/invoice").json()["invoice_id"] >= 1
    memo = httpx.post(f"{control}/orders/{oid}/refund", json={"lines": [{"sku": "24-MB01", "qty": 1}]})
    assert memo.json()["creditmemo_id"] >= 1
    snapshot = httpx.get(f"{control}/orders/{oid}").json()
    assert snapshot["order"]["total_refunded"] == 34
    assert snapshot["comments"] == ["We refunded $34.00 offline."]
    settings = httpx.post(f"{control}/settings", json={"bearer_enabled": False}).json()
    assert settings["bearer_enabled"] is False
    assert api.get(f"/orders/{oid}").status_code == 401
    httpx.post(f"{control}/corrupt", json={"count": 1, "mode": "garbage"})
    assert httpx.get(f"{control}/stock").json()["24-MB01"] == sim.stock()["24-MB01"]
    stats = httpx.get(f"{control}/stats").json()
    assert stats["routes"]["GET orders/{id}"] == 1
    assert httpx.get(f"{control}/orders/9999").status_code == 404


def test_control_api_creates_order_from_other_process() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ecom_ledger_desktop.sandbox.magento2", "--port", "0", "--seed", "3",
         "--orders", "5", "--token", "T"], stdout=subprocess.PIPE, env=env, cwd=REPO_ROOT, text=True)
    try:
        assert proc.stdout is not None
        line = json.loads(proc.stdout.readline())
        assert line["token"] == "T"
        base = line["base_url"]
        oid = httpx.post(f"{base}/__sim__/orders", json=simple_spec()).json()["entity_id"]
        assert oid == 7  # after the 5 seeded orders and the demo's duplicate buyer
        order = httpx.get(f"{base}/rest/V1/orders/{oid}", headers={"Authorization": "Bearer T"})
        assert order.json()["grand_total"] == 73
    finally:
        proc.terminate()
        started = time.monotonic()
        proc.wait(timeout=10)
        assert time.monotonic() - started < 10

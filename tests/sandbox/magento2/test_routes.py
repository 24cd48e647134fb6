"""Magento routes clients call that the simulator must answer as Magento 2.4 does (admin OpenAPI
2.4.8): order items, stock statuses, hold/unhold; and one ``Date`` header per response (the
``sim`` and ``api`` fixtures: ``conftest.py``)."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

import httpx

from ecom_ledger_desktop.sandbox.magento2 import Magento2Simulator
from tests.sandbox.magento2.support import START

BAG = {"sku": "24-MB01", "name": "Joust Duffle Bag", "qty": 2, "price": 34}
BOTTLE = {"sku": "24-UG06", "name": "Affirm Water Bottle", "qty": 1, "price": 7}


def spec(*lines: dict[str, object]) -> dict[str, object]:
    return {"customer": {"email": "jane.doe@example.com", "firstname": "Jane", "lastname": "Doe"},
            "lines": list(lines), "shipping": 5, "payment_method": "checkmo"}


def sku_filter(sku: str) -> dict[str, str]:
    prefix = "searchCriteria[filterGroups][0][filters][0]"
    return {f"{prefix}[field]": "sku", f"{prefix}[value]": sku,
            f"{prefix}[conditionType]": "eq"}


def test_order_items_are_listed_not_taken_for_an_order_id(sim: Magento2Simulator,
                                                          api: httpx.Client) -> None:
    first = sim.add_order(spec(BAG, BOTTLE))
    second = sim.add_order(spec(BAG))
    everything = api.get("/orders/items", params={"searchCriteria": ""})
    assert everything.status_code == 200, everything.text
    body = everything.json()
    assert set(body) == {"items", "search_criteria", "total_count"}
    assert body["total_count"] == 3
    assert {row["order_id"] for row in body["items"]} == {first, second}
    bags = api.get("/orders/items", params=sku_filter("24-MB01")).json()
    assert bags["total_count"] == 2 and {row["sku"] for row in bags["items"]} == {"24-MB01"}
    one = bags["items"][0]
    item = api.get(f"/orders/items/{one['item_id']}")
    assert item.status_code == 200 and item.json()["item_id"] == one["item_id"]
    missing = api.get("/orders/items/999999")
    assert missing.status_code == 404


def test_stock_status_of_a_product(sim: Magento2Simulator, api: httpx.Client) -> None:
    response = api.get("/stockStatuses/24-MB01")
    assert response.status_code == 200, response.text
    status = response.json()
    assert {"product_id", "stock_id", "qty", "stock_status", "stock_item"} <= set(status)
    assert status["stock_id"] == 1 and status["stock_status"] in (0, 1)
    assert status["stock_item"]["product_id"] == status["product_id"]
    assert status["qty"] == status["stock_item"]["qty"]
    missing = api.get("/stockStatuses/NO-SUCH-SKU")
    assert missing.status_code == 404
    assert missing.json()["message"].startswith("The product that was requested doesn't exist")


def test_hold_and_unhold_an_order(sim: Magento2Simulator, api: httpx.Client) -> None:
    order_id = sim.add_order(spec(BAG))
    before = sim.order_json(order_id)
    sim.clock.advance(60)
    held = api.post(f"/orders/{order_id}/hold", json={})
    assert held.status_code == 200 and held.json() is True
    order = api.get(f"/orders/{order_id}").json()
    assert (order["state"], order["status"]) == ("holded", "holded")
    assert order["hold_before_state"] == before["state"]
    assert order["hold_before_status"] == before["status"]
    assert order["updated_at"] > before["updated_at"]
    again = api.post(f"/orders/{order_id}/hold", json={})
    assert again.status_code == 400
    assert again.json() == {"message": "A hold action is not available."}

    released = api.post(f"/orders/{order_id}/unhold", json={})
    assert released.status_code == 200 and released.json() is True
    order = api.get(f"/orders/{order_id}").json()
    assert (order["state"], order["status"]) == (before["state"], before["status"])
    assert order.get("hold_before_state") is None
    refused = api.post(f"/orders/{order_id}/unhold", json={})
    assert refused.status_code == 400
    assert refused.json() == {"message": "You cannot remove the hold."}


def test_cancelled_order_cannot_be_held(sim: Magento2Simulator, api: httpx.Client) -> None:
    order_id = sim.add_order(spec(BAG))
    sim.cancel_order(order_id)
    refused = api.post(f"/orders/{order_id}/hold", json={})
    assert refused.status_code == 400
    assert refused.json() == {"message": "A hold action is not available."}
    assert api.post("/orders/424242/hold", json={}).status_code == 404


def test_each_answer_carries_one_date_header_from_the_store_clock(sim: Magento2Simulator,
                                                                 api: httpx.Client) -> None:
    sim.add_order(spec(BAG))
    for response in (api.get("/orders/1"), api.get("/nothing/here"),
                     api.get("/orders", params={"searchCriteria": ""})):
        dates = response.headers.get_list("date")
        assert len(dates) == 1, dates
        assert abs((parsedate_to_datetime(dates[0]) - START).total_seconds()) < 60

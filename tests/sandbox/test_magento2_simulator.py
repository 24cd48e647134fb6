"""Behaviour of the Magento 2 REST simulator, exercised over real HTTP with plain httpx."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from ecom_ledger_desktop.sandbox.magento2 import DEMO_CATALOG, Magento2Simulator
from ecom_ledger_desktop.sandbox.server import SimClock

TOKEN = "sim-integration-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
START = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
REPO_ROOT = Path(__file__).resolve().parents[2]


def simple_spec(**extra: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "customer": {"email": "jane.doe@example.com", "firstname": "Jane", "lastname": "Doe"},
        "lines": [{"sku": "24-MB01", "name": "Joust Duffle Bag", "qty": 2, "price": 34}],
        "shipping": 5,
        "payment_method": "checkmo",
    }
    spec.update(extra)
    return spec


def criteria(*groups: list[tuple[str, str, str]], sort: Sequence[tuple[str, str | None]] = (),
             size: int | None = None, page: int | None = None) -> dict[str, str]:
    """Bracketed searchCriteria query parameters."""
    params: dict[str, str] = {}
    for g, group in enumerate(groups):
        for f, (field, value, cond) in enumerate(group):
            prefix = f"searchCriteria[filter_groups][{g}][filters][{f}]"
            params[f"{prefix}[field]"] = field
            params[f"{prefix}[value]"] = value
            params[f"{prefix}[condition_type]"] = cond
    for s, (field, direction) in enumerate(sort):
        params[f"searchCriteria[sortOrders][{s}][field]"] = field
        if direction:
            params[f"searchCriteria[sortOrders][{s}][direction]"] = direction
    if size is not None:
        params["searchCriteria[pageSize]"] = str(size)
    if page is not None:
        params["searchCriteria[currentPage]"] = str(page)
    if not params:
        params["searchCriteria"] = ""
    return params


@pytest.fixture
def sim() -> Iterator[Magento2Simulator]:
    with Magento2Simulator(token=TOKEN, clock=SimClock(start=START)) as running:
        yield running


@pytest.fixture
def api(sim: Magento2Simulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{sim.base_url}/rest/default/V1", headers=AUTH, timeout=5) as c:
        yield c


def add_orders(sim: Magento2Simulator, count: int) -> list[int]:
    ids = []
    for i in range(count):
        sim.clock.advance(60)
        ids.append(sim.add_order(simple_spec(lines=[
            {"sku": "24-UG06", "name": "Affirm Water Bottle", "qty": 1, "price": 7 + i}])))
    return ids


# --- routing, errors -------------------------------------------------------------------------

def test_list_without_search_criteria_is_400_field_required(api: httpx.Client) -> None:
    response = api.get("/orders")
    assert response.status_code == 400
    assert response.json() == {"message": '"%fieldName" is required. Enter and try again.',
                               "parameters": {"fieldName": "searchCriteria"}}


def test_store_code_is_optional_and_all_is_accepted(sim: Magento2Simulator) -> None:
    oid = sim.add_order(simple_spec())
    for prefix in ("/rest/V1", "/rest/default/V1", "/rest/all/V1"):
        response = httpx.get(f"{sim.base_url}{prefix}/orders/{oid}", headers=AUTH)
        assert response.status_code == 200
        assert response.json()["entity_id"] == oid


def test_unknown_route_is_404_request_does_not_match(api: httpx.Client) -> None:
    response = api.get("/nothing/here")
    assert response.status_code == 404
    assert response.json() == {"message": "Request does not match any route."}


def test_missing_order_is_404_no_such_entity(api: httpx.Client) -> None:
    response = api.get("/orders/424242")
    assert response.status_code == 404
    assert response.json()["message"] == (
        "The entity that was requested doesn't exist. Verify the entity and try again.")


def test_missing_customer_uses_named_parameters(api: httpx.Client) -> None:
    response = api.get("/customers/999")
    assert response.status_code == 404
    assert response.json() == {"message": "No such entity with %fieldName = %fieldValue",
                               "parameters": {"fieldName": "customerId", "fieldValue": "999"}}


def test_dates_are_utc_without_zone_and_date_header_uses_sim_clock(
        sim: Magento2Simulator, api: httpx.Client) -> None:
    oid = sim.add_order(simple_spec())
    response = api.get(f"/orders/{oid}")
    assert response.json()["created_at"] == "2024-05-01 12:00:00"
    assert response.headers["Date"].endswith("GMT")
    assert "01 May 2024" in response.headers["Date"]


# --- searchCriteria --------------------------------------------------------------------------

def test_filters_in_one_group_are_ored_groups_anded(sim: Magento2Simulator, api: httpx.Client) -> None:
    ids = add_orders(sim, 5)
    sim.invoice_order(ids[1])
    sim.invoice_order(ids[3])
    one_group = criteria([("entity_id", str(ids[0]), "eq"), ("entity_id", str(ids[1]), "eq")])
    assert {o["entity_id"] for o in api.get("/orders", params=one_group).json()["items"]} == {
        ids[0], ids[1]}
    two_groups = criteria([("entity_id", str(ids[0]), "eq"), ("entity_id", str(ids[1]), "eq")],
                          [("status", "processing", "eq")])
    assert [o["entity_id"] for o in api.get("/orders", params=two_groups).json()["items"]] == [ids[1]]


def test_from_and_to_in_one_group_are_ored(sim: Magento2Simulator, api: httpx.Client) -> None:
    ids = add_orders(sim, 5)
    ored = criteria([("entity_id", str(ids[3]), "from"), ("entity_id", str(ids[1]), "to")])
    assert api.get("/orders", params=ored).json()["total_count"] == 4
    anded = criteria([("entity_id", str(ids[1]), "from")], [("entity_id", str(ids[3]), "to")])
    assert api.get("/orders", params=anded).json()["total_count"] == 3


@pytest.mark.parametrize(("cond", "value", "expected"), [
    ("eq", "000000002", {2}), ("neq", "000000002", {1, 3, 4}), ("gt", "000000002", {3, 4}),
    ("gteq", "000000002", {2, 3, 4}), ("moreq", "000000003", {3, 4}), ("lt", "000000002", {1}),
    ("lteq", "000000002", {1, 2}), ("in", "000000001,000000004", {1, 4}),
    ("nin", "000000001,000000004", {2, 3}), ("like", "%0003", {3}), ("nlike", "%0003", {1, 2, 4}),
    ("from", "000000003", {3, 4}), ("to", "000000002", {1, 2}),
])
def test_every_comparison_condition_type(sim: Magento2Simulator, api: httpx.Client, cond: str,
                                         value: str, expected: set[int]) -> None:
    add_orders(sim, 4)
    body = api.get("/orders", params=criteria([("increment_id", value, cond)])).json()
    assert {o["entity_id"] for o in body["items"]} == expected


def test_null_notnull_and_finset_conditions(sim: Magento2Simulator, api: httpx.Client) -> None:
    plain = sim.add_order(simple_spec())
    coupon = sim.add_order(simple_spec(coupon_code="SAVE10", discount=6.8))
    null = api.get("/orders", params=criteria([("coupon_code", "", "null")])).json()
    assert [o["entity_id"] for o in null["items"]] == [plain]
    notnull = api.get("/orders", params=criteria([("coupon_code", "", "notnull")])).json()
    assert [o["entity_id"] for o in notnull["items"]] == [coupon]
    finset = api.get("/orders", params=criteria([("applied_rule_ids", "1", "finset")])).json()
    assert [o["entity_id"] for o in finset["items"]] == [coupon]
    nfinset = api.get("/orders", params=criteria([("applied_rule_ids", "1", "nfinset")])).json()
    assert nfinset["items"] == []


def test_missing_direction_sorts_descending(sim: Magento2Simulator, api: httpx.Client) -> None:
    ids = add_orders(sim, 3)
    body = api.get("/orders", params=criteria(sort=[("entity_id", None)])).json()
    assert [o["entity_id"] for o in body["items"]] == list(reversed(ids))
    assert body["search_criteria"]["sort_orders"] == [{"field": "entity_id", "direction": "DESC"}]


def test_multiple_sort_orders_apply_in_sequence(sim: Magento2Simulator, api: httpx.Client) -> None:
    ids = add_orders(sim, 4)
    for oid in ids:  # same second for everyone: ties broken by the second sort order
        sim.put_raw_order(oid, {**sim.order_json(oid), "updated_at": "2024-05-02 00:00:00"})
    body = api.get("/orders", params=criteria(
        sort=[("updated_at", "ASC"), ("entity_id", "DESC")])).json()
    assert [o["entity_id"] for o in body["items"]] == list(reversed(ids))


def test_missing_page_size_returns_all_rows(sim: Magento2Simulator, api: httpx.Client) -> None:
    add_orders(sim, 25)
    body = api.get("/orders", params=criteria()).json()
    assert len(body["items"]) == body["total_count"] == 25
    assert "page_size" not in body["search_criteria"]


def test_out_of_range_page_repeats_last_page(sim: Magento2Simulator, api: httpx.Client) -> None:
    ids = add_orders(sim, 5)
    asc = [("entity_id", "ASC")]
    last = api.get("/orders", params=criteria(sort=asc, size=2, page=3)).json()
    beyond = api.get("/orders", params=criteria(sort=asc, size=2, page=9)).json()
    assert [o["entity_id"] for o in beyond["items"]] == [o["entity_id"] for o in last["items"]]
    assert [o["entity_id"] for o in beyond["items"]] == [ids[4]]
    assert beyond["total_count"] == 5
    assert beyond["search_criteria"]["current_page"] == 9


def test_out_of_range_page_is_empty_when_quirk_switched_off(
        sim: Magento2Simulator, api: httpx.Client) -> None:
    add_orders(sim, 3)
    sim.configure(repeat_last_page=False)
    body = api.get("/orders", params=criteria(size=2, page=5)).json()
    assert body["items"] == []
    assert body["total_count"] == 3


def test_current_page_zero_is_page_one(sim: Magento2Simulator, api: httpx.Client) -> None:
    add_orders(sim, 3)
    asc = [("entity_id", "ASC")]
    zero = api.get("/orders", params=criteria(sort=asc, size=2, page=0)).json()
    one = api.get("/orders", params=criteria(sort=asc, size=2, page=1)).json()
    assert zero["items"] == one["items"]


def test_camel_case_keys_of_the_swagger_file_are_accepted(
        sim: Magento2Simulator, api: httpx.Client) -> None:
    ids = add_orders(sim, 2)
    params = {"searchCriteria[filterGroups][0][filters][0][field]": "entity_id",
              "searchCriteria[filterGroups][0][filters][0][value]": str(ids[1]),
              "searchCriteria[filterGroups][0][filters][0][conditionType]": "eq"}
    assert [o["entity_id"] for o in api.get("/orders", params=params).json()["items"]] == [ids[1]]


def test_input_limits_default_page_size_and_maximum(sim: Magento2Simulator, api: httpx.Client) -> None:
    add_orders(sim, 25)
    sim.configure(input_limits=True)
    assert len(api.get("/orders", params=criteria()).json()["items"]) == 20
    too_big = api.get("/orders", params=criteria(size=301))
    assert too_big.status_code == 400
    assert too_big.json() == {"message": "Maximum SearchCriteria pageSize is 300"}
    assert api.get("/orders", params=criteria(size=300)).status_code == 200


def test_fields_parameter_trims_response(sim: Magento2Simulator, api: httpx.Client) -> None:
    add_orders(sim, 2)
    params = {**criteria(), "fields": "items[entity_id,increment_id],total_count"}
    body = api.get("/orders", params=params).json()
    assert body == {"items": [{"entity_id": 1, "increment_id": "000000001"},
                              {"entity_id": 2, "increment_id": "000000002"}], "total_count": 2}
    nested = api.get("/orders/1", params={
        "fields": "entity_id,items[sku],extension_attributes[shipping_assignments[shipping[method]]]"})
    assert nested.json() == {"entity_id": 1, "items": [{"sku": "24-UG06"}], "extension_attributes": {
        "shipping_assignments": [{"shipping": {"method": "flatrate_flatrate"}}]}}


# --- auth ------------------------------------------------------------------------------------

def test_bearer_disabled_gives_401_with_acl_message(sim: Magento2Simulator, api: httpx.Client) -> None:
    sim.configure(bearer_enabled=False)
    response = api.get("/orders", params=criteria())
    assert response.status_code == 401
    assert response.json() == {"message": "The consumer isn't authorized to access %resources.",
                               "parameters": {"resources": "Magento_Sales::sales"}}
    stock = api.get("/stockItems/24-MB01")
    assert stock.json()["parameters"]["resources"] == "Magento_CatalogInventory::cataloginventory"


def test_wrong_or_missing_token_gives_401(sim: Magento2Simulator) -> None:
    url = f"{sim.base_url}/rest/V1/products/24-MB01"
    assert httpx.get(url).status_code == 401
    wrong = httpx.get(url, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert wrong.json()["parameters"] == {"resources": "Magento_Catalog::products"}


def test_admin_token_is_a_json_string_valid_four_hours(sim: Magento2Simulator) -> None:
    sim.configure(bearer_enabled=False)
    root = f"{sim.base_url}/rest/V1"
    bad = httpx.post(f"{root}/integration/admin/token", json={"username": "admin", "password": "x"})
    assert bad.status_code == 401
    response = httpx.post(f"{root}/integration/admin/token",
                          json={"username": "admin", "password": "admin123"})
    token = response.json()
    assert isinstance(token, str)
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{root}/orders", params=criteria(), headers=headers).status_code == 200
    sim.clock.advance(4 * 3600 + 1)
    assert httpx.get(f"{root}/orders", params=criteria(), headers=headers).status_code == 401


def _oauth_header(method: str, url: str, query: dict[str, str], algo: str) -> str:
    oauth = {"oauth_consumer_key": "sim-consumer-key", "oauth_token": TOKEN,
             "oauth_signature_method": algo, "oauth_timestamp": "1714564800",
             "oauth_nonce": "abc123", "oauth_version": "1.0"}

    def enc(text: str) -> str:
        return quote(text, safe="~-._")

    pairs = sorted((enc(k), enc(v)) for k, v in [*query.items(), *oauth.items()])
    normalized = "&".join(f"{k}={v}" for k, v in pairs)
    base = "&".join([method, enc(url), enc(normalized)])
    digest = hashlib.sha256 if algo == "HMAC-SHA256" else hashlib.sha1
    key = b"sim-consumer-secret&sim-token-secret"
    oauth["oauth_signature"] = base64.b64encode(hmac.new(key, base.encode(), digest).digest()).decode()
    return "OAuth " + ", ".join(f'{k}="{enc(v)}"' for k, v in oauth.items())


@pytest.mark.parametrize("algo", ["HMAC-SHA256", "HMAC-SHA1"])
def test_oauth1_signed_requests_are_accepted_even_with_bearer_off(
        sim: Magento2Simulator, algo: str) -> None:
    sim.configure(bearer_enabled=False)
    url = f"{sim.base_url}/rest/V1/orders"
    query = criteria(size=5)
    good = httpx.get(url, params=query, headers={"Authorization": _oauth_header("GET", url, query, algo)})
    assert good.status_code == 200
    tampered = _oauth_header("GET", url, {**query, "searchCriteria[pageSize]": "6"}, algo)
    assert httpx.get(url, params=query, headers={"Authorization": tampered}).status_code == 401


# --- order shape -----------------------------------------------------------------------------

def test_configurable_order_has_parent_with_child_sku_and_zero_priced_child(
        sim: Magento2Simulator, api: httpx.Client) -> None:
    oid = sim.add_order(simple_spec(lines=[{
        "sku": "MH01-S-Gray", "name": "Chaz Kangeroo Hoodie", "qty": 1, "price": 52,
        "configurable_parent_sku": "MH01"}]))
    order = api.get(f"/orders/{oid}").json()
    parent, child = order["items"]
    assert parent["product_type"] == "configurable"
    assert parent["sku"] == "MH01-S-Gray"
    assert (parent["price"], parent["row_total"], parent.get("parent_item_id")) == (52, 52, None)
    assert child["product_type"] == "simple"
    assert child["parent_item_id"] == parent["item_id"]
    assert child["price"] == 0 and child["row_total"] == 0
    assert child["sku"] == "MH01-S-Gray"
    assert child["name"] == "Chaz Kangeroo Hoodie-S-Gray"
    assert child["parent_item"]["item_id"] == parent["item_id"]
    assert child["parent_item"]["price"] == 52
    assert order["subtotal"] == 52


def test_bundle_children_carry_their_own_prices(sim: Magento2Simulator, api: httpx.Client) -> None:
    children = [{"sku": "24-WG082-blue", "qty": 1, "price": 27}, {"sku": "24-WG084", "qty": 1, "price": 5}]
    fixed = sim.add_order(simple_spec(lines=[{"sku": "24-WG080", "type": "bundle", "qty": 1,
                                              "children": children}]))
    order = api.get(f"/orders/{fixed}").json()
    parent = order["items"][0]
    assert (parent["product_type"], parent["price"], parent["sku"]) == ("bundle", 32, "24-WG080")
    assert "tax_percent" not in parent
    assert [(c["sku"], c["price"], c["parent_item_id"]) for c in order["items"][1:]] == [
        ("24-WG082-blue", 27, parent["item_id"]), ("24-WG084", 5, parent["item_id"])]
    assert order["subtotal"] == 32
    dynamic = sim.add_order(simple_spec(lines=[{"sku": "24-WG080", "type": "bundle", "qty": 1,
                                                "sku_type": "dynamic", "children": children}]))
    assert sim.order_json(dynamic)["items"][0]["sku"] == "24-WG080-24-WG082-blue-24-WG084"


def test_items_repeat_in_shipping_assignments_and_shipping_address_lives_only_there(
        sim: Magento2Simulator, api: httpx.Client) -> None:
    oid = sim.add_order(simple_spec(shipping_address={"city": "Albany", "postcode": "12207"}))
    order = api.get(f"/orders/{oid}").json()
    assert "shipping_address" not in order
    assignment = order["extension_attributes"]["shipping_assignments"][0]
    assert assignment["items"] == order["items"]
    address = assignment["shipping"]["address"]
    assert (address["address_type"], address["city"]) == ("shipping", "Albany")
    assert order["billing_address"]["address_type"] == "billing"


def test_virtual_order_has_shipping_assignment_without_address(
        sim: Magento2Simulator, api: httpx.Client) -> None:
    oid = sim.add_order(simple_spec(lines=[{"sku": "240-LV08", "qty": 1, "price": 18}], shipping=5))
    order = api.get(f"/orders/{oid}").json()
    assert order["is_virtual"] == 1
    assert order["shipping_amount"] == 0
    assert "address" not in order["extension_attributes"]["shipping_assignments"][0]["shipping"]
    assert order["items"][0]["product_type"] == "downloadable"


def test_guest_order_is_flagged_and_has_no_customer_id(sim: Magento2Simulator, api: httpx.Client) -> None:
    oid = sim.add_order(simple_spec(customer=None, guest={
        "email": "zoe@example.com", "firstname": "Zoë", "lastname": "O'Brien"}))
    order = api.get(f"/orders/{oid}").json()
    assert order["customer_is_guest"] == 1
    assert "customer_id" not in order
    assert (order["customer_email"], order["customer_firstname"]) == ("zoe@example.com", "Zoë")
    assert order["billing_address"]["lastname"] == "O'Brien"


def test_totals_are_exact_numbers_and_order_discount_is_negative(
        sim: Magento2Simulator, api: httpx.Client) -> None:
    oid = sim.add_order(simple_spec(
        lines=[{"sku": "24-MB01", "qty": 3, "price": "19.99", "tax_percent": "8.875"},
               {"sku": "24-UG06", "qty": 1, "price": 7.0, "tax_percent": 8.875}],
        discount="10", coupon_code="SAVE10", shipping="5"))
    response = api.get(f"/orders/{oid}")
    order = response.json()
    # subtotal 59.97 + 7 = 66.97; discount 10 spread 8.95 / 1.05; tax 4.53 + 0.53
    assert order["subtotal"] == 66.97
    assert order["discount_amount"] == -10
    assert order["base_discount_amount"] == -10
    assert [i["discount_amount"] for i in order["items"]] == [8.95, 1.05]
    assert [i["tax_amount"] for i in order["items"]] == [4.53, 0.53]
    assert order["tax_amount"] == 5.06
    assert order["grand_total"] == 67.03
    assert order["coupon_code"] == "SAVE10"
    assert '"shipping_amount":5,' in response.text  # integers without ".0"
    assert order["increment_id"] == f"{oid:09d}"
    assert order["payment"]["method"] == "checkmo"
    assert order["extension_attributes"]["applied_taxes"][0]["amount"] == 5.06


def test_foreign_currency_order_keeps_base_amounts(sim: Magento2Simulator, api: httpx.Client) -> None:
    oid = sim.add_order(simple_spec(currency="EUR", base_currency="USD", base_to_order_rate="0.9",
                                    lines=[{"sku": "24-MB01", "qty": 1, "price": 45}], shipping=0))
    order = api.get(f"/orders/{oid}").json()
    assert (order["order_currency_code"], order["base_currency_code"]) == ("EUR", "USD")
    assert order["base_to_order_rate"] == 0.9
    assert (order["grand_total"], order["base_grand_total"]) == (45, 50)


# --- writes and lifecycle --------------------------------------------------------------------

def test_comment_bumps_updated_at_and_sets_status_label_only(
        sim: Magento2Simulator, api: httpx.Client) -> None:
    oid = sim.add_order(simple_spec())
    before = api.get(f"/orders/{oid}").json()
    sim.clock.advance(90)
    response = api.post(f"/orders/{oid}/comments", json={"statusHistory": {
        "comment": "Posted to QuickBooks #1042", "is_customer_notified": 0,
        "is_visible_on_front": 0, "status": "exported"}})
    assert response.status_code == 200
    assert response.json() is True
    after = api.get(f"/orders/{oid}").json()
    assert after["updated_at"] > before["updated_at"]
    assert (after["status"], after["state"]) == ("exported", "new")
    history = after["status_histories"][0]
    assert history["comment"] == "Posted to QuickBooks #1042"
    assert (history["entity_name"], history["parent_id"]) == ("order", oid)
    assert sim.comments(oid) == ["Posted to QuickBooks #1042"]


def test_body_without_json_content_type_is_400(sim: Magento2Simulator, api: httpx.Client) -> None:
    oid = sim.add_order(simple_spec())
    body = json.dumps({"statusHistory": {"comment": "x"}})
    response = api.post(f"/orders/{oid}/comments", content=body, headers={"Content-Type": "text/plain"})
    assert response.status_code == 400
    assert response.json()["parameters"] == ["text/plain"]
    missing = api.post(f"/orders/{oid}/comments", json={"comment": "x"})
    assert missing.json()["parameters"] == {"fieldName": "statusHistory"}
    assert sim.comments(oid) == []


def test_invoice_marks_order_paid(sim: Magento2Simulator, api: httpx.Client) -> None:
    oid = sim.add_order(simple_spec())
    sim.clock.advance(30)
    invoice_id = sim.invoice_order(oid)
    order = api.get(f"/orders/{oid}").json()
    assert (order["state"], order["status"]) == ("processing", "processing")
    assert (order["total_paid"], order["total_due"], order["total_invoiced"]) == (73, 0, 73)
    assert order["updated_at"] == "2024-05-01 12:00:30"
    invoices = api.get("/invoices", params=criteria([("order_id", str(oid), "eq")])).json()
    assert [i["entity_id"] for i in invoices["items"]] == [invoice_id]
    assert invoices["items"][0]["state"] == 2


def test_cancel_unpaid_order(sim: Magento2Simulator, api: httpx.Client) -> None:
    oid = sim.add_order(simple_spec())
    sim.cancel_order(oid)
    order = api.get(f"/orders/{oid}").json()
    assert (order["state"], order["status"], order["total_canceled"]) == ("canceled", "canceled", 73)


def test_credit_memo_partial_refund(sim: Magento2Simulator, api: httpx.Client) -> None:
    oid = sim.add_order(simple_spec(paid=True, lines=[
        {"sku": "24-MB01", "qty": 2, "price": 34, "tax_percent": 10},
        {"sku": "MH01-S-Gray", "name": "Chaz Kangeroo Hoodie", "qty": 1, "price": 52,
         "configurable_parent_sku": "MH01"}]))
    sim.clock.advance(3600)
    memo_id = sim.refund_order(oid, {"lines": [{"sku": "24-MB01", "qty": 1}], "shipping": 5,
                                     "adjustment_negative": 2})
    memo = api.get(f"/creditmemo/{memo_id}").json()
    assert memo["order_id"] == oid
    assert memo["state"] == 2
    assert (memo["subtotal"], memo["tax_amount"], memo["shipping_amount"]) == (34, 3.4, 5)
    assert (memo["adjustment_negative"], memo["adjustment"], memo["grand_total"]) == (2, -2, 40.4)
    assert [(i["sku"], i["qty"], i["order_item_id"]) for i in memo["items"]] == [
        ("24-MB01", 1, sim.order_json(oid)["items"][0]["item_id"])]
    assert memo["items"][0]["weee_tax_applied"] == "[]"
    order = api.get(f"/orders/{oid}").json()
    assert order["total_refunded"] == 40.4
    assert order["state"] == "processing"
    assert order["items"][0]["qty_refunded"] == 1
    assert order["updated_at"] == "2024-05-01 13:00:00"
    assert sim.comments(oid) == ["We refunded $40.40 offline."]
    listed = api.get("/creditmemos", params=criteria([("order_id", str(oid), "eq")])).json()
    assert listed["total_count"] == 1
    assert api.get("/creditmemo/999").status_code == 404


def test_refund_everything_closes_the_order(sim: Magento2Simulator) -> None:
    oid = sim.add_order(simple_spec(paid=True))
    sim.refund_order(oid, {})
    order = sim.order_json(oid)
    assert (order["state"], order["total_refunded"]) == ("closed", 73)


def test_edit_order_rebuilds_lines_and_bumps_updated_at(sim: Magento2Simulator) -> None:
    oid = sim.add_order(simple_spec(paid=True))
    sim.clock.advance(120)
    sim.edit_order(oid, {"lines": [{"sku": "24-UG06", "qty": 3, "price": 7}],
                         "billing_address": {"city": "Ithaca"}})
    order = sim.order_json(oid)
    assert (order["subtotal"], order["grand_total"], order["total_paid"]) == (21, 26, 26)
    assert order["billing_address"]["city"] == "Ithaca"
    assert order["updated_at"] == "2024-05-01 12:02:00"
    assert order["state"] == "processing"


def test_put_raw_order_is_served_verbatim(sim: Magento2Simulator, api: httpx.Client) -> None:
    oid = sim.add_order(simple_spec())
    raw = {"entity_id": oid, "increment_id": None, "grand_total": "12,50", "items": "broken"}
    sim.put_raw_order(oid, raw)
    assert api.get(f"/orders/{oid}").json() == raw
    assert api.get("/orders", params=criteria(sort=[("updated_at", "ASC")])).json()["items"] == [raw]


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

"""Behaviour of the Magento 2 REST simulator, exercised over real HTTP with plain httpx:
searchCriteria (filter groups, conditions, sorting, paging, fields)."""

from __future__ import annotations

import httpx
import pytest

from ecom_ledger_desktop.sandbox.magento2 import Magento2Simulator
from tests.sandbox.magento2.support import add_orders, criteria, simple_spec

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

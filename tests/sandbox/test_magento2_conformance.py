"""The Magento 2 simulator's JSON against the 2.4.8 Swagger file and the real captures.

Swagger 2 cannot say "nullable", yet real responses carry nulls (the captured order's
``payment.account_status`` is null while the file types it as a required string), so every
property here also accepts null. The file also types ``error-response.parameters`` as an
array of objects, while real 4xx bodies use an object (named placeholders) or a list of
strings (positional ones); the test proves that against the captures, then validates errors
with ``parameters`` widened to what real stores send.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import jsonschema  # type: ignore[import-untyped]
import pytest
import yaml

from ecom_ledger_desktop.sandbox.magento2 import Magento2Simulator
from ecom_ledger_desktop.sandbox.server import SimClock

pytestmark = pytest.mark.conformance

TOKEN = "sim-integration-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CAPTURE_ORDER = "order_3_simple_downloadable_bundle_configurable.json"

# The captured order (GET /V1/orders/3 from Adobe's tutorial) rebuilt as a compact spec.
CAPTURE_LIKE_SPEC: dict[str, Any] = {
    "customer": {"email": "jdoe@example.com", "firstname": "Jane", "lastname": "Doe"},
    "lines": [
        {"sku": "WS12-M-Orange", "name": "Radiant Tee-M-Orange", "qty": 1, "price": 22},
        {"sku": "240-LV08", "name": "Advanced Pilates & Yoga (Strength)", "qty": 1, "price": 18},
        {"sku": "24-WG080", "type": "bundle", "sku_type": "dynamic", "qty": 1, "children": [
            {"sku": "24-WG082-blue", "price": 27}, {"sku": "24-WG084", "price": 5},
            {"sku": "24-WG086", "price": 17}, {"sku": "24-WG088", "price": 19}]},
        {"sku": "MH01-S-Gray", "name": "Chaz Kangeroo Hoodie", "qty": 1, "price": 52,
         "configurable_parent_sku": "MH01"},
    ],
    "shipping": 5, "payment_method": "banktransfer", "shipping_method": "tablerate_bestway",
    "applied_rule_ids": "1",
}


@pytest.fixture(scope="module")
def definitions(reference_dir: Path) -> dict[str, Any]:
    """The Swagger ``definitions`` of admin-schema-2.4.8.yaml."""
    path = reference_dir / "specs" / "magento2" / "admin-schema-2.4.8.yaml"
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as handle:
        spec = yaml.load(handle, Loader=loader)  # noqa: S506 - a safe loader either way
    return dict(spec["definitions"])


def _nullable(node: Any) -> Any:
    """Swagger 2 -> JSON Schema: every property may also be null (see module docstring)."""
    if isinstance(node, list):
        return [_nullable(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _nullable(v) for k, v in node.items() if k not in ("xml", "example")}
    if isinstance(out.get("properties"), dict):
        out["properties"] = {name: {"anyOf": [schema, {"type": "null"}]}
                             for name, schema in out["properties"].items()}
    return out


def validator(definitions: dict[str, Any], name: str, *, real_error_parameters: bool = True,
              nullable: bool = True) -> jsonschema.Draft4Validator:
    defs = _nullable(definitions) if nullable else dict(definitions)
    if real_error_parameters:
        defs["error-parameters"] = {"anyOf": [
            {"type": "object"}, {"type": "array", "items": {"type": ["string", "integer", "object"]}}]}
    schema = {"definitions": defs, "$ref": f"#/definitions/{name}"}
    return jsonschema.Draft4Validator(schema)


def assert_valid(definitions: dict[str, Any], name: str, document: Any) -> None:
    errors = sorted(validator(definitions, name).iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message[:200]}" for e in errors[:10])


@pytest.fixture(scope="module")
def sim() -> Iterator[Magento2Simulator]:
    clock = SimClock(start=datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC))
    with Magento2Simulator(token=TOKEN, clock=clock, seed=7, seed_orders=40) as running:
        yield running


@pytest.fixture(scope="module")
def api(sim: Magento2Simulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{sim.base_url}/rest/default/V1", headers=AUTH, timeout=5) as c:
        yield c


@pytest.fixture(scope="module")
def rich_order_id(sim: Magento2Simulator) -> int:
    """A paid, partly refunded, commented guest order with tax, discount and every line kind."""
    spec = {**CAPTURE_LIKE_SPEC, "customer": None,
            "guest": {"email": "zoe@example.com", "firstname": "Zoë", "lastname": "O'Brien"},
            "coupon_code": "SAVE10", "discount": "9.50", "paid": True}
    spec["lines"] = [{**line, "tax_percent": "8.875"} for line in spec["lines"]]
    oid = sim.add_order(spec)
    sim.refund_order(oid, {"lines": [{"sku": "240-LV08", "qty": 1}], "adjustment_positive": 1})
    sim.state.add_comment(oid, {"comment": "Posted", "is_customer_notified": 0})
    return oid


def _capture(reference_dir: Path, name: str) -> Any:
    return json.loads((reference_dir / "payloads" / "magento2" / name).read_text(encoding="utf-8"))


# --- the translation itself is sound ----------------------------------------------------------

def test_real_captures_validate_against_translated_schema(
        reference_dir: Path, definitions: dict[str, Any]) -> None:
    assert_valid(definitions, "sales-data-order-interface", _capture(reference_dir, CAPTURE_ORDER))
    assert_valid(definitions, "sales-data-creditmemo-interface",
                 _capture(reference_dir, "creditmemo_1.json"))
    assert_valid(definitions, "sales-data-invoice-interface", _capture(reference_dir, "invoice_3.json"))


def test_swagger_error_parameters_disagree_with_real_bodies(
        reference_dir: Path, definitions: dict[str, Any]) -> None:
    strict = validator(definitions, "error-response", real_error_parameters=False)
    real_404 = _capture(reference_dir, "error_404_no_such_entity_named_params.json")
    assert not strict.is_valid(real_404)  # the file says array, the store sends an object
    assert validator(definitions, "error-response").is_valid(real_404)


# --- simulator documents against the Swagger definitions ---------------------------------------

def test_order_matches_swagger(api: httpx.Client, definitions: dict[str, Any], rich_order_id: int) -> None:
    assert_valid(definitions, "sales-data-order-interface", api.get(f"/orders/{rich_order_id}").json())


def test_order_search_result_matches_swagger(api: httpx.Client, definitions: dict[str, Any],
                                             rich_order_id: int) -> None:
    body = api.get("/orders", params={
        "searchCriteria[filter_groups][0][filters][0][field]": "updated_at",
        "searchCriteria[filter_groups][0][filters][0][value]": "2024-01-01 00:00:00",
        "searchCriteria[filter_groups][0][filters][0][condition_type]": "gteq",
        "searchCriteria[sortOrders][0][field]": "updated_at",
        "searchCriteria[sortOrders][0][direction]": "ASC",
        "searchCriteria[pageSize]": "50", "searchCriteria[currentPage]": "1"}).json()
    assert body["total_count"] == 42  # 40 seeded, the demo's duplicate buyer, the rich order
    assert_valid(definitions, "sales-data-order-search-result-interface", body)


def test_credit_memo_and_lists_match_swagger(api: httpx.Client, definitions: dict[str, Any],
                                             rich_order_id: int) -> None:
    memos = api.get("/creditmemos", params={"searchCriteria": ""}).json()
    assert memos["total_count"] >= 1
    assert_valid(definitions, "sales-data-creditmemo-search-result-interface", memos)
    memo = api.get(f"/creditmemo/{memos['items'][-1]['entity_id']}").json()
    assert_valid(definitions, "sales-data-creditmemo-interface", memo)
    invoices = api.get("/invoices", params={"searchCriteria": ""}).json()
    assert_valid(definitions, "sales-data-invoice-search-result-interface", invoices)


def test_catalog_stock_and_customers_match_swagger(api: httpx.Client, definitions: dict[str, Any]) -> None:
    assert_valid(definitions, "catalog-data-product-interface", api.get("/products/MH01-S-Gray").json())
    assert_valid(definitions, "catalog-inventory-data-stock-item-interface",
                 api.get("/stockItems/24-MB01").json())
    customers = api.get("/customers/search", params={"searchCriteria[pageSize]": "5"}).json()
    assert_valid(definitions, "customer-data-customer-search-results-interface", customers)
    sources = api.get("/inventory/source-items", params={"searchCriteria[pageSize]": "5"}).json()
    assert_valid(definitions, "inventory-api-data-source-item-search-results-interface", sources)


def test_error_bodies_match_swagger(sim: Magento2Simulator, definitions: dict[str, Any]) -> None:
    root = f"{sim.base_url}/rest/V1"
    bodies = [
        httpx.get(f"{root}/orders/99999", headers=AUTH),
        httpx.get(f"{root}/customers/99999", headers=AUTH),
        httpx.get(f"{root}/orders", headers=AUTH),
        httpx.get(f"{root}/orders", params={"searchCriteria": ""}),
        httpx.get(f"{root}/no/such/route", headers=AUTH),
        httpx.post(f"{root}/orders/1/comments", content="x", headers={**AUTH, "Content-Type": "text/plain"}),
    ]
    assert [r.status_code for r in bodies] == [404, 404, 400, 401, 404, 400]
    for response in bodies:
        assert_valid(definitions, "error-response", response.json())


# --- simulator documents against the real capture ---------------------------------------------

def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def _type_mismatches(real: Any, ours: Any, path: str = "") -> list[str]:
    if isinstance(real, dict) and isinstance(ours, dict):
        return [m for key in sorted(set(real) & set(ours))
                for m in _type_mismatches(real[key], ours[key], f"{path}.{key}")]
    if isinstance(real, list) and isinstance(ours, list):
        return _type_mismatches(real[0], ours[0], f"{path}[0]") if real and ours else []
    if _kind(real) != _kind(ours):
        return [f"{path}: capture {_kind(real)} vs simulator {_kind(ours)}"]
    return []


@pytest.fixture(scope="module")
def capture_like(sim: Magento2Simulator, api: httpx.Client) -> dict[str, Any]:
    return dict(api.get(f"/orders/{sim.add_order(CAPTURE_LIKE_SPEC)}").json())


def test_order_has_same_keys_and_types_as_real_capture(
        reference_dir: Path, capture_like: dict[str, Any]) -> None:
    real = _capture(reference_dir, CAPTURE_ORDER)
    assert _type_mismatches(real, capture_like) == []
    assert set(real) <= set(capture_like)
    for section in ("billing_address", "payment"):
        assert set(real[section]) <= set(capture_like[section]), section
    real_ship = real["extension_attributes"]["shipping_assignments"][0]
    ours_ship = capture_like["extension_attributes"]["shipping_assignments"][0]
    assert set(real_ship["shipping"]) <= set(ours_ship["shipping"])
    assert set(real_ship["shipping"]["total"]) == set(ours_ship["shipping"]["total"])
    assert set(real_ship["shipping"]["address"]) <= set(ours_ship["shipping"]["address"])
    assert isinstance(capture_like["status_histories"], list)


def test_order_rows_mirror_the_capture_row_by_row(
        reference_dir: Path, capture_like: dict[str, Any]) -> None:
    real = _capture(reference_dir, CAPTURE_ORDER)
    assert len(real["items"]) == len(capture_like["items"])
    for real_row, our_row in zip(real["items"], capture_like["items"], strict=True):
        assert set(real_row) == set(our_row), real_row["sku"]
        assert (real_row["product_type"], real_row["price"]) == (
            our_row["product_type"], our_row["price"])
        if real_row["product_type"] == "bundle":  # dynamic SKU: bundle SKU + selections
            assert set(our_row["sku"].split("-24-")) == set(real_row["sku"].split("-24-"))
        else:
            assert real_row["sku"] == our_row["sku"]
        assert ("parent_item_id" in real_row) == ("parent_item_id" in our_row)
    for key in ("subtotal", "grand_total", "shipping_amount", "total_qty_ordered", "weight",
                "discount_amount", "tax_amount", "total_due", "increment_id", "state", "status"):
        if key == "increment_id":
            assert isinstance(capture_like[key], str) and len(capture_like[key]) == 9
        else:
            assert capture_like[key] == real[key], key
    ship_items = capture_like["extension_attributes"]["shipping_assignments"][0]["items"]
    assert ship_items == capture_like["items"]


def test_credit_memo_has_same_keys_and_types_as_real_capture(
        reference_dir: Path, sim: Magento2Simulator, api: httpx.Client) -> None:
    oid = sim.add_order({"customer": None, "lines": [{"sku": "24-MB01", "qty": 1, "price": 100}],
                         "shipping": 5, "paid": True})
    memo_id = sim.refund_order(oid, {})
    ours = api.get(f"/creditmemo/{memo_id}").json()
    real = _capture(reference_dir, "creditmemo_1.json")
    assert _type_mismatches(real, ours) == []
    assert set(real) == set(ours)
    assert set(real["items"][0]) <= set(ours["items"][0])
    assert (ours["grand_total"], ours["subtotal"], ours["shipping_amount"], ours["state"]) == (
        105, 100, 5, 2)


def test_invoice_has_same_keys_and_types_as_real_capture(
        reference_dir: Path, sim: Magento2Simulator, api: httpx.Client) -> None:
    oid = sim.add_order({**CAPTURE_LIKE_SPEC, "paid": True})
    body = api.get("/invoices", params={
        "searchCriteria[filter_groups][0][filters][0][field]": "order_id",
        "searchCriteria[filter_groups][0][filters][0][value]": str(oid)}).json()
    ours = body["items"][0]
    real = _capture(reference_dir, "invoice_3.json")
    assert _type_mismatches(real, ours) == []
    assert set(real) <= set(ours)
    assert [set(r) for r in real["items"]] == [set(o) for o in ours["items"]]


def test_source_items_search_has_real_shape(reference_dir: Path, api: httpx.Client) -> None:
    real = _capture(reference_dir, "inventory_source_items_search.json")
    ours = api.get("/inventory/source-items", params={
        "searchCriteria[filter_groups][0][filters][0][field]": "sku",
        "searchCriteria[filter_groups][0][filters][0][value]": "24-MB01",
        "searchCriteria[filter_groups][0][filters][0][condition_type]": "eq"}).json()
    assert _type_mismatches(real, ours) == []
    assert ours["search_criteria"] == {"filter_groups": [{"filters": [
        {"field": "sku", "value": "24-MB01", "condition_type": "eq"}]}]}


def test_fields_filter_has_real_shape(reference_dir: Path, api: httpx.Client) -> None:
    real = _capture(reference_dir, "orders_search_fields_filter.json")
    ours = api.get("/orders", params={
        "searchCriteria[filter_groups][0][filters][0][field]": "status",
        "searchCriteria[filter_groups][0][filters][0][value]": "pending",
        "searchCriteria[sortOrders][0][field]": "increment_id",
        "fields": "items[increment_id,entity_id]"}).json()
    assert set(ours) == set(real) == {"items"}
    assert ours["items"] and set(ours["items"][0]) == set(real["items"][0])


def test_error_bodies_equal_real_captures_where_captured(
        reference_dir: Path, sim: Magento2Simulator) -> None:
    sim.configure(rate_limit_per_minute=1)
    try:
        url = f"{sim.base_url}/rest/V1/products/24-MB01"
        httpx.get(url, headers=AUTH)
        limited = httpx.get(url, headers=AUTH)
    finally:
        sim.configure(rate_limit_per_minute=None)
    assert limited.status_code == 429
    assert limited.json() == _capture(reference_dir, "error_429_too_many_requests.json")
    real_401 = _capture(reference_dir, "error_401_consumer_not_authorized.json")
    ours_401 = httpx.get(url).json()
    assert ours_401["message"] == real_401["message"]
    assert set(ours_401["parameters"]) == set(real_401["parameters"])

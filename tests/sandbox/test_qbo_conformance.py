"""QBO simulator vs the shared reference: real captured payloads and the QBO v3 XSD.

(1) For every capture we can reproduce, the simulator's answer has the same JSON types for the
keys both share (and the envelope keys match). (2) Every entity the simulator returns,
converted to XML in the XSD's element order, validates against ``specs/qbo``.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from ecom_ledger_desktop.sandbox.server import SimClock

pytestmark = pytest.mark.conformance

NS = "http://schema.intuit.com/finance/v3"
TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$")
META_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


@pytest.fixture(scope="module")
def captures(reference_dir: Path) -> Path:
    return reference_dir / "payloads" / "qbo"


@pytest.fixture(scope="module")
def schema(reference_dir: Path) -> Any:
    xmlschema = pytest.importorskip("xmlschema")
    return xmlschema.XMLSchema(str(reference_dir / "specs" / "qbo" / "IntuitRestServiceDef.xsd"))


class World:
    """A simulator with one of everything, and the raw answers that created them."""

    def __init__(self, sim: QboSimulator, api: httpx.Client) -> None:
        self.sim = sim
        self.api = api
        self.answers: dict[str, httpx.Response] = {}

    def post(self, name: str, path: str, body: Any, **params: str) -> dict[str, Any]:
        resp = self.api.post(path, json=body, params=params)
        self.answers[name] = resp
        out: dict[str, Any] = resp.json()
        return out


@pytest.fixture(scope="module")
def world(reference_dir: Path) -> Iterator[World]:
    del reference_dir  # only for the skip
    with QboSimulator(clock=SimClock(scale=1.0)) as sim:
        sim.seed_items([{"sku": "WID-A", "name": "Widget A", "price": 19.99, "qty": 10}])
        token = sim.issue_tokens()["access_token"]
        with httpx.Client(base_url=f"{sim.base_url}/v3/company/{sim.realm_id}",
                          headers={"Authorization": f"Bearer {token}"}, timeout=10) as api:
            w = World(sim, api)
            widget = next(i["Id"] for i in sim.entities("Item") if i.get("Sku") == "WID-A")
            fees = next(i["Id"] for i in sim.entities("Item") if i["Name"] == "Fees")
            cust = w.post("customer_create", "/customer", {
                "DisplayName": "Doe5, Jane", "PrimaryEmailAddr": {"Address": "jane@example.com"},
                "BillAddr": {"Line1": "1 Main St", "City": "Tucson", "PostalCode": "85719"},
                "PrimaryPhone": {"FreeFormNumber": "(520) 555-0100"}})["Customer"]
            w.post("customer_update", "/customer", {
                "DisplayName": "Jack Moe", "PrimaryPhone": {"FreeFormNumber": "(415) 444-1234"},
                "Id": cust["Id"], "SyncToken": "0"})
            line = {"Amount": 39.98, "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {"ItemRef": {"value": widget}, "Qty": 2,
                                            "UnitPrice": 19.99, "TaxCodeRef": {"value": "TAX"}}}
            discount = {"Amount": 4, "DetailType": "DiscountLineDetail",
                        "DiscountLineDetail": {"PercentBased": True, "DiscountPercent": 10}}
            inv = w.post("invoice_create", "/invoice", {
                "CustomerRef": {"value": cust["Id"]}, "DocNumber": "1043",
                "Line": [line, discount],
                "TxnTaxDetail": {"TxnTaxCodeRef": {"value": "2"}}})["Invoice"]
            w.post("payment_create", "/payment", {
                "CustomerRef": {"value": cust["Id"]}, "TotalAmt": 10,
                "Line": [{"Amount": 10, "LinkedTxn": [{"TxnId": inv["Id"],
                                                      "TxnType": "Invoice"}]}]})
            other = w.post("invoice_other", "/invoice", {
                "CustomerRef": {"value": cust["Id"]},
                "Line": [{"Amount": 100.0, "DetailType": "SalesItemLineDetail",
                          "SalesItemLineDetail": {"ItemRef": {"value": fees}}}]})["Invoice"]
            w.post("invoice_void", "/invoice", {"Id": other["Id"], "SyncToken": "0"},
                   operation="void")
            third = w.post("invoice_third", "/invoice", {
                "CustomerRef": {"value": cust["Id"]},
                "Line": [{"Amount": 5, "DetailType": "SalesItemLineDetail",
                          "SalesItemLineDetail": {"ItemRef": {"value": fees}}}]})["Invoice"]
            w.post("invoice_delete", "/invoice", {"Id": third["Id"], "SyncToken": "0"},
                   operation="delete")
            receipt = w.post("salesreceipt_create", "/salesreceipt", {
                "DocNumber": "1008", "Line": [line]})["SalesReceipt"]
            w.post("salesreceipt_update", "/salesreceipt", {
                "Line": [{"Description": "Custom Design", "Amount": 337.5,
                          "DetailType": "SalesItemLineDetail",
                          "SalesItemLineDetail": {"ItemRef": {"value": fees}, "UnitPrice": 75,
                                                  "Qty": 4.5, "TaxCodeRef": {"value": "NON"}}}],
                "Id": receipt["Id"], "SyncToken": receipt["SyncToken"]}, requestid="a90bfae9")
            w.post("refundreceipt_create", "/refundreceipt", {
                "CustomerRef": {"value": cust["Id"]}, "Line": [line],
                "DepositToAccountRef": {"value": "1"}})
            w.post("creditmemo_create", "/creditmemo", {
                "CustomerRef": {"value": cust["Id"]}, "Line": [line]})
            w.post("item_create", "/item", {
                "Name": "Widget Z", "Sku": "WID-Z", "Type": "Inventory", "TrackQtyOnHand": True,
                "QtyOnHand": 5, "InvStartDate": "2024-01-01", "UnitPrice": 3.5,
                "IncomeAccountRef": {"value": "5"}, "ExpenseAccountRef": {"value": "9"},
                "AssetAccountRef": {"value": "4"}})
            yield w


# ----------------------------------------------------------------- JSON shapes
def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if value is None:
        return "null"
    return type(value).__name__


def same_shape(ours: Any, real: Any, path: str = "$") -> list[str]:
    """Differences in JSON type for the keys both documents share (lists: first items)."""
    if _kind(ours) != _kind(real):
        return [f"{path}: {_kind(ours)} != {_kind(real)}"]
    problems: list[str] = []
    if isinstance(ours, dict):
        for key in ours.keys() & real.keys():
            problems += same_shape(ours[key], real[key], f"{path}.{key}")
    elif isinstance(ours, list) and ours and real:
        problems += same_shape(ours[0], real[0], f"{path}[0]")
    return problems


def load(captures: Path, name: str) -> Any:
    return json.loads((captures / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(("answer", "capture"), [
    ("customer_create", "customer_create_response.json"),
    ("customer_update", "customer_update_response.json"),
    ("invoice_create", "invoice_create_response.json"),
    ("invoice_void", "invoice_void_response.json"),
    ("invoice_delete", "invoice_delete_response.json"),
    ("salesreceipt_update", "salesreceipt_update_response.json"),
])
def test_entity_answers_match_captures(world: World, captures: Path, answer: str,
                                       capture: str) -> None:
    ours = world.answers[answer].json()
    real = load(captures, capture)
    assert world.answers[answer].status_code == 200
    assert ours.keys() == real.keys()
    assert same_shape(ours, real) == []
    entity = next(k for k in real if k != "time")
    shared = ours[entity].keys() & real[entity].keys()
    assert len(shared) >= min(len(real[entity]), 3)
    assert TIME_RE.match(ours["time"])
    if "MetaData" in ours[entity]:
        assert META_RE.match(ours[entity]["MetaData"]["CreateTime"])
    if answer == "invoice_delete":
        assert ours[entity].keys() == real[entity].keys()


def query(world: World, text: str) -> httpx.Response:
    return world.api.get("/query", params={"query": text})


def test_query_answers_match_captures(world: World, captures: Path) -> None:
    page = query(world, "SELECT * FROM Customer WHERE Active IN (true, false) "
                        "MAXRESULTS 2 STARTPOSITION 1").json()
    assert same_shape(page, load(captures, "query_customers_page1_maxresults2.json")) == []
    assert page["QueryResponse"].keys() == \
        load(captures, "query_customers_page1_maxresults2.json")["QueryResponse"].keys()
    count = query(world, "SELECT COUNT(*) FROM Customer").json()
    assert count.keys() == load(captures, "query_count_customers.json").keys()
    assert same_shape(count, load(captures, "query_count_customers.json")) == []
    past = query(world, "SELECT * FROM Customer STARTPOSITION 900 MAXRESULTS 2").json()
    assert past["QueryResponse"] == load(captures, "query_past_last_page_empty.json")[
        "QueryResponse"]
    receipts = query(world, "SELECT * FROM SalesReceipt").json()
    assert same_shape(receipts, load(captures, "query_salesreceipts.json")) == []
    amy = query(world, "SELECT * FROM Customer WHERE DisplayName = 'Amy\\'s Bird Sanctuary'")
    real = load(captures, "query_customer_by_displayname_apostrophe.json")
    assert same_shape(amy.json(), real) == []
    assert amy.json()["QueryResponse"]["Customer"][0]["DisplayName"] == "Amy's Bird Sanctuary"


def test_batch_answer_matches_capture(world: World, captures: Path) -> None:
    real = {a["bId"]: a for a in load(captures, "batch_response_mixed.json")["BatchItemResponse"]}
    receipt = next(r for r in world.sim.entities("SalesReceipt") if "status" not in r)
    resp = world.api.post("/batch", json={"BatchItemRequest": [
        {"bId": "bid1", "operation": "create", "Customer": {"DisplayName": "Boraski Store"}},
        {"bId": "bid2", "operation": "delete", "Invoice": {"Id": "129", "SyncToken": "0"}},
        {"bId": "bid3", "operation": "update", "SalesReceipt": {
            "sparse": True, "Id": receipt["Id"], "SyncToken": "0", "PrivateNote": "x"}},
        {"bId": "bid4", "Query": "select * from SalesReceipt where TotalAmt > '10.00'"}]})
    assert resp.status_code == 200
    ours = {a["bId"]: a for a in resp.json()["BatchItemResponse"]}
    assert ours.keys() == real.keys()
    assert ours["bid2"]["Fault"]["Error"][0]["code"] == real["bid2"]["Fault"]["Error"][0]["code"]
    assert ours["bid3"]["Fault"]["Error"][0]["code"] == real["bid3"]["Fault"]["Error"][0]["code"]
    for bid in ("bid2", "bid3", "bid4"):
        assert ours[bid].keys() == real[bid].keys()
        assert same_shape(ours[bid], real[bid]) == []
    assert same_shape(ours["bid1"]["Customer"], real["bid1"]["Vendor"]) == []


@pytest.mark.parametrize(("capture", "make"), [
    ("error_400_duplicate_name_6240.json",
     lambda w: w.api.post("/customer", json={"DisplayName": "Amy's Bird Sanctuary"})),
    ("error_400_query_validation_4001.json",
     lambda w: w.api.get("/query", params={"query": "select * from Custmoer"})),
    ("error_400_unsupported_property_2010.json",
     lambda w: w.api.post("/invoice", json={"BadJson": True})),
    ("error_400_unsupported_operation_code500.json",
     lambda w: w.api.get("/customer/1/5")),
    ("error_400_invalid_id_2030.json", lambda w: w.api.get("/customer/1.5")),
    ("error_taxservice_duplicate_6240.json",
     lambda w: w.api.post("/customer", json={"DisplayName": "amy's bird sanctuary"})),
])
def test_error_answers_match_captures(world: World, captures: Path, capture: str,
                                      make: Any) -> None:
    resp = make(world)
    real = load(captures, capture)
    ours = resp.json()
    assert resp.status_code == 400
    assert ours["Fault"]["Error"][0]["code"] == real["Fault"]["Error"][0]["code"]
    assert ours["Fault"]["type"] == real["Fault"]["type"]
    assert same_shape(ours, real) == []
    assert set(real["Fault"]["Error"][0]) - {"element"} <= set(ours["Fault"]["Error"][0])


def test_gateway_401_matches_capture(world: World, captures: Path) -> None:
    real = load(captures, "error_401_token_expired_3200.json")
    resp = httpx.get(f"{world.sim.base_url}/v3/company/{world.sim.realm_id}/preferences",
                     headers={"Authorization": "Bearer not-a-real-token-but-long-enough"})
    assert resp.status_code == 401
    ours = resp.json()
    assert ours.keys() == real.keys()
    assert same_shape(ours, real) == []
    assert ours["fault"]["error"][0]["message"] == real["fault"]["error"][0]["message"]


def test_oauth_answers_match_captures(world: World, captures: Path) -> None:
    real = load(captures, "oauth_token_bearer_200.json")
    ours = world.sim.issue_tokens()
    assert set(real) - {"id_token"} == set(ours)
    assert same_shape(ours, real) == []
    assert ours["expires_in"] == real["expires_in"]
    assert ours["x_refresh_token_expires_in"] == real["x_refresh_token_expires_in"]
    bad = httpx.post(f"{world.sim.base_url}/oauth2/v1/tokens/bearer",
                     auth=("sim-client", "sim-secret"),
                     data={"grant_type": "refresh_token", "refresh_token": "AB11dead"})
    assert bad.status_code == 400
    assert bad.json() == load(captures, "oauth_token_invalid_grant_400.json")


def test_cdc_answers_match_captures(world: World, captures: Path) -> None:
    since = world.sim.clock.now().isoformat()
    empty = world.api.get("/cdc", params={"entities": "Term", "changedSince": since}).json()
    real_empty = load(captures, "cdc_empty_no_changes.json")
    assert empty.keys() == real_empty.keys()
    assert empty["CDCResponse"] == real_empty["CDCResponse"]
    week = world.sim.clock.now().replace(microsecond=0).isoformat()
    world.api.post("/invoice", json={
        "CustomerRef": {"value": "1"},
        "Line": [{"Amount": 1, "DetailType": "SalesItemLineDetail",
                  "SalesItemLineDetail": {"ItemRef": {"value": "5"}}}]})
    changed = world.api.get("/cdc", params={"entities": "Invoice", "changedSince": week}).json()
    real = load(captures, "cdc_estimates.json")
    ours_qr = changed["CDCResponse"][0]["QueryResponse"][0]
    real_qr = real["CDCResponse"][0]["QueryResponse"][0]
    assert set(ours_qr) - {"Invoice"} == set(real_qr) - {"Estimate"}
    assert same_shape(ours_qr["Invoice"][0], real_qr["Estimate"][0]) == []


# -------------------------------------------------------------------- the XSD
def to_xml(xsd_type: Any, tag: str, value: Any, path: str, unknown: list[str]) -> ET.Element:
    """JSON -> XML in the XSD's element order; keys the type lacks go to ``unknown``."""
    elem = ET.Element(tag)
    if xsd_type.is_simple() or xsd_type.has_simple_content():
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "value":
                    elem.text = _text(item)
                elif key in xsd_type.attributes:
                    elem.set(key, _text(item))
                else:
                    unknown.append(f"{path}.{key}")
        else:
            elem.text = _text(value)
        return elem
    if not isinstance(value, dict):
        unknown.append(f"{path} (not an object)")
        return elem
    children = {child.local_name: child for child in xsd_type.content.iter_elements()}
    for key in value:
        if key not in children and key not in xsd_type.attributes:
            unknown.append(f"{path}.{key}")
    for key in xsd_type.attributes:
        if key in value:
            elem.set(key, _text(value[key]))
    for name, child in children.items():
        if name not in value:
            continue
        items = value[name] if isinstance(value[name], list) else [value[name]]
        for item in items:
            elem.append(to_xml(child.type, f"{{{NS}}}{name}", item, f"{path}.{name}", unknown))
    return elem


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


ENTITIES = ("Customer", "Item", "Invoice", "SalesReceipt", "Payment", "RefundReceipt",
            "CreditMemo", "Account", "PaymentMethod", "Term", "TaxCode", "TaxRate", "TaxAgency",
            "CompanyInfo", "Preferences")


@pytest.mark.parametrize("entity", ENTITIES)
def test_every_entity_validates_against_xsd(world: World, schema: Any, entity: str) -> None:
    stored = [e for e in world.sim.entities(entity) if e.get("status") != "Deleted"]
    assert stored, f"no {entity} to check"
    element = schema.elements[entity]
    for data in stored:
        unknown: list[str] = []
        xml = to_xml(element.type, f"{{{NS}}}{entity}", data, entity, unknown)
        assert unknown == [], f"{entity} {data.get('Id')}: properties not in the XSD"
        errors = [str(e.reason) for e in schema.iter_errors(ET.ElementTree(xml))]
        assert errors == [], f"{entity} {data.get('Id')}: {errors[:3]}"


def test_api_answers_validate_against_xsd(world: World, schema: Any) -> None:
    for name, resp in world.answers.items():
        body = resp.json()
        assert resp.status_code == 200, name
        entity = next(k for k in body if k != "time")
        if body[entity].get("status") == "Deleted":
            continue
        unknown: list[str] = []
        xml = to_xml(schema.elements[entity].type, f"{{{NS}}}{entity}", body[entity], name,
                     unknown)
        assert unknown == []
        assert [str(e.reason) for e in schema.iter_errors(ET.ElementTree(xml))] == [], name


@pytest.fixture(scope="module")
def uk_world(reference_dir: Path) -> Iterator[World]:
    """A UK VAT company with a tax-inclusive receipt, a tax-exclusive invoice and a EUR one."""
    del reference_dir
    with QboSimulator(clock=SimClock(scale=1.0), company_profile="uk_vat") as sim:
        token = sim.issue_tokens()["access_token"]
        with httpx.Client(base_url=f"{sim.base_url}/v3/company/{sim.realm_id}",
                          headers={"Authorization": f"Bearer {token}"}, timeout=10) as api:
            w = World(sim, api)
            fees = next(i["Id"] for i in sim.entities("Item") if i["Name"] == "Fees")
            line = {"Amount": 120, "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {"ItemRef": {"value": fees}, "Qty": 2,
                                            "UnitPrice": 60, "TaxCodeRef": {"value": "6"}}}
            w.post("uk_receipt", "/salesreceipt", {"GlobalTaxCalculation": "TaxInclusive",
                                                   "Line": [line]})
            cust = w.post("uk_customer", "/customer", {"DisplayName": "Tea Ltd"})["Customer"]
            w.post("uk_invoice", "/invoice", {"CustomerRef": {"value": cust["Id"]},
                                              "Line": [line]})
            euro = w.post("uk_eur_customer", "/customer", {
                "DisplayName": "Kaffee GmbH", "CurrencyRef": {"value": "EUR"}})["Customer"]
            w.post("uk_eur_invoice", "/invoice", {"CustomerRef": {"value": euro["Id"]},
                                                  "ExchangeRate": 0.85, "Line": [line]})
            yield w


@pytest.mark.parametrize("entity", ("TaxAgency", "TaxRate", "TaxCode", "CompanyInfo",
                                    "Preferences", "SalesReceipt", "Invoice"))
def test_uk_vat_entities_validate_against_xsd(uk_world: World, schema: Any,
                                              entity: str) -> None:
    stored = uk_world.sim.entities(entity)
    assert stored, f"no {entity} to check"
    for data in stored:
        unknown: list[str] = []
        xml = to_xml(schema.elements[entity].type, f"{{{NS}}}{entity}", data, entity, unknown)
        assert unknown == [], f"{entity} {data.get('Id')}: properties not in the XSD"
        errors = [str(e.reason) for e in schema.iter_errors(ET.ElementTree(xml))]
        assert errors == [], f"{entity} {data.get('Id')}: {errors[:3]}"

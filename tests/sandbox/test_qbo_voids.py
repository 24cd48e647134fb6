"""Voids on the QBO simulator, over raw loopback HTTP, in the forms Intuit documents (A1).

Invoice: ``operation=void``. SalesReceipt and Payment: ``operation=update&include=void`` with a
sparse Id+SyncToken body. CreditMemo and RefundReceipt have no void: they are deleted. In a batch a
void is ``operation: update`` + ``optionsData: void``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from ecom_ledger_desktop.sandbox.server import SimClock

VOID = {"operation": "update", "include": "void"}


@pytest.fixture
def sim() -> Iterator[QboSimulator]:
    with QboSimulator(clock=SimClock(scale=1.0)) as simulator:
        simulator.seed_items([{"sku": "WID-A", "name": "Widget A", "price": 19.99, "qty": 10}])
        yield simulator


@pytest.fixture
def api(sim: QboSimulator) -> Iterator[httpx.Client]:
    token = sim.issue_tokens()["access_token"]
    with httpx.Client(base_url=f"{sim.base_url}/v3/company/{sim.realm_id}",
                      headers={"Authorization": f"Bearer {token}",
                               "Accept": "application/json"}, timeout=10) as client:
        yield client


def widget(sim: QboSimulator) -> dict[str, Any]:
    return next(i for i in sim.entities("Item") if i.get("Sku") == "WID-A")


def customer(sim: QboSimulator) -> str:
    return str(next(c["Id"] for c in sim.entities("Customer") if c.get("Active", True)))


def line(sim: QboSimulator, qty: int = 2) -> dict[str, Any]:
    return {"Amount": round(qty * 19.99, 2), "DetailType": "SalesItemLineDetail",
            "SalesItemLineDetail": {"ItemRef": {"value": widget(sim)["Id"]}, "Qty": qty,
                                    "UnitPrice": 19.99, "TaxCodeRef": {"value": "NON"}}}


def receipt(sim: QboSimulator, api: httpx.Client) -> dict[str, Any]:
    body = {"CustomerRef": {"value": customer(sim)}, "PrivateNote": "order 1001",
            "Line": [line(sim)]}
    created: dict[str, Any] = api.post("/salesreceipt", json=body).json()["SalesReceipt"]
    return created


def stored(sim: QboSimulator, entity: str, entity_id: str) -> dict[str, Any]:
    return next(r for r in sim.entities(entity) if r["Id"] == entity_id)


def fault(resp: httpx.Response) -> dict[str, Any]:
    error: dict[str, Any] = resp.json()["Fault"]["Error"][0]
    return error


def test_sales_receipt_include_void_voids_it(sim: QboSimulator, api: httpx.Client) -> None:
    sale = receipt(sim, api)
    assert widget(sim)["QtyOnHand"] == 8
    resp = api.post("/salesreceipt", params=VOID,
                    json={"Id": sale["Id"], "SyncToken": sale["SyncToken"], "sparse": True})
    assert resp.status_code == 200, resp.text
    out = resp.json()["SalesReceipt"]
    assert out["Id"] == sale["Id"] and out["SyncToken"] == "1"
    assert out["TotalAmt"] == 0 and all(ln["Amount"] == 0 for ln in out["Line"])
    assert "Qty" not in out["Line"][0]["SalesItemLineDetail"], "quantities are voided too"
    assert out["PrivateNote"] == "Voided - order 1001"
    assert stored(sim, "SalesReceipt", sale["Id"])["TotalAmt"] == 0
    assert widget(sim)["QtyOnHand"] == 10, "the stock the sale took is back"
    again = api.post("/salesreceipt", json={"Id": sale["Id"], "SyncToken": "1", "sparse": True,
                                            "PrivateNote": "edit"})
    assert again.status_code == 400 and fault(again)["code"] == "6000"


def test_operation_void_does_not_void_a_sales_receipt(sim: QboSimulator,
                                                      api: httpx.Client) -> None:
    sale = receipt(sim, api)
    resp = api.post("/salesreceipt", params={"operation": "void"},
                    json={"Id": sale["Id"], "SyncToken": sale["SyncToken"], "sparse": True})
    assert resp.status_code == 400
    assert fault(resp)["code"] == "500" and fault(resp)["Message"] == "Unsupported Operation"
    kept = stored(sim, "SalesReceipt", sale["Id"])
    assert kept["TotalAmt"] == sale["TotalAmt"] and kept["SyncToken"] == "0"


def test_payment_include_void_unapplies_it(sim: QboSimulator, api: httpx.Client) -> None:
    invoice = api.post("/invoice", json={"CustomerRef": {"value": customer(sim)},
                                         "Line": [line(sim)]}).json()["Invoice"]
    payment = api.post("/payment", json={
        "CustomerRef": {"value": customer(sim)}, "TotalAmt": 39.98,
        "Line": [{"Amount": 39.98, "LinkedTxn": [{"TxnId": invoice["Id"],
                                                  "TxnType": "Invoice"}]}]}).json()["Payment"]
    assert stored(sim, "Invoice", invoice["Id"])["Balance"] == 0
    refused = api.post("/payment", params={"operation": "void"},
                       json={"Id": payment["Id"], "SyncToken": "0", "sparse": True})
    assert refused.status_code == 400 and fault(refused)["code"] == "500"
    resp = api.post("/payment", params=VOID,
                    json={"Id": payment["Id"], "SyncToken": "0", "sparse": True})
    assert resp.status_code == 200, resp.text
    out = resp.json()["Payment"]
    assert out["TotalAmt"] == 0 and out["PrivateNote"].startswith("Voided")
    assert stored(sim, "Invoice", invoice["Id"])["Balance"] == 39.98, "the invoice is open again"


def test_invoice_voids_with_operation_void_only(sim: QboSimulator, api: httpx.Client) -> None:
    invoice = api.post("/invoice", json={"CustomerRef": {"value": customer(sim)},
                                         "Line": [line(sim)]}).json()["Invoice"]
    wrong = api.post("/invoice", params=VOID, json={"Id": invoice["Id"], "SyncToken": "0",
                                                   "sparse": True})
    assert wrong.status_code == 400 and fault(wrong)["code"] == "500"
    resp = api.post("/invoice", params={"operation": "void"},
                    json={"Id": invoice["Id"], "SyncToken": "0"})
    assert resp.status_code == 200 and resp.json()["Invoice"]["TotalAmt"] == 0


@pytest.mark.parametrize("entity", ["RefundReceipt", "CreditMemo"])
def test_refunds_cannot_be_voided_but_can_be_deleted(sim: QboSimulator, api: httpx.Client,
                                                     entity: str) -> None:
    body: dict[str, Any] = {"CustomerRef": {"value": customer(sim)}, "Line": [line(sim, 1)]}
    if entity == "RefundReceipt":
        body["DepositToAccountRef"] = {"value": "1"}
    doc = api.post(f"/{entity.lower()}", json=body).json()[entity]
    for params in ({"operation": "void"}, VOID):
        refused = api.post(f"/{entity.lower()}", params=params,
                           json={"Id": doc["Id"], "SyncToken": "0", "sparse": True})
        assert refused.status_code == 400 and fault(refused)["code"] == "500", params
    assert stored(sim, entity, doc["Id"])["TotalAmt"] == 19.99
    deleted = api.post(f"/{entity.lower()}", params={"operation": "delete"},
                       json={"Id": doc["Id"], "SyncToken": "0"})
    assert deleted.json()[entity] == {"domain": "QBO", "status": "Deleted", "Id": doc["Id"]}
    assert api.get(f"/{entity.lower()}/{doc['Id']}").status_code == 400


def test_batch_void_is_update_with_options_data(sim: QboSimulator, api: httpx.Client) -> None:
    first, second = receipt(sim, api), receipt(sim, api)
    resp = api.post("/batch", json={"BatchItemRequest": [
        {"bId": "v1", "operation": "update", "optionsData": "void",
         "SalesReceipt": {"Id": first["Id"], "SyncToken": "0", "sparse": True}},
        {"bId": "v2", "operation": "void",
         "SalesReceipt": {"Id": second["Id"], "SyncToken": "0", "sparse": True}}]})
    answers = {a["bId"]: a for a in resp.json()["BatchItemResponse"]}
    assert answers["v1"]["SalesReceipt"]["TotalAmt"] == 0
    assert answers["v2"]["Fault"]["Error"][0]["code"] == "500"
    assert stored(sim, "SalesReceipt", second["Id"])["TotalAmt"] == 39.98


def test_include_void_counts_as_a_void(sim: QboSimulator, api: httpx.Client) -> None:
    sale = receipt(sim, api)
    before = sim.stats()
    api.post("/salesreceipt", params=VOID, json={"Id": sale["Id"], "SyncToken": "0",
                                                 "sparse": True})
    after = sim.stats()
    assert after["void"] == before["void"] + 1 and after["update"] == before["update"]

"""Helpers of the QuickBooks Online simulator tests: an authorised API client, ids by SKU or name, a
sale line, the fault of an answer, HTTP Basic client authentication."""

from __future__ import annotations

import base64
from typing import Any

import httpx

from ecom_ledger_desktop.sandbox.qbo import QboSimulator

REDIRECT = "http://127.0.0.1/callback"
CATALOGUE = [{"sku": "WID-A", "name": "Widget A", "price": 19.99, "qty": 10},
             {"sku": "WID-B", "name": "Widget B", "price": 5, "qty": 3}]


def client(sim: QboSimulator, token: str | None = None) -> httpx.Client:
    access = token or sim.issue_tokens()["access_token"]
    return httpx.Client(base_url=f"{sim.base_url}/v3/company/{sim.realm_id}",
                        headers={"Authorization": f"Bearer {access}",
                                 "Accept": "application/json"}, timeout=10)


def item_id(sim: QboSimulator, sku: str) -> str:
    return str(next(i["Id"] for i in sim.entities("Item") if i.get("Sku") == sku))


def customer_id(sim: QboSimulator, name: str) -> str:
    return str(next(c["Id"] for c in sim.entities("Customer") if c["DisplayName"] == name))


def sale_line(item: str, qty: float, price: float, amount: float | None = None,
              tax: str = "NON") -> dict[str, Any]:
    return {"Amount": round(qty * price, 2) if amount is None else amount,
            "DetailType": "SalesItemLineDetail",
            "SalesItemLineDetail": {"ItemRef": {"value": item}, "Qty": qty, "UnitPrice": price,
                                    "TaxCodeRef": {"value": tax}}}


def error(resp: httpx.Response) -> dict[str, Any]:
    err: dict[str, Any] = resp.json()["Fault"]["Error"][0]
    return err


def basic(client_id: str = "sim-client", key: str = "") -> dict[str, str]:
    """HTTP Basic client authentication header (default: the simulator's default client)."""
    raw = base64.b64encode(f"{client_id}:{key or 'sim-secret'}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}

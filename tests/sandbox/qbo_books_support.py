"""Helpers for the QBO simulator's books tests: a started simulator of one company profile and
a raw httpx client speaking the API as real QuickBooks expects it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import httpx

from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from ecom_ledger_desktop.sandbox.server import SimClock


@contextmanager
def company(profile: str = "us_no_ast", **kwargs: Any
            ) -> Iterator[tuple[QboSimulator, httpx.Client]]:
    """A simulator of ``profile`` (plus one inventory item, Widget A) and an API client."""
    with QboSimulator(clock=SimClock(scale=1.0), company_profile=profile, **kwargs) as sim:
        sim.seed_items([{"sku": "WID-A", "name": "Widget A", "price": 100, "qty": 50}])
        token = sim.issue_tokens()["access_token"]
        with httpx.Client(base_url=f"{sim.base_url}/v3/company/{sim.realm_id}",
                          headers={"Authorization": f"Bearer {token}",
                                   "Accept": "application/json"}, timeout=10) as api:
            yield sim, api


def item(sim: QboSimulator, name: str) -> str:
    """An item's Id by name (or Sku)."""
    return str(next(i["Id"] for i in sim.entities("Item")
                    if name in (i["Name"], i.get("Sku"))))


def line(item_id: str, amount: float | str, code: str | None = None,
         qty: float | None = None, **detail: Any) -> dict[str, Any]:
    """A SalesItemLine (TaxCodeRef only when ``code`` is given)."""
    body: dict[str, Any] = {"ItemRef": {"value": item_id}, **detail}
    if qty is not None:
        body["Qty"] = qty
        body["UnitPrice"] = float(Decimal(str(amount)) / Decimal(str(qty)))
    if code is not None:
        body["TaxCodeRef"] = {"value": code}
    return {"Amount": float(amount), "DetailType": "SalesItemLineDetail",
            "SalesItemLineDetail": body}


def discount(amount: float | None = None, percent: float | None = None) -> dict[str, Any]:
    """A DiscountLine: a fixed amount or a percentage."""
    if percent is not None:
        return {"DetailType": "DiscountLineDetail",
                "DiscountLineDetail": {"PercentBased": True, "DiscountPercent": percent}}
    return {"Amount": amount, "DetailType": "DiscountLineDetail",
            "DiscountLineDetail": {"PercentBased": False}}


def post(api: httpx.Client, entity: str, body: dict[str, Any]) -> dict[str, Any]:
    """Create; asserts 200 and returns the entity."""
    resp = api.post(f"/{entity.lower()}", json=body, params={"minorversion": "75"})
    assert resp.status_code == 200, resp.text
    out: dict[str, Any] = resp.json()[entity]
    return out


def fault(resp: httpx.Response) -> dict[str, Any]:
    """The first Fault.Error of a 400 answer."""
    assert resp.status_code == 400, resp.text
    error: dict[str, Any] = resp.json()["Fault"]["Error"][0]
    return error


def customer(api: httpx.Client, name: str, currency: str | None = None,
             state: str | None = None) -> str:
    """Create a customer (optionally in ``currency`` and shipping to ``state``)."""
    body: dict[str, Any] = {"DisplayName": name}
    if currency:
        body["CurrencyRef"] = {"value": currency}
    if state:
        body["ShipAddr"] = {"Line1": "1 Main St", "City": "Somewhere",
                            "CountrySubDivisionCode": state, "PostalCode": "10001"}
    return str(post(api, "Customer", body)["Id"])


def dec(value: Any) -> Decimal:
    """A JSON number as an exact Decimal."""
    return Decimal(str(value))

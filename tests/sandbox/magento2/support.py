"""Helpers of the Magento 2 simulator tests: order specs, bracketed searchCriteria, a run of orders
a minute apart."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ecom_ledger_desktop.sandbox.magento2 import Magento2Simulator

TOKEN = "sim-integration-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
START = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
REPO_ROOT = Path(__file__).resolve().parents[3]


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


def add_orders(sim: Magento2Simulator, count: int) -> list[int]:
    ids = []
    for i in range(count):
        sim.clock.advance(60)
        ids.append(sim.add_order(simple_spec(lines=[
            {"sku": "24-UG06", "name": "Affirm Water Bottle", "qty": 1, "price": 7 + i}])))
    return ids

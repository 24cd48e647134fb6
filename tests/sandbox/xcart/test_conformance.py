"""The simulator's documents have the shape of X-Cart's real captured ones
(``../shared/reference/payloads/xcart``): the same fields, of the same JSON types."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ecom_ledger_desktop.sandbox.xcart import XCartSimulator

KEY = "conformance-key"
_ELIDED_OBJECT = re.compile(r"\{\s*\.\.\.[^{}\[\]]*\}")
_ELIDED_LIST = re.compile(r"\[\s*\.\.\.\s*\]")


@pytest.fixture
def captures(reference_dir: Path) -> Path:
    folder = reference_dir / "payloads" / "xcart"
    if not folder.is_dir():
        pytest.skip(f"the real X-Cart captures are not here ({folder}); they live in the shared "
                    "reference folder next to the project")
    return folder


@pytest.fixture
def sim() -> Iterator[XCartSimulator]:
    with XCartSimulator(token=KEY, seed=5, seed_orders=6) as started:
        yield started


def _get(sim: XCartSimulator, path: str) -> Any:
    response = httpx.get(f"{sim.base_url}/admin.php",
                         params={"target": "RESTAPI", "_key": KEY, "_path": path}, timeout=10)
    response.raise_for_status()
    return response.json()


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def test_order_has_every_captured_field_with_the_captured_type(
        captures: Path, sim: XCartSimulator) -> None:
    text = (captures / "order_5_default_schema_EXCERPT.json.txt").read_text(encoding="utf-8")
    captured = json.loads(_ELIDED_LIST.sub("[]", _ELIDED_OBJECT.sub("{}", text)))
    served = _get(sim, "order/1")
    missing = set(captured) - set(served)
    assert not missing, f"fields the real order has and ours lacks: {sorted(missing)}"
    differ = {k: (_kind(captured[k]), _kind(served[k])) for k in captured
              if captured[k] is not None and _kind(captured[k]) != _kind(served[k])}
    assert not differ, differ
    assert isinstance(served["date"], int) and isinstance(served["lastRenewDate"], int)
    assert isinstance(served["orderNumber"], str)
    assert set(served["paymentStatus"]) == set(captured["paymentStatus"]) == {"id", "code",
                                                                              "position"}


def test_product_has_the_captured_stock_and_price_fields(captures: Path,
                                                         sim: XCartSimulator) -> None:
    captured = json.loads((captures / "product_1_default_schema.json").read_text("utf-8"))
    served = _get(sim, "product/1")
    for key in ("product_id", "price", "sku", "enabled", "weight", "taxable", "date",
                "updateDate", "arrivalDate", "variants", "inventory", "translations",
                "order_items", "images"):
        assert key in served, key
        assert _kind(served[key]) == _kind(captured[key]), key
    assert set(captured["inventory"]) <= set(served["inventory"])
    assert isinstance(served["inventory"]["amount"], int)
    assert {"name", "code"} <= set(served["translations"][0])

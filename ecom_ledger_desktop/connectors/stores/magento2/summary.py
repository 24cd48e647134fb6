"""The error queue's summary of a staged Magento order (its raw JSON), tolerant of rough input."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from ecom_ledger_desktop.connectors.summary import OrderLine, OrderSummary, decimal_or_none


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def order_summary(raw: str | None) -> OrderSummary | None:
    """The order summary from a staged Magento order (None when unreadable)."""
    try:
        data = json.loads(raw or "", parse_float=Decimal)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    billing = _mapping(data.get("billing_address"))
    name = " ".join(str(data.get(k) or "") for k in ("customer_firstname", "customer_lastname"))
    if not name.strip():
        name = " ".join(str(billing.get(k) or "") for k in ("firstname", "lastname"))
    payment = _mapping(data.get("payment"))
    lines = [OrderLine(str(row.get("sku") or ""), str(row.get("name") or ""),
                       decimal_or_none(row.get("qty_ordered")), decimal_or_none(row.get("price")),
                       decimal_or_none(row.get("row_total")))
             for row in data.get("items") or []
             if isinstance(row, dict) and not row.get("parent_item_id")]
    return OrderSummary(
        number=str(data.get("increment_id") or data.get("entity_id") or ""),
        created_at=str(data.get("created_at") or ""), status=str(data.get("status") or ""),
        customer_name=name.strip(), email=str(data.get("customer_email") or ""),
        phone=str(billing.get("telephone") or ""), postcode=str(billing.get("postcode") or ""),
        total=decimal_or_none(data.get("grand_total")),
        currency=str(data.get("order_currency_code") or ""),
        payment_method=str(payment.get("method") or ""), lines=lines)

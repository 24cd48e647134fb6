"""The error queue's summary of a staged PrestaShop order (its raw JSON), tolerant of rough input.

The raw copy is the Webservice's order row (``associations.order_rows`` carry the lines) plus
``_shown``, which the connector adds: the buyer, currency and state in words, which the row only
names by id.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from ecom_ledger_desktop.connectors.summary import OrderLine, OrderSummary, decimal_or_none


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return "" if value is None or isinstance(value, dict | list) else str(value).strip()


def _line(row: dict[str, Any]) -> OrderLine:
    qty = decimal_or_none(row.get("product_quantity"))
    price = decimal_or_none(row.get("unit_price_tax_incl") or row.get("product_price"))
    total = (qty * price).quantize(Decimal("0.01")) if qty is not None and price is not None \
        else None
    return OrderLine(_text(row.get("product_reference")), _text(row.get("product_name")), qty,
                     price, total)


def order_summary(raw: str | None) -> OrderSummary | None:
    """The order summary from a staged PrestaShop order (None when unreadable)."""
    try:
        data = json.loads(raw or "", parse_float=Decimal)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    shown = _mapping(data.get("_shown"))
    rows = _mapping(data.get("associations")).get("order_rows")
    lines = [_line(row) for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []
    state = _text(shown.get("state")) or (f"state {_text(data.get('current_state'))}"
                                          if _text(data.get("current_state")) else "")
    return OrderSummary(
        number=_text(data.get("id")), created_at=_text(data.get("date_add")), status=state,
        customer_name=_text(shown.get("buyer")), email=_text(shown.get("email")),
        phone=_text(shown.get("phone")), postcode=_text(shown.get("postcode")),
        total=decimal_or_none(data.get("total_paid_tax_incl")),
        currency=_text(shown.get("currency")),
        payment_method=_text(data.get("payment")) or _text(data.get("module")), lines=lines)

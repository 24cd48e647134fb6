"""Magento 2 orders for the parsing tests: the captured reference payloads, and a small but complete
order (and item) in the wire shape."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from ecom_ledger_desktop.core.money import loads

D = Decimal


def captured_payload(reference_dir: Path, name: str) -> Any:
    """A captured Magento payload of the reference folder, money as Decimal."""
    return loads((reference_dir / "payloads" / "magento2" / name).read_text(encoding="utf-8"))


def wire_item(item_id: int, sku: str, price: str, qty: str = "1", **extra: Any) -> dict[str, Any]:
    """An order item in the wire shape (a simple product unless ``extra`` says otherwise)."""
    row: dict[str, Any] = {"item_id": item_id, "order_id": 42, "sku": sku, "name": f"Name {sku}",
                           "price": D(price), "qty_ordered": D(qty), "tax_amount": 0,
                           "discount_amount": 0, "product_type": "simple"}
    row.update(extra)
    return row


def wire_order(items: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    """A small but complete order in the wire shape (Decimal money, as ``loads`` gives)."""
    order: dict[str, Any] = {
        "entity_id": 42, "increment_id": "000000123", "state": "processing",
        "status": "processing", "created_at": "2024-05-01 10:00:00",
        "updated_at": "2024-05-01 10:05:00", "order_currency_code": "USD",
        "base_currency_code": "USD", "customer_id": 7, "customer_is_guest": 0,
        "customer_email": "jane@example.com", "customer_firstname": "Jane",
        "customer_lastname": "Doe", "grand_total": D("25.00"), "base_grand_total": D("25.00"),
        "subtotal": D("20.00"), "shipping_amount": 5, "shipping_tax_amount": 0,
        "tax_amount": 0, "discount_amount": 0, "total_paid": D("25.00"),
        "items": items if items is not None else [wire_item(1, "MB-1", "10.00", "2")],
        "billing_address": {"firstname": "Jane", "lastname": "Doe", "street": ["1 Main St"],
                            "city": "Austin", "region": "Texas", "postcode": "78701",
                            "country_id": "US", "telephone": "512-555-0100",
                            "email": "jane@example.com"},
        "payment": {"method": "checkmo", "amount_paid": D("25.00"), "amount_ordered": D("25")},
        "status_histories": [],
    }
    order.update(extra)
    return order

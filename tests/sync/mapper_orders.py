"""Hand-made orders for the mapper tests: one taxed US order, overridable."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from ecom_ledger_desktop.models.commerce import Address, Customer, Order, OrderLine, Refund

RULES_START = date(2026, 1, 1)
WHEN = datetime(2026, 11, 2, 15, 30, tzinfo=UTC)


def line(sku: str = "MB-1", qty: str = "2", price: str = "20.00", tax: str = "0",
         percent: str | None = None, **extra: object) -> OrderLine:
    return OrderLine.model_validate({
        "line_id": extra.pop("line_id", sku), "sku": sku, "name": f"Product {sku}",
        "qty": Decimal(qty), "unit_price": Decimal(price), "tax": Decimal(tax),
        "tax_percent": Decimal(percent) if percent is not None else None, **extra})


def order(**overrides: object) -> Order:
    """40.00 of goods taxed 8.25 % (3.30), 5.00 untaxed shipping: 48.30."""
    values: dict[str, object] = {
        "source_id": "7", "number": "000000007", "created_at": WHEN, "updated_at": WHEN,
        "state": "processing", "paid": True, "currency": "USD",
        "timezone": "America/New_York",
        "customer": Customer(email="jane@example.com", first_name="Jane", last_name="Doe"),
        "billing_address": Address(first_name="Jane", last_name="Doe", postcode="10577"),
        "lines": [line(tax="3.30", percent="8.25")],
        "shipping": Decimal("5.00"), "tax_total": Decimal("3.30"),
        "grand_total": Decimal("48.30"), "payment_method": "braintree",
    }
    values.update(overrides)
    return Order.model_validate(values)


def refund(**overrides: object) -> Refund:
    """One of the two products back (20.00 + 1.65 tax)."""
    values: dict[str, object] = {
        "source_id": "70", "order_source_id": "7", "number": "000000070",
        "created_at": WHEN, "updated_at": WHEN, "currency": "USD",
        "lines": [{"line_id": "MB-1", "sku": "MB-1", "name": "Product MB-1", "qty": "1",
                   "unit_price": "20.00", "tax": "1.65"}],
        "tax_total": Decimal("1.65"), "grand_total": Decimal("21.65"),
    }
    values.update(overrides)
    return Refund.model_validate(values)

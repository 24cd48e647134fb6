"""The canonical store-side model every store connector parses into."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

ZERO = Decimal("0")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("timestamps must carry a time zone")
    return value


class Address(_Model):
    """A postal address as the store gave it."""

    first_name: str = ""
    last_name: str = ""
    company: str = ""
    lines: list[str] = Field(default_factory=list)
    city: str = ""
    region: str = ""
    postcode: str = ""
    country: str = ""
    phone: str = ""
    email: str = ""


class Customer(_Model):
    """The buyer of an order; ``source_id`` is None for guests."""

    source_id: str | None = None
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    phone: str = ""
    is_guest: bool = False

    @property
    def full_name(self) -> str:
        """First and last name joined, or the company, or the email."""
        name = " ".join(p for p in (self.first_name.strip(), self.last_name.strip()) if p)
        return name or self.company.strip() or self.email.strip()


class OrderLine(_Model):
    """One sold product; money in the order's currency, before the order-level discount."""

    line_id: str
    sku: str
    name: str
    qty: Decimal
    unit_price: Decimal
    tax: Decimal = ZERO
    tax_percent: Decimal | None = None
    discount: Decimal = ZERO  # positive: the amount taken off this line

    @property
    def row_total(self) -> Decimal:
        """qty × unit price, before discount and tax."""
        return self.qty * self.unit_price


class Payment(_Model):
    """Money the store recorded as received for an order."""

    method: str
    amount: Decimal
    paid_at: datetime | None = None
    reference: str = ""


class RefundLine(_Model):
    """A refunded product quantity."""

    line_id: str = ""
    sku: str
    name: str = ""
    qty: Decimal
    unit_price: Decimal
    tax: Decimal = ZERO
    discount: Decimal = ZERO


class Refund(_Model):
    """A refund (Magento credit memo) against an order."""

    source_id: str
    order_source_id: str
    number: str
    created_at: datetime
    updated_at: datetime
    currency: str
    lines: list[RefundLine] = Field(default_factory=list)
    shipping: Decimal = ZERO
    adjustment: Decimal = ZERO  # positive refunds more, negative keeps a fee
    tax_total: Decimal = ZERO
    discount: Decimal = ZERO
    grand_total: Decimal

    _ts = field_validator("created_at", "updated_at")(_aware)


OrderState = Literal["pending", "processing", "complete", "canceled", "closed", "on_hold", "other"]


class Order(_Model):
    """A store order in canonical form: Decimal money, aware timestamps, parent lines only."""

    source_id: str  # the store's stable id (Magento entity_id)
    number: str  # what the merchant sees (Magento increment_id)
    created_at: datetime
    updated_at: datetime
    state: OrderState
    status_label: str = ""
    paid: bool
    currency: str
    customer: Customer
    billing_address: Address | None = None
    shipping_address: Address | None = None
    lines: list[OrderLine]
    shipping: Decimal = ZERO
    shipping_tax: Decimal = ZERO
    discount: Decimal = ZERO  # positive: total taken off the order
    tax_total: Decimal = ZERO
    gift_card: Decimal = ZERO  # positive: paid with gift cards (Adobe Commerce gift_cards_amount)
    grand_total: Decimal
    payment_method: str = ""
    payments: list[Payment] = Field(default_factory=list)
    refund_ids: list[str] = Field(default_factory=list)
    refunded_total: Decimal = ZERO  # what the store says was refunded so far (credit memos)
    coupon_code: str = ""

    _ts = field_validator("created_at", "updated_at")(_aware)

    @property
    def computed_total(self) -> Decimal:
        """Lines + shipping − discount + tax − gift cards, from the parts."""
        lines = sum((line.row_total for line in self.lines), ZERO)
        return lines + self.shipping - self.discount + self.tax_total - self.gift_card


class Product(_Model):
    """A sellable product or variant with its stock."""

    source_id: str
    sku: str
    name: str
    price: Decimal = ZERO
    type: str = "simple"
    qty: Decimal | None = None
    stock_item_id: str | None = None


class StockLevel(_Model):
    """A quantity on hand for one SKU, from whichever side is the inventory master."""

    sku: str
    qty: Decimal

"""The canonical store-side model every store connector parses into."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

ZERO = Decimal("0")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("timestamps must carry a time zone")
    return value


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {value!r} (expected an IANA name such as "
                         "'America/New_York')") from exc
    return value


def local_date(moment: datetime, timezone: str) -> date:
    """The calendar date of ``moment`` in the store's time zone (what the books are dated)."""
    return moment.astimezone(ZoneInfo(timezone)).date()


class TaxRate(_Model):
    """One tax rate the store applied (Magento ``applied_taxes``): the ledger maps it by code/rate."""

    code: str  # the store's tax rate code ("US-NY-*-Rate 1", "UK VAT 20")
    title: str = ""
    percent: Decimal
    amount: Decimal = ZERO  # tax at this rate on the whole order, order currency


RedemptionKind = Literal["gift_card", "store_credit", "reward_points"]


class Redemption(_Model):
    """Value the buyer paid with that is not money received: a gift card, store credit, points.

    Each reduces the order's grand total; in the books it is a line against the liability the
    sale of that gift card / credit created (or a mapped item), never revenue.
    """

    kind: RedemptionKind
    amount: Decimal  # positive: what was taken off the amount due
    code: str = ""  # gift card code(s), when the store says


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
    tax: Decimal = ZERO  # tax on this line after its discount, order currency
    tax_percent: Decimal | None = None
    discount: Decimal = ZERO  # positive: the amount taken off this line
    # the store says the product is taxable (its tax class; Magento: a rate, even 0 %, applied to
    # the row in item_applied_taxes - a "None" class never gets one); None: infer from ``tax``
    taxable: bool | None = None
    tax_class: str = ""  # the product's tax class name/id when the store gives it (Magento: no)
    tax_codes: list[str] = Field(default_factory=list)  # TaxRate.code values applied to this line
    # unit_price is always *net* of tax. In tax-inclusive shops (Order.prices_include_tax) the
    # store's discount is taken off the gross price, so part of ``discount`` is tax the total
    # gives back: Magento's discount_tax_compensation_amount, carried here
    discount_tax_compensation: Decimal = ZERO
    is_gift_card: bool = False  # a gift card *sold*: a liability, not revenue

    @property
    def is_taxable(self) -> bool:
        """Taxable by the store's tax class, or (class unknown) because it carries tax."""
        return self.taxable if self.taxable is not None else self.tax > 0

    @property
    def row_total(self) -> Decimal:
        """qty × unit price, before discount and tax."""
        return self.qty * self.unit_price


class Payment(_Model):
    """Money the store recorded as received for an order."""

    method: str
    amount: Decimal
    paid_at: datetime | None = None  # when the money was captured (invoice/transaction), not
    # the order's last update
    reference: str = ""  # the payment provider's transaction id (QuickBooks PaymentRefNum)
    offline: bool = False  # check, bank transfer, cash on delivery, purchase order...


class RefundLine(_Model):
    """A refunded product quantity."""

    line_id: str = ""
    sku: str
    name: str = ""
    qty: Decimal
    unit_price: Decimal
    tax: Decimal = ZERO
    discount: Decimal = ZERO
    # the goods are back in stock (restock, reverse COGS); Magento keeps no trace of "Return to
    # Stock" on a credit memo, so its connector applies a rule (connectors/.../memos.py)
    back_to_stock: bool = False
    is_gift_card: bool = False


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
    shipping_tax: Decimal = ZERO
    adjustment_positive: Decimal = ZERO  # an extra amount refunded (reduces revenue)
    adjustment_negative: Decimal = ZERO  # a fee kept back from the refund (income)
    tax_total: Decimal = ZERO
    discount: Decimal = ZERO
    discount_tax_compensation: Decimal = ZERO  # tax-inclusive shops, as on the order
    # given back as store credit / to a gift card instead of money (not in grand_total)
    redemptions: list[Redemption] = Field(default_factory=list)
    grand_total: Decimal  # the money refunded
    base_grand_total: Decimal | None = None  # in the store's base currency

    @property
    def adjustment(self) -> Decimal:
        """Net adjustment: positive refunds more, negative keeps a fee."""
        return self.adjustment_positive - self.adjustment_negative

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
    timezone: str = "UTC"  # the store's IANA time zone: it decides the documents' dates
    base_currency: str = ""  # the store's base (accounting) currency; "" = same as ``currency``
    base_to_order_rate: Decimal | None = None  # order-currency units per base unit (Magento)
    base_grand_total: Decimal | None = None  # the grand total in the base currency
    prices_include_tax: bool = False  # line prices (and shipping) are quoted with tax in them
    customer: Customer
    billing_address: Address | None = None
    shipping_address: Address | None = None
    lines: list[OrderLine]
    shipping: Decimal = ZERO  # excluding tax, also in tax-inclusive shops
    shipping_tax: Decimal = ZERO
    shipping_tax_percent: Decimal | None = None
    shipping_discount_tax_compensation: Decimal = ZERO  # tax-inclusive shops, see OrderLine
    discount: Decimal = ZERO  # positive: total taken off the order
    tax_total: Decimal = ZERO
    applied_taxes: list[TaxRate] = Field(default_factory=list)
    redemptions: list[Redemption] = Field(default_factory=list)
    grand_total: Decimal
    payment_method: str = ""
    payment_offline: bool = False  # the method is paid outside the shop (check, bank transfer)
    payments: list[Payment] = Field(default_factory=list)
    refund_ids: list[str] = Field(default_factory=list)
    refunded_total: Decimal = ZERO  # what the store says was refunded so far (credit memos)
    coupon_code: str = ""

    _ts = field_validator("created_at", "updated_at")(_aware)
    _tz = field_validator("timezone")(_zone)

    @property
    def local_date(self) -> date:
        """The order's date in the store's time zone."""
        return local_date(self.created_at, self.timezone)

    @property
    def redeemed(self) -> Decimal:
        """Gift cards, store credit and reward points used on this order, together."""
        return sum((r.amount for r in self.redemptions), ZERO)

    @property
    def gift_card(self) -> Decimal:
        """Paid with gift cards (only that kind of redemption)."""
        return sum((r.amount for r in self.redemptions if r.kind == "gift_card"), ZERO)

    @property
    def computed_total(self) -> Decimal:
        """Lines + shipping − discount + tax (+ discount tax compensation) − redemptions."""
        lines = sum((line.row_total for line in self.lines), ZERO)
        compensation = sum((line.discount_tax_compensation for line in self.lines), ZERO) \
            + self.shipping_discount_tax_compensation
        return (lines + self.shipping - self.discount + self.tax_total + compensation
                - self.redeemed)


class Product(_Model):
    """A sellable product or variant with its stock."""

    source_id: str
    sku: str
    name: str
    price: Decimal = ZERO
    type: str = "simple"
    qty: Decimal | None = None
    stock_item_id: str | None = None
    active: bool = True  # sold in the store (a disabled product is not)


class StockLevel(_Model):
    """A quantity on hand for one SKU, from whichever side is the inventory master."""

    sku: str
    qty: Decimal

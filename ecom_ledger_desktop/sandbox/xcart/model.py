"""The X-Cart simulator's own records: catalogue, profiles, orders, payment transactions.

Amounts are Decimal here and kept at X-Cart's ``decimal(14,4)``; the documents (``documents.py``)
write them as JSON numbers, as X-Cart's PHP floats are. Order totals follow X-Cart's checkout:
item subtotals, then order surcharges (shipping, coupon discount, taxes) added to the total unless
``include`` (VAT already in a tax-inclusive price).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
FOUR = Decimal("0.0001")
ZERO = Decimal(0)

#: payment status code -> (id, position); shipping likewise (ids 1-6 as X-Cart documents them)
PAYMENT_STATUSES = {"Q": (1, 10), "A": (2, 20), "PP": (3, 30), "P": (4, 40), "D": (5, 50),
                    "C": (6, 60), "R": (7, 70)}
SHIPPING_STATUSES = {"N": (1, 10), "P": (2, 20), "S": (3, 30), "D": (4, 40), "WND": (5, 50),
                     "R": (6, 60), "WFA": (7, 70)}
#: payment method service name -> (local name, offline)
METHODS = {
    "Check": ("Check", True), "PhoneOrdering": ("Phone Ordering", True),
    "COD": ("Cash on Delivery", True), "PurchaseOrder": ("Purchase Order", True),
    "WireTransfer": ("Wire Transfer", True),
    "ExpressCheckout": ("PayPal Express Checkout", False), "Stripe": ("Credit Card (Stripe)", False),
}
#: the Magento-style neutral codes the drivers and harnesses speak
NEUTRAL_METHODS = {"checkmo": "Check", "banktransfer": "WireTransfer", "cashondelivery": "COD",
                   "purchaseorder": "PurchaseOrder", "paypal_express": "ExpressCheckout",
                   "braintree": "Stripe"}
CURRENCIES = {"USD": (840, "$", 2), "EUR": (978, "\u20ac", 2), "GBP": (826, "\u00a3", 2),
              "CAD": (124, "$", 2), "JPY": (392, "\u00a5", 0)}


def dec(value: Any) -> Decimal:
    """A Decimal from a spec value (str/int/Decimal)."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def four(value: Decimal) -> Decimal:
    return value.quantize(FOUR, rounding=ROUND_HALF_UP)


@dataclass
class Variant:
    id: int
    sku: str
    price: Decimal
    amount: int
    attributes: dict[str, str]


@dataclass
class Product:
    product_id: int
    sku: str
    name: str
    price: Decimal
    amount: int
    taxable: bool = True
    variants: list[Variant] = field(default_factory=list)
    date: int = 0
    update_date: int = 0


@dataclass
class Profile:
    profile_id: int
    login: str
    firstname: str
    lastname: str
    anonymous: bool = False
    added: int = 0
    phone: str = ""
    street: str = "1 Main St"
    city: str = "New York"
    state: str = "NY"
    zipcode: str = "10001"
    country: str = "US"


@dataclass
class Line:
    item_id: int
    sku: str
    name: str
    price: Decimal  # per unit as the shop charged it (gross in a tax-inclusive shop)
    qty: int
    tax_percent: Decimal
    product_id: int | None
    variant_id: int | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    # filled by ``compute``
    subtotal: Decimal = ZERO
    discount: Decimal = ZERO
    tax: Decimal = ZERO


@dataclass
class Backend:
    """A backend transaction (capture, void, refund, refundPart) of a payment transaction."""

    id: int
    date: int
    type: str
    value: Decimal
    status: str = "S"
    restock: list[tuple[str, int]] = field(default_factory=list)  # what the admin put back


@dataclass
class Transaction:
    transaction_id: int
    date: int
    method: str  # service name, a key of METHODS
    status: str  # I P S W F C V
    value: Decimal
    type: str = "sale"
    backend: list[Backend] = field(default_factory=list)

    @property
    def refunded(self) -> Decimal:
        return sum((b.value for b in self.backend if b.status == "S"
                    and b.type in ("refund", "refundPart", "refundMulti")), ZERO)


@dataclass
class Order:
    order_id: int
    number: str
    date: int
    last_renew: int
    profile: Profile  # the order's copy of the buyer
    orig_profile_id: int | None  # the registered or anonymous profile
    lines: list[Line]
    shipping: Decimal
    shipping_tax_percent: Decimal
    discount: Decimal
    coupon: str
    currency: str
    include_tax: bool
    payment_status: str
    shipping_status: str
    transactions: list[Transaction]
    display_currency: str | None = None  # MultiCurrency: what the buyer saw
    display_rate: Decimal = Decimal(1)
    admin_notes: str = ""
    notes: str = ""
    shipping_method: str = "Courier"
    shipping_tax: Decimal = ZERO
    total: Decimal = ZERO
    subtotal: Decimal = ZERO
    raw: dict[str, Any] | None = None  # a verbatim document served instead (bad-input tests)
    events: list[dict[str, Any]] = field(default_factory=list)

    def compute(self) -> None:
        """Item subtotals, the coupon spread over the items, taxes, and the total."""
        for line in self.lines:
            line.subtotal = cents(line.price * line.qty)
        self.subtotal = sum((ln.subtotal for ln in self.lines), ZERO)
        left = self.discount
        for n, line in enumerate(self.lines):
            share = left if n == len(self.lines) - 1 else (
                cents(self.discount * line.subtotal / self.subtotal) if self.subtotal else ZERO)
            line.discount, left = share, left - share
            line.tax = self._tax(line.subtotal - share, line.tax_percent)
        self.shipping_tax = self._tax(self.shipping, self.shipping_tax_percent)
        total = self.subtotal + self.shipping - self.discount
        if not self.include_tax:
            total += sum((ln.tax for ln in self.lines), ZERO) + self.shipping_tax
        self.total = total

    def _tax(self, base: Decimal, percent: Decimal) -> Decimal:
        if not percent:
            return ZERO
        if self.include_tax:
            return cents(base * percent / (100 + percent))
        return cents(base * percent / 100)

    @property
    def refunded(self) -> Decimal:
        return sum((t.refunded for t in self.transactions), ZERO)

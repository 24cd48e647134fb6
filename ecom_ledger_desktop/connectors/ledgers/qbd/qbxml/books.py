"""What documents need to know about the QuickBooks Desktop company and the pair's rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

#: QuickBooks Desktop's currency list names (CurrencyRef FullName) for common ISO codes
CURRENCY_NAMES = {"USD": "US Dollar", "CAD": "Canadian Dollar", "EUR": "Euro",
                  "GBP": "British Pound Sterling", "AUD": "Australian Dollar",
                  "NZD": "New Zealand Dollar", "JPY": "Japanese Yen", "CHF": "Swiss Franc",
                  "MXN": "Mexican Peso"}


@dataclass(frozen=True)
class QbdBooks:
    """What a document needs to know about the company and the pair's posting rules."""

    home_currency: str = "USD"
    multicurrency: bool = False
    zero_tax_item: str = "Out of State"  # a 0 % sales tax item for the form's own tax
    tax_items: Mapping[str, str] = field(default_factory=dict)  # store rate "8.25" -> item
    taxable_code: str = "Tax"
    non_taxable_code: str = "Non"
    deposit_account: str = "Undeposited Funds"
    income_account: str = "Sales"  # where items created for store products book their sales
    gift_card_account: str = "Gift Card Liability"  # gift cards sold and redeemed
    #: line kind (shipping, discount, gift_card, redemption, rounding, adjustment, fee, tax,
    #: unreturned) -> item name, for lines that do not name their own item
    line_items: Mapping[str, str] = field(default_factory=lambda: {
        "shipping": "Shipping", "discount": "Discount", "gift_card": "Gift Card",
        "redemption": "Gift Card", "rounding": "Rounding", "adjustment": "Refund Adjustment",
        "fee": "Restocking Fee", "tax": "Sales Tax (line)", "unreturned": "Unreturned Goods"})


def rate_key(rate: Decimal) -> str:
    """A store rate as the posting rules write it ("8.25", "20")."""
    return format(rate.normalize(), "f")

"""Ledger documents in a ledger-neutral form: what the mapper produces and the journal stores.

References to customers and items are *local keys* (``email:jane@example.com``, ``sku:MB-1``)
or ledger ids already known; each ledger connector resolves them when it posts.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DocumentKind = Literal["sales_receipt", "invoice", "refund_receipt", "credit_memo"]
#: item: a product sold (revenue); shipping; discount (negative); tax: tax as an ordinary line
#: (only in the explicit "tax as a line item" mode); fee: a fee kept back on a refund (income);
#: adjustment: an extra amount refunded (reduces revenue); gift_card: a gift card *sold* (to the
#: gift-card liability, never revenue); redemption: a gift card / store credit / reward points
#: used to pay (negative, against the same liability or a mapped item); rounding: the store's
#: one-minor-unit rounding gap (its own item, never tax).
LineKind = Literal["item", "shipping", "discount", "tax", "fee", "adjustment", "gift_card",
                   "redemption", "rounding"]
TaxTreatment = Literal["none", "line_item", "ledger"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LedgerAddress(_Model):
    """An address in the ledger's terms (up to five lines)."""

    lines: list[str] = Field(default_factory=list)
    city: str = ""
    region: str = ""
    postcode: str = ""
    country: str = ""


class LedgerCustomer(_Model):
    """A customer to find or create; ``key`` is how documents refer to it."""

    key: str
    display_name: str
    given_name: str = ""
    family_name: str = ""
    company: str = ""
    email: str = ""
    phone: str = ""
    postcode: str = ""
    bill_address: LedgerAddress | None = None
    ship_address: LedgerAddress | None = None
    currency: str = "USD"
    #: when the store recorded these details (the order's time): a ledger edit made later wins
    as_of: datetime | None = None


class LedgerItem(_Model):
    """An item to find by SKU (and, by policy, create)."""

    key: str
    sku: str
    name: str
    unit_price: Decimal = Decimal("0")
    description: str = ""


class ItemRef(_Model):
    """Which ledger item a line posts to: a known ledger item (by id or name) or a store SKU."""

    ledger_id: str | None = None
    ledger_name: str | None = None
    item_key: str | None = None  # ``sku:...`` resolved through the item postings


class DocumentLine(_Model):
    """One line of a sales document; ``amount`` is what the line adds to the total."""

    kind: LineKind
    item: ItemRef
    description: str = ""
    qty: Decimal | None = None
    unit_price: Decimal | None = None
    amount: Decimal  # net of tax, also in tax-inclusive shops
    taxable: bool = False  # the store taxed (or would tax) this line: its tax class
    tax_amount: Decimal = Decimal("0")  # the store's tax on this line (after discount)
    tax_rate: Decimal | None = None  # the store's rate in percent ("8.25")
    tax_code: str | None = None  # ledger tax code *name* mapped from the store's rate (non-US,
    # or US without automated sales tax); None: the ledger's default for taxable/non-taxable
    restock: bool | None = None  # refund lines: the goods went back to stock (reverse the cost
    # of goods); False: refunded without a return (no stock movement); None: not a refund line


class SalesDocument(_Model):
    """A sales receipt, invoice, refund receipt or credit memo, ready to post."""

    kind: DocumentKind
    doc_number: str
    txn_date: date
    customer_key: str
    currency: str
    lines: list[DocumentLine]
    total: Decimal  # the store's total: the posted document must equal it to the cent
    private_note: str = ""
    deposit_account: str | None = None  # ledger account name
    payment_method: str | None = None  # ledger payment method name
    bill_address: LedgerAddress | None = None
    ship_address: LedgerAddress | None = None
    email: str = ""
    linked_posting_key: str | None = None  # refunds: the original sale's posting key
    # Tax. "ledger": no tax line; the ledger's own tax system carries ``tax_total`` (the store's
    # tax, which the ledger must honour) from the lines' taxable flags / codes. "line_item": tax is
    # an ordinary line (explicit merchant choice; the ledger's tax reports then show nothing).
    tax_treatment: TaxTreatment = "none"
    tax_total: Decimal = Decimal("0")  # the store's tax on this document
    tax_code: str | None = None  # document-level ledger tax code name (US without AST)
    prices_include_tax: bool = False  # the store's prices are tax-inclusive
    tax_after_discount: bool = True  # the store computed tax on the discounted amounts
    # Currency: the store's base (accounting) currency and its rate for this document, so the
    # ledger posts the store's exchange rate (home amount = the store's base amount) when its home
    # currency is the store's base currency.
    base_currency: str = ""  # "" = same as ``currency``
    base_rate: Decimal | None = None  # base-currency units per document-currency unit
    base_total: Decimal | None = None  # the store's total in its base currency
    payment_ref: str = ""  # the payment provider's transaction id (PaymentRefNum)


class LedgerPayment(_Model):
    """Money received against a posted invoice; or, ``refund_payout``, paid back out of a posted
    refund's credit (a ledger whose refund document leaves a credit: QuickBooks Desktop)."""

    customer_key: str
    invoice_posting_key: str  # the document it applies to (the refund's, for a pay-out)
    amount: Decimal
    txn_date: date
    currency: str
    deposit_account: str | None = None
    payment_method: str | None = None
    private_note: str = ""
    payment_ref: str = ""  # the payment provider's transaction id (PaymentRefNum)
    base_currency: str = ""
    base_rate: Decimal | None = None  # base-currency units per payment-currency unit
    refund_payout: bool = False  # money going back to the customer, not coming in


class VoidRequest(_Model):
    """Void a posted document (cancelled order, or void-and-repost)."""

    target_posting_key: str
    reason: str = ""

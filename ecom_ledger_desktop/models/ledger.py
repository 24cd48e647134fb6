"""Ledger documents in a ledger-neutral form: what the mapper produces and the journal stores.

References to customers and items are *local keys* (``email:jane@example.com``, ``sku:MB-1``)
or ledger ids already known; each ledger connector resolves them when it posts.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DocumentKind = Literal["sales_receipt", "invoice", "refund_receipt", "credit_memo"]
LineKind = Literal["item", "shipping", "discount", "tax", "fee", "gift_card", "rounding"]


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
    amount: Decimal
    taxable: bool = False


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
    tax_code: str | None = None  # ledger tax code name: the ledger computes tax on taxable lines
    expected_tax: Decimal = Decimal("0")  # the store's tax when the ledger computes it


class LedgerPayment(_Model):
    """Money received against a posted invoice."""

    customer_key: str
    invoice_posting_key: str
    amount: Decimal
    txn_date: date
    currency: str
    deposit_account: str | None = None
    payment_method: str | None = None
    private_note: str = ""


class VoidRequest(_Model):
    """Void a posted document (cancelled order, or void-and-repost)."""

    target_posting_key: str
    reason: str = ""

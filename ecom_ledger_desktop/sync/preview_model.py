"""What a run would do, document by document: the exact preview's result (plain data).

Built by ``sync/preview.py`` from what the recording ledger was asked to write during a real
run on a throw-away copy of the database. Amounts are ``Decimal``; totals are kept per currency
and never add two currencies together.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

#: the document kinds that take money in (their totals count as sales) and give it back
SALES_KINDS = frozenset({"sales_receipt", "invoice"})
REFUND_KINDS = frozenset({"refund_receipt", "credit_memo"})
NO_METHOD = "(no payment method)"


@dataclass
class PreviewCustomer:
    """The customer a document goes to: matched in the ledger, or to be created, and why."""

    key: str
    display_name: str
    email: str
    action: str  # matched | new | unknown (the ledger cannot look up without writing)
    reason: str
    ledger_id: str = ""


@dataclass
class PreviewItem:
    """An item the run would create in the ledger."""

    key: str
    sku: str
    name: str
    reason: str


@dataclass
class PreviewLine:
    """One line of a document as it would be sent."""

    kind: str
    item: str  # the store SKU or the ledger item's name
    description: str
    qty: Decimal | None
    unit_price: Decimal | None
    amount: Decimal
    tax_amount: Decimal
    tax_code: str | None
    taxable: bool
    account: str  # the ledger item / account name the line books to ("" = the SKU's item)


@dataclass
class PreviewDocument:
    """One write the run would make for a record: create, update, void or payment."""

    posting_key: str
    record_kind: str  # order | refund
    record_number: str
    source_id: str
    op: str  # create | update | void | payment
    doc_kind: str
    doc_number: str
    txn_date: date | None
    currency: str
    total: Decimal
    tax_total: Decimal
    payment_method: str
    deposit_account: str
    customer: PreviewCustomer | None
    lines: list[PreviewLine] = field(default_factory=list)
    approved: bool = False  # the merchant approved it (matters when the pair holds its runs)


@dataclass
class PreviewFlag:
    """A record the run would send to the error queue, why, and how to fix it."""

    record_kind: str
    record_ref: str
    code: str
    message: str
    fixes: list[str]
    already_open: bool = False  # it is in the error queue already


@dataclass
class DayTotal:
    """Created documents of one store-local day, payment method and currency."""

    day: date
    payment_method: str
    currency: str
    documents: int = 0
    sales: Decimal = Decimal("0")
    refunds: Decimal = Decimal("0")
    tax: Decimal = Decimal("0")

    @property
    def net(self) -> Decimal:
        """Sales less refunds, in this row's currency."""
        return self.sales - self.refunds


@dataclass
class Preview:
    """The whole preview of one pair's next run."""

    pair_id: int
    pair_name: str
    fetched: int = 0
    documents: list[PreviewDocument] = field(default_factory=list)
    customers_to_create: list[PreviewCustomer] = field(default_factory=list)
    items_to_create: list[PreviewItem] = field(default_factory=list)
    flags: list[PreviewFlag] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # postings that wait, and why
    holding: bool = False  # the pair holds its runs for approval
    #: when the ledger's customers and items were read, if not just now ("" when live)
    ledger_read: str = ""

    def held(self) -> list[str]:
        """Record numbers with a document awaiting approval (when the pair holds)."""
        if not self.holding:
            return []
        return list(dict.fromkeys(d.record_number for d in self.documents if not d.approved))

    def totals(self) -> list[DayTotal]:
        """Per store-local day, payment method and currency: documents the run would create."""
        rows: dict[tuple[date, str, str], DayTotal] = {}
        for doc in self.documents:
            if doc.op != "create" or doc.txn_date is None:
                continue
            key = (doc.txn_date, doc.payment_method or NO_METHOD, doc.currency)
            row = rows.setdefault(key, DayTotal(*key))
            row.documents += 1
            if doc.doc_kind in REFUND_KINDS:
                row.refunds += doc.total
                row.tax -= doc.tax_total
            else:
                row.sales += doc.total
                row.tax += doc.tax_total
        return [rows[key] for key in sorted(rows)]

    def orders(self) -> list[str]:
        """The record numbers with at least one document, in order."""
        return list(dict.fromkeys(doc.record_number for doc in self.documents))

    def to_json(self) -> dict[str, Any]:
        """Plain JSON: amounts and dates as strings."""
        data: dict[str, Any] = _plain(asdict(self))
        data["held"] = self.held()
        data["totals"] = [_plain({**asdict(row), "net": row.net}) for row in self.totals()]
        return data


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, (Decimal, date)):
        return str(value)
    return value

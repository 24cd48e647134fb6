"""What a run would do, document by document: the exact preview's result (plain data).

Built by ``sync/preview.py`` from what the recording ledger was asked to write during a real
run on a throw-away copy of the database. Amounts are ``Decimal``; totals are kept per currency
and never add two currencies together. The totals count exactly what the run changes in the
books: new sales documents and refunds, and the change an update or a void makes to a document
already posted; what would be flagged is totalled apart, since it is not posted.
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
class PreviewAmount:
    """A document's date, payment method, currency and amounts (as posted, or as flagged)."""

    day: date
    payment_method: str
    currency: str
    total: Decimal
    tax: Decimal
    refund: bool = False  # a refund receipt or credit memo (money given back)


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
    previous: PreviewAmount | None = None  # an update: the document as posted before it

    def amount(self) -> PreviewAmount | None:
        """This write's day, method, currency and amounts (None: it has no date)."""
        if self.txn_date is None:
            return None
        return PreviewAmount(self.txn_date, self.payment_method, self.currency, self.total,
                             self.tax_total, self.doc_kind in REFUND_KINDS)


@dataclass
class PreviewFlag:
    """A record the run would send to the error queue, why, and how to fix it."""

    record_kind: str
    record_ref: str
    code: str
    message: str
    fixes: list[str]
    already_open: bool = False  # it is in the error queue already
    amount: PreviewAmount | None = None  # the document it would have been (None: not mapped)


@dataclass
class DayTotal:
    """What the run changes in the books for one store-local day, payment method and currency.

    ``sales``: new sales documents; ``changes``: what updates and voids add to (or take from)
    sales documents already posted; ``refunds``: refunds given (net of their own updates and
    voids); ``payments``: money received against invoices (not sales: the invoice was).
    """

    day: date
    payment_method: str
    currency: str
    documents: int = 0
    sales: Decimal = Decimal("0")
    changes: Decimal = Decimal("0")
    refunds: Decimal = Decimal("0")
    payments: Decimal = Decimal("0")
    tax: Decimal = Decimal("0")

    @property
    def net(self) -> Decimal:
        """Sales and changes less refunds, in this row's currency."""
        return self.sales + self.changes - self.refunds

    def add(self, amount: PreviewAmount, column: str, sign: int = 1) -> None:
        """Count ``amount`` (negated when ``sign`` is -1) in ``column``; refunds' tax is
        given back."""
        setattr(self, column, getattr(self, column) + sign * amount.total)
        if column != "payments":
            self.tax += (-sign if amount.refund else sign) * amount.tax


def _tally(amounts: list[tuple[PreviewAmount, str, int, bool]]) -> list[DayTotal]:
    """Rows per day, payment method and currency from (amount, column, sign, counts as a
    document) entries, in day order."""
    rows: dict[tuple[date, str, str], DayTotal] = {}
    for amount, column, sign, counted in amounts:
        key = (amount.day, amount.payment_method or NO_METHOD, amount.currency)
        row = rows.setdefault(key, DayTotal(*key))
        row.documents += int(counted)
        row.add(amount, column, sign)
    return [rows[key] for key in sorted(rows)]


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
        """Per store-local day, payment method and currency: what the run changes in the books
        (an update counts the difference it makes, a void takes its document away)."""
        entries: list[tuple[PreviewAmount, str, int, bool]] = []
        for doc in self.documents:
            amount = doc.amount()
            if amount is None:
                continue
            if doc.op == "payment" and doc.doc_kind == "refund_payout":
                continue  # the refund it pays back is counted once, as a refund
            if doc.op == "payment":
                entries.append((amount, "payments", 1, True))
                continue
            column = "refunds" if amount.refund else "sales" if doc.op == "create" else "changes"
            entries.append((amount, column, -1 if doc.op == "void" else 1, True))
            if doc.op == "update" and doc.previous is not None:  # it replaces what was posted
                entries.append((doc.previous, "refunds" if amount.refund else "changes", -1,
                                False))
        return _tally(entries)

    def flagged_totals(self) -> list[DayTotal]:
        """What would be flagged and so not posted, per day, payment method and currency
        (flags whose document was never made have no amount: ``unpriced_flags``)."""
        return _tally([(flag.amount, "refunds" if flag.amount.refund else "sales", 1, True)
                       for flag in self.flags if flag.amount is not None])

    def unpriced_flags(self) -> int:
        """Flagged records with no document to total (the store's data could not be mapped)."""
        return sum(flag.amount is None for flag in self.flags)

    def scope(self) -> str:
        """What the preview covers, in words: "12 orders waiting to be posted, none new from the
        store since the last sync" (a repeat preview reads nothing new: the journal holds them)."""
        kinds: dict[str, set[str]] = {}
        for doc in self.documents:
            kinds.setdefault(doc.record_kind, set()).add(doc.record_number)
        waiting = " and ".join(_counted(len(numbers), kind)
                               for kind, numbers in sorted(kinds.items(), key=_kind_order))
        new = (f"{self.fetched} new or changed in the store" if self.fetched
               else "none new from the store")
        return f"{waiting or 'nothing'} waiting to be posted, {new} since the last sync"

    def orders(self) -> list[str]:
        """The record numbers with at least one document, in order."""
        return list(dict.fromkeys(doc.record_number for doc in self.documents))

    def to_json(self) -> dict[str, Any]:
        """Plain JSON: amounts and dates as strings."""
        data: dict[str, Any] = _plain(asdict(self))
        data["held"] = self.held()
        data["totals"] = [_plain({**asdict(row), "net": row.net}) for row in self.totals()]
        data["flagged_totals"] = [_plain({**asdict(row), "net": row.net})
                                  for row in self.flagged_totals()]
        return data


_NOUNS = {"order": ("order", "orders"), "refund": ("refund", "refunds"),
          "summary": ("daily summary", "daily summaries")}


def _kind_order(item: tuple[str, set[str]]) -> int:
    return list(_NOUNS).index(item[0]) if item[0] in _NOUNS else len(_NOUNS)


def _counted(count: int, kind: str) -> str:
    one, many = _NOUNS.get(kind, ("record", "records"))
    return f"{count} {one if count == 1 else many}"


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, (Decimal, date)):
        return str(value)
    return value

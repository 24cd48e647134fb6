"""What the engine needs from a store and from a ledger: the connector protocols.

A new store or ledger is a new module implementing one of these, plus its simulator; the
engine does not change. Every ledger is a ``PushLedger`` the engine sends postings to
(QuickBooks Online, FreshBooks, QuickBooks Desktop); one that is reached only when it calls in
(QuickBooks Desktop through the Web Connector) carries each operation through that call and
raises ``LedgerAway`` while it is not connected, so its postings wait instead of failing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Generic, Protocol, TypeVar, runtime_checkable

# re-exported: the income-lines capability lives in its own module (this one is long enough)
from ecom_ledger_desktop.connectors.income import (
    IncomeAccountLedger as IncomeAccountLedger,  # noqa: PLC0414
)
from ecom_ledger_desktop.connectors.income import (
    ItemBooking as ItemBooking,  # noqa: PLC0414
)
from ecom_ledger_desktop.core.errors import RecordError, RecordProblem
from ecom_ledger_desktop.models.commerce import Order, Product, Refund, StockLevel
from ecom_ledger_desktop.models.ledger import (
    LedgerCustomer,
    LedgerItem,
    LedgerPayment,
    SalesDocument,
)
from ecom_ledger_desktop.models.rules import PostingRules, UnmappedSkuPolicy

T = TypeVar("T")


@dataclass
class Fetched(Generic[T]):
    """A record as fetched: parsed, or a problem plus the raw text so nothing is lost."""

    source_id: str
    updated_at: datetime | None
    record: T | None
    raw: str
    problem: RecordProblem | None = None
    number: str = ""  # unparsed: the number the merchant knows, when the raw record shows it


@dataclass
class CheckResult:
    """One line of a "Test connection" report, in plain words."""

    label: str
    ok: bool
    detail: str = ""


class StoreConnector(Protocol):
    """A store the engine pulls orders and refunds from and writes stock and notes to."""

    timestamp_resolution: timedelta  # the smallest step of the store's update timestamps

    def iter_orders(self, since: datetime, until: datetime | None = None) -> Iterator[Fetched[Order]]:
        """Orders updated at or after ``since`` (and before ``until``), ascending (updated_at, id)."""
        ...

    def orders_expected(self) -> int | None:
        """How many orders the ``iter_orders`` listing being read holds in all, once the store
        has said (for the progress bar's total and ETA); None when it does not say."""
        ...

    def reconcile_orders(self) -> Iterator[Fetched[Order]]:
        """Orders the changed-since window cannot select (e.g. no update time); run daily."""
        ...

    def get_order(self, source_id: str) -> Fetched[Order]:
        """One order by its store id (to re-drive a flagged record)."""
        ...

    def iter_refunds(self, since: datetime, until: datetime | None = None) -> Iterator[Fetched[Refund]]:
        """Refunds updated at or after ``since``, ascending."""
        ...

    def write_back(self, order_source_id: str, note: str) -> None:
        """Record on the order (e.g. a comment) which ledger document it became; idempotent."""
        ...

    def set_stock(self, levels: list[StockLevel]) -> list[RecordProblem]:
        """Set quantities by SKU; returns a problem per SKU that could not be set."""
        ...

    def server_now(self) -> datetime | None:
        """The store's own clock (from the last response's Date header), if known."""
        ...

    def check(self) -> list[CheckResult]:
        """What works and what does not, for "Test connection"."""
        ...

    def close(self) -> None:
        """Release network resources."""
        ...


@dataclass
class PostedRef:
    """Where a posting landed in the ledger."""

    ledger_id: str
    doc_number: str | None = None
    sync_token: str | None = None
    total: Decimal | None = None
    extra: dict[str, str] = field(default_factory=dict)


class PostedWithProblem(RecordError):
    """The ledger *did* create the document, but something about it needs a person.

    The engine records the posting as done (so it is never sent again) and flags it.
    """

    def __init__(self, problem: RecordProblem, posted: PostedRef) -> None:
        super().__init__(problem)
        self.posted = posted


@dataclass
class Resolution:
    """Ledger ids for the references of one document, resolved before it is sent."""

    customer_id: str
    item_ids: dict[str, str]  # item key or ledger item name -> ledger id
    names: dict[str, str] = field(default_factory=dict)  # account / payment method name -> id
    # the pair's unmapped-item rule, for items the ledger adds itself (QBO: goods not returned)
    item_policy: UnmappedSkuPolicy = "flag"


#: Line kinds whose item the ledger finds or creates on the account the kind books to.
NON_PRODUCT_LINES = frozenset({"gift_card", "redemption", "rounding", "adjustment", "fee"})


class PushLedger(Protocol):
    """A ledger the engine sends postings to. Every write carries a deterministic request id."""

    def ensure_customer(self, customer: LedgerCustomer, request_id: str) -> str:
        """Find (email, then name + postcode) or create the customer; returns its ledger id.

        Raises ``RecordError`` (duplicate_customer) when several ledger customers match.
        """
        ...

    def ensure_item(self, item: LedgerItem, policy: UnmappedSkuPolicy, standard_item: str,
                    request_id: str) -> str:
        """Find the item by SKU, else apply the unmapped-SKU policy; returns a ledger id.

        Raises ``RecordError`` (unmapped_sku) under the ``flag`` policy.
        """
        ...

    def resolve_name(self, kind: str, name: str) -> str:
        """The ledger id of a named item, account or payment method (cached)."""
        ...

    def ensure_line_item(self, kind: str, name: str, policy: UnmappedSkuPolicy,
                         request_id: str) -> str:
        """The item for a non-product line (``NON_PRODUCT_LINES``) named by the posting rules.

        Found by name; when missing, created on the account its kind books to (a gift card's on
        a liability account, never revenue) if ``policy`` is ``create_item``, else
        ``RecordError`` (missing_reference) saying what to create.
        """
        ...

    def find_posted(self, posting_key: str, document: SalesDocument | LedgerPayment) -> PostedRef | None:
        """Ask the ledger whether a posting with this key already exists (after an uncertain send)."""
        ...

    def documents_numbered(self, document: SalesDocument) -> list[PostedRef]:
        """Live (not voided) documents of the document's kind that carry its number.

        For a merchant who says "it is already in the ledger": the record is linked to the one
        document found, so its later changes, voids and refunds reach it.
        """
        ...

    def create_document(self, document: SalesDocument, resolution: Resolution, request_id: str,
                        linked: PostedRef | None = None) -> PostedRef:
        """Create a sales receipt / invoice / refund receipt / credit memo."""
        ...

    def update_document(self, target: PostedRef, document: SalesDocument, resolution: Resolution,
                        request_id: str) -> PostedRef:
        """Replace a posted document's content (sparse update with its current SyncToken)."""
        ...

    def void_document(self, target: PostedRef, kind: str, request_id: str) -> PostedRef:
        """Void a posted document."""
        ...

    def create_payment(self, payment: LedgerPayment, invoice: PostedRef, resolution: Resolution,
                       request_id: str) -> PostedRef:
        """Receive a payment against a posted invoice."""
        ...

    def changed_stock(self, since: datetime | None) -> tuple[list[StockLevel], datetime]:
        """Quantities on hand changed since ``since`` (all when None) and the new cursor."""
        ...

    def check(self) -> list[CheckResult]:
        """What works and what does not, for "Test connection"."""
        ...

    def close(self) -> None:
        """Release network resources."""
        ...


@runtime_checkable
class BatchLedger(Protocol):
    """A push ledger that can also create many customers and documents per request."""

    batch_size: int
    batching: bool  # a connection setting can turn batches off (one request per document)

    def prefetch(self) -> None:
        """Load the company's customers and items once, to match them locally."""
        ...

    def find_customer(self, customer: LedgerCustomer) -> str | None:
        """An existing match, without writing (raises ``RecordError`` for duplicates)."""
        ...

    def create_customers(self, customers: list[LedgerCustomer], request_id: str
                         ) -> dict[str, str | RecordProblem]:
        """Create up to ``batch_size`` customers; key -> new id, or why it failed."""
        ...

    def create_documents(self, documents: list[tuple[str, SalesDocument, Resolution]],
                         request_id: str) -> dict[str, PostedRef | RecordError]:
        """Create up to ``batch_size`` documents; posting key -> where it landed, or the error."""
        ...


# -- optional capabilities: the engine uses them where a connector has them -----------------------

@runtime_checkable
class DocumentChecker(Protocol):
    """A ledger that can check a document as its create would, sending nothing (the preview
    flags what the ledger would refuse before sending, e.g. a total it would compute
    differently)."""

    def check_document(self, document: SalesDocument, resolution: Resolution) -> None:
        """Raise the ``RecordError`` creating ``document`` would raise before any request."""
        ...


@runtime_checkable
class LookupLedger(Protocol):
    """A ledger that finds its customers and items without writing anything (the exact preview
    says "matched" or "to be created" from these)."""

    def match_customer(self, customer: LedgerCustomer) -> tuple[str, str] | None:
        """The existing active match's id and how it matched ("email", "name and postcode"),
        or None (raises ``RecordError`` for duplicates)."""
        ...

    def find_item(self, item: LedgerItem) -> str | None:
        """An existing active item's id for the item's SKU (then name), or None."""
        ...


@runtime_checkable
class CatalogStore(Protocol):
    """A store that lists its catalogue (for ``catalog_sync``)."""

    def iter_products(self) -> Iterator[Product]:
        """Every product the books could hold as an item (variants, not their parents), with
        ``active`` False for one the store no longer sells."""
        ...


@dataclass
class CatalogOutcome:
    """What a catalogue sync changed in the ledger, and what it could not do."""

    created: int = 0
    updated: int = 0
    deactivated: int = 0
    problems: list[tuple[str, RecordProblem]] = field(default_factory=list)  # (sku, problem)


@runtime_checkable
class CatalogLedger(Protocol):
    """A ledger whose items can follow the store's catalogue (``catalog_sync``)."""

    def sync_catalog(self, products: list[Product], removed: list[str]) -> CatalogOutcome:
        """Create an item for each new product, update names and prices that changed, and make
        the items of ``removed`` SKUs (and of inactive products) inactive: never deleted."""
        ...


@runtime_checkable
class CustomerDetailsLedger(Protocol):
    """A ledger whose customers' details follow the store's (``customer_details_sync``)."""

    def sync_customer_details(self, customer_id: str,
                              customer: LedgerCustomer) -> RecordProblem | None:
        """Bring the ledger's customer up to the store's address and phone, recorded at
        ``customer.as_of``; a ledger edit made after that is kept, and the difference returned
        as a problem for a person (last writer wins, a conflict is never overwritten)."""
        ...


@dataclass(frozen=True)
class LedgerRecord:
    """One sales document as the ledger holds it now, read back for the reconciliation."""

    # sales_receipt | invoice | refund_receipt | credit_memo; "sale" / "refund" when the ledger
    # has one document type for both kinds of its family (matched by id within the family)
    kind: str
    ledger_id: str
    txn_date: date
    number: str = ""
    customer: str = ""
    total: Decimal = Decimal("0")
    tax: Decimal = Decimal("0")
    currency: str = ""
    payment_method: str = ""
    note: str = ""  # carries the journal key of a document we posted ("" when hand-made)
    voided: bool = False
    deleted: bool = False

    @property
    def refund(self) -> bool:
        """A refund receipt or credit memo (counts against the day's sales)."""
        return self.kind in ("refund_receipt", "credit_memo", "refund")


@runtime_checkable
class ReadBackLedger(Protocol):
    """A ledger whose sales documents can be read back by date (for the reconciliation)."""

    def documents_between(self, start: date, end: date) -> list[LedgerRecord]:
        """Every sales, refund and credit document dated ``start``..``end`` inclusive, voided
        ones included (flagged); raises ``LedgerAway`` while a ledger that calls in is away."""
        ...

    def read_calls(self) -> int:
        """API calls made by ``documents_between`` so far (the reconciliation's cost)."""
        ...


@dataclass
class RetireOutcome:
    """What became of a customer or item an undo no longer needs."""

    retired: bool
    why: str = ""  # in plain words: made inactive, or why it was kept


@runtime_checkable
class RetiringLedger(Protocol):
    """A ledger whose customers and items an undo can make inactive (never deleted)."""

    def retire(self, kind: str, ledger_id: str, created_since: datetime,
               request_id: str) -> RetireOutcome:
        """Make the ``customer`` or ``item`` inactive if the ledger shows it was created at or
        after ``created_since`` (by our posting) and no live document uses it; else keep it and
        say why. Idempotent: one already inactive counts as retired."""
        ...


@runtime_checkable
class UndoCheckingLedger(Protocol):
    """A ledger that can say, before an undo, which documents it would not take back cleanly."""

    def undo_obstacles(self, documents: list[tuple[PostedRef, str]]) -> dict[str, str]:
        """For (document, kind) an undo would void: ledger id -> why, in plain words, voiding
        it would do more than take back what we posted (changed in the ledger since, deposited,
        a payment recorded on it by hand, in a closed period). Read in bulk; the ref's
        ``sync_token`` is the version we last wrote and ``extra["payments"]`` the ids of our own
        payments on it. Documents without an obstacle are left out."""
        ...


@runtime_checkable
class RulesLedger(Protocol):
    """A ledger whose documents follow pair rules only some ledgers have (a draft status for
    unpaid invoices, the order number as a PO number): given the pair's rules before posting."""

    def apply_rules(self, rules: PostingRules) -> None:
        """Follow ``rules`` for the documents posted from now on."""
        ...

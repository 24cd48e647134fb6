"""What the error queue shows for one flagged record, and bulk retry.

For an entry: the problem in a merchant's words, the order as the store sent it (from the staged
raw copy, read by the store kind's ``order_summary``), the fixes that apply (and what each needs
from the merchant), and, for a customer who matches several ledger customers, the candidates side
by side with the store's customer (name, email, phone, postcode, balance) with the fields that
agree marked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ecom_ledger_desktop.connectors.catalog import (
    CatalogCustomer,
    LedgerCatalog,
    StoreProduct,
    ledger_catalog,
)
from ecom_ledger_desktop.connectors.kinds import ConnectionKind, load
from ecom_ledger_desktop.connectors.registry import KINDS
from ecom_ledger_desktop.connectors.summary import OrderLine, OrderSummary
from ecom_ledger_desktop.core.errors import Fix, SyncError
from ecom_ledger_desktop.db.errors_repo import ErrorEntry
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.sync.context import PairContext
from ecom_ledger_desktop.sync.mapping_suggestions import Candidate, rank
from ecom_ledger_desktop.sync.service import SyncService

#: titles by problem code; ``{books}`` is the pair's ledger brand ("QuickBooks", "FreshBooks")
PROBLEM_TITLES = {
    "unmapped_sku": "Product not in {books}",
    "duplicate_sku": "Several {books} items share the SKU",
    "duplicate_customer": "Customer matches several {books} customers",
    "missing_reference": "A name in the posting rules is not in {books}",
    "invalid_data": "Something in the order cannot be read",
    "closed_period": "The books are closed for that date",
    "total_mismatch": "{books}' total differs from the store's",
    "duplicate_doc_number": "The number is already used in {books}",
    "outcome_unknown": "Sent, but {books}' answer was lost",
    "order_not_posted": "Refund of an order that is not in the books",
    "not_found": "The order no longer exists in the store",
    "ledger_rejected": "{books} refused it",
    "unpaid_order": "Unpaid for too long",
    "unmapped_tax_rate": "A tax rate has no {books} tax code",
}
FIX_NEEDS = {"map_sku": "ledger_item", "pick_customer": "ledger_customer", "ignore": "reason",
             "edit_field": "rule_field"}
MATCH_FIELDS = ("email", "phone", "name", "postcode")
__all__ = ["OrderLine", "OrderSummary"]  # with the rest: they are read from here too


NO_BRAND = "the books"  # a pair whose ledger this version does not know


def problem_title(code: str, books: str = NO_BRAND) -> str:
    """A short heading for a problem code, in the words of the pair's ledger brand ``books``."""
    title = PROBLEM_TITLES.get(code, code.replace("_", " ").capitalize()).format(books=books)
    return title[:1].upper() + title[1:]


def ledger_brand(state: State, pair_id: int) -> str:
    """The brand of the pair's ledger kind ("QuickBooks", "FreshBooks"; else "the books")."""
    pair = state.connections.pair(pair_id)
    ledger = state.connections.connection(pair.ledger_id) if pair is not None else None
    kind = KINDS.get(ledger.kind) if ledger is not None else None
    return kind.brand if kind is not None else NO_BRAND


def ledger_brands(state: State) -> dict[int, str]:
    """``ledger_brand`` of every pair, by pair id."""
    return {pair.id: ledger_brand(state, pair.id) for pair in state.connections.pairs()}


def not_asked(books: str, error: object) -> str:
    """Why the ledger's side of an entry is missing."""
    return f"{books[:1].upper()}{books[1:]} could not be asked: {error}"


@dataclass(frozen=True)
class CustomerCard:
    """A customer in the side-by-side comparison; ``id`` is None for the store's customer."""

    id: str | None
    name: str
    email: str = ""
    phone: str = ""
    postcode: str = ""
    balance: Decimal | None = None
    currency: str = ""
    active: bool = True
    matches: tuple[str, ...] = ()


@dataclass(frozen=True)
class FixOption:
    """A fix and what the merchant must give for it (None, ledger_item, ledger_customer, ...)."""

    action: str
    label: str
    needs: str | None = None


@dataclass
class ErrorDetails:
    """Everything the error-queue page shows for one entry."""

    entry: ErrorEntry
    title: str
    order: OrderSummary | None
    fixes: list[FixOption]
    store_customer: CustomerCard | None = None
    candidates: list[CustomerCard] = field(default_factory=list)
    item_suggestions: list[Candidate] = field(default_factory=list)
    rule_fields: list[str] = field(default_factory=list)
    lookup_error: str = ""
    books: str = NO_BRAND  # the pair's ledger brand, for the page's words
    store_kind: str = ""  # the pair's store kind (its words for where to fix an order)


def order_summary(raw: str | None, kind: ConnectionKind | None) -> OrderSummary | None:
    """The order as the store sent it, read from its staged raw copy by the store kind's own
    reader (None when unreadable, or when the kind declares no reader)."""
    if kind is None or not kind.order_summary or not raw:
        return None
    summary: OrderSummary | None = load(kind.order_summary)(raw)
    return summary


def _store_kind(state: State, pair_id: int) -> ConnectionKind | None:
    """The declaration of the pair's store (None when this version does not know it)."""
    pair = state.connections.pair(pair_id)
    store = state.connections.connection(pair.store_id) if pair is not None else None
    return KINDS.get(store.kind) if store is not None else None


def _norm(kind: str, value: str) -> str:
    if kind == "email":
        return value.strip().lower()
    if kind == "phone":
        digits = re.sub(r"\D", "", value)
        return digits[-10:] if len(digits) >= 7 else ""
    if kind == "postcode":
        return re.sub(r"[\s-]", "", value).upper()
    return " ".join(value.casefold().split())


def customer_matches(store: CustomerCard, other: CustomerCard) -> tuple[str, ...]:
    """The fields (email, phone, name, postcode) on which two customers agree."""
    agree = []
    for kind in MATCH_FIELDS:
        mine, theirs = _norm(kind, getattr(store, kind)), _norm(kind, getattr(other, kind))
        if mine and mine == theirs:
            agree.append(kind)
    return tuple(agree)


def _card(customer: CatalogCustomer, store: CustomerCard | None) -> CustomerCard:
    card = CustomerCard(customer.id, customer.display_name, customer.email, customer.phone,
                        customer.postcode, customer.balance, customer.currency, customer.active)
    if store is None:
        return card
    return CustomerCard(**{**card.__dict__, "matches": customer_matches(store, card)})


def _store_customer(state: State, entry: ErrorEntry,
                    order: OrderSummary | None) -> CustomerCard | None:
    row = state.journal.get(entry.posting_key) if entry.posting_key else None
    customer: dict[str, Any] = {}
    if row is not None:
        try:
            customer = json.loads(row.payload).get("customer") or {}
        except ValueError:
            customer = {}
    if customer:
        return CustomerCard(None, str(customer.get("display_name") or ""),
                            str(customer.get("email") or ""), str(customer.get("phone") or ""),
                            str(customer.get("postcode") or ""))
    if order is not None:
        return CustomerCard(None, order.customer_name, order.email, order.phone, order.postcode)
    return None


def fix_options(fixes: list[Fix]) -> list[FixOption]:
    """The entry's fixes, plus retry and ignore (which always apply)."""
    options = [FixOption(f.action, f.label, FIX_NEEDS.get(f.action)) for f in fixes]
    actions = {o.action for o in options}
    if "retry" not in actions:
        options.append(FixOption("retry", "Retry now"))
    if "ignore" not in actions:
        options.append(FixOption("ignore", "Ignore it (with a reason)", "reason"))
    return options


def entry_details(state: State, entry_id: int) -> ErrorDetails:
    """The page data the database alone can give (no connection needed)."""
    entry = state.errors.get(entry_id)
    if entry is None:
        raise KeyError(f"there is no error-queue entry {entry_id}")
    raw = entry.raw or state.cursors.staged(entry.pair_id, entry.record_kind, entry.source_id)
    kind = _store_kind(state, entry.pair_id)
    order = order_summary(raw, kind) if entry.record_kind == "order" else None
    books = ledger_brand(state, entry.pair_id)
    details = ErrorDetails(entry, problem_title(entry.code, books), order,
                           fix_options(entry.fixes), books=books,
                           store_kind=kind.name if kind is not None else "")
    if entry.code == "duplicate_customer":
        details.store_customer = _store_customer(state, entry, order)
    pair = state.connections.pair(entry.pair_id)
    if entry.code == "missing_reference" and pair is not None:
        named = re.search(r"called '(.+?)'", entry.message)
        rules = pair.rules.model_dump(mode="json")
        details.rule_fields = [k for k, v in rules.items() if named and v == named.group(1)]
    return details


def add_ledger_view(details: ErrorDetails, catalog: LedgerCatalog) -> ErrorDetails:
    """Add what only the ledger knows: duplicate candidates side by side, item suggestions."""
    entry, order, store = details.entry, details.order, details.store_customer
    try:
        if entry.code == "duplicate_customer":
            found = {c.id: c for c in catalog.customers_by_ids(entry.detail.split(";"))}
            if store is not None:
                for c in catalog.find_customers(email=store.email, display_name=store.name):
                    found.setdefault(c.id, c)
            cards = [_card(c, store) for c in found.values()]
            cards.sort(key=lambda c: (-len(c.matches), not c.active, c.name.casefold()))
            details.candidates = cards
        elif entry.code in ("unmapped_sku", "duplicate_sku") and entry.detail:
            name = next((line.name for line in order.lines if line.sku == entry.detail), "") \
                if order else ""
            details.item_suggestions = rank(StoreProduct(entry.detail, name),
                                            catalog.list_items())
    except SyncError as error:
        details.lookup_error = not_asked(details.books, error)
    return details


def load_details(ctx: PairContext, entry_id: int, *, use_ledger: bool = True) -> ErrorDetails:
    """``entry_details`` plus, with ``use_ledger``, the ledger's view (network calls)."""
    details = entry_details(ctx.state, entry_id)
    catalog = ledger_catalog(ctx.ledger) if use_ledger else None
    return add_ledger_view(details, catalog) if catalog is not None else details


@dataclass(frozen=True)
class RetryOutcome:
    """What retrying one entry did."""

    entry_id: int
    outcome: str
    ok: bool


def bulk_retry(service: SyncService, entry_ids: Iterable[int],
               progress: Callable[[int, int], None] | None = None) -> list[RetryOutcome]:
    """Retry each entry in turn; one failing never stops the others."""
    ids = list(entry_ids)
    outcomes = []
    for done, entry_id in enumerate(ids, start=1):
        try:
            outcome = service.retry(entry_id)
        except (SyncError, KeyError) as error:
            outcome = f"failed: {error}"
        outcomes.append(RetryOutcome(entry_id, outcome, outcome == "posted"))
        if progress is not None:
            progress(done, len(ids))
    return outcomes

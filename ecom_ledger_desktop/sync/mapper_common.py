"""What sale and refund mapping share: clean text, customers, dates, currency, the cent rule."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from ecom_ledger_desktop.core.errors import Fix, RecordError, RecordProblem
from ecom_ledger_desktop.core.money import dumps, minor_unit, round_money
from ecom_ledger_desktop.models.commerce import Address, Order, local_date
from ecom_ledger_desktop.models.ledger import (
    DocumentLine,
    ItemRef,
    LedgerAddress,
    LedgerCustomer,
    LedgerItem,
    SalesDocument,
)
from ecom_ledger_desktop.models.rules import PostingRules

ZERO = Decimal("0")
DOC_NUMBER_MAX = 21  # QuickBooks Online's DocNumber limit
RATE_PLACES = Decimal("1e-10")  # exchange rates: fine enough that home = base to the cent


@dataclass
class MappedDocument:
    """What one store record becomes: the document, its customer, the items it needs."""

    document: SalesDocument
    customer: LedgerCustomer
    items: list[LedgerItem]
    revision: str


def normalise_email(email: str) -> str:
    """Lower-case, trimmed, NFC: the customer-matching key."""
    return unicodedata.normalize("NFC", email.strip()).lower()


def clean_text(text: str) -> str:
    """Drop control characters (tab and newline become spaces) and trim."""
    out = []
    for ch in text:
        if ch in "\t\r\n":
            out.append(" ")
        elif unicodedata.category(ch) != "Cc":
            out.append(ch)
    return " ".join("".join(out).split())


def item_key(sku: str) -> str:
    """How a document line refers to a store SKU until the ledger resolves it."""
    return f"sku:{sku}"


def doc_number_for(number: str, prefix: str = "") -> str:
    """The ledger document number: ``prefix`` + the store's, keeping the *tail* within 21.

    Store numbers grow at the end (``EU-WEBSTORE-2026-000000123``), so the tail keeps them
    distinct; the full number stays in the document's private note.
    """
    room = max(DOC_NUMBER_MAX - len(prefix), 1)
    return (prefix + number[-room:])[-DOC_NUMBER_MAX:]


def revision_of(document: SalesDocument) -> str:
    """A short content hash: the same content always gives the same revision."""
    return hashlib.sha256(dumps(document.model_dump(mode="json")).encode()).hexdigest()[:12]


# -- dates ----------------------------------------------------------------------------------
def store_zone(order: Order, rules: PostingRules) -> str:
    """The time zone the books are dated in: the pair's rule, else the store's."""
    return rules.timezone or order.timezone


def book_date(moment: datetime, order: Order, rules: PostingRules) -> date:
    """The store-local calendar date of ``moment`` (an order, payment or refund time)."""
    return local_date(moment, store_zone(order, rules))


# -- currency -------------------------------------------------------------------------------
@dataclass(frozen=True)
class BaseAmounts:
    """The store's base (accounting) currency view of one document."""

    currency: str  # "" when the document is in the base currency
    rate: Decimal | None  # base units per document-currency unit
    total: Decimal | None  # the document's total in the base currency


def base_currency_of(order: Order) -> str:
    """The store's base currency ("" is the order's own)."""
    return (order.base_currency or order.currency).upper()


def is_foreign(order: Order) -> bool:
    """Whether the order is in another currency than the store's base."""
    return base_currency_of(order) != order.currency.upper()


def base_amounts(order: Order, total: Decimal, base_total: Decimal | None) -> BaseAmounts:
    """Rate and base total so that total × rate = the store's base total to the cent.

    The store's own base total wins (the rate is derived from it); without it the store's
    base-to-order rate is inverted.
    """
    if not is_foreign(order):
        return BaseAmounts("", None, None)
    base = base_currency_of(order)
    rate: Decimal | None = None
    if base_total is not None and total:
        rate = (base_total / total).quantize(RATE_PLACES)
    elif order.base_to_order_rate:
        rate = (Decimal(1) / order.base_to_order_rate).quantize(RATE_PLACES)
    if rate is None:
        return BaseAmounts(base, None, None)
    shown = base_total if base_total is not None else total * rate
    return BaseAmounts(base, rate, round_money(shown, base))


# -- customers ------------------------------------------------------------------------------
def _ledger_address(address: Address | None) -> LedgerAddress | None:
    if address is None:
        return None
    lines = [clean_text(line) for line in address.lines if clean_text(line)]
    return LedgerAddress(lines=lines[:5], city=clean_text(address.city),
                         region=clean_text(address.region), postcode=clean_text(address.postcode),
                         country=clean_text(address.country))


def customer_for(order: Order, rules: PostingRules) -> LedgerCustomer:
    """The ledger customer an order posts to (matched by email, else name + postcode).

    A ledger customer has one currency: an order in another currency than the store's base goes
    to a second customer "Name (EUR)" (and the standard customer likewise), unless the rule
    ``customer_per_currency`` is off.
    """
    suffix = f" ({order.currency.upper()})" \
        if rules.customer_per_currency and is_foreign(order) else ""
    if rules.customer_policy == "standard_customer":
        name = rules.standard_customer + suffix
        return LedgerCustomer(key=f"name:{name}", display_name=name, currency=order.currency)
    buyer = order.customer
    billing = order.billing_address
    email = normalise_email(buyer.email or (billing.email if billing else ""))
    name = clean_text(buyer.full_name) or clean_text(
        " ".join(p for p in ((billing.first_name, billing.last_name) if billing else ()) if p))
    postcode = clean_text(billing.postcode) if billing else ""
    if email:
        key = f"email:{email}"
    elif name:
        key = f"name:{name.lower()}|{postcode.lower()}"
    else:
        raise RecordError(RecordProblem(
            code="invalid_data",
            message=f"Order {order.number} has neither a customer email nor a name; add one in "
                    "the store, or use the standard-customer rule for this pair.",
            fixes=[Fix("edit_field", "Add the customer's email in the store"),
                   Fix("retry", "Retry")]))
    return LedgerCustomer(
        key=key + suffix, display_name=(name or email) + suffix,
        given_name=clean_text(buyer.first_name),
        family_name=clean_text(buyer.last_name), company=clean_text(buyer.company),
        email=email, phone=clean_text(buyer.phone or (billing.phone if billing else "")),
        postcode=postcode, bill_address=_ledger_address(billing),
        ship_address=_ledger_address(order.shipping_address), currency=order.currency,
        as_of=order.created_at)


# -- the cent rule --------------------------------------------------------------------------
def balance(lines: list[DocumentLine], total: Decimal, currency: str, record: str,
            rules: PostingRules, parts: str) -> list[DocumentLine]:
    """Add a rounding line for a one-minor-unit gap (on the rounding item, never tax); flag
    anything larger. ``total`` is what the lines must add up to."""
    posted = sum((line.amount for line in lines), ZERO)
    gap = round_money(total, currency) - posted
    if gap == 0:
        return lines
    if abs(gap) <= minor_unit(currency):
        return [*lines, DocumentLine(kind="rounding", item=ItemRef(ledger_name=rules.rounding_item),
                                     description="Rounding (store total)",
                                     qty=Decimal(1), unit_price=gap, amount=gap)]
    raise RecordError(RecordProblem(
        code="totals_mismatch",
        message=f"{record}: its {parts} add up to {posted} {currency} "
                f"but they should come to {round_money(total, currency)} {currency} (a "
                f"difference of {gap}). Nothing was posted; check the record in the store.",
        fixes=[Fix("retry", "Retry after correcting the order"), Fix("ignore", "Ignore")]))


def paid_moment(order: Order) -> datetime:
    """When the order was paid: its latest payment's capture time (else its last update)."""
    return max((p.paid_at for p in order.payments if p.paid_at), default=order.updated_at)


def payment_ref(order: Order) -> str:
    """The payment provider's transaction id of the order's latest referenced payment."""
    refs = [p.reference.strip() for p in order.payments if p.reference.strip()]
    return refs[-1] if refs else ""


def is_offline(order: Order) -> bool:
    """Whether the order is paid by an offline method: the store's flag on the order (an unpaid
    order has no payment to carry it) or on its payments."""
    return order.payment_offline or any(p.offline for p in order.payments)

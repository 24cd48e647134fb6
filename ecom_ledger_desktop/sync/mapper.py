"""Pure mapping: a canonical store order (or refund) + posting rules → ledger documents.

No I/O, deterministic: the same order and rules always give the same documents, so a document's
content hash is its *revision* and re-fetching an unchanged order posts nothing.

Cent rule: the document's lines are the store's own amounts (line totals, shipping, discount, tax
as a line item), so their sum equals the store's grand total exactly. When the store's parts
differ from its grand total by at most one minor unit (a rounding artefact of the store's own
tax calculation), that difference is posted as a "rounding adjustment" line on the tax item so
the ledger still equals the store to the cent. A larger difference means the order is
inconsistent: it is flagged, not posted.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from ecom_ledger_desktop.core.errors import Fix, RecordError, RecordProblem
from ecom_ledger_desktop.core.money import dumps, minor_unit, round_money
from ecom_ledger_desktop.models.commerce import Address, Order, Refund
from ecom_ledger_desktop.models.ledger import (
    DocumentKind,
    DocumentLine,
    ItemRef,
    LedgerAddress,
    LedgerCustomer,
    LedgerItem,
    SalesDocument,
)
from ecom_ledger_desktop.models.rules import PostingRules

ZERO = Decimal("0")


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


def _ledger_address(address: Address | None) -> LedgerAddress | None:
    if address is None:
        return None
    lines = [clean_text(line) for line in address.lines if clean_text(line)]
    return LedgerAddress(lines=lines[:5], city=clean_text(address.city),
                         region=clean_text(address.region), postcode=clean_text(address.postcode),
                         country=clean_text(address.country))


def customer_for(order: Order, rules: PostingRules) -> LedgerCustomer:
    """The ledger customer an order posts to (matched by email, else name + postcode)."""
    if rules.customer_policy == "standard_customer":
        return LedgerCustomer(key=f"name:{rules.standard_customer}",
                              display_name=rules.standard_customer, currency=order.currency)
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
        key=key, display_name=name or email, given_name=clean_text(buyer.first_name),
        family_name=clean_text(buyer.last_name), company=clean_text(buyer.company),
        email=email, phone=clean_text(buyer.phone or (billing.phone if billing else "")),
        postcode=postcode, bill_address=_ledger_address(billing),
        ship_address=_ledger_address(order.shipping_address), currency=order.currency)


def item_key(sku: str) -> str:
    """How a document line refers to a store SKU until the ledger resolves it."""
    return f"sku:{sku}"


def _check_lines(order: Order) -> None:
    if not order.lines:
        raise RecordError(RecordProblem(
            code="invalid_data",
            message=f"Order {order.number} has no product lines; nothing can be posted. Check "
                    "the order in the store.", fixes=[Fix("ignore", "Ignore this order")]))
    for position, line in enumerate(order.lines, start=1):
        if line.qty <= 0:
            raise RecordError(RecordProblem(
                code="invalid_data",
                message=f"Order {order.number}: line {position} (SKU '{line.sku}') has quantity "
                        f"{line.qty}; correct the order in the store, then retry.",
                fixes=[Fix("edit_field", "Correct the quantity in the store"),
                       Fix("ignore", "Ignore this order")]))
        if line.unit_price < 0:
            raise RecordError(RecordProblem(
                code="invalid_data",
                message=f"Order {order.number}: line {position} (SKU '{line.sku}') has a "
                        f"negative price {line.unit_price}; correct it in the store, then retry.",
                fixes=[Fix("edit_field", "Correct the price in the store")]))
    if order.grand_total < 0:
        raise RecordError(RecordProblem(
            code="invalid_data",
            message=f"Order {order.number} has a negative total ({order.grand_total}); a sale "
                    "cannot be negative. Correct the order in the store or ignore it.",
            fixes=[Fix("ignore", "Ignore this order")]))


def _sale_lines(order: Order, rules: PostingRules) -> list[DocumentLine]:
    currency = order.currency
    by_code = rules.tax_mode == "tax_code"
    lines: list[DocumentLine] = []
    for line in order.lines:
        amount = round_money(line.row_total, currency)
        unit = line.unit_price if round_money(line.qty * line.unit_price, currency) == amount \
            else None
        lines.append(DocumentLine(kind="item", item=ItemRef(item_key=item_key(line.sku)),
                                  description=clean_text(line.name) or line.sku, qty=line.qty,
                                  unit_price=unit, amount=amount,
                                  taxable=by_code and line.tax > 0))
    if order.shipping:
        lines.append(DocumentLine(kind="shipping", item=ItemRef(ledger_name=rules.shipping_item),
                                  description="Shipping", qty=Decimal(1),
                                  unit_price=round_money(order.shipping, currency),
                                  amount=round_money(order.shipping, currency),
                                  taxable=by_code and order.shipping_tax > 0))
    if order.discount:
        label = f"Discount ({order.coupon_code})" if order.coupon_code else "Discount"
        lines.append(DocumentLine(kind="discount", item=ItemRef(ledger_name=rules.discount_item),
                                  description=label, amount=-round_money(order.discount, currency)))
    if order.gift_card:
        lines.append(DocumentLine(kind="gift_card", item=ItemRef(ledger_name=rules.gift_card_item),
                                  description="Paid with a gift card", qty=Decimal(1),
                                  unit_price=-round_money(order.gift_card, currency),
                                  amount=-round_money(order.gift_card, currency)))
    if order.tax_total and not by_code:
        lines.append(DocumentLine(kind="tax", item=ItemRef(ledger_name=rules.tax_item),
                                  description="Sales tax", qty=Decimal(1),
                                  unit_price=round_money(order.tax_total, currency),
                                  amount=round_money(order.tax_total, currency)))
    return lines


def _balance(lines: list[DocumentLine], total: Decimal, currency: str, record: str,
             rules: PostingRules) -> list[DocumentLine]:
    """Add a rounding line for a one-minor-unit gap; flag anything larger."""
    posted = sum((line.amount for line in lines), ZERO)
    gap = round_money(total, currency) - posted
    if gap == 0:
        return lines
    if abs(gap) <= minor_unit(currency):
        return [*lines, DocumentLine(kind="rounding", item=ItemRef(ledger_name=rules.tax_item),
                                     description="Rounding adjustment (store total)",
                                     qty=Decimal(1), unit_price=gap, amount=gap)]
    raise RecordError(RecordProblem(
        code="totals_mismatch",
        message=f"{record}: its lines, shipping, discount and tax add up to {posted} {currency} "
                f"but its total is {round_money(total, currency)} {currency} (a difference of "
                f"{gap}). Nothing was posted; check the order in the store.",
        fixes=[Fix("retry", "Retry after correcting the order"), Fix("ignore", "Ignore")]))


def rate_key(rate: Decimal) -> str:
    """How a store tax rate is written in ``PostingRules.tax_codes`` ("8.25", "20")."""
    return format(rate.normalize(), "f")


def _tax_code(order: Order, rules: PostingRules) -> str | None:
    """The ledger tax code for an order in tax-code mode (None when nothing is taxed)."""
    taxed = [line for line in order.lines if line.tax > 0]
    if not taxed and not order.shipping_tax:
        return None
    rates = {rate_key(line.tax_percent) for line in taxed if line.tax_percent is not None}
    if len(rates) != 1:
        shown = ", ".join(sorted(rates)) or "unknown"
        raise RecordError(RecordProblem(
            code="mixed_tax_rates",
            message=f"Order {order.number} has taxed lines at rates {shown}%; the ledger applies "
                    "one tax code per sale. Post this pair's tax as a line item instead "
                    "(rules set PAIR tax_mode line_item), then retry.",
            fixes=[Fix("edit_field", "Post tax as a line item"), Fix("retry", "Retry")]))
    rate = rates.pop()
    code = rules.tax_codes.get(rate)
    if not code:
        raise RecordError(RecordProblem(
            code="unmapped_tax_rate",
            message=f"Order {order.number} is taxed at {rate}% but no ledger tax code is mapped "
                    f"to that rate; map one (rules set PAIR tax_codes.{rate} \"<tax code>\"), "
                    "then retry.",
            fixes=[Fix("edit_field", "Map the tax rate to a tax code"), Fix("retry", "Retry")]))
    return code


DOC_NUMBER_MAX = 21  # QuickBooks Online's DocNumber limit


def doc_number_for(number: str) -> str:
    """The ledger document number: the store's, or its *last* 21 characters when longer.

    Store numbers grow at the end (``EU-WEBSTORE-2026-000000123``), so the tail keeps them
    distinct; the full number stays in the document's private note.
    """
    return number[-DOC_NUMBER_MAX:]


def revision_of(document: SalesDocument) -> str:
    """A short content hash: the same content always gives the same revision."""
    return hashlib.sha256(dumps(document.model_dump(mode="json")).encode()).hexdigest()[:12]


def map_order(order: Order, rules: PostingRules, kind: DocumentKind | None = None) -> MappedDocument:
    """Map an order to its sales document (receipt if paid, invoice if not, unless ``kind``).

    Raises ``RecordError`` for orders that cannot be posted as they are.
    """
    _check_lines(order)
    customer = customer_for(order, rules)
    chosen: DocumentKind = kind or (rules.paid_document if order.paid else rules.unpaid_document)
    record = f"Order {order.number}"
    by_code = rules.tax_mode == "tax_code"
    tax_code = _tax_code(order, rules) if by_code else None
    # in tax-code mode the ledger adds the tax: the lines must add up to the total without it
    lines = _balance(_sale_lines(order, rules),
                     order.grand_total - (order.tax_total if by_code else ZERO),
                     order.currency, record, rules)
    route = rules.route_for(order.payment_method)
    document = SalesDocument(
        kind=chosen, doc_number=doc_number_for(order.number), txn_date=order.created_at.date(),
        customer_key=customer.key, currency=order.currency, lines=lines,
        total=round_money(order.grand_total, order.currency),
        deposit_account=route.deposit_account if chosen == "sales_receipt" else None,
        payment_method=route.payment_method if chosen == "sales_receipt" else None,
        bill_address=customer.bill_address, ship_address=customer.ship_address,
        email=customer.email, tax_code=tax_code,
        tax_treatment="ledger" if by_code else ("line_item" if order.tax_total else "none"),
        tax_total=round_money(order.tax_total, order.currency))
    items = [LedgerItem(key=item_key(line.sku), sku=line.sku, name=clean_text(line.name) or line.sku,
                        unit_price=line.unit_price) for line in order.lines]
    return MappedDocument(document=document, customer=customer, items=items,
                          revision=revision_of(document))


def map_refund(refund: Refund, order: Order, rules: PostingRules,
               already_refunded: Decimal = ZERO) -> MappedDocument:
    """Map a store refund to a refund receipt (or credit memo) for the order's customer.

    ``already_refunded`` is what the order's other refunds already give back: together they may
    not exceed the order's total.
    """
    customer = customer_for(order, rules)
    currency = refund.currency
    record = f"Refund {refund.number} of order {order.number}"
    if already_refunded + refund.grand_total > order.grand_total:
        before = f" on top of {already_refunded} {currency} already refunded" \
            if already_refunded else ""
        raise RecordError(RecordProblem(
            code="invalid_data",
            message=f"{record} is for {refund.grand_total} {currency}{before}, more than the "
                    f"order's total {order.grand_total}; correct the credit memo in the store.",
            fixes=[Fix("ignore", "Ignore this refund")]))
    lines: list[DocumentLine] = []
    for line in refund.lines:
        amount = round_money(line.qty * line.unit_price, currency)
        lines.append(DocumentLine(kind="item", item=ItemRef(item_key=item_key(line.sku)),
                                  description=clean_text(line.name) or line.sku, qty=line.qty,
                                  unit_price=line.unit_price, amount=amount))
    if refund.shipping:
        lines.append(DocumentLine(kind="shipping", item=ItemRef(ledger_name=rules.shipping_item),
                                  description="Shipping refunded", qty=Decimal(1),
                                  unit_price=refund.shipping, amount=round_money(refund.shipping,
                                                                                 currency)))
    discount = sum((line.discount for line in refund.lines), ZERO) or refund.discount
    if discount:
        lines.append(DocumentLine(kind="discount", item=ItemRef(ledger_name=rules.discount_item),
                                  description="Discount", amount=-round_money(abs(discount),
                                                                              currency)))
    if refund.tax_total:
        lines.append(DocumentLine(kind="tax", item=ItemRef(ledger_name=rules.tax_item),
                                  description="Sales tax refunded", qty=Decimal(1),
                                  unit_price=refund.tax_total,
                                  amount=round_money(refund.tax_total, currency)))
    if refund.adjustment:
        lines.append(DocumentLine(kind="fee", item=ItemRef(ledger_name=rules.fee_item),
                                  description="Refund adjustment", qty=Decimal(1),
                                  unit_price=refund.adjustment,
                                  amount=round_money(refund.adjustment, currency)))
    lines = _balance(lines, refund.grand_total, currency, record, rules)
    kind: DocumentKind = rules.refund_document
    document = SalesDocument(
        kind=kind, doc_number=doc_number_for(refund.number), txn_date=refund.created_at.date(),
        customer_key=customer.key, currency=currency, lines=lines,
        total=round_money(refund.grand_total, currency),
        deposit_account=rules.refund_account if kind == "refund_receipt" else None,
        payment_method=rules.route_for(order.payment_method).payment_method
        if kind == "refund_receipt" else None,
        email=customer.email)
    items = [LedgerItem(key=item_key(line.sku), sku=line.sku, name=clean_text(line.name) or line.sku,
                        unit_price=line.unit_price) for line in refund.lines]
    return MappedDocument(document=document, customer=customer, items=items,
                          revision=revision_of(document))

"""A store order → its sales receipt or invoice.

Cent rule: the lines are the store's own amounts, so they add up to the store's grand total
(in "ledger" tax mode: to the grand total *without* tax, which the ledger adds from the store's
tax total). A one-minor-unit rounding gap of the store's goes to the rounding item; anything
larger is flagged, not posted.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ecom_ledger_desktop.core.errors import Fix, RecordError, RecordProblem
from ecom_ledger_desktop.core.money import minor_unit, round_money
from ecom_ledger_desktop.models.commerce import Order, Redemption
from ecom_ledger_desktop.models.ledger import DocumentKind, DocumentLine, ItemRef, LedgerItem, SalesDocument
from ecom_ledger_desktop.models.rules import PostingRules
from ecom_ledger_desktop.sync.mapper_common import (
    ZERO,
    MappedDocument,
    balance,
    base_amounts,
    book_date,
    clean_text,
    customer_for,
    doc_number_for,
    is_offline,
    item_key,
    paid_moment,
    payment_ref,
    revision_of,
)
from ecom_ledger_desktop.sync.mapper_tax import (
    by_ledger,
    code_untaxed,
    document_tax_code,
    line_tax,
    single_rate,
)

REDEEMED_WITH = {"gift_card": "a gift card", "store_credit": "store credit",
                 "reward_points": "reward points"}


def check_lines(order: Order) -> None:
    """Refuse an order that cannot be posted as it is, naming what to correct."""
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


def redemption_line(redemption: Redemption, rules: PostingRules, currency: str,
                    given_back: bool = False) -> DocumentLine:
    """A gift card / store credit / reward points line against its liability item (negative:
    on a sale it was used to pay; on a refund it was given back instead of money)."""
    amount = -round_money(redemption.amount, currency)
    label = ("Given back as " if given_back else "Paid with ") + REDEEMED_WITH[redemption.kind]
    if redemption.code:
        label += f" ({clean_text(redemption.code)})"
    return DocumentLine(kind="redemption",
                        item=ItemRef(ledger_name=rules.redemption_item(redemption.kind)),
                        description=label, qty=Decimal(1), unit_price=amount, amount=amount)


def sole_code(order: Order) -> list[str]:
    """The store's rate code when it applied exactly one (what shipping was taxed at)."""
    return [order.applied_taxes[0].code] if len(order.applied_taxes) == 1 else []


def sale_lines(order: Order, rules: PostingRules) -> list[DocumentLine]:
    """Products, gift cards sold, shipping, discount, redemptions (and tax as a line item)."""
    currency = order.currency
    record = f"Order {order.number}"
    # a store that gives only the order's tax (no per-line tax, no tax classes): lines of an
    # unknown class carry the tax that shipping does not
    untold = order.tax_total - order.shipping_tax - sum((ln.tax for ln in order.lines), ZERO)
    infer = untold > minor_unit(currency)
    lines: list[DocumentLine] = []
    for line in order.lines:
        amount = round_money(line.row_total, currency)
        unit = line.unit_price if round_money(line.qty * line.unit_price, currency) == amount \
            else None
        name = clean_text(line.name) or line.sku
        if line.is_gift_card:  # sold: a liability until it is redeemed, never revenue
            lines.append(DocumentLine(kind="gift_card",
                                      item=ItemRef(ledger_name=rules.gift_card_item),
                                      description=f"Gift card sold: {name}", qty=line.qty,
                                      unit_price=unit, amount=amount))
            continue
        tax = line_tax(taxable=line.is_taxable or (infer and line.taxable is None), tax=line.tax,
                       rate=line.tax_percent,
                       store_codes=line.tax_codes, currency=currency, rules=rules,
                       record=f"{record} (SKU '{line.sku}')")
        lines.append(DocumentLine(kind="item", item=ItemRef(item_key=item_key(line.sku)),
                                  description=name, qty=line.qty, unit_price=unit, amount=amount,
                                  **tax.as_fields()))
    if order.shipping:
        shipping = round_money(order.shipping, currency)
        rate = order.shipping_tax_percent
        if rate is None and order.shipping_tax > 0:
            rate = single_rate(order)
        tax = line_tax(taxable=order.shipping_tax > 0, tax=order.shipping_tax, rate=rate,
                       store_codes=sole_code(order), currency=currency, rules=rules,
                       record=f"{record} (shipping)")
        lines.append(DocumentLine(kind="shipping", item=ItemRef(ledger_name=rules.shipping_item),
                                  description="Shipping", qty=Decimal(1), unit_price=shipping,
                                  amount=shipping, **tax.as_fields()))
    # tax-inclusive shops take the discount off gross prices: the part that was tax comes back
    # as discount tax compensation, so the net discount is the difference
    compensation = sum((line.discount_tax_compensation for line in order.lines), ZERO) \
        + order.shipping_discount_tax_compensation
    discount = order.discount - compensation
    if discount:
        label = f"Discount ({order.coupon_code})" if order.coupon_code else "Discount"
        taxed = by_ledger(rules) and any(line.taxable for line in lines)
        lines.append(DocumentLine(kind="discount", item=ItemRef(ledger_name=rules.discount_item),
                                  description=label, amount=-round_money(discount, currency),
                                  taxable=taxed, tax_code=document_tax_code(lines)
                                  if taxed else None))
    lines.extend(redemption_line(r, rules, currency) for r in order.redemptions if r.amount)
    if order.tax_total and not by_ledger(rules):
        tax_total = round_money(order.tax_total, currency)
        lines.append(DocumentLine(kind="tax", item=ItemRef(ledger_name=rules.tax_item),
                                  description="Sales tax", qty=Decimal(1), unit_price=tax_total,
                                  amount=tax_total))
    return lines


def paid_date(order: Order, rules: PostingRules) -> date:
    """The store-local date the order was paid."""
    return book_date(paid_moment(order), order, rules)


def posts_when_paid(order: Order, rules: PostingRules) -> bool:
    """Whether this order's payment method waits for the money before anything is posted."""
    return rules.posting_moment(order.payment_method, is_offline(order)) == "post_when_paid"


def map_order(order: Order, rules: PostingRules, kind: DocumentKind | None = None,
              txn_date: date | None = None) -> MappedDocument:
    """Map an order to its sales document.

    Paid: a sales receipt (``paid_document``) dated the order's store-local date; paid by a
    "post when paid" method: ``when_paid_document`` dated the payment; unpaid: an invoice.
    ``kind`` and ``txn_date`` keep those of a document already posted. Raises ``RecordError``
    for orders that cannot be posted as they are.
    """
    check_lines(order)
    customer = customer_for(order, rules)
    when_paid = order.paid and posts_when_paid(order, rules)
    chosen: DocumentKind = kind or (
        rules.when_paid_document if when_paid
        else rules.paid_document if order.paid else rules.unpaid_document)
    dated = txn_date or (paid_date(order, rules) if when_paid
                         else book_date(order.created_at, order, rules))
    ledger_tax = by_ledger(rules)
    tax_total = round_money(order.tax_total, order.currency)
    lines = balance(sale_lines(order, rules),
                    order.grand_total - (tax_total if ledger_tax else ZERO),
                    order.currency, f"Order {order.number}", rules,
                    "lines, shipping, discount and redemptions" if ledger_tax
                    else "lines, shipping, discount, redemptions and tax")
    lines = code_untaxed(lines, rules)
    total = round_money(order.grand_total, order.currency)
    base = base_amounts(order, total, order.base_grand_total)
    route = rules.route_for(order.payment_method)
    receipt = chosen == "sales_receipt"
    document = SalesDocument(
        kind=chosen, doc_number=doc_number_for(order.number), txn_date=dated,
        customer_key=customer.key, currency=order.currency, lines=lines, total=total,
        deposit_account=route.deposit_account if receipt else None,
        payment_method=route.payment_method if receipt else None,
        bill_address=customer.bill_address, ship_address=customer.ship_address,
        email=customer.email,
        tax_treatment="ledger" if ledger_tax else "line_item", tax_total=tax_total,
        tax_code=document_tax_code(lines) if ledger_tax else None,
        prices_include_tax=order.prices_include_tax, tax_after_discount=True,
        base_currency=base.currency, base_rate=base.rate, base_total=base.total,
        payment_ref=payment_ref(order) if receipt else "")
    items = [LedgerItem(key=item_key(line.sku), sku=line.sku, name=clean_text(line.name) or line.sku,
                        unit_price=line.unit_price) for line in order.lines if not line.is_gift_card]
    return MappedDocument(document=document, customer=customer, items=items,
                          revision=revision_of(document))

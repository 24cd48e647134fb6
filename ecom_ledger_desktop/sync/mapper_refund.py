"""A store refund (credit memo) → a refund receipt or credit memo for the order's customer.

Refunds follow the sale's tax treatment. Magento's adjustments stay apart: an extra refund
(``adjustment_positive``) is an ``adjustment`` line that reduces revenue, a fee kept back
(``adjustment_negative``) a ``fee`` line booked as income. Each product line says whether the
goods went back to stock. Refund numbers carry a prefix so they never collide with sales.
"""

from __future__ import annotations

from decimal import Decimal

from ecom_ledger_desktop.core.errors import Fix, RecordError, RecordProblem
from ecom_ledger_desktop.core.money import round_money
from ecom_ledger_desktop.models.commerce import Order, OrderLine, Refund, RefundLine
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
    item_key,
    revision_of,
)
from ecom_ledger_desktop.sync.mapper_sale import redemption_line, sole_code
from ecom_ledger_desktop.sync.mapper_tax import (
    by_ledger,
    code_untaxed,
    document_tax_code,
    line_tax,
    single_rate,
)


def _sold_line(order: Order, line: RefundLine) -> OrderLine | None:
    """The order line a refund line gives back (by line id, else SKU)."""
    for sold in order.lines:
        if line.line_id and sold.line_id == line.line_id:
            return sold
    return next((sold for sold in order.lines if sold.sku == line.sku), None)


def _product_lines(refund: Refund, order: Order, rules: PostingRules,
                   record: str) -> list[DocumentLine]:
    currency = refund.currency
    lines: list[DocumentLine] = []
    for line in refund.lines:
        amount = round_money(line.qty * line.unit_price, currency)
        name = clean_text(line.name) or line.sku
        sold = _sold_line(order, line)
        if line.is_gift_card or (sold is not None and sold.is_gift_card):
            lines.append(DocumentLine(kind="gift_card",
                                      item=ItemRef(ledger_name=rules.gift_card_item),
                                      description=f"Gift card refunded: {name}", qty=line.qty,
                                      unit_price=line.unit_price, amount=amount))
            continue
        taxable = line.tax > 0 or (sold is not None and sold.is_taxable)
        tax = line_tax(taxable=taxable, tax=line.tax,
                       rate=sold.tax_percent if sold is not None else None,
                       store_codes=sold.tax_codes if sold is not None else [],
                       currency=currency, rules=rules, record=f"{record} (SKU '{line.sku}')")
        lines.append(DocumentLine(kind="item", item=ItemRef(item_key=item_key(line.sku)),
                                  description=name, qty=line.qty, unit_price=line.unit_price,
                                  amount=amount, restock=line.back_to_stock,
                                  **tax.as_fields()))
    return lines


def refund_lines(refund: Refund, order: Order, rules: PostingRules) -> list[DocumentLine]:
    """Products, shipping, discount, credit given back, adjustments (and tax as a line item)."""
    currency = refund.currency
    record = f"Refund {refund.number} of order {order.number}"
    lines = _product_lines(refund, order, rules, record)
    if refund.shipping:
        shipping = round_money(refund.shipping, currency)
        rate = order.shipping_tax_percent
        if rate is None and refund.shipping_tax > 0:
            rate = single_rate(order)
        tax = line_tax(taxable=refund.shipping_tax > 0 or order.shipping_tax > 0,
                       tax=refund.shipping_tax, rate=rate,
                       store_codes=sole_code(order),
                       currency=currency, rules=rules, record=f"{record} (shipping)")
        lines.append(DocumentLine(kind="shipping", item=ItemRef(ledger_name=rules.shipping_item),
                                  description="Shipping refunded", qty=Decimal(1),
                                  unit_price=shipping, amount=shipping,
                                  **tax.as_fields()))
    discount = sum((line.discount for line in refund.lines), ZERO) or refund.discount
    if discount:
        taxed = by_ledger(rules) and any(line.taxable for line in lines)
        lines.append(DocumentLine(kind="discount", item=ItemRef(ledger_name=rules.discount_item),
                                  description="Discount",
                                  amount=-round_money(abs(discount), currency), taxable=taxed,
                                  tax_code=document_tax_code(lines) if taxed else None))
    lines.extend(redemption_line(r, rules, currency, given_back=True)
                 for r in refund.redemptions if r.amount)
    if refund.tax_total and not by_ledger(rules):
        tax_total = round_money(refund.tax_total, currency)
        lines.append(DocumentLine(kind="tax", item=ItemRef(ledger_name=rules.tax_item),
                                  description="Sales tax refunded", qty=Decimal(1),
                                  unit_price=tax_total, amount=tax_total))
    if refund.adjustment_positive:
        extra = round_money(refund.adjustment_positive, currency)
        lines.append(DocumentLine(kind="adjustment",
                                  item=ItemRef(ledger_name=rules.refund_adjustment_item),
                                  description="Extra amount refunded", qty=Decimal(1),
                                  unit_price=extra, amount=extra))
    if refund.adjustment_negative:
        fee = -round_money(refund.adjustment_negative, currency)
        lines.append(DocumentLine(kind="fee", item=ItemRef(ledger_name=rules.fee_item),
                                  description="Fee kept back from the refund", qty=Decimal(1),
                                  unit_price=fee, amount=fee))
    return lines


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
    ledger_tax = by_ledger(rules)
    tax_total = round_money(refund.tax_total, currency)
    lines = balance(refund_lines(refund, order, rules),
                    refund.grand_total - (tax_total if ledger_tax else ZERO), currency, record,
                    rules, "lines, shipping, discount and adjustments"
                    + ("" if ledger_tax else " and tax"))
    lines = code_untaxed(lines, rules)
    total = round_money(refund.grand_total, currency)
    base = base_amounts(order, total, refund.base_grand_total)
    kind: DocumentKind = rules.refund_document
    receipt = kind == "refund_receipt"
    document = SalesDocument(
        kind=kind, doc_number=doc_number_for(refund.number, rules.refund_number_prefix),
        txn_date=book_date(refund.created_at, order, rules),
        customer_key=customer.key, currency=currency, lines=lines, total=total,
        private_note=f"Refund {refund.number} of order {order.number}",
        deposit_account=rules.refund_account if receipt else None,
        payment_method=rules.route_for(order.payment_method).payment_method if receipt else None,
        email=customer.email,
        tax_treatment="ledger" if ledger_tax else "line_item", tax_total=tax_total,
        tax_code=document_tax_code(lines) if ledger_tax else None,
        prices_include_tax=order.prices_include_tax, tax_after_discount=True,
        base_currency=base.currency, base_rate=base.rate, base_total=base.total)
    items = [LedgerItem(key=item_key(line.sku), sku=line.sku, name=clean_text(line.name) or line.sku,
                        unit_price=line.unit_price)
             for line in refund.lines if not line.is_gift_card]
    return MappedDocument(document=document, customer=customer, items=items,
                          revision=revision_of(document))

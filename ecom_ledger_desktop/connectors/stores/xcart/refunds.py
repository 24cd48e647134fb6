"""An X-Cart order's refunds: its successful refund-type backend transactions. X-Cart keeps only
their amount, so a refund of the whole order reverses its lines, shipping and tax, and a partial
one is a refunded amount (``adjustment_positive``).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ecom_ledger_desktop.connectors.stores.xcart.fields import Reader, parse_stamp
from ecom_ledger_desktop.connectors.stores.xcart.parse import order_subject
from ecom_ledger_desktop.connectors.stores.xcart.payments import REFUND_TYPES
from ecom_ledger_desktop.core.errors import RecordError, RecordProblem
from ecom_ledger_desktop.models.commerce import Order, Refund, RefundLine

ZERO = Decimal(0)


def parse_refunds(raw: Any, order: Order, *, restock: bool = False,
                  ) -> list[Refund | tuple[str, RecordProblem]]:
    """The order's refunds (successful refund backend transactions), oldest first; one that
    cannot be read comes back as ``(its id, the problem)``. X-Cart keeps no trace of goods
    coming back, so whether a whole-order refund's lines are back in stock is the merchant's
    rule (``restock``)."""
    out: list[Refund | tuple[str, RecordProblem]] = []
    read = Reader(order_subject(raw), order.source_id)
    rows = []
    for txn in read.items(raw, "payment_transactions", "payment transactions"):
        if not isinstance(txn, Mapping):
            continue
        for backend in txn.get("backend_transactions") or []:
            if isinstance(backend, Mapping) and backend.get("status") == "S" and \
                    str(backend.get("type", "")).lower() in REFUND_TYPES:
                rows.append(backend)
    rows.sort(key=lambda b: (parse_stamp(b.get("date")) or order.updated_at, str(b.get("id"))))
    before = ZERO
    for n, backend in enumerate(rows, 1):
        where = read.at(f"refund {backend.get('id')}")
        try:
            value = where.amount(backend, "value", "refunded amount", required=True)
            when = where.stamp(backend, "date", "refund date") or order.updated_at
        except RecordError as bad:
            out.append((str(backend.get("id")), bad.problem))
            continue
        whole = before == 0 and value == order.grand_total
        refund = Refund(source_id=str(backend.get("id")), order_source_id=order.source_id,
                        number=f"{order.number}-{n}", created_at=when, updated_at=when,
                        currency=order.currency, grand_total=value)
        if whole:
            refund.lines = [RefundLine(line_id=ln.line_id, sku=ln.sku, name=ln.name, qty=ln.qty,
                                       unit_price=ln.unit_price, tax=ln.tax, discount=ln.discount,
                                       back_to_stock=restock, is_gift_card=ln.is_gift_card)
                            for ln in order.lines]
            refund.shipping, refund.shipping_tax = order.shipping, order.shipping_tax
            refund.tax_total, refund.discount = order.tax_total, order.discount
            refund.discount_tax_compensation = sum(
                (ln.discount_tax_compensation for ln in order.lines), ZERO)
        else:
            refund.adjustment_positive = value
        before += value
        out.append(refund)
    return out

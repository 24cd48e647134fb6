"""Whatever mix of lines a store sends, QuickBooks (the simulator, computing totals its way)
books exactly the store's total and the store's tax, per rate, in the tax liability."""

from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import documents as docs
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import parse
from ecom_ledger_desktop.models.ledger import DocumentLine, ItemRef, SalesDocument
from tests.support.qbd import BOOKS, message_set, simulator

CENT = Decimal("0.01")
RATES = {"8.25": "CA Sales Tax", "8.875": "NY Sales Tax"}
LINE = st.tuples(st.sampled_from(["MB-1", "WT-09"]), st.integers(1, 7),
                 st.integers(1, 99999).map(lambda c: Decimal(c) / 100),
                 st.sampled_from([None, "8.25", "8.875"]))


@functools.cache
def _sim(reference_dir):
    return simulator(reference_dir)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(LINE, min_size=1, max_size=6),
       shipping=st.integers(0, 2500).map(lambda c: Decimal(c) / 100),
       discount=st.integers(0, 500).map(lambda c: Decimal(c) / 100),
       kind=st.sampled_from(["sales_receipt", "invoice", "credit_memo"]))
def test_quickbooks_books_the_store_total_and_tax(reference_dir, lines, shipping, discount,
                                                  kind) -> None:
    sim = _sim(reference_dir)
    doc_lines: list[DocumentLine] = []
    tax_by_item: dict[str, Decimal] = {}
    for sku, qty, price, rate in lines:
        amount = (qty * price).quantize(CENT)
        tax = (amount * Decimal(rate) / 100).quantize(CENT) if rate else Decimal(0)
        if rate:
            tax_by_item[RATES[rate]] = tax_by_item.get(RATES[rate], Decimal(0)) + tax
        doc_lines.append(DocumentLine(kind="item", item=ItemRef(item_key=f"sku:{sku}"),
                                      qty=Decimal(qty), unit_price=price, amount=amount,
                                      taxable=rate is not None, tax_amount=tax,
                                      tax_rate=Decimal(rate) if rate else None))
    if shipping:
        doc_lines.append(DocumentLine(kind="shipping", item=ItemRef(), amount=shipping))
    if discount:
        doc_lines.append(DocumentLine(kind="discount", item=ItemRef(), amount=-discount))
    tax_total = sum(tax_by_item.values(), Decimal(0))
    total = sum((line.amount for line in doc_lines), Decimal(0)) + tax_total
    number = f"H{len(sim.reports.documents()):05}"
    document = SalesDocument(kind=kind, doc_number=number, txn_date=date(2024, 7, 4),
                             customer_key="k", currency="USD", lines=doc_lines, total=total,
                             tax_treatment="ledger", tax_total=tax_total,
                             private_note=f"ecom-ledger key: {number}")
    before = sim.reports.tax_liability(date(2024, 7, 1), date(2024, 7, 31))
    (response,) = parse.parse_response(sim.process(message_set(
        docs.document_request("1", document, "Jordan Rivera", BOOKS)))).responses
    assert response.ok, response.message
    (posted,) = parse.txn_records(response)
    assert docs.check_posted(posted, document) is None
    after = sim.reports.tax_liability(date(2024, 7, 1), date(2024, 7, 31))
    sign = -1 if kind == "credit_memo" else 1
    for item, tax in tax_by_item.items():
        assert after.get(item, Decimal(0)) - before.get(item, Decimal(0)) == sign * tax

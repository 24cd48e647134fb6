"""Every store → QuickBooks Online: the month-end audit an accountant signs off (as
``tests/sync/test_month_end_audit.py`` does for Magento), read from the simulated company's own
reports against the store's figures.

Each sale is one document dated on the store-local day (a late evening on a month's last day
stays in that month), its total the store's and its home amount the store's base amount; the tax
liability of each month is the store's tax of its sales; a refund is its own document; an unpaid
order of an offline method is neither in the books nor a receivable, unless the merchant's rule
(keyed by the store's own method code) invoices it at once: then it is an open receivable until
the store records the payment. No gift card was sold or used: nothing is owed on cards.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from ecom_ledger_desktop.connectors.registry import KINDS
from tests.contract.conftest import ContractBench
from tests.contract.harness import Buyer, LineSpec, OrderSpec, RefundSpec

D = Decimal
CENT = D("0.01")
ZONE = ZoneInfo("America/New_York")  # the harnesses' default store time zone
TOTE = LineSpec("MB-TOTE-BLK", "Canvas Tote (Black)", 2, "24.00", "8.875")
BOTTLE = LineSpec("WB-BOTTLE", "Steel Water Bottle", 1, "18.50", "0")


def _documents(bench: ContractBench) -> dict[str, dict]:
    return {str(d["DocNumber"]): d for entity in ("SalesReceipt", "Invoice")
            for d in bench.docs(entity)}


def _check_code(store_kind: str) -> str:
    """The store's own code of its check payments (the harnesses' unpaid orders use it)."""
    offline = KINDS[store_kind].offline_payments
    return next(code for code, words in offline.items() if words.startswith("check"))


def _set_rules(bench: ContractBench, **changes: object) -> None:
    state = bench.state()
    try:
        pair = state.connections.pair(bench.pair_id)
        assert pair is not None
        with state.tx():
            state.connections.save_rules(bench.pair_id, pair.rules.model_copy(update=changes))
    finally:
        state.close()


def test_month_end_books_match_the_store(bench: ContractBench) -> None:
    store = bench.store
    assert store.timezone == "America/New_York"
    placed = {  # name: (spec, the store-local day it belongs to)
        "late": (OrderSpec([TOTE], shipping_tax_percent="8.875",
                           created_at=datetime(2026, 11, 1, 3, 30, tzinfo=UTC)),
                 date(2026, 10, 31)),
        "october": (OrderSpec([TOTE, BOTTLE], created_at=datetime(2026, 10, 12, 15, tzinfo=UTC)),
                    date(2026, 10, 12)),
        "november": (OrderSpec([BOTTLE, TOTE], buyer=None,
                               created_at=datetime(2026, 11, 15, 15, tzinfo=UTC)),
                     date(2026, 11, 15)),
        "foreign": (OrderSpec([TOTE], currency="EUR", base_currency="USD", base_rate="0.9215",
                              buyer=Buyer("eu.buyer@example.com", "Eva", "Ng"),
                              created_at=datetime(2026, 11, 20, 15, tzinfo=UTC)),
                    date(2026, 11, 20)),
        "unpaid": (OrderSpec([BOTTLE], paid=False,
                             created_at=datetime(2026, 11, 22, 15, tzinfo=UTC)),
                   date(2026, 11, 22)),
    }
    ids = {name: store.add_order(spec) for name, (spec, _day) in placed.items()}
    bench.sync()
    refund = store.refund(ids["november"], RefundSpec([("WB-BOTTLE", 1)]))
    store.advance(2)
    bench.sync()
    assert bench.open_errors() == [], [e.message for e in bench.open_errors()]

    docs = _documents(bench)
    number = {name: store.order_number(oid) for name, oid in ids.items()}
    assert number["unpaid"] not in docs, "an unpaid offline order is not in the books"
    receivable = {str(o.doc_number) for o in bench.ledger.reports.open_receivables()}
    assert number["unpaid"] not in receivable and not receivable
    tax_by_month: dict[int, Decimal] = {}
    for name, (spec, day) in placed.items():
        if name == "unpaid":
            continue
        doc = docs[number[name]]
        total, tax = store.order_total(ids[name]), store.order_tax(ids[name])
        assert doc["TxnDate"] == day.isoformat(), (name, doc["TxnDate"])
        assert D(str(doc["TotalAmt"])) == total.quantize(CENT), name
        assert D(str(doc["TxnTaxDetail"]["TotalTax"])) == tax.quantize(CENT), name
        foreign = store.order_currency(ids[name]) != "USD"
        home = D(str(doc.get("HomeTotalAmt", doc["TotalAmt"])))
        base_total = (total / D(str(spec.base_rate))) if foreign else total
        assert abs(home - base_total) <= CENT, (name, home, base_total)  # the store's rate
        base_tax = (tax / D(str(spec.base_rate))) if foreign else tax
        tax_by_month[day.month] = tax_by_month.get(day.month, D(0)) + base_tax
    assert tax_by_month[10] > 0 and tax_by_month[11] > 0
    for month, tax in tax_by_month.items():  # the liability of each month is the store's tax
        first, last = date(2026, month, 1), date(2026, month, 30 if month == 11 else 31)
        booked = sum(bench.ledger.reports.tax_liability(first, last).values(), D(0))
        assert abs(booked - tax) <= CENT, (month, booked, tax)

    [memo] = bench.docs("RefundReceipt")
    assert D(str(memo["TotalAmt"])) == store.refund_total(refund).quantize(CENT)
    assert memo["TxnDate"] == store.now().astimezone(ZONE).date().isoformat()
    assert number["november"] in str(memo.get("PrivateNote", ""))
    try:
        owed_on_cards = bench.ledger.reports.account_balance("Gift Card Liability")
    except KeyError:
        owed_on_cards = D(0)
    assert owed_on_cards == 0


def test_an_offline_order_invoiced_by_rule_is_a_receivable_until_paid(
        bench: ContractBench) -> None:
    store = bench.store
    check = _check_code(store.name)
    _set_rules(bench, payment_posting={check: "post_at_order"})  # the store's own code
    oid = store.add_order(OrderSpec([TOTE], paid=False,
                                    created_at=datetime(2026, 11, 3, 2, 0, tzinfo=UTC)))
    paid = store.add_order(OrderSpec([BOTTLE], created_at=datetime(2026, 11, 3, 15, tzinfo=UTC)))
    bench.sync()
    number = store.order_number(oid)
    [invoice] = bench.docs("Invoice")
    assert invoice["DocNumber"] == number and invoice["TxnDate"] == "2026-11-02"  # 21:00 local
    [open_invoice] = bench.ledger.reports.open_receivables()
    assert open_invoice.doc_number == number
    assert store.order_number(paid) in _documents(bench)
    store.case_invoice(oid)  # the check arrives: the store records the payment
    store.advance(2)
    bench.sync()
    assert bench.ledger.reports.open_receivables() == []
    [payment] = bench.docs("Payment")
    assert D(str(payment["TotalAmt"])) == store.order_total(oid).quantize(CENT)

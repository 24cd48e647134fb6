"""Month-end audit against QuickBooks Desktop (issue 12): the audit's hand-made orders (month-end
evenings, daylight saving, gift cards, store credit, offline payments, purchase orders invoiced at
once, refunds with and without the goods back) go through the Web Connector, and the company
simulator's own figures (its forms and ``reports``) are read against the shop's."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from ecom_ledger_desktop.models.rules import PaymentRoute, PostingRules
from ecom_ledger_desktop.sandbox.qbd.state import Record
from tests.sync.audit_books import _store_refunds, _store_sales, month_of
from tests.sync.audit_orders import CATALOG, INVOICED_AT_ORDER, pay_later, place_orders
from tests.sync.qbd_bench import QbdBench, open_bench

ZONE = "America/New_York"
RATES = ("8.25", "8.875", "")
START = date(2026, 1, 1)


def _total(record: Record) -> Decimal:
    data = record.data
    return Decimal(str(data.get("Subtotal", 0))) + Decimal(str(data.get("SalesTaxTotal", 0))) \
        if "TotalAmount" not in data else Decimal(str(data["TotalAmount"]))


def _live(bench: QbdBench, kind: str) -> dict[str, list[Record]]:
    found: dict[str, list[Record]] = {}
    for record in bench.txns(kind):
        found.setdefault(str(record.data.get("RefNumber", "")), []).append(record)
    return found


def _until_posted(bench: QbdBench) -> None:
    bench.sync()
    for _ in range(3):
        assert bench.session().outcome in ("done", "no_work")
        if not bench.open_postings():
            return


def test_month_end_books_in_quickbooks_desktop_match_the_store(tmp_path: Path,
                                                              reference_if_present: Path | None) -> None:
    rules = PostingRules(
        start_date=START, fee_item="Restocking Fee",  # the company's own name for it
        payment_posting={**PostingRules(start_date=START).payment_posting,
                         **dict.fromkeys(INVOICED_AT_ORDER, "post_at_order")},
        payment_routes={"checkmo": PaymentRoute(payment_method="Check"),
                        "braintree": PaymentRoute(payment_method="Visa")})
    with open_bench(tmp_path, reference_if_present, pair_rules=rules, catalog=CATALOG,
                    zone=ZONE) as bench:
        ids = place_orders(bench.store, ZONE, "USD", RATES, foreign=None)
        _until_posted(bench)
        pay_later(bench.store, ZONE, ids["po_paid_later"])
        _until_posted(bench)
        assert [(e.code, e.message) for e in bench.open_errors()] == []

        sales, unpaid, payments = _store_sales(bench.store, ZONE, set(), INVOICED_AT_ORDER)
        receipts, invoices = _live(bench, "SalesReceipt"), _live(bench, "Invoice")
        for sale in sales:
            [form] = receipts.get(sale.number, []) + invoices.get(sale.number, [])
            assert _total(form) == sale.total, sale.number
            assert str(form.data["TxnDate"])[:10] == sale.day.isoformat(), sale.number
        for number in unpaid:
            assert number not in receipts and number not in invoices
        memos = _live(bench, "CreditMemo")
        refunds = _store_refunds(bench.store, ZONE, set())
        for refund in refunds:
            [memo] = [m for ms in memos.values() for m in ms
                      if refund.number in str(m.data.get("Other", "")) + str(m.data.get("Memo"))]
            assert _total(memo) == refund.total, refund.number
            assert str(memo.data["TxnDate"])[:10] == refund.day.isoformat()
        # tax liability per month: the store's tax on the month's sales minus its refunds'
        months = {month_of(s.day) for s in sales} | {month_of(r.day) for r in refunds}
        for start, end in months:
            store_tax = sum((s.base_tax for s in sales if start <= s.day <= end), Decimal(0)) \
                - sum((r.base_tax for r in refunds if start <= r.day <= end), Decimal(0))
            books_tax = sum(bench.company.reports.tax_liability(start, end).values(), Decimal(0))
            assert books_tax == store_tax, (start, books_tax, store_tax)
        [paid] = payments
        [payment] = bench.txns("ReceivePayment")
        assert Decimal(str(payment.data["TotalAmount"])) == paid.amount
        assert str(payment.data["TxnDate"])[:10] == paid.day.isoformat() == "2026-11-30"
        numbers = {name: bench.store.order_json(eid)["increment_id"] for name, eid in ids.items()}
        [still_open] = bench.company.reports.open_receivables()
        assert still_open.ref_number == numbers["po_open"]
        # the refunds were paid back out of their credit memos: A/R is the open invoice alone
        assert len(bench.txns("ARRefundCreditCard")) == len(refunds)
        assert bench.company.reports.account_balance("Accounts Receivable") == still_open.balance
        # every card sold was used and the credit used was the credit given back
        assert bench.company.reports.account_balance("Gift Card Liability") == Decimal(0)
        assert len(sales) == len(ids) - 1 and len(refunds) == 3

"""Refund pay-out benches for QuickBooks Desktop: two orders refunded (one whole, one in part) and
what the company's own reports must then show."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.sync.qbd_bench import QbdBench, order

D = Decimal
YEAR = (date(2026, 1, 1), date(2026, 12, 31))


def until_posted(bench: QbdBench) -> None:
    """A run, then Web Connector updates until nothing is left to send."""
    bench.sync()
    for _ in range(4):
        assert bench.session().outcome in ("done", "no_work")
        if not bench.open_postings():
            return


def money(value: object) -> Decimal:
    """A simulator amount as a Decimal."""
    return D(str(value))


def refund_two_orders(bench: QbdBench) -> tuple[list[int], list[int]]:
    """Order 1 refunded whole (its shipping too), order 2 in part (one taxed tote)."""
    orders = [bench.store.add_order(order()),
              bench.store.add_order(order(customer={"email": "sam@example.com",
                                                    "firstname": "Sam", "lastname": "Lee"}))]
    until_posted(bench)
    memos = [bench.store.refund_order(orders[0], {
                 "lines": [{"sku": "MB-TOTE-BLK", "qty": 2, "back_to_stock": True},
                           {"sku": "24-UG06", "qty": 1, "back_to_stock": True}],
                 "shipping": "5.00"}),
             bench.store.refund_order(orders[1], {
                 "lines": [{"sku": "MB-TOTE-BLK", "qty": 1, "back_to_stock": True}],
                 "shipping": 0})]
    return orders, memos


def assert_paid_back(bench: QbdBench, orders: list[int], memos: list[int]) -> None:
    """Each credit memo paid back once, from Undeposited Funds by Visa; A/R and the customers
    at zero; tax liability and income reversed by the credit memos."""
    reports = bench.company.reports
    credits = {str(c.data["RefNumber"]): c for c in bench.txns("CreditMemo")}
    refunds = bench.txns("ARRefundCreditCard")
    assert len(credits) == len(refunds) == len(memos), (credits, refunds)
    for refund in refunds:
        [applied] = refund.data["RefundAppliedToTxnRet"]
        credit = credits[str(refund.data["RefNumber"])]
        assert applied["TxnID"] == credit.id
        assert money(refund.data["TotalAmount"]) == money(credit.data["TotalAmount"])
        assert credit.data["CreditRemaining"] == 0
        assert refund.data["PaymentMethodRef"]["FullName"] == "Visa"
        assert refund.data["RefundFromAccountRef"]["FullName"] == "Undeposited Funds"
        assert refund.data["TxnDate"] == credit.data["TxnDate"]
        assert "ecom-ledger key:" in str(refund.data["Memo"])
    assert reports.account_balance("Accounts Receivable") == 0
    for customer in bench.company.company.all("Customer"):
        if customer.name in ("Jane Doe", "Sam Lee"):
            assert reports.customer_balance(customer.name) == 0, customer.name
    sold = sum((money(bench.store.order_json(o)["grand_total"]) for o in orders), D(0))
    given = sum((money(bench.store.state.creditmemos[m]["grand_total"]) for m in memos), D(0))
    assert reports.account_balance("Undeposited Funds") == sold - given
    tax = sum((money(bench.store.order_json(o)["tax_amount"]) for o in orders), D(0)) - sum(
        (money(bench.store.state.creditmemos[m]["tax_amount"]) for m in memos), D(0))
    assert sum(reports.tax_liability(*YEAR).values(), D(0)) == tax
    income = {r.name for r in bench.company.company.all("Account")
              if r.data.get("AccountType") in ("Income", "OtherIncome")}
    with bench.company.company.lock:
        earned = -sum((amount for _, account, amount in reports.postings() if account in income),
                      D(0))
    assert earned == sold - given - tax, "income: the sales less the refunds, net of tax"

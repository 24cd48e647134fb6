"""What the books look like in the simulated QuickBooks company: refunds, dates, memos.

Untaxed orders, so these hold whichever way the ledger connector treats tax."""

from __future__ import annotations

from decimal import Decimal

from tests.sync.conftest import SyncBench, order_spec

UNTAXED = [{"sku": "MB-TOTE-BLK", "name": "Canvas Tote (Black)", "qty": 2, "price": "24.00"},
           {"sku": "WB-BOTTLE", "name": "Steel Water Bottle", "qty": 1, "price": "18.50"}]


def amount(value: object) -> Decimal:
    return Decimal(str(value))


def test_refund_with_an_extra_refund_and_a_kept_fee_keeps_them_apart(bench: SyncBench) -> None:
    order_id = bench.store.add_order(order_spec(lines=UNTAXED, payment_method="braintree"))
    bench.sync()
    memo_id = bench.store.refund_order(order_id, {
        "lines": [{"sku": "WB-BOTTLE", "qty": 1}], "shipping": 0,
        "adjustment_positive": "3.00", "adjustment_negative": "1.50"})
    summary = bench.sync()
    assert summary.status == "ok", bench.open_errors()
    [refund] = bench.docs("RefundReceipt")
    memo = bench.store_api(f"creditmemo/{memo_id}")
    assert amount(refund["TotalAmt"]) == amount(memo["grand_total"]) == Decimal("20.00")
    assert refund["DocNumber"] == "R-" + memo["increment_id"]
    order_number = bench.store.order_json(order_id)["increment_id"]
    assert order_number in refund["PrivateNote"]
    described = {str(line.get("Description")): amount(line["Amount"]) for line in refund["Line"]
                 if line.get("DetailType") == "SalesItemLineDetail"}
    assert described["Extra amount refunded"] == Decimal("3.00")
    assert described["Fee kept back from the refund"] == Decimal("-1.50")


def test_default_tax_mode_puts_the_stores_tax_in_quickbooks_tax_not_on_a_line(
        bench: SyncBench) -> None:
    """With the rate mapped, the ledger's own tax carries the store's tax (its tax reports see
    it); the old default posted a "Sales Tax" item line that those reports never see."""
    bench.set_rules(tax_codes={"8.25": "CA Sales Tax"})
    order_id = bench.store.add_order(order_spec(lines=[
        {"sku": "MB-TOTE-BLK", "name": "Canvas Tote (Black)", "qty": 2, "price": "24.00",
         "tax_percent": "8.25"},
        {"sku": "WB-BOTTLE", "name": "Steel Water Bottle", "qty": 1, "price": "18.50"}]))
    summary = bench.sync()
    assert summary.status == "ok", bench.open_errors()
    [receipt] = bench.docs("SalesReceipt")
    store = bench.store.order_json(order_id)
    assert amount(receipt["TotalAmt"]) == amount(store["grand_total"])
    assert amount(receipt["TxnTaxDetail"]["TotalTax"]) == amount(store["tax_amount"])
    codes = {line["Description"]: line["SalesItemLineDetail"]["TaxCodeRef"]["value"]
             for line in receipt["Line"] if line.get("DetailType") == "SalesItemLineDetail"}
    assert codes["Canvas Tote (Black)"] == "TAX" and codes["Steel Water Bottle"] == "NON"
    assert "Sales tax" not in codes


def test_a_refund_follows_the_same_tax_treatment(bench: SyncBench) -> None:
    bench.set_rules(tax_codes={"8.25": "CA Sales Tax"})
    order_id = bench.store.add_order(order_spec(payment_method="braintree"))
    bench.sync()
    memo_id = bench.store.refund_order(order_id, {"lines": [{"sku": "MB-TOTE-BLK", "qty": 1}],
                                                  "shipping": 0})
    summary = bench.sync()
    assert summary.status == "ok", bench.open_errors()
    [refund] = bench.docs("RefundReceipt")
    memo = bench.store_api(f"creditmemo/{memo_id}")
    assert amount(refund["TotalAmt"]) == amount(memo["grand_total"])
    assert amount(refund["TxnTaxDetail"]["TotalTax"]) == amount(memo["tax_amount"]) > 0
    assert not [line for line in refund["Line"] if "tax" in str(line.get("Description", ""))]

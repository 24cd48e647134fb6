"""The FreshBooks ``LedgerView``: exactly-once verification of a Magento → FreshBooks pair."""

from __future__ import annotations

from pathlib import Path

from ecom_ledger_desktop.testing.freshbooks_view import FreshBooksRestView
from ecom_ledger_desktop.testing.store_drivers.magento2 import Magento2RestView
from ecom_ledger_desktop.testing.verify import Verification, verify_exactly_once
from tests.connectors.freshbooks.bench import START, STORE_TOKEN, FreshBench, open_bench, order


def view(bench: FreshBench) -> FreshBooksRestView:
    return FreshBooksRestView(bench.ledger.base_url, bench.ledger.account_id,
                              lambda: str(bench.ledger.issue_tokens()["access_token"]))


def check(bench: FreshBench) -> Verification:
    return verify_exactly_once(bench.db_path, bench.pair_id, view(bench),
                               Magento2RestView(bench.store.base_url, STORE_TOKEN), START,
                               require_finished=True)


def test_a_pair_with_lost_answers_verifies_clean(tmp_path: Path) -> None:
    with open_bench(tmp_path) as bench:
        first = bench.store.add_order(order())
        second = bench.store.add_order(order(customer={"email": "bo@example.com",
                                                       "firstname": "Bo", "lastname": "Li"}))
        bench.store.add_order(order(payment_method="purchaseorder", paid=False))
        bench.ledger.drop_next_writes_after_apply(1, "invoices")
        bench.sync()
        bench.store.refund_order(first, {"lines": [{"sku": "WB-BOTTLE", "qty": 1}],
                                         "shipping": 0})
        bench.store.edit_order(second, {"lines": [  # an update: the invoice's key changes
            {"sku": "WB-BOTTLE", "name": "Steel Water Bottle", "qty": 4, "price": "18.50"}]})
        bench.ledger.drop_next_writes_after_apply(1, "payments")
        bench.sync()
        bench.sync()
        result = check(bench)
        assert result.ok, result.problems
        assert (result.orders, result.refunds, result.posted_documents) == (3, 1, 4)


def test_a_sale_posted_twice_is_caught(tmp_path: Path) -> None:
    with open_bench(tmp_path) as bench:
        bench.store.add_order(order())
        bench.sync()
        [invoice] = bench.live("invoices")
        twin = {k: invoice[k] for k in ("customerid", "notes", "lines", "currency_code")}
        bench.ledger.add("invoices", {**twin, "invoice_number": "copy"})
        result = check(bench)
        assert result.duplicates == 1 and not result.ok

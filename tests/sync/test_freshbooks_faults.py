"""Magento → FreshBooks under faults: outages, throttling, lost answers and expired tokens,
verified exactly once (no duplicate, nothing lost) with the FreshBooks ``LedgerView``."""

from __future__ import annotations

from pathlib import Path

from ecom_ledger_desktop.testing.freshbooks_view import FreshBooksRestView
from ecom_ledger_desktop.testing.store_drivers.magento2 import Magento2RestView
from ecom_ledger_desktop.testing.verify import verify_exactly_once
from tests.connectors.freshbooks.bench import START, STORE_TOKEN, open_bench, order


def test_a_faulty_freshbooks_still_gets_everything_exactly_once(tmp_path: Path) -> None:
    with open_bench(tmp_path) as bench:
        ids = [bench.store.add_order(order(customer={
            "email": f"buyer{n % 4}@example.com", "firstname": f"Buyer{n % 4}",
            "lastname": "Test"}, **({"payment_method": "purchaseorder", "paid": False}
                                    if n % 3 == 0 else {}))) for n in range(9)]
        bench.ledger.faults.update({"error_rate": 0.2, "drop_after_apply_rate": 0.15,
                                    "seed": 7})
        for n in range(4):
            if n == 1:
                bench.store.refund_order(ids[1], {"lines": [{"sku": "WB-BOTTLE", "qty": 1}],
                                                  "shipping": 0})
                bench.ledger.oauth.expire_access_tokens()
                bench.ledger.throttle_next(3)
            bench.sync()
        bench.ledger.faults.update({"error_rate": 0.0, "drop_after_apply_rate": 0.0})
        bench.sync()
        bench.sync()
        view = FreshBooksRestView(bench.ledger.base_url, bench.ledger.account_id,
                                  lambda: str(bench.ledger.issue_tokens()["access_token"]))
        result = verify_exactly_once(bench.db_path, bench.pair_id, view,
                                     Magento2RestView(bench.store.base_url, STORE_TOKEN), START,
                                     require_finished=True, genuine_codes=set())
        assert result.ok, result.problems
        assert (result.orders, result.refunds, result.posted_documents) == (9, 1, 10)
        assert bench.ledger.stats().get("dropped_after_apply", 0) > 0
        assert len(bench.live("clients")) == 4  # lost client creates never made a second one

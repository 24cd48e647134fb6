"""Daily summaries with one sales line per income account into QuickBooks Desktop (Magento →
engine → Web Connector → company simulators): the items' accounts are read from QuickBooks in
the Web Connector session (while it is away the summary waits, nothing guessed), and each
account's sales go through a summary item on it, so the accounts' balances are what per-order
posting books."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from ecom_ledger_desktop.core.clock import ManualClock
from ecom_ledger_desktop.sandbox.qbd.state import ref
from tests.sync.qbd_bench import QbdBench, open_bench, order, rules

ACCOUNTS = {"MB-TOTE-BLK": "Apparel Sales", "24-UG06": "Drinkware Sales"}


def _book_items_to(bench: QbdBench, accounts: dict[str, str]) -> None:
    """The merchant's set-up: each item's sales go to its own income account."""
    company = bench.company.company
    with company.lock:
        for item_name, account_name in accounts.items():
            account = company.named("Account", account_name) or company.add("Account", {
                "Name": account_name, "FullName": account_name, "IsActive": "true",
                "Sublevel": "0", "AccountType": "Income"})
            item = company.named("ItemInventory", item_name)
            assert item is not None, item_name
            item.data["IncomeAccountRef"] = ref(account)


def test_income_lines_reach_the_desktop_company_per_income_account(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    summary_rules = rules().switch_mode("daily_summary", None).model_copy(
        update={"summary_lines": "income"})
    with open_bench(tmp_path, reference_if_present, pair_rules=summary_rules,
                    clock=ManualClock(datetime(2026, 11, 14, tzinfo=UTC))) as bench:
        _book_items_to(bench, ACCOUNTS)
        ids = [bench.store.add_order(order(created_at=f"2026-11-12 1{n}:00:00"))
               for n in range(3)]
        bench.sync()  # QuickBooks is away: the summary waits for its Web Connector
        assert bench.txns("SalesReceipt") == [] and bench.open_errors() == []
        assert bench.session().outcome == "done"
        assert bench.open_errors() == [], [e.message for e in bench.open_errors()]
        [receipt] = bench.txns("SalesReceipt")
        lines = {line["ItemRef"]["FullName"]: Decimal(str(line["Amount"]))
                 for line in receipt.data["SalesReceiptLineRet"]}
        assert lines["Daily sales - Apparel Sales"] == 3 * 2 * Decimal("24.00"), lines
        assert lines["Daily sales - Drinkware Sales"] == 3 * Decimal("7.00"), lines
        assert Decimal(str(receipt.data["TotalAmount"])) == sum(
            (Decimal(str(bench.store.order_json(i)["grand_total"])) for i in ids), Decimal(0))
        assert lines["CA Sales Tax"] == sum(
            (Decimal(str(bench.store.order_json(i)["tax_amount"])) for i in ids), Decimal(0))
        books = bench.company.reports
        assert books.account_balance("Apparel Sales") == Decimal("144.00")
        assert books.account_balance("Drinkware Sales") == Decimal("21.00")
        assert bench.session().outcome in ("done", "no_work")
        assert len(bench.txns("SalesReceipt")) == 1 and bench.open_postings() == []

"""Daily summaries with one sales line per income account into QuickBooks Desktop (Magento →
engine → Web Connector → company simulators): the items' accounts are read from QuickBooks in
the Web Connector session (while it is away the summary waits, nothing guessed), each account's
sales go through a summary item on it, and an inventory item keeps its own line (its stock
moves), so the accounts' balances are what per-order posting books."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from ecom_ledger_desktop.core.clock import ManualClock
from ecom_ledger_desktop.sandbox.qbd.state import ref
from tests.sync.qbd_bench import QbdBench, open_bench, order, rules

D = Decimal
#: item -> (its income account, its type in QuickBooks)
ITEMS = {"MB-TOTE-BLK": ("Apparel Sales", "ItemInventory"),
         "GIFT-WRAP": ("Gift Wrap Sales", "ItemNonInventory"),
         "MUG-11OZ": ("Kitchen Sales", "ItemService")}


def _set_up_items(bench: QbdBench) -> None:
    """The merchant's set-up: each item's sales go to its own income account."""
    company = bench.company.company
    with company.lock:
        for name, (account_name, kind) in ITEMS.items():
            account = company.named("Account", account_name) or company.add("Account", {
                "Name": account_name, "FullName": account_name, "IsActive": "true",
                "Sublevel": "0", "AccountType": "Income"})
            if kind == "ItemInventory":
                item = company.named(kind, name)
                assert item is not None, name
                item.data["IncomeAccountRef"] = ref(account)
                continue
            company.add(kind, {"Name": name, "FullName": name, "IsActive": "true",
                               "Sublevel": "0", "SalesTaxCodeRef": {"FullName": "Tax"},
                               "SalesOrPurchase": {"Desc": name, "AccountRef": ref(account)}})


def _lines() -> list[dict[str, str]]:
    return [{"sku": "MB-TOTE-BLK", "name": "Canvas Tote (Black)", "qty": "2", "price": "24.00",
             "tax_percent": "8.25"},
            {"sku": "GIFT-WRAP", "name": "Gift wrap", "qty": "1", "price": "3.50",
             "tax_percent": "8.25"},
            {"sku": "MUG-11OZ", "name": "Mug", "qty": "2", "price": "9.00"}]


def test_income_lines_reach_the_desktop_company_per_income_account(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    summary_rules = rules().switch_mode("daily_summary", None).model_copy(
        update={"summary_lines": "income"})
    with open_bench(tmp_path, reference_if_present, pair_rules=summary_rules,
                    clock=ManualClock(datetime(2026, 11, 14, tzinfo=UTC))) as bench:
        _set_up_items(bench)
        stock = bench.company.reports.stock("MB-TOTE-BLK")
        ids = [bench.store.add_order(order(created_at=f"2026-11-12 1{n}:00:00", lines=_lines()))
               for n in range(3)]
        bench.sync()  # QuickBooks is away: the summary waits for its Web Connector
        assert bench.txns("SalesReceipt") == [] and bench.open_errors() == []
        assert bench.session().outcome == "done"
        assert bench.open_errors() == [], [e.message for e in bench.open_errors()]
        [receipt] = bench.txns("SalesReceipt")
        lines = {line["ItemRef"]["FullName"]: line for line in receipt.data["SalesReceiptLineRet"]}
        amounts = {name: D(str(line["Amount"])) for name, line in lines.items()}
        assert amounts["Daily sales - Gift Wrap Sales"] == 3 * D("3.50"), amounts
        assert amounts["Daily sales - Kitchen Sales"] == 3 * 2 * D("9.00"), amounts
        assert D(str(lines["MB-TOTE-BLK"]["Quantity"])) == 6, "inventory keeps its own line"
        assert "GIFT-WRAP" not in lines and "MUG-11OZ" not in lines
        placed = [bench.store.order_json(i) for i in ids]
        assert D(str(receipt.data["TotalAmount"])) == sum(
            (D(str(p["grand_total"])) for p in placed), D(0))
        assert amounts["CA Sales Tax"] == sum((D(str(p["tax_amount"])) for p in placed), D(0))
        books = bench.company.reports
        assert books.account_balance("Apparel Sales") == 3 * 2 * D("24.00")
        assert books.account_balance("Gift Wrap Sales") == 3 * D("3.50")
        assert books.account_balance("Kitchen Sales") == 3 * 2 * D("9.00")
        assert books.stock("MB-TOTE-BLK") == stock - 6
        assert bench.session().outcome in ("done", "no_work")
        assert len(bench.txns("SalesReceipt")) == 1 and bench.open_postings() == []

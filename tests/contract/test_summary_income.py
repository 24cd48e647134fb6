"""Daily summaries with one sales line per income account (Magento → QuickBooks Online
simulators): the merchant's items book to different income accounts, and the summary books
each account's sales through a summary item on that account, so the Profit and Loss by account
is what per-order posting gives; an inventory item keeps its own line, so QuickBooks' stock and
cost of goods move as per order; the preview shows exactly the lines that are posted."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from ecom_ledger_desktop.core.clock import ManualClock
from ecom_ledger_desktop.sandbox.qbo.operations import create
from ecom_ledger_desktop.sandbox.qbo.simulator import QboSimulator
from ecom_ledger_desktop.sync.preview import run_preview
from ecom_ledger_desktop.sync.reconcile import reconcile
from tests.contract.conftest import ContractBench
from tests.contract.harness import LineSpec, OrderSpec, RefundSpec

D = Decimal
TOTE = LineSpec("MB-TOTE-BLK", "Canvas Tote (Black)", 2, "24.00", "8.875")
BOTTLE = LineSpec("WB-BOTTLE", "Steel Water Bottle", 1, "18.50", "0")
HOODIE = LineSpec("MH01-S-Gray", "Chaz Kangeroo Hoodie S Gray", 1, "52.00", "8.875")
ACCOUNTS = {"MB-TOTE-BLK": "Sales — Apparel", "MH01-S-Gray": "Sales — Apparel",
            "WB-BOTTLE": "Sales — Drinkware"}
DAY = date(2026, 11, 20)
ZONE = ZoneInfo("America/New_York")
PLACED = datetime(2026, 11, 20, 15, tzinfo=UTC)
pytestmark = pytest.mark.parametrize("make_harness", ["magento2"], indirect=True)


def _book_items_to(ledger: QboSimulator, accounts: dict[str, str],
                   non_inventory: tuple[str, ...]) -> None:
    """The merchant's set-up: each item's sales go to its own income account; some items are
    not stocked in QuickBooks."""
    company = ledger.company
    with company.lock:
        for sku, name in accounts.items():
            account = company.find_by_name("Account", name)
            account_id = account.id if account is not None else create(company, "Account", {
                "Name": name, "AccountType": "Income",
                "AccountSubType": "SalesOfProductIncome"}, set())["Id"]
            item = next(r for r in company.all("Item") if r.data.get("Sku") == sku)
            item.data["IncomeAccountRef"] = {"value": account_id}
            if sku in non_inventory:
                item.data["Type"] = "NonInventory"
                for stocked in ("TrackQtyOnHand", "QtyOnHand", "AssetAccountRef"):
                    item.data.pop(stocked, None)


def _sales(lines: list[LineSpec], sku: str) -> Decimal:
    return sum((D(line.price) * line.qty for line in lines if line.sku == sku), D(0))


def test_income_lines_book_each_accounts_sales_through_a_summary_item_on_it(
        bench: ContractBench) -> None:
    _book_items_to(bench.ledger, ACCOUNTS, non_inventory=("MH01-S-Gray", "WB-BOTTLE"))
    stock_before = _qty(bench.ledger, "MB-TOTE-BLK")
    bench.change_rules(lambda rules: rules.switch_mode("daily_summary", None).model_copy(
        update={"summary_lines": "income"}))
    orders = [[TOTE], [BOTTLE], [TOTE, BOTTLE, HOODIE]]
    for lines in orders:
        bench.store.add_order(OrderSpec(lines, created_at=PLACED, updated_at=bench.store.now()))
    everything = [line for lines in orders for line in lines]
    totes, hoodies = _sales(everything, "MB-TOTE-BLK"), _sales(everything, "MH01-S-Gray")
    drinkware = _sales(everything, "WB-BOTTLE")

    with bench.service.context(bench.pair_id) as ctx:
        preview = run_preview(ctx)
    [planned] = [d for d in preview.documents if d.record_kind == "summary"]
    shown = {(line.account or line.item, line.amount) for line in planned.lines
             if line.kind == "item"}
    assert shown == {("Daily sales — Apparel", hoodies), ("Daily sales — Drinkware", drinkware),
                     ("MB-TOTE-BLK", totes)}, planned.lines
    assert {i.name for i in preview.items_to_create} >= {"Daily sales — Apparel",
                                                          "Daily sales — Drinkware"}

    bench.sync()
    assert bench.open_errors() == [], [e.message for e in bench.open_errors()]
    [summary] = bench.docs("SalesReceipt")
    items = {str(i["Id"]): str(i["Name"]) for i in bench.ledger.entities("Item")}
    skus = {str(i["Id"]): str(i.get("Sku") or "") for i in bench.ledger.entities("Item")}
    posted = {(skus[ref] or items[ref], D(str(line["Amount"]))) for line in summary["Line"]
              if line.get("DetailType") == "SalesItemLineDetail"
              and (ref := line["SalesItemLineDetail"]["ItemRef"]["value"])
              and (items[ref].startswith("Daily") or skus[ref] == "MB-TOTE-BLK")}
    assert posted == shown, "the preview showed exactly the lines that were posted"
    pnl = bench.ledger.reports.profit_and_loss(DAY, DAY)
    assert pnl["Sales — Apparel"] == totes + hoodies, pnl
    assert pnl["Sales — Drinkware"] == drinkware, pnl
    assert pnl.get("Sales of Product Income", D(0)) == 0, pnl
    totes_sold = sum((line.qty for lines in orders for line in lines
                      if line.sku == "MB-TOTE-BLK"), 0)
    assert _qty(bench.ledger, "MB-TOTE-BLK") == stock_before - totes_sold, "its stock moved"
    assert D(str(summary["TxnTaxDetail"]["TotalTax"])) == sum(
        (bench.store.order_tax(i) for i in _order_ids(bench)), D(0)).quantize(D("0.01"))
    assert bench.sync().posted == 0

    # a refund of a non-stock item: the day's summary credit takes it off its account
    ids = _order_ids(bench)
    bench.store.refund(ids[-1], RefundSpec([("WB-BOTTLE", 1)], return_to_stock=True))
    refund_day = bench.store.now().astimezone(ZONE).date()
    bench.service.clock = ManualClock(datetime.combine(
        refund_day + timedelta(days=1), time(3), tzinfo=ZONE).astimezone(UTC))
    bench.sync()
    assert bench.open_errors() == [], [e.message for e in bench.open_errors()]
    [credit] = bench.docs("RefundReceipt")
    assert str(credit["DocNumber"]).startswith("SR")
    books = bench.ledger.reports.profit_and_loss(DAY, refund_day)
    assert books["Sales — Drinkware"] == drinkware - D("18.50"), books
    with bench.service.context(bench.pair_id) as ctx:  # the books read back agree, day by day
        result = reconcile(ctx, days=40, end=refund_day)
    assert result.reconciled, [(line.key, [f.reason for f in line.findings])
                               for line in result.differing()]


def _qty(ledger: QboSimulator, sku: str) -> Decimal:
    return D(str(next(i for i in ledger.entities("Item") if i.get("Sku") == sku)["QtyOnHand"]))


def _order_ids(bench: ContractBench) -> list[str]:
    state = bench.state()
    try:
        return [r.source_id for r in state.journal.all(bench.pair_id) if r.record_kind == "order"]
    finally:
        state.close()

"""The demo's seeded shop and company are a configured, realistic business: the books hold every
item the demo's posting rules name, a couple of checks are overdue (not dozens), and a demo sync
flags only the demo's intended data problems."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ecom_ledger_desktop.demo import DEMO_COMPANY, payment_routes, start_demo
from ecom_ledger_desktop.models.rules import PostingRules
from ecom_ledger_desktop.sandbox.magento2 import Magento2Simulator
from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from ecom_ledger_desktop.sandbox.server import SimClock

NOW = datetime(2026, 12, 6, 23, 0, tzinfo=UTC)
LIABILITY = "Other Current Liability"


def test_the_demo_company_has_every_item_the_demo_rules_name_on_the_right_account() -> None:
    company = QboSimulator(company_profile=DEMO_COMPANY)
    accounts = {a["Id"]: a for a in company.entities("Account")}
    items = {i["Name"]: accounts[i["IncomeAccountRef"]["value"]]["AccountType"]
             for i in company.entities("Item") if i.get("Active", True)}
    rules = PostingRules(start_date=NOW.date(),
                         payment_routes=payment_routes(Magento2Simulator.demo_payment_methods))
    assert items[rules.gift_card_item] == LIABILITY
    for kind in ("gift_card", "store_credit", "reward_points"):
        assert items[rules.redemption_item(kind)] == LIABILITY, kind
    for name in (rules.shipping_item, rules.discount_item, rules.fee_item,
                 rules.refund_adjustment_item):
        assert items[name] == "Income", name
    assert items[rules.rounding_item] == "Other Income"
    assert items["Returns not restocked"] == "Income", "refunds of goods that did not come back"
    assert items["Store Credit"] == LIABILITY


def test_most_old_check_and_transfer_orders_were_paid_and_two_are_overdue() -> None:
    store = Magento2Simulator(seed=7, seed_orders=300, clock=SimClock(start=NOW))
    offline = [o for o in store.state.order_rows()
               if o["payment"]["method"] in ("checkmo", "banktransfer") and o["state"] != "canceled"]
    age = {o["increment_id"]: (NOW - datetime.strptime(o["created_at"], "%Y-%m-%d %H:%M:%S")
                               .replace(tzinfo=UTC)).days for o in offline}
    unpaid = [o["increment_id"] for o in offline if not o.get("total_paid")]
    assert sorted(n for n in unpaid if age[n] > 30) == ["000000002", "000000004"]
    assert all(age[n] <= 10 for n in unpaid if n not in ("000000002", "000000004")), \
        "only recent checks still wait for their money"
    assert sum(1 for o in offline if o.get("total_paid") and age[o["increment_id"]] > 30) >= 10


@pytest.mark.parametrize("orders", [60, 300])
def test_a_demo_sync_flags_only_the_demos_intended_data_problems(tmp_path: Path,
                                                                  orders: int) -> None:
    env = start_demo(tmp_path / "demo", orders=orders)
    try:
        pair_id = env.service.pairs()[0].id
        summary = env.service.run_pair(pair_id)
        state = env.service.open_state()
        try:
            codes = Counter(e.code for e in state.errors.entries(pair_id, "open"))
        finally:
            state.close()
    finally:
        env.close()
    # three SKUs the books do not know, one buyer the books know twice, two overdue transfers
    assert codes == {"unmapped_sku": 3, "duplicate_customer": 1, "unpaid_order": 2}
    assert summary.flagged == 6 and summary.posted > orders * 9 // 10

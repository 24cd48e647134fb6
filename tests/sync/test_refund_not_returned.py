"""A refund of goods the buyer kept is booked on the "Returns not restocked" item, which the
pair's own item rule may create (the flag's advice: ``rules set PAIR unmapped_sku_policy
create_item``). The ledger connector used to ignore the pair's rule for it, so the advice
changed nothing and every such refund stayed flagged."""

from __future__ import annotations

import httpx

from tests.sync.conftest import SyncBench, order_spec

UNTAXED = [{"sku": "MB-TOTE-BLK", "name": "Canvas Tote (Black)", "qty": 2, "price": "24.00"}]


def _company_without_the_returns_item(bench: SyncBench) -> None:
    """The demo company holds "Returns not restocked"; this merchant's company has it renamed."""
    [item] = [i for i in bench.ledger.entities("Item") if i["Name"] == "Returns not restocked"]
    token = bench.ledger.issue_tokens()["access_token"]
    answer = httpx.post(f"{bench.ledger.base_url}/v3/company/{bench.ledger.realm_id}/item",
                        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
                        json={"Id": item["Id"], "SyncToken": item["SyncToken"], "sparse": True,
                              "Name": "Old returns"}, timeout=10)
    assert answer.status_code == 200, answer.text


def test_the_pairs_create_item_rule_creates_the_item_for_goods_not_returned(
        bench: SyncBench) -> None:
    _company_without_the_returns_item(bench)
    order_id = bench.store.add_order(order_spec(lines=UNTAXED, payment_method="braintree",
                                                shipped=True))
    assert bench.sync().status == "ok", bench.open_errors()
    bench.store.refund_order(order_id, {"lines": [{"sku": "MB-TOTE-BLK", "qty": 1}],
                                        "shipping": 0})
    assert bench.sync().status == "flagged"
    [entry] = bench.open_errors()
    assert "Returns not restocked" in entry.message
    assert "unmapped_sku_policy create_item" in entry.message
    bench.set_rules(unmapped_sku_policy="create_item")  # the advice, followed
    assert bench.service.retry(entry.id) == "posted", [e.message for e in bench.open_errors()]
    assert bench.open_errors() == []
    [refund] = bench.docs("RefundReceipt")
    [line] = [ln for ln in refund["Line"] if ln["DetailType"] == "SalesItemLineDetail"]
    assert line["SalesItemLineDetail"]["ItemRef"]["name"] == "Returns not restocked"
    tote = next(i for i in bench.ledger.entities("Item") if i.get("Sku") == "MB-TOTE-BLK")
    assert float(tote["QtyOnHand"]) == 40 - 2  # sold two, none came back

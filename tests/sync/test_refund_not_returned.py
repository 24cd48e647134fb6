"""A refund of goods the buyer kept is booked on the "Returns not restocked" item, which the
pair's own item rule may create (the flag's advice: ``rules set PAIR unmapped_sku_policy
create_item``). The ledger connector used to ignore the pair's rule for it, so the advice
changed nothing and every such refund stayed flagged."""

from __future__ import annotations

from tests.sync.conftest import SyncBench, order_spec

UNTAXED = [{"sku": "MB-TOTE-BLK", "name": "Canvas Tote (Black)", "qty": 2, "price": "24.00"}]


def test_the_pairs_create_item_rule_creates_the_item_for_goods_not_returned(
        bench: SyncBench) -> None:
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

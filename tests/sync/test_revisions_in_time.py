"""An order edited A → B → A: the books follow the store to its latest revision (issue 10, case 1).

The posting key used to be the content hash alone, so the return to A hit A's old key, the insert
was ignored and the engine called the order "unchanged": the books kept B.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.sync.conftest import SyncBench, order_spec

ONE_TOTE = [{"sku": "MB-TOTE-BLK", "name": "Canvas Tote (Black)", "qty": 1, "price": "24.00",
             "tax_percent": "8.25"}]
TWO_TOTES = [{**ONE_TOTE[0], "qty": 2}]


def _total(bench: SyncBench, order_id: int) -> Decimal:
    return Decimal(str(bench.store.order_json(order_id)["grand_total"]))


def _receipt(bench: SyncBench) -> dict[str, Any]:
    [receipt] = bench.docs("SalesReceipt")
    return receipt


def test_flagged_order_edited_back_and_forth_posts_once_its_sku_is_mapped(
        bench: SyncBench) -> None:
    thing = {"sku": "NEW-THING", "name": "Brand new thing", "qty": 1, "price": "10.00"}
    order_id = bench.store.add_order(order_spec(lines=[thing], shipping="0"))
    assert bench.sync().status == "flagged"
    bench.store.edit_order(order_id, {"lines": [{**thing, "qty": 2}]})
    bench.sync()
    bench.store.edit_order(order_id, {"lines": [thing]})  # back to A
    bench.sync()

    [entry] = bench.open_errors()
    assert entry.code == "unmapped_sku", "the order must still wait in the queue"
    state = bench.state()
    with state.tx():
        state.mappings.set_sku(bench.pair_id, "NEW-THING", "Steel Water Bottle")
    state.close()
    assert bench.service.retry(entry.id) == "posted"
    assert Decimal(str(_receipt(bench)["TotalAmt"])) == _total(bench, order_id)
    assert bench.open_errors() == []
    assert bench.sync().posted == 0


def test_an_ignored_order_read_again_unchanged_stays_ignored(bench: SyncBench) -> None:
    thing = {"sku": "NEW-THING", "name": "Brand new thing", "qty": 1, "price": "10.00"}
    order_id = bench.store.add_order(order_spec(lines=[thing], shipping="0"))
    bench.sync()
    [entry] = bench.open_errors()
    bench.service.ignore(entry.id, "entered by hand")
    bench.store.edit_order(order_id, {"status": "complete"})  # touched, same content

    summary = bench.sync()

    assert summary.status == "ok" and summary.queued == 0, summary
    assert bench.open_errors() == [], "ignored with a reason is closed for good"
    assert bench.docs("SalesReceipt") == []

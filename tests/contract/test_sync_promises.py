"""The engine's promises through each store's connector: revisions, clock skew, reruns.

Clock skew: this computer agrees with the store's ``Date`` header (both on NTP); the clock that
stamps the store's records is off by the skew. Orders stamped in the cursor's second, or a
little before it, but committed after the read must still be posted (issue 10, case 2).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from ecom_ledger_desktop.core.clock import ManualClock
from tests.contract.conftest import ContractBench
from tests.contract.harness import Buyer, LineSpec, OrderSpec

ONE_TOTE = [LineSpec("MB-TOTE-BLK", "Canvas Tote (Black)", 1, "24.00", "8.25")]
TWO_TOTES = [LineSpec("MB-TOTE-BLK", "Canvas Tote (Black)", 2, "24.00", "8.25")]
SKEWS = {"-1h": -3600, "-10min": -600, "-30s": -30, "+10min": 600}


def _receipt_total(bench: ContractBench) -> Decimal:
    [receipt] = bench.docs("SalesReceipt")
    return Decimal(str(receipt["TotalAmt"]))


def test_posted_order_edited_a_b_a_ends_with_the_books_at_a(bench: ContractBench) -> None:
    """The return to A must not be taken for "unchanged" (A's posting key exists already)."""
    order_id = bench.store.add_order(OrderSpec(ONE_TOTE))
    first_total = bench.store.order_total(order_id)
    bench.sync()
    bench.store.edit_order(order_id, TWO_TOTES)
    bench.sync()
    assert _receipt_total(bench) == bench.store.order_total(order_id) != first_total

    bench.store.edit_order(order_id, ONE_TOTE)  # back to A
    summary = bench.sync()

    assert bench.store.order_total(order_id) == first_total
    assert _receipt_total(bench) == first_total, "the books still show B"
    assert summary.posted == 1
    assert bench.sync().posted == 0, "re-reading the unchanged order posts nothing"
    assert len(bench.docs("SalesReceipt")) == 1


@pytest.mark.parametrize("skew", SKEWS.values(), ids=SKEWS.keys())
def test_orders_committed_after_the_read_in_the_cursors_second_are_posted(
        bench: ContractBench, skew: int) -> None:
    store = bench.store
    store.skew_clock(skew)
    clock = ManualClock(store.now() + timedelta(seconds=skew))
    bench.service.clock = clock

    def time_passes(seconds: int) -> None:  # on this computer and in the store alike
        clock.advance(seconds)
        store.advance(seconds)

    first = store.add_order(OrderSpec(ONE_TOTE))
    bench.sync()
    reader = store.connector()
    record = reader.get_order(first).record
    reader.close()
    assert record is not None
    stamp = record.updated_at  # the cursor's second, after our own write-back touched it
    # written by transactions that committed after the read: one in the cursor's second, one
    # stamped 30 seconds before it (a slow checkout)
    late = [store.add_order(OrderSpec(ONE_TOTE, buyer=Buyer(f"late{n}@example.com", "Late",
                                                           f"Row{n}"),
                                      created_at=when, updated_at=when))
            for n, when in enumerate((stamp, stamp - timedelta(seconds=30)))]
    for _ in range(2):
        time_passes(15 * 60)
        bench.sync()

    in_store = {store.order_number(i) for i in (first, *late)}
    posted = {str(d["DocNumber"]) for d in bench.docs("SalesReceipt")}
    assert posted == in_store, f"lost: {in_store - posted}"
    assert bench.sync().posted == 0, "nothing is posted twice"
    assert len(bench.docs("SalesReceipt")) == 3


def test_an_idle_poll_after_a_skewed_window_reads_nothing_new(bench: ContractBench) -> None:
    """Re-reading the cursor's second costs nothing: unchanged orders are not processed again."""
    store = bench.store
    store.skew_clock(600)
    clock = ManualClock(store.now() + timedelta(seconds=600))
    bench.service.clock = clock
    store.add_order(OrderSpec(ONE_TOTE))
    bench.sync()
    for _ in range(2):
        clock.advance(15 * 60)
        store.advance(15 * 60)
        last = bench.sync()  # the first re-reads the order our own write-back touched
    assert (last.fetched, last.posted, last.status) == (0, 0, "ok")

"""Clock skew between the shop's ``Date`` header and its ``updated_at`` stamps (issue 10, case 2).

This computer agrees with the ``Date`` header (both on NTP); the clock that stamps ``updated_at``
(a MySQL session not in UTC, a server behind a CDN) is off by the skew. Orders stamped in the
cursor's second, or a little before it, but committed after the read must still be posted.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ecom_ledger_desktop.core.clock import ManualClock
from tests.sync.conftest import SyncBench, order_spec

SKEWS = {"-1h": -3600, "-10min": -600, "-30s": -30, "+10min": 600}
WIRE = "%Y-%m-%d %H:%M:%S"


def _customer(n: int) -> dict[str, str]:
    return {"email": f"late{n}@example.com", "firstname": "Late", "lastname": f"Row{n}"}


def _posted_numbers(bench: SyncBench) -> set[str]:
    return {str(d["DocNumber"]) for d in bench.docs("SalesReceipt")}


@pytest.mark.parametrize("skew", SKEWS.values(), ids=SKEWS.keys())
def test_orders_committed_after_the_read_in_the_cursors_second_are_posted(
        bench: SyncBench, skew: int) -> None:
    bench.store.configure(date_skew_seconds=skew)
    clock = ManualClock(bench.store.clock.now() + timedelta(seconds=skew))
    bench.service.clock = clock

    def time_passes(seconds: int) -> None:  # on this computer and in the shop alike
        clock.advance(seconds)
        bench.store.clock.advance(seconds)

    first = bench.store.add_order(order_spec())
    bench.sync()
    stamp = datetime.strptime(bench.store.order_json(first)["updated_at"], WIRE).replace(tzinfo=UTC)
    # written by transactions that committed after the read: one in the cursor's second, one
    # stamped 30 seconds before it (a slow checkout)
    for n, when in enumerate((stamp, stamp - timedelta(seconds=30))):
        bench.store.add_order(order_spec(customer=_customer(n), created_at=when.strftime(WIRE),
                                         updated_at=when.strftime(WIRE)))
    for _ in range(2):
        time_passes(15 * 60)
        bench.sync()

    in_store = {str(o["increment_id"]) for o in bench.store_api(
        "orders?searchCriteria[pageSize]=100")["items"]}
    assert len(in_store) == 3
    assert _posted_numbers(bench) == in_store, f"lost: {in_store - _posted_numbers(bench)}"
    assert bench.sync().posted == 0, "nothing is posted twice"
    assert len(bench.docs("SalesReceipt")) == 3


def test_an_idle_poll_after_a_skewed_window_reads_nothing_new(bench: SyncBench) -> None:
    """Re-reading the cursor's second costs nothing: unchanged orders are not processed again."""
    bench.store.configure(date_skew_seconds=600)
    clock = ManualClock(bench.store.clock.now() + timedelta(seconds=600))
    bench.service.clock = clock
    bench.store.add_order(order_spec())
    bench.sync()
    clock.advance(15 * 60)
    bench.store.clock.advance(15 * 60)
    bench.sync()  # re-reads the order our own write-back comment touched
    clock.advance(15 * 60)
    bench.store.clock.advance(15 * 60)
    idle = bench.sync()
    assert (idle.fetched, idle.posted, idle.status) == (0, 0, "ok")

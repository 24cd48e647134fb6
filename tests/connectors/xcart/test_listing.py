"""Changed-since listing through both X-Cart APIs: every order once, ascending, nothing skipped."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from ecom_ledger_desktop.sandbox.xcart import XCartSimulator
from tests.connectors.xcart.conftest import EPOCH, T0, order, store_for


def test_a_crowded_second_larger_than_a_page_is_read_once_each(sim: XCartSimulator) -> None:
    ids = [str(sim.add_order(order(created_at=T0, updated_at=T0))) for _ in range(13)]
    store = store_for(sim, page_size=4)
    got = [f.source_id for f in store.iter_orders(EPOCH)]
    store.close()
    assert got == ids


def test_window_is_inclusive_and_ascending_by_change_then_id(sim: XCartSimulator) -> None:
    minutes = [30, 10, 20, 10, 30]
    ids = [str(sim.add_order(order(created_at=T0, updated_at=T0 + timedelta(minutes=m))))
           for m in minutes]
    store = store_for(sim, page_size=2)
    window = [f.source_id for f in store.iter_orders(T0 + timedelta(minutes=10),
                                                     T0 + timedelta(minutes=20))]
    everything = list(store.iter_orders(EPOCH))
    store.close()
    assert window == [ids[1], ids[3], ids[2]]
    stamps = [f.updated_at for f in everything if f.updated_at is not None]
    assert stamps == sorted(stamps) and len(everything) == 5


class EditsWhileReading(httpx.HTTPTransport):
    """Saves an already-listed order in the back office right after the first page is read."""

    def __init__(self, sim: XCartSimulator, order_id: int) -> None:
        super().__init__()
        self.sim, self.order_id, self.calls = sim, order_id, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        self.calls += 1
        if self.calls == 1 and "order" in str(request.url):
            self.sim.clock.advance(5)
            self.sim.state.set_note(self.order_id, "edited while the sync reads")
        return response


def test_an_order_saved_during_the_walk_does_not_push_another_out(sim: XCartSimulator) -> None:
    ids = [str(sim.add_order(order(created_at=T0, updated_at=T0 + timedelta(seconds=n))))
           for n in range(9)]
    target = int(ids[-1]) if sim.switches.version == "5.4" else int(ids[0])
    options: dict[str, Any] = {"page_size": 3, "transport": EditsWhileReading(sim, target),
                               "version": sim.switches.version}
    store = store_for(sim, **options)
    got = [f.source_id for f in store.iter_orders(EPOCH)]
    store.close()
    assert sorted(got, key=int) == ids  # each once, none skipped


def test_a_rerun_past_the_last_change_reads_nothing(sim: XCartSimulator) -> None:
    for n in range(4):
        sim.add_order(order(created_at=T0, updated_at=T0 + timedelta(seconds=n)))
    store = store_for(sim, page_size=2)
    last = max(f.updated_at for f in store.iter_orders(EPOCH) if f.updated_at)
    assert list(store.iter_orders(last + store.timestamp_resolution)) == []
    store.close()


def test_without_sorting_by_change_date_every_order_is_scanned_and_none_missed(
        sim: XCartSimulator) -> None:
    if sim.switches.version == "5.5":
        return  # the 5.5 API filters on lastRenewDate itself
    sim.configure(order_by_last_renew=False)  # reference part H #5
    ids = [str(sim.add_order(order(created_at=T0 - timedelta(days=400 - n),
                                   updated_at=T0 + timedelta(seconds=9 - n)))) for n in range(7)]
    store = store_for(sim, page_size=3)
    got = [f.source_id for f in store.iter_orders(T0 + timedelta(seconds=6))]
    store.close()
    assert got == list(reversed(ids[:4]))  # changed since T0+6s, ascending by that change


def test_an_order_without_a_change_date_is_read_by_the_daily_reconciliation(
        sim: XCartSimulator) -> None:
    oid = sim.add_order(order())
    sim.add_order(order())
    raw = sim.order_json(oid)
    del raw["lastRenewDate"]
    sim.put_raw_order(oid, raw)
    store = store_for(sim)
    reconciled = [f.source_id for f in store.reconcile_orders()]
    store.close()
    assert reconciled == [str(oid)]


def test_how_many_orders_to_expect_when_the_shop_says(sim: XCartSimulator) -> None:
    for n in range(5):
        sim.add_order(order(created_at=T0, updated_at=T0 + timedelta(seconds=n)))
    sim.configure(hydra=True)  # 5.5 as Hydra collections: they carry hydra:totalItems
    store = store_for(sim, page_size=2)
    listed = store.iter_orders(EPOCH)
    next(listed)
    expected = store.orders_expected()
    rest = list(listed)
    store.close()
    assert len(rest) == 4
    assert expected == (5 if sim.switches.version == "5.5" else None)  # the add-on never says


def test_a_big_window_keeps_few_orders_in_memory_and_reads_the_rest_again(
        sim: XCartSimulator) -> None:
    if sim.switches.version == "5.5":
        return  # the 5.5 walk yields page by page
    ids = [str(sim.add_order(order(created_at=T0, updated_at=T0 + timedelta(seconds=n))))
           for n in range(8)]
    moved = int(ids[1])

    class SavesOneOfTheDropped(httpx.HTTPTransport):
        def __init__(self) -> None:
            super().__init__()
            self.singles: list[str] = []

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            path = dict(request.url.params).get("_path", "")
            if path.startswith("order/"):
                self.singles.append(path)
                if path == f"order/{ids[0]}":  # the shop saves order 2 meanwhile
                    sim.clock.advance(30)
                    sim.state.set_note(moved, "saved while the sync reads")
            return super().handle_request(request)

    transport = SavesOneOfTheDropped()
    store = store_for(sim, page_size=3, in_memory=3, transport=transport, version="5.4")
    got = [f.source_id for f in store.iter_orders(EPOCH)]
    later = [f.source_id for f in store.iter_orders(T0 + timedelta(seconds=20))]
    store.close()
    assert transport.singles[:5] == [f"order/{i}" for i in ids[:5]]  # the 5 oldest, read again
    assert got == [i for i in ids if i != str(moved)]  # in order; the moved one waits...
    assert str(moved) in later  # ...for the next poll, at its new place

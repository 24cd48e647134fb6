"""The order listing: valid records, unique keys, a monotonic cursor, an inclusive window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from ecom_ledger_desktop.connectors.base import StoreConnector
from tests.contract.harness import Buyer, LineSpec, OrderSpec, StoreHarness
from tests.contract.invariants import check_order

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
BASE = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
BAG = LineSpec("24-MB01", "Joust Duffle Bag", 1, "34.00")


def spec(n: int, minutes: int = 0, updated: int | None = None) -> OrderSpec:
    return OrderSpec(lines=[BAG], buyer=Buyer(f"buyer{n}@example.com", "Buyer", str(n)),
                     created_at=BASE + timedelta(minutes=minutes),
                     updated_at=None if updated is None else BASE + timedelta(minutes=updated))


def listed(store: StoreConnector, since: datetime = EPOCH,
           until: datetime | None = None) -> list[str]:
    ids = []
    for fetched in store.iter_orders(since, until):
        assert fetched.problem is None and fetched.record is not None, fetched.problem
        check_order(fetched.record)
        assert fetched.record.source_id == fetched.source_id
        ids.append(fetched.source_id)
    return ids


def test_a_crowded_second_larger_than_a_page_is_read_once_each(harness: StoreHarness) -> None:
    """Equal timestamps across page boundaries: every order once, none skipped."""
    created = [harness.add_order(spec(i)) for i in range(23)]
    store = harness.connector(page_size=5)
    ids = listed(store)
    assert ids == created and len(set(ids)) == len(ids)
    store.close()


def test_orders_come_in_updated_then_id_order_and_the_window_is_inclusive(
        harness: StoreHarness) -> None:
    minutes = [30, 10, 20, 10, 30, 20]
    ids = [harness.add_order(spec(i, 0, m)) for i, m in enumerate(minutes)]
    expected = [i for _, _, i in sorted((m, int(i), i) for m, i in zip(minutes, ids, strict=True))]
    store = harness.connector(page_size=2)
    assert listed(store) == expected
    fetched = list(store.iter_orders(EPOCH))
    stamps = [f.updated_at for f in fetched]
    assert None not in stamps and stamps == sorted(stamps)  # type: ignore[type-var]
    window = listed(store, BASE + timedelta(minutes=10), BASE + timedelta(minutes=20))
    assert window == expected[:4]  # since <= updated_at <= until
    store.close()


def test_a_rerun_past_the_cursor_yields_nothing_new(harness: StoreHarness) -> None:
    for i in range(5):
        harness.add_order(spec(i, i))
    store = harness.connector(page_size=2)
    fetched = list(store.iter_orders(EPOCH))
    last = max(f.updated_at for f in fetched if f.updated_at is not None)
    step = store.timestamp_resolution
    assert list(store.iter_orders(last + step)) == []
    again = [f.source_id for f in store.iter_orders(last)]
    assert again and set(again) <= {f.source_id for f in fetched}
    store.close()


def test_a_guest_order_has_a_guest_buyer(harness: StoreHarness) -> None:
    guest = harness.add_order(OrderSpec(lines=[BAG], buyer=None, paid=False))
    known = harness.add_order(OrderSpec(lines=[BAG], buyer=Buyer("known@example.com", "Kay",
                                                                 "Known")))
    store = harness.connector()
    guest_order, known_order = (store.get_order(guest).record, store.get_order(known).record)
    assert guest_order is not None and known_order is not None
    check_order(guest_order)
    assert guest_order.customer.is_guest and guest_order.customer.source_id is None
    assert guest_order.paid is False
    assert not known_order.customer.is_guest and known_order.customer.full_name == "Kay Known"
    assert known_order.paid is True and known_order.grand_total == Decimal("39.00")
    missing = store.get_order("999999")
    assert missing.record is None and missing.problem is not None
    assert missing.problem.code == "not_found"
    store.close()

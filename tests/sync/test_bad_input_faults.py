"""Bad input from the store that needs more than one order or a broken transport, end to end over
real loopback HTTP: duplicate and missing ids, long ids sharing a prefix, broken store answers
retried, a flagged order corrected in the store."""

from __future__ import annotations

import pytest

from tests.sync.bad_input_support import (
    add_good,
    altered,
    amount,
    bad_documents,
    bad_spec,
    dropping,
    setting,
    the_good_order_posted,
)
from tests.sync.conftest import SyncBench

# -- faults that need more than one order or a broken transport ----------------------------

def test_two_orders_with_one_increment_id_both_post_or_the_second_is_flagged_clearly(
        bench: SyncBench) -> None:
    """Multi-store: Magento's increment_id is unique per store only; entity_id differs."""
    first = bench.store.add_order(bad_spec(increment_id="000000100"))
    second = bench.store.add_order(bad_spec(increment_id="000000100", customer={
        "email": "other.store@example.com", "firstname": "Other", "lastname": "Store"}))
    good_id = add_good(bench)
    assert first != second

    summary = bench.sync()

    the_good_order_posted(bench, good_id)
    posted = bad_documents(bench, good_id)
    errors = bench.open_errors()
    if len(posted) == 2:
        assert errors == []
        assert len({d["DocNumber"] for d in posted}) == 2
    else:
        assert len(posted) == 1
        assert summary.status == "flagged"
        [entry] = errors
        assert entry.code == "duplicate_doc_number", entry
        assert "000000100" in entry.message and entry.fixes, entry
        assert entry.source_id == str(second), "the second one is the one flagged"
    for doc in posted:
        assert amount(doc["TotalAmt"]) == amount(bench.store.order_json(first)["grand_total"])


def test_two_orders_without_entity_id_are_two_queue_entries(bench: SyncBench) -> None:
    """An unreadable record is keyed by a stand-in, so one cannot hide the other."""
    numbers = []
    for _ in range(2):
        order_id = altered(bad_spec(), dropping("entity_id"))(bench)
        numbers.append(bench.store.order_json(order_id)["increment_id"])
    good_id = add_good(bench)

    bench.sync()

    the_good_order_posted(bench, good_id)
    errors = bench.open_errors()
    assert sorted(n for e in errors for n in numbers if n in e.message) == sorted(numbers)
    assert len(errors) == 2 and all(e.raw for e in errors)
    # Re-driving one cannot fetch it by id: it says so, and stays in the queue.
    [first] = [e for e in errors if numbers[0] in e.message]
    assert bench.service.retry(first.id).startswith("still flagged")
    [again] = [e for e in bench.open_errors() if e.source_id == first.source_id]
    assert numbers[0] in again.message and "entity_id" in again.message


def test_long_increment_ids_sharing_a_prefix_both_post(bench: SyncBench) -> None:
    first = bench.store.add_order(bad_spec(increment_id="EU-WEBSTORE-2026-000000123"))
    second = bench.store.add_order(bad_spec(increment_id="EU-WEBSTORE-2026-000000124"))
    good_id = add_good(bench)

    bench.sync()

    the_good_order_posted(bench, good_id)
    posted = bad_documents(bench, good_id)
    assert bench.open_errors() == [], [e.message for e in bench.open_errors()]
    assert len(posted) == 2 and len({d["DocNumber"] for d in posted}) == 2
    for order_id in (first, second):
        number = bench.store.order_json(order_id)["increment_id"]
        [doc] = [d for d in posted if number in d["PrivateNote"]]
        assert len(doc["DocNumber"]) <= 21


@pytest.mark.parametrize("mode,count", [
    pytest.param("truncate", 1, id="truncated-body-once"),
    pytest.param("garbage", 1, id="garbage-body-once"),
    pytest.param("truncate", 2, id="truncated-body-twice"),
])
def test_broken_store_response_is_retried_and_everything_posts(
        bench: SyncBench, mode: str, count: int) -> None:
    bad_id = bench.store.add_order(bad_spec())
    good_id = add_good(bench)
    bench.store.corrupt_next_responses(count, mode)

    summary = bench.sync()

    assert summary.status == "ok", summary
    the_good_order_posted(bench, good_id)
    [doc] = bad_documents(bench, good_id)
    assert amount(doc["TotalAmt"]) == amount(bench.store.order_json(bad_id)["grand_total"])
    assert bench.open_errors() == []


def test_flagged_order_corrected_in_the_store_posts_on_the_next_run(bench: SyncBench) -> None:
    """The queue entry closes itself once the store sends a readable order."""
    bad_id = altered(bad_spec(), setting(grand_total=None))(bench)
    add_good(bench)
    assert bench.sync().status == "flagged"
    assert len(bench.open_errors()) == 1

    fixed = bench.store.order_json(bad_id)
    fixed["grand_total"] = fixed["base_grand_total"]
    fixed["updated_at"] = bench.store.clock.now().strftime("%Y-%m-%d %H:%M:%S")
    bench.store.put_raw_order(bad_id, fixed)
    summary = bench.sync()

    assert summary.status == "ok", summary
    assert bench.open_errors() == []
    assert len(bench.docs("SalesReceipt")) == 2

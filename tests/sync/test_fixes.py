"""Fixing flagged records in place: each fix re-drives that record only."""

from __future__ import annotations

from tests.sync.conftest import SyncBench, order_spec

UNKNOWN_LINE = {"sku": "NEW-THING", "name": "Brand new thing", "qty": 1, "price": "10.00"}


def test_map_sku_fix_posts_the_order_to_the_chosen_item(bench: SyncBench) -> None:
    bench.store.add_order(order_spec(lines=[UNKNOWN_LINE], shipping="0"))
    bench.sync()
    [entry] = bench.open_errors()
    assert bench.service.apply_fix(entry.id, "map_sku", "Canvas Tote (Black)") == "posted"
    [receipt] = bench.docs("SalesReceipt")
    tote = next(i for i in bench.ledger.entities("Item") if i.get("Sku") == "MB-TOTE-BLK")
    assert receipt["Line"][0]["SalesItemLineDetail"]["ItemRef"]["value"] == tote["Id"]


def test_create_item_fix_creates_it_once_and_posts(bench: SyncBench) -> None:
    bench.store.add_order(order_spec(lines=[UNKNOWN_LINE], shipping="0"))
    bench.sync()
    [entry] = bench.open_errors()
    assert bench.service.apply_fix(entry.id, "create_item") == "posted"
    created = [i for i in bench.ledger.entities("Item") if i.get("Sku") == "NEW-THING"]
    assert len(created) == 1
    bench.store.add_order(order_spec(lines=[UNKNOWN_LINE], shipping="0"))
    bench.sync()
    assert len(bench.docs("SalesReceipt")) == 2
    assert len([i for i in bench.ledger.entities("Item") if i.get("Sku") == "NEW-THING"]) == 1


def test_duplicate_customer_is_flagged_and_picking_one_routes_the_order(bench: SyncBench) -> None:
    bench.store.add_order(order_spec(customer={"email": "Jordan.Rivera@example.com",
                                               "firstname": "Jordan", "lastname": "Rivera"}))
    bench.sync()
    [entry] = bench.open_errors()
    assert entry.code == "duplicate_customer"
    assert "jordan.rivera@example.com" in entry.message
    candidates = entry.detail.split(";")
    assert len(candidates) == 2
    assert bench.service.apply_fix(entry.id, "pick_customer", candidates[1]) == "posted"
    assert bench.docs("SalesReceipt")[0]["CustomerRef"]["value"] == candidates[1]
    bench.store.add_order(order_spec(customer={"email": "jordan.rivera@example.com",
                                               "firstname": "Jordan", "lastname": "Rivera"}))
    bench.sync()
    assert bench.open_errors() == [], "the choice is remembered for the next orders"
    assert {d["CustomerRef"]["value"] for d in bench.docs("SalesReceipt")} == {candidates[1]}


def test_edit_in_a_closed_period_is_flagged_with_void_and_repost_never_a_second_doc(
        bench: SyncBench) -> None:
    order_id = bench.store.add_order(order_spec(created_at="2026-03-10 09:00:00"))
    bench.sync()
    [original] = bench.docs("SalesReceipt")
    bench.ledger.set_book_close_date("2026-03-31")
    bench.store.edit_order(order_id, {"lines": [
        {"sku": "MB-TOTE-BLK", "name": "Canvas Tote (Black)", "qty": 1, "price": "24.00"}]})
    summary = bench.sync()
    assert summary.status == "flagged"
    [entry] = bench.open_errors()
    assert entry.code == "closed_period"
    assert "void_and_repost" in {f.action for f in entry.fixes}
    assert [d["Id"] for d in bench.docs("SalesReceipt")] == [original["Id"]]

    bench.ledger.set_book_close_date(None)  # the accountant reopens the period
    assert bench.service.apply_fix(entry.id, "void_and_repost") == "posted"
    live = bench.docs("SalesReceipt")
    assert len(live) == 1 and live[0]["Id"] != original["Id"]
    assert live[0]["DocNumber"].endswith("-R1")
    assert bench.open_errors() == []
    bench.sync()
    assert len(bench.docs("SalesReceipt")) == 1, "later runs keep one live document"


def test_mapping_a_sku_once_posts_every_order_waiting_on_it(bench: SyncBench) -> None:
    other_line = {"sku": "OTHER-THING", "name": "Another new thing", "qty": 1, "price": "5.00"}
    for _ in range(3):
        bench.store.add_order(order_spec(lines=[UNKNOWN_LINE], shipping="0"))
    bench.store.add_order(order_spec(lines=[other_line], shipping="0"))
    bench.sync()
    entries = bench.open_errors()
    assert sorted(e.detail for e in entries) == ["NEW-THING"] * 3 + ["OTHER-THING"]
    first = next(e for e in entries if e.detail == "NEW-THING")
    result = bench.service.fix(first.id, "map_sku", "Canvas Tote (Black)")
    assert result.outcome == "posted"
    assert (result.others, result.others_posted) == (2, 2)
    assert result.message.startswith("Mapped SKU 'NEW-THING' → 'Canvas Tote (Black)'; order ")
    assert "2 other records waiting on it were posted too" in result.message
    assert len(bench.docs("SalesReceipt")) == 3
    assert [e.detail for e in bench.open_errors()] == ["OTHER-THING"], "another cause stays"


def test_creating_an_item_once_posts_every_order_waiting_on_it(bench: SyncBench) -> None:
    for _ in range(2):
        bench.store.add_order(order_spec(lines=[UNKNOWN_LINE], shipping="0"))
    bench.sync()
    first = bench.open_errors()[0]
    result = bench.service.fix(first.id, "create_item")
    assert (result.outcome, result.others_posted) == ("posted", 1)
    assert "1 other record waiting on it was posted too" in result.message
    assert bench.open_errors() == [] and len(bench.docs("SalesReceipt")) == 2
    assert len([i for i in bench.ledger.entities("Item") if i.get("Sku") == "NEW-THING"]) == 1


def test_picking_a_customer_once_posts_every_order_of_that_customer(bench: SyncBench) -> None:
    jordan = {"email": "Jordan.Rivera@example.com", "firstname": "Jordan", "lastname": "Rivera"}
    for _ in range(2):
        bench.store.add_order(order_spec(customer=jordan))
    bench.sync()
    entries = bench.open_errors()
    assert [e.code for e in entries] == ["duplicate_customer"] * 2
    chosen = entries[0].detail.split(";")[1]
    result = bench.service.fix(entries[0].id, "pick_customer", chosen)
    assert (result.outcome, result.others, result.others_posted) == ("posted", 1, 1)
    assert bench.open_errors() == []
    assert {d["CustomerRef"]["value"] for d in bench.docs("SalesReceipt")} == {chosen}

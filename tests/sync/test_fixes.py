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

"""The mapping editor's data against the real simulators: suggestions, accepting, creating, CSV."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from ecom_ledger_desktop.connectors.catalog import CatalogItem, StoreProduct
from ecom_ledger_desktop.sync.mapping_suggestions import MappingSession, build_rows, rank, score
from tests.sync.conftest import SyncBench, order_spec

LINES = [
    {"sku": "MB-TOTE-BLK", "name": "Canvas Tote (Black)", "qty": 1, "price": "24.00"},
    {"sku": "GIFT-WRAP", "name": "Gift Wrapping", "qty": 1, "price": "3.00"},
    {"sku": "BOTTLE-1L", "name": "Steel Water Bottle 1L", "qty": 1, "price": "21.00"},
    {"sku": "ZZ-9", "name": "Quantum flux capacitor", "qty": 1, "price": "99.00"},
]


@contextmanager
def session(bench: SyncBench) -> Iterator[MappingSession]:
    with bench.service.context(bench.pair_id) as ctx:
        mapping = MappingSession.for_context(ctx)
        mapping.load()
        yield mapping


@pytest.fixture
def flagged(bench: SyncBench) -> SyncBench:
    bench.store.add_order(order_spec(lines=LINES, shipping="0"))
    bench.sync()
    return bench


def test_store_skus_are_ranked_against_ledger_items(flagged: SyncBench) -> None:
    with session(flagged) as mapping:
        rows = {r.sku: r for r in mapping.rows}
        assert set(rows) == {r["sku"] for r in LINES}
        assert rows["MB-TOTE-BLK"].status == "found" and rows["MB-TOTE-BLK"].best is not None
        assert rows["MB-TOTE-BLK"].best.score == 100
        bottle = rows["BOTTLE-1L"]
        assert bottle.status == "suggested" and bottle.ledger_item == "Steel Water Bottle"
        assert 60 <= bottle.candidates[0].score < 100
        assert [c.score for c in bottle.candidates] == sorted(
            (c.score for c in bottle.candidates), reverse=True)
        assert rows["ZZ-9"].status == "unmapped"
        assert {r.sku for r in mapping.rows if r.matches("unmapped")} >= {"BOTTLE-1L", "ZZ-9"}
        assert {r.sku for r in mapping.rows if r.matches("suggested")} == {
            r.sku for r in mapping.rows if r.status == "suggested"}
        assert rows["BOTTLE-1L"].store_name == "Steel Water Bottle 1L"


def test_accepting_one_and_all_above_a_threshold(flagged: SyncBench) -> None:
    with session(flagged) as mapping:
        with pytest.raises(ValueError, match="did you mean 'Steel Water Bottle'"):
            mapping.accept("ZZ-9", "Steel Watter Bottle")
        mapping.accept("ZZ-9", "fees")  # case-insensitive, stored as the ledger spells it
        assert mapping.state.mappings.skus(flagged.pair_id) == {"ZZ-9": "Fees"}
        suggested = {r.sku: r.best.score for r in mapping.rows
                     if r.status == "suggested" and r.best}
        threshold = max(suggested.values())
        accepted = mapping.accept_above(threshold)
        assert [sku for sku, _ in accepted] == [s for s, v in suggested.items() if v >= threshold]
        assert all(r.status == "mapped" for r in mapping.rows if r.sku in dict(accepted))
        assert mapping.accept_above(101) == []


def test_creating_the_item_in_one_click_then_the_flagged_order_posts(flagged: SyncBench) -> None:
    with session(flagged) as mapping:
        for sku in ("GIFT-WRAP", "BOTTLE-1L", "ZZ-9"):
            item = mapping.create_item(sku)
            assert item.sku == sku
        again = mapping.create_item("GIFT-WRAP")
        assert again.name == "Gift Wrapping"
    created = [i for i in flagged.ledger.entities("Item") if i.get("Sku") == "GIFT-WRAP"]
    assert len(created) == 1 and created[0]["Name"] == "Gift Wrapping"
    [entry] = flagged.open_errors()
    assert flagged.service.retry(entry.id) == "posted"


def test_mappings_round_trip_through_csv_and_bad_rows_are_named(flagged: SyncBench) -> None:
    with session(flagged) as mapping:
        mapping.accept("GIFT-WRAP", "Fees")
        text = mapping.export_csv()
        assert text.splitlines()[0] == "sku,ledger_item,store_name"
        assert "GIFT-WRAP,Fees,Gift Wrapping" in text
        mapping.remove("GIFT-WRAP")
        result = mapping.import_csv(text)
        assert result.applied == 1 and result.skipped_empty == 3 and not result.problems
        assert mapping.state.mappings.skus(flagged.pair_id) == {"GIFT-WRAP": "Fees"}
        bad = mapping.import_csv("\ufeffsku;ledger_item\nZZ-9;Shipping\n;Fees\nZZ-9;Fees\n"
                                 "BOTTLE-1L;Steel Water Botle\n")
        assert bad.applied == 0
        assert bad.problems == [
            "row 3: the SKU is empty", "row 4: SKU 'ZZ-9' is already on row 2",
            "row 5: there is no item called 'Steel Water Botle' in the books (did you mean "
            "'Steel Water Bottle'?)"]
        assert "ZZ-9" not in mapping.state.mappings.skus(flagged.pair_id), "all or nothing"
        assert mapping.import_csv("item,name\nx,y\n").problems[0].startswith("row 1:")


def test_scores_are_100_only_for_the_same_sku() -> None:
    tote = CatalogItem("1", "Canvas Tote (Black)", "MB-TOTE-BLK")
    assert score(StoreProduct("mb-tote-blk ", "anything"), tote) == 100
    assert score(StoreProduct("OTHER", "Canvas Tote (Black)"), tote) == 99
    ranked = rank(StoreProduct("MB-TOTE-BLU", "Canvas Tote (Blue)"),
                  [CatalogItem("2", "Fees"), tote])
    assert ranked[0].item is tote and ranked[0].score > ranked[1].score
    [row] = build_rows([], [tote], {"GONE": "Fees"})
    assert row.sku == "GONE" and row.status == "mapped" and row.ledger_item == "Fees"

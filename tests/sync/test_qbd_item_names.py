"""The QuickBooks Desktop item chosen for a store product is kept in the database (ledger_names,
as customers are) with its ListID, and used for good: a later rule or a renamed SKU never moves
the product to another item."""

from __future__ import annotations

from pathlib import Path

from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.sandbox.qbd import seed_inventory
from tests.sync.qbd_bench import open_bench, order


def _ledger_id(db_path: Path) -> int:
    state = State(db_path)
    try:
        books = state.connections.connection("books")
        assert books is not None and books.id is not None
        return books.id
    finally:
        state.close()


def test_the_item_chosen_for_a_sku_is_kept_with_its_list_id(tmp_path: Path,
                                                             reference_if_present: Path | None) -> None:
    with open_bench(tmp_path, reference_if_present) as bench:
        bench.store.add_order(order())
        bench.sync()
        assert bench.session().outcome == "done"
        state = State(bench.db_path)
        try:
            kept = state.ledger_names.get(_ledger_id(bench.db_path), "item", "sku:MB-TOTE-BLK")
        finally:
            state.close()
        item = bench.company.company.named("ItemInventory", "MB-TOTE-BLK")
        assert kept is not None and item is not None
        assert (kept.name, kept.list_id) == ("MB-TOTE-BLK", item.id)


def test_a_kept_item_name_is_used_instead_of_the_skus_own(tmp_path: Path,
                                                          reference_if_present: Path | None) -> None:
    with open_bench(tmp_path, reference_if_present) as bench:
        seed_inventory(bench.company.company, [{"sku": "Tote - black", "name": "Tote",
                                                "price": "24.00", "qty": 10}])
        state = State(bench.db_path)
        try:
            with state.tx():
                state.ledger_names.choose(_ledger_id(bench.db_path), "item", "sku:MB-TOTE-BLK",
                                          "Tote - black")
        finally:
            state.close()
        bench.store.add_order(order())
        bench.sync()
        assert bench.session().outcome == "done"
        [receipt] = bench.txns("SalesReceipt")
        items = [line["ItemRef"]["FullName"] for line in receipt.data["SalesReceiptLineRet"]
                 if line["ItemRef"]]
        assert "Tote - black" in items and "MB-TOTE-BLK" not in items

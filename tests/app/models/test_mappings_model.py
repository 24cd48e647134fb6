"""The mapping editor's table model and its filter proxy, without widgets."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFont

from ecom_ledger_desktop.app.models._table import ROW_ROLE
from ecom_ledger_desktop.app.models.mappings_model import (
    CANDIDATES_ROLE,
    STATUS_ROLE,
    MappingsFilterProxy,
    MappingsModel,
)
from ecom_ledger_desktop.connectors.catalog import CatalogItem, StoreProduct
from ecom_ledger_desktop.sync.mapping_suggestions import build_rows

ITEMS = [CatalogItem("1", "Canvas Tote (Black)", "MB-TOTE-BLK"),
         CatalogItem("2", "Steel Water Bottle", "WB-BOTTLE"), CatalogItem("3", "Fees")]
PRODUCTS = [StoreProduct("MB-TOTE-BLK", "Canvas Tote (Black)"),
            StoreProduct("BOTTLE-1L", "Steel Water Bottle 1L"),
            StoreProduct("ZZ-9", "Quantum flux capacitor"),
            StoreProduct("GIFT-WRAP", "Gift Wrapping")]


def _model() -> MappingsModel:
    model = MappingsModel()
    model.set_books("QuickBooks")  # the pair's ledger brand, as the page sets it
    model.set_rows(build_rows(PRODUCTS, ITEMS, {"GIFT-WRAP": "Fees"}))
    return model


def _cell(model, row: int, column: int, role=Qt.ItemDataRole.DisplayRole):
    return model.data(model.index(row, column), role)


def test_rows_columns_and_headers(qtmodeltester) -> None:
    model = _model()
    qtmodeltester.check(model)
    assert model.rowCount() == 4 and model.columnCount() == 5
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)] == [
        "SKU", "Store name", "QuickBooks item", "Score", "Status"]
    assert model.headerData(0, Qt.Orientation.Vertical) is None
    model.set_books("FreshBooks")
    assert model.headerData(MappingsModel.COL_ITEM, Qt.Orientation.Horizontal) == "FreshBooks item"
    assert model.rowCount(model.index(0, 0)) == 0, "a table has no children"


def test_cells_show_suggestion_score_and_status_in_words() -> None:
    model = _model()
    rows = {_cell(model, r, 0): r for r in range(model.rowCount())}
    bottle, tote, gift, zz = (rows[s] for s in ("BOTTLE-1L", "MB-TOTE-BLK", "GIFT-WRAP", "ZZ-9"))
    assert _cell(model, bottle, MappingsModel.COL_ITEM) == "Steel Water Bottle"
    assert _cell(model, bottle, MappingsModel.COL_STATUS) == "Suggested"
    assert 60 <= int(_cell(model, bottle, MappingsModel.COL_SCORE)) < 100
    font = _cell(model, bottle, MappingsModel.COL_ITEM, Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.italic(), "an unaccepted suggestion is italic"
    assert "Steel Water Bottle (" in _cell(model, bottle, MappingsModel.COL_ITEM,
                                           Qt.ItemDataRole.ToolTipRole)
    assert _cell(model, tote, MappingsModel.COL_SCORE) == "100"
    assert _cell(model, tote, MappingsModel.COL_STATUS) == "Same SKU in QuickBooks"
    assert _cell(model, gift, MappingsModel.COL_STATUS) == "Mapped"
    assert _cell(model, gift, MappingsModel.COL_ITEM, Qt.ItemDataRole.FontRole) is None
    assert _cell(model, zz, 0, STATUS_ROLE) == "unmapped"
    assert _cell(model, bottle, 0, CANDIDATES_ROLE)[0].item.name == "Steel Water Bottle"
    assert _cell(model, bottle, MappingsModel.COL_SCORE, Qt.ItemDataRole.TextAlignmentRole)
    assert model.data(QModelIndex()) is None
    assert _cell(model, bottle, 0, Qt.ItemDataRole.DecorationRole) is None


def test_filter_modes_search_and_sorting(qtmodeltester) -> None:
    model = _model()
    proxy = MappingsFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)

    def skus() -> list[str]:
        return [proxy.data(proxy.index(r, 0)) for r in range(proxy.rowCount())]

    assert proxy.mode == "unmapped" and sorted(skus()) == ["BOTTLE-1L", "ZZ-9"]
    proxy.set_mode("suggested")
    assert skus() == ["BOTTLE-1L"]
    proxy.set_mode("all")
    assert len(skus()) == 4
    proxy.set_search("bottle")
    assert skus() == ["BOTTLE-1L"]
    proxy.set_search("FEES")  # the ledger item column is searched too
    assert skus() == ["GIFT-WRAP"]
    proxy.set_search("")
    proxy.sort(MappingsModel.COL_SCORE, Qt.SortOrder.DescendingOrder)
    assert skus()[0] == "MB-TOTE-BLK" and skus()[-1] == "GIFT-WRAP"
    proxy.sort(MappingsModel.COL_SKU, Qt.SortOrder.AscendingOrder)
    assert skus() == sorted(skus(), key=str.casefold)
    try:
        proxy.set_mode("everything")  # type: ignore[arg-type]
    except ValueError as error:
        assert "everything" in str(error)
    else:
        raise AssertionError("an unknown mode is refused")


def test_a_change_in_place_refreshes_the_row_and_the_filter(qtbot) -> None:
    model = _model()
    proxy = MappingsFilterProxy()
    proxy.setSourceModel(model)
    row = model.row_of_sku("BOTTLE-1L")
    assert proxy.rowCount() == 2
    with qtbot.waitSignal(model.dataChanged, timeout=1000) as changed:
        model.row_at(row).mapped_item = "Steel Water Bottle"  # what MappingSession.accept does
        model.sku_changed("BOTTLE-1L")
    assert changed.args[0].row() == row
    assert model.data(model.index(row, MappingsModel.COL_STATUS)) == "Mapped"
    assert proxy.rowCount() == 1, "the dynamic filter drops the now-mapped row"
    assert model.data(model.index(row, 0), ROW_ROLE).sku == "BOTTLE-1L"
    model.sku_changed("NOT-THERE")  # harmless
    model.set_rows([])
    assert proxy.rowCount() == 0
    model.rows_changed()  # no rows: nothing to signal

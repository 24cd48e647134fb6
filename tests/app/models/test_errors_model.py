"""The error queue's table model, without widgets."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt

from ecom_ledger_desktop.app.models.errors_model import (
    CODE_ROLE,
    ENTRY_ID_ROLE,
    FIXES_ROLE,
    ErrorsFilterProxy,
    ErrorsModel,
)
from ecom_ledger_desktop.core.errors import Fix
from ecom_ledger_desktop.db.errors_repo import ErrorEntry

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


def _entry(entry_id: int, code: str, ref: str, created: str, occurrences: int = 1,
           fixes: list[Fix] | None = None) -> ErrorEntry:
    return ErrorEntry(id=entry_id, pair_id=1, record_kind="order", source_id=str(entry_id),
                      record_ref=ref, posting_key=None, code=code, message=f"{code} message",
                      detail="", fixes=fixes or [], raw=None, status="open", resolution="",
                      occurrences=occurrences, created_at=created, updated_at=created)


ENTRIES = [
    _entry(3, "unmapped_sku", "000000251", NOW.replace(hour=10, minute=42).isoformat(), 2,
           [Fix("map_sku", "Map it"), Fix("create_item", "Create it")]),
    _entry(2, "duplicate_customer", "000000250", "2026-10-30T09:00:00+00:00", 1,
           [Fix("pick_customer", "Choose"), Fix("retry", "Retry after merging")]),
    _entry(1, "closed_period", "000000100", "2026-10-01T09:00:00+00:00", 5),
]


def _model() -> ErrorsModel:
    model = ErrorsModel(now=lambda: NOW)
    model.books = {entry.pair_id: "QuickBooks" for entry in ENTRIES}
    model.set_rows(ENTRIES)
    return model


def test_columns_show_the_record_problem_and_how_long_it_waits(qtmodeltester) -> None:
    model = _model()
    qtmodeltester.check(model)
    assert model.rowCount() == 3 and model.columnCount() == 5
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)] == [
        "Record", "Problem", "What is wrong", "Since", "Times"]
    row = [model.data(model.index(0, c)) for c in range(5)]
    assert row[0] == "Order 000000251" and row[1] == "Product not in QuickBooks"
    assert row[2] == "unmapped_sku message" and row[4] == "2"
    assert row[3].endswith(NOW.replace(hour=10, minute=42).astimezone().strftime("%H:%M"))
    assert model.data(model.index(0, 2), Qt.ItemDataRole.ToolTipRole) == "unmapped_sku message"


def test_roles_carry_the_id_code_and_fixes_with_what_they_need() -> None:
    model = _model()
    index = model.index(1, 0)
    assert model.data(index, ENTRY_ID_ROLE) == 2
    assert model.data(index, CODE_ROLE) == "duplicate_customer"
    fixes = {f.action: f.needs for f in model.data(index, FIXES_ROLE)}
    assert fixes == {"pick_customer": "ledger_customer", "retry": None, "ignore": "reason"}
    assert model.entry_ids() == [3, 2, 1] and model.entry_ids([0, 2]) == [3, 1]


def test_filter_by_problem_sorting_and_removal(qtmodeltester, qtbot) -> None:
    model = _model()
    proxy = ErrorsFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    proxy.set_code("closed_period")
    assert proxy.rowCount() == 1 and proxy.data(proxy.index(0, 0)) == "Order 000000100"
    proxy.set_code("")
    proxy.sort(ErrorsModel.COL_OCCURRENCES, Qt.SortOrder.DescendingOrder)
    assert [proxy.data(proxy.index(r, 4)) for r in range(3)] == ["5", "2", "1"]
    proxy.sort(ErrorsModel.COL_SINCE, Qt.SortOrder.AscendingOrder)
    assert proxy.data(proxy.index(0, 0)) == "Order 000000100"
    with qtbot.waitSignal(model.rowsRemoved, timeout=1000):
        model.remove_entry(2)
    assert model.entry_ids() == [3, 1] and proxy.rowCount() == 2
    model.remove_entry(99)  # unknown: nothing happens
    assert model.rowCount() == 2

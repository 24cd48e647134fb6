"""The mapping editor on the demo simulators: filters, accepting, creating items, CSV in and out."""

from __future__ import annotations

import csv
import io
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from ecom_ledger_desktop.app.models.mappings_model import MappingsModel
from ecom_ledger_desktop.app.views import mapping_work
from ecom_ledger_desktop.app.views.mapping_files import ScriptedFiles
from ecom_ledger_desktop.app.views.mappings import DEFAULT_THRESHOLD, MappingsPage
from ecom_ledger_desktop.sync.mapping_suggestions import MappingRow

from .conftest import WAIT_MS


@pytest.fixture
def page(qtbot, make_shell, demo, monkeypatch) -> MappingsPage:
    """The mappings page after one demo sync (its orders bring the SKUs), rows loaded."""
    demo.service.run_pair(demo.service.pairs()[0].id)
    threads: list[threading.Thread] = []
    real_run = mapping_work.run

    def recording_run(*args: object) -> mapping_work.Outcome:
        threads.append(threading.current_thread())
        return real_run(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(mapping_work, "run", recording_run)
    h = make_shell()
    h.shell.window.show_page("mappings")
    mappings = h.shell.window.pages["mappings"]
    assert isinstance(mappings, MappingsPage)
    wait_idle(qtbot, mappings)
    assert threads and all(t is not threading.main_thread() for t in threads)
    mappings.test_dialogs = h.dialogs  # type: ignore[attr-defined]
    return mappings


def wait_idle(qtbot, page: MappingsPage) -> None:
    qtbot.waitUntil(lambda: page.snapshot is not None and not page.busy, timeout=WAIT_MS)


def shown(page: MappingsPage) -> list[MappingRow]:
    proxy = page.proxy
    return [proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 1) for r in range(proxy.rowCount())]


def row_of(page: MappingsPage, sku: str) -> MappingRow:
    return next(r for r in page.model.rows() if r.sku == sku)


def mapped_in_db(page: MappingsPage) -> dict[str, str]:
    state = page.ctx.service.open_state()
    try:
        return state.mappings.skus(page.pair_id or 0)
    finally:
        state.close()


def select(qtbot, page: MappingsPage, sku: str) -> None:
    page.set_mode("all")
    assert page.table.select_sku(sku)
    qtbot.waitUntil(lambda: [r.sku for r in page.table.selected_rows()] == [sku], timeout=WAIT_MS)


def test_filters_search_and_scores(qtbot, page: MappingsPage) -> None:
    rows = page.model.rows()
    assert len(rows) >= 20
    undecided = {r.sku for r in rows if r.status in ("suggested", "unmapped")}
    suggested = {r.sku for r in rows if r.status == "suggested"}
    assert "GIFT-WRAP" in undecided  # the demo's SKU the books do not know
    assert page.proxy.mode == "unmapped" and {r.sku for r in shown(page)} == undecided
    assert page.filter_buttons["unmapped"].text() == f"Needs a decision ({len(undecided)})"
    page.filter_buttons["suggested"].click()
    assert {r.sku for r in shown(page)} == suggested
    page.filter_buttons["all"].click()
    assert len(shown(page)) == len(rows)
    page.search.setText("tote")
    assert {r.sku for r in shown(page)} == {"MB-TOTE-BLK", "MB-TOTE-NVY"}
    page.search.setText("")
    # the score is on screen: 100 for the same SKU, the fuzzy score for a suggestion
    found = next(r for r in rows if r.status == "found")
    index = page.model.index(page.model.row_of_sku(found.sku), MappingsModel.COL_SCORE)
    assert index.data() == "100"
    assert "found under the same SKU" in page.summary.text()


def test_accept_one_suggestion_and_pick_another_item(qtbot, page: MappingsPage) -> None:
    target = next(r for r in page.model.rows() if r.status == "suggested")
    select(qtbot, page, target.sku)
    assert page.accept_button.isEnabled()
    page.accept_button.click()
    wait_idle(qtbot, page)
    assert row_of(page, target.sku).mapped_item == target.best.item.name  # type: ignore[union-attr]
    assert mapped_in_db(page)[target.sku] == target.best.item.name  # type: ignore[union-attr]
    assert target.sku in page.feedback.text()

    # the item picker on another row: the ranked candidates come first, then every item
    other = next(r for r in page.model.rows() if r.status == "suggested")
    select(qtbot, page, other.sku)
    proxy_row = page.table.selectionModel().selectedRows()[0].row()
    page.table.edit(page.proxy.index(proxy_row, MappingsModel.COL_ITEM))
    combo = page.table.findChild(QComboBox, "itemPicker")
    assert combo is not None
    assert combo.itemData(0) == other.candidates[0].item.name
    assert combo.count() > len(other.candidates)  # every other item follows
    pick = combo.findData(other.candidates[1].item.name)
    combo.setCurrentIndex(pick)
    combo.activated.emit(pick)
    wait_idle(qtbot, page)
    assert mapped_in_db(page)[other.sku] == other.candidates[1].item.name
    assert row_of(page, other.sku).status == "mapped"


def test_accept_all_above_a_threshold(qtbot, page: MappingsPage) -> None:
    assert page.threshold.value() == DEFAULT_THRESHOLD
    scores = sorted(r.best.score for r in page.model.rows()  # type: ignore[union-attr]
                    if r.status == "suggested")
    assert len(scores) >= 2, "the demo has at least two suggestions"
    line = scores[-1]  # accept only the best one
    page.threshold.setValue(int(line))
    expected = {r.sku for r in page.model.rows() if r.status == "suggested"
                and r.best is not None and r.best.score >= int(line)}
    assert page.accept_all_button.text() == f"Accept {len(expected)}"
    page.accept_all_button.click()
    wait_idle(qtbot, page)
    assert set(mapped_in_db(page)) == expected
    assert all(row_of(page, sku).status == "mapped" for sku in expected)
    assert any(r.status == "suggested" for r in page.model.rows())  # below the line: untouched


def test_create_the_item_from_the_store_product(qtbot, page: MappingsPage) -> None:
    target = row_of(page, "GIFT-WRAP")
    select(qtbot, page, "GIFT-WRAP")
    assert page.create_button.isEnabled()
    page.create_button.click()
    wait_idle(qtbot, page)
    assert mapped_in_db(page)["GIFT-WRAP"] == target.store_name
    assert target.store_name in {item.name for item in page.snapshot.items}  # type: ignore[union-attr]
    assert row_of(page, "GIFT-WRAP").status == "mapped"
    assert "Created" in page.feedback.text()
    # forgetting the mapping leaves the item in the books but the SKU undecided again
    select(qtbot, page, "GIFT-WRAP")
    page.remove_button.click()
    wait_idle(qtbot, page)
    assert "GIFT-WRAP" not in mapped_in_db(page)


def test_csv_round_trip(qtbot, page: MappingsPage, tmp_path: Path) -> None:
    out = tmp_path / "mappings.csv"
    page.files = ScriptedFiles(save=out)
    page.export_button.click()
    wait_idle(qtbot, page)
    exported = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert {r["sku"] for r in exported} == {r.sku for r in page.model.rows()}
    assert list(exported[0]) == ["sku", "ledger_item", "store_name"]

    # edit it like a spreadsheet: map the first suggested SKU to its second candidate
    target = next(r for r in page.model.rows() if r.status == "suggested")
    wanted = target.candidates[1].item.name
    for record in exported:
        if record["sku"] == target.sku:
            record["ledger_item"] = wanted
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["sku", "ledger_item", "store_name"])
    writer.writeheader()
    writer.writerows(exported)
    edited = tmp_path / "edited.csv"
    edited.write_text(buffer.getvalue(), encoding="utf-8")
    page.files = ScriptedFiles(open=edited)
    page.import_button.click()
    wait_idle(qtbot, page)
    assert mapped_in_db(page) == {target.sku: wanted}
    assert row_of(page, target.sku).mapped_item == wanted
    assert page.csv_feedback.text().startswith("Imported 1 mapping")
    assert not page.feedback.isVisible()
    assert not page.problems.isVisible()


def test_a_bad_csv_lists_its_rows_and_changes_nothing(qtbot, page: MappingsPage,
                                                      tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("sku,ledger_item\nGIFT-WRAP,Gift Crad\nMB-TOTE-BLK,Canvas Tote Bag - Black\n"
                   "GIFT-WRAP,Shipping\n", encoding="utf-8")
    page.files = ScriptedFiles(open=bad)
    page.import_button.click()
    wait_idle(qtbot, page)
    problems = [page.problems.item(i).text() for i in range(page.problems.count())]
    assert len(problems) == 2
    assert problems[0].startswith("Row 2: there is no item called 'Gift Crad'")
    assert "did you mean 'Gift Card'" in problems[0]
    assert problems[1].startswith("Row 4: SKU 'GIFT-WRAP' is already on row 2")
    assert page.problems.isVisible()
    assert page.problems_label.text() == "Nothing was imported: 2 rows to fix first"
    assert mapped_in_db(page) == {}
    page.files = ScriptedFiles(open=None)  # cancelled: nothing happens
    page.import_button.click()
    assert not page.busy

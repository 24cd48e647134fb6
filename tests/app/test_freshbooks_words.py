"""A FreshBooks merchant never reads "QuickBooks": the error queue, the mappings page and the
history page name the pair's books by their own brand (real widgets, real simulators)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QLineEdit, QTableView, QWidget

from ecom_ledger_desktop.app.models.mappings_model import MappingsModel
from ecom_ledger_desktop.app.views.error_queue import ErrorQueuePage
from ecom_ledger_desktop.app.views.history import HistoryPage
from ecom_ledger_desktop.app.views.mappings import MappingsPage
from ecom_ledger_desktop.core.events import EventBus
from ecom_ledger_desktop.demo import DemoEnvironment, start_demo

from .conftest import WAIT_MS


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoEnvironment]:
    """The demo on FreshBooks books (overrides the conftest's QuickBooks one)."""
    env = start_demo(tmp_path / "d", orders=30, events=EventBus(), ledger="freshbooks")
    yield env
    env.close()


def _words(root: QWidget) -> list[str]:
    """Every text the merchant can read under ``root``: labels, buttons, tooltips, choices,
    placeholders and table headers."""
    words: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        words.append(widget.toolTip())
        if isinstance(widget, (QLabel, QAbstractButton)):
            words.append(widget.text())
        if isinstance(widget, QLineEdit):
            words += [widget.text(), widget.placeholderText()]
        if isinstance(widget, QComboBox):
            words += [widget.itemText(i) for i in range(widget.count())]
            if widget.lineEdit() is not None:
                words.append(widget.lineEdit().placeholderText())
        if isinstance(widget, QTableView) and widget.model() is not None:
            model = widget.model()
            words += [str(model.headerData(c, Qt.Orientation.Horizontal) or "")
                      for c in range(model.columnCount())]
    return words


def _quickbooks(root: QWidget) -> list[str]:
    return [w for w in _words(root) if "QuickBooks" in w]


def test_a_freshbooks_merchant_reads_freshbooks_not_quickbooks(qtbot, make_shell, demo) -> None:
    h = make_shell()
    with qtbot.waitSignal(h.shell.status.run_completed, timeout=WAIT_MS):
        h.shell.sync_all()
    qtbot.waitUntil(lambda: not h.shell.status.busy, timeout=WAIT_MS)
    window = h.shell.window

    errors = window.pages["errors"]
    assert isinstance(errors, ErrorQueuePage)
    window.show_page("errors")
    qtbot.waitUntil(lambda: errors.model.rowCount() >= 3, timeout=WAIT_MS)
    twin = next(e for e in errors.model.rows() if e.code == "duplicate_customer")
    assert errors.select_entry(twin.id)
    qtbot.waitUntil(lambda: errors.detail.view is not None
                    and errors.detail.view.details.entry.id == twin.id, timeout=WAIT_MS)
    compare = errors.detail.fixes.compare
    assert compare is not None and compare.cards
    assert all(any(w.startswith("In FreshBooks (") for w in _words(card)) for card in compare.cards)
    reasons = errors.detail.fixes.reason_box
    assert reasons is not None
    assert "Already entered by hand in FreshBooks" in [reasons.itemText(i)
                                                      for i in range(reasons.count())]
    assert _quickbooks(errors) == []
    compare.cards[0].button.click()
    qtbot.waitUntil(lambda: twin.id not in errors.model.entry_ids(), timeout=WAIT_MS)
    assert "was posted to FreshBooks" in errors.outcome.text()
    unknown = next(e for e in errors.model.rows() if e.code == "unmapped_sku")
    assert errors.select_entry(unknown.id)
    qtbot.waitUntil(lambda: errors.detail.view is not None
                    and errors.detail.view.details.entry.id == unknown.id, timeout=WAIT_MS)
    assert "← not in FreshBooks" in errors.detail.order.text()
    assert _quickbooks(errors) == []

    mappings = window.pages["mappings"]
    assert isinstance(mappings, MappingsPage)
    window.show_page("mappings")
    qtbot.waitUntil(lambda: mappings.snapshot is not None and not mappings.busy,
                    timeout=WAIT_MS)
    assert mappings.model.headerData(MappingsModel.COL_ITEM,
                                     Qt.Orientation.Horizontal) == "FreshBooks item"
    assert mappings.create_button.text() == "Create in FreshBooks"
    assert _quickbooks(mappings) == []

    history = window.pages["history"]
    assert isinstance(history, HistoryPage)
    window.show_page("history")
    qtbot.waitUntil(lambda: history.runs_model.rowCount() >= 1, timeout=WAIT_MS)
    history.order_search.setText("000000010")
    history.order_button.click()
    qtbot.waitUntil(lambda: "posted as" in history.order_result.text(), timeout=WAIT_MS)
    assert "FreshBooks Id" in history.order_result.text()
    assert "posted as <b>Paid invoice " in history.order_result.text()  # FreshBooks' own words
    assert _quickbooks(history) == []
    qtbot.waitUntil(lambda: h.ctx.tasks.in_flight == 0, timeout=WAIT_MS)

"""The desktop app on the FreshBooks demo books: a sync from the shell, then the error queue's
side-by-side pick of the client the books know twice, and an unknown SKU mapped to a FreshBooks
item, both in place (real widgets, real simulators)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ecom_ledger_desktop.app.views.error_queue import ErrorQueuePage
from ecom_ledger_desktop.core.events import EventBus
from ecom_ledger_desktop.demo import DemoEnvironment, start_demo

from .conftest import WAIT_MS


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoEnvironment]:
    """The demo on FreshBooks books (overrides the conftest's QuickBooks one)."""
    env = start_demo(tmp_path / "d", orders=30, events=EventBus(), ledger="freshbooks")
    yield env
    env.close()


def test_the_error_queue_picks_a_freshbooks_client_and_maps_a_sku(qtbot, make_shell,
                                                                   demo) -> None:
    h = make_shell()
    with qtbot.waitSignal(h.shell.status.run_completed, timeout=WAIT_MS):
        h.shell.sync_all()
    qtbot.waitUntil(lambda: not h.shell.status.busy, timeout=WAIT_MS)
    page = h.shell.window.pages["errors"]
    assert isinstance(page, ErrorQueuePage)
    h.shell.window.show_page("errors")
    qtbot.waitUntil(lambda: page.model.rowCount() >= 3, timeout=WAIT_MS)
    codes = {e.code for e in page.model.rows()}
    assert {"duplicate_customer", "unmapped_sku"} <= codes
    twin = next(e for e in page.model.rows() if e.code == "duplicate_customer")
    assert page.select_entry(twin.id)
    qtbot.waitUntil(lambda: page.detail.view is not None
                    and page.detail.view.details.entry.id == twin.id, timeout=WAIT_MS)
    compare = page.detail.fixes.compare
    assert compare is not None and len(compare.cards) == 2  # the two Jordan Riveras
    assert page.detail.view.details.lookup_error == ""
    compare.cards[0].button.click()
    qtbot.waitUntil(lambda: twin.id not in page.model.entry_ids(), timeout=WAIT_MS)
    assert "was posted" in page.outcome.text()
    unknown = next(e for e in page.model.rows() if e.code == "unmapped_sku")
    assert page.select_entry(unknown.id)
    qtbot.waitUntil(lambda: page.detail.view is not None
                    and page.detail.view.details.entry.id == unknown.id, timeout=WAIT_MS)
    picker = page.detail.fixes.item_picker
    assert picker is not None and picker.count() > 5  # FreshBooks' items offered
    picker.setEditText(picker.itemData(0))
    page.detail.fixes.buttons["map_sku"].click()
    qtbot.waitUntil(lambda: unknown.id not in page.model.entry_ids(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: h.ctx.tasks.in_flight == 0, timeout=WAIT_MS)

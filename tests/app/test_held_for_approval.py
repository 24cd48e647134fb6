"""What waits for the merchant's approval is shown where they look: a dashboard line that opens
the Preview page, the tray menu and its tooltip; the Preview page explains itself before its
first preview."""

from __future__ import annotations

from ecom_ledger_desktop.app.views.dashboard import DashboardPage
from ecom_ledger_desktop.app.views.preview_page import PreviewPage

from .conftest import WAIT_MS


def _hold(demo) -> None:  # type: ignore[no-untyped-def]
    state = demo.service.open_state()
    try:
        [pair] = state.connections.pairs()
        with state.tx():
            state.connections.save_rules(pair.id, pair.rules.model_copy(
                update={"posting_approval": "hold"}))
    finally:
        state.close()


def test_held_orders_are_counted_on_the_dashboard_and_in_the_tray(
        qtbot, make_shell, demo) -> None:  # type: ignore[no-untyped-def]
    _hold(demo)
    h = make_shell()
    shell, tray = h.shell, h.shell.tray
    dashboard = shell.window.pages["dashboard"]
    assert isinstance(dashboard, DashboardPage)
    assert not dashboard.held.isVisible() and not tray.held_action.isVisible()
    with qtbot.waitSignal(shell.status.run_completed, timeout=WAIT_MS):
        shell.sync_all()
    qtbot.waitUntil(lambda: shell.status.snapshot.held > 0 and not shell.status.busy,
                    timeout=WAIT_MS)
    held = shell.status.snapshot.held
    line = shell.status.snapshot.held_line()
    assert line.startswith(f"{shell.status.snapshot.held_kinds['order']} orders ")
    assert line.endswith(" wait for your approval")

    assert dashboard.held.isVisible() and dashboard.held.text.text().startswith(line)
    assert dashboard.held.review.text() == "Review"
    assert tray.held_action.isVisible() and tray.held_action.text() == f"{line} — Review…"
    assert line in tray.tooltip
    assert "Everything is posted" not in "\n".join(shell.status.status_lines())
    assert shell.window.nav.badge("preview") == held

    dashboard.held.review.click()
    assert shell.window.current_key == "preview"
    shell.window.show_page("dashboard")
    tray.held_action.trigger()
    assert shell.window.current_key == "preview"

    page = shell.window.pages["preview"]
    assert isinstance(page, PreviewPage)
    qtbot.waitUntil(lambda: page.pair_box.count() == 1, timeout=WAIT_MS)
    page.approve_all()
    qtbot.waitUntil(lambda: shell.status.snapshot.held == 0, timeout=WAIT_MS)
    assert not tray.held_action.isVisible()
    shell.window.show_page("dashboard")
    assert not dashboard.held.isVisible()


def test_the_preview_page_explains_itself_before_its_first_preview(
        qtbot, make_shell) -> None:  # type: ignore[no-untyped-def]
    h = make_shell()
    h.shell.window.show_page("preview")
    page = h.shell.window.pages["preview"]
    assert isinstance(page, PreviewPage)
    qtbot.waitUntil(lambda: page.pair_box.count() == 1, timeout=WAIT_MS)
    assert page.empty.isVisible() and "without changing anything" in page.empty.text_label.text()
    assert not any(section.isVisible() for section in page.sections), "empty sections shown"
    [make] = page.empty.buttons
    assert make.isEnabled() and make.text() == "Preview the next sync"

    make.click()

    qtbot.waitUntil(lambda: page.preview is not None and not page.busy, timeout=WAIT_MS)
    assert not page.empty.isVisible()
    assert all(section.isVisible() for section in page.sections)
    assert page.preview_button.isVisible() and page.preview_button.text() == "Preview again"
    page._show_pairs(list(page._pairs))  # shown again: the pairs read again, the preview stays
    assert page.preview is not None and not page.empty.isVisible()


def test_a_pair_card_never_says_all_posted_while_orders_wait_for_approval(qtbot) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from ecom_ledger_desktop.app.status import PairStatus
    from ecom_ledger_desktop.app.views.pair_card import PairCard

    now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    card = PairCard(PairStatus(1, "Shop → Books", True, 15, None, now, 0, held=12))
    qtbot.addWidget(card)
    card.set_pair(card.pair, None, False, now)
    assert card.chip.text() == "12 wait for your approval"
    card.set_pair(PairStatus(1, "Shop → Books", True, 15, None, now, 0), None, False, now)
    assert card.chip.text() == "All posted"


def test_before_any_sync_the_status_does_not_claim_everything_is_posted(
        qtbot, make_shell) -> None:  # type: ignore[no-untyped-def]
    from ecom_ledger_desktop.app.status import PairStatus, StatusSnapshot

    h = make_shell()
    status = h.shell.status
    status.snapshot = StatusSnapshot(pairs=[PairStatus(1, "Shop", True, 15, None, None, 0)])
    assert status.status_lines()[2] == "Waiting for the first sync"

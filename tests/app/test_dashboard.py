"""The dashboard: empty state for a new user, figures and chart after a sync."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from ecom_ledger_desktop.app.views.dashboard import CHART_DAYS, read_dashboard
from ecom_ledger_desktop.core.money import loads

from .conftest import WAIT_MS


def test_a_new_user_is_told_what_to_do(qtbot, make_shell, empty_service) -> None:
    h = make_shell(service=empty_service)
    page = h.shell.window.pages["dashboard"]
    qtbot.waitUntil(page.welcome.isVisible, timeout=WAIT_MS)
    assert not page.content.isVisible()
    assert page.welcome.heading_label.text() == "Connect your store and your books"
    assert [b.text() for b in page.welcome.buttons] == ["Connect store and books", "Try the demo"]
    page.welcome.buttons[0].click()
    assert h.shell.window.current_key == "connections"


def test_figures_and_chart_after_a_sync(qtbot, make_shell, demo) -> None:
    h = make_shell()
    page = h.shell.window.pages["dashboard"]
    qtbot.waitUntil(lambda: page.data is not None, timeout=WAIT_MS)
    assert page.chart_empty.isVisible() and page.chart is None  # QtCharts not even loaded
    with qtbot.waitSignal(h.shell.status.run_completed, timeout=WAIT_MS) as finished:
        h.shell.sync_all()
    run = finished.args[0]
    qtbot.waitUntil(lambda: not h.shell.status.busy, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: page.tiles["posted_today"].value_label.text() == str(run.posted),
                    timeout=WAIT_MS)
    assert page.tiles["flagged_today"].value_label.text() == str(run.flagged)
    assert page.tiles["open"].value_label.text() == str(run.flagged)
    assert page.chart is not None
    assert page.chart.isVisible() and not page.chart_empty.isVisible()
    days = page.chart.days
    # by the order's date (the demo's orders were placed over past days), not the posting day
    assert len(days) == CHART_DAYS and any(d.orders for d in days)
    bars = page.chart.chart().series()[0].barSets()[0]
    assert bars.count() == CHART_DAYS
    last = max(n for n, d in enumerate(days) if d.orders)
    assert Decimal(str(bars.at(last))).quantize(Decimal("0.01")) == days[last].amount
    total = sum((d.amount for d in days), Decimal(0))
    assert page.chart_card.heading.text().endswith(f"{total:,.2f} USD (at the rates posted)"), \
        "amounts say currency"
    assert page.chart.currency == "USD"
    card = next(iter(page.cards.values()))
    assert card.last_label.text().startswith("Last sync: today")
    assert card.next_label.text().startswith("Next sync:")
    assert "need you" in card.chip.text()


def test_read_dashboard_matches_the_journal_in_the_stores_base_currency(demo) -> None:
    demo.service.run_pair(demo.service.pairs()[0].id)
    data = read_dashboard(demo.service, datetime.now(UTC))
    state = demo.service.open_state()
    try:
        rows = {r[1]: loads(r[0])["document"] for r in state.conn.execute(
            "SELECT payload, source_id FROM postings WHERE state = 'posted' AND op = 'create' "
            "AND record_kind = 'order'")}
        refunds = [(r[1], loads(r[0])["document"]) for r in state.conn.execute(
            "SELECT payload, depends_on FROM postings WHERE state = 'posted' AND op = 'create' "
            "AND record_kind = 'refund'")]
    finally:
        state.close()
    euro = [doc for doc in rows.values() if doc["currency"] == "EUR"]
    assert euro, "the demo has orders in euros"

    def base(doc: dict[str, object]) -> Decimal:
        return Decimal(str(doc["base_total"] if doc["currency"] == "EUR" else doc["total"]))

    first = data.days[0].day.isoformat()
    shown = {source: doc for source, doc in rows.items() if str(doc["txn_date"]) >= first}
    # a euro order counts at the store's own rate, never as if its euros were dollars; a
    # refund nets off its order's day
    assert sum(d.amount for d in data.days) == sum(base(doc) for doc in shown.values()) - sum(
        base(doc) for order, doc in refunds if order in shown)
    assert {d.currency for d in data.days if d.orders} == {"USD"}
    assert data.today.posted <= data.week.posted

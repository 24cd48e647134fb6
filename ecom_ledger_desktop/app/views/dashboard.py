"""The dashboard: each pair's last and next sync, live progress, today's and this week's
activity, whether the books agree with the store, and sales per order date (net of refunds)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ecom_ledger_desktop.app import formatting as fmt
from ecom_ledger_desktop.app.context import AppContext
from ecom_ledger_desktop.app.status import StatusSnapshot
from ecom_ledger_desktop.app.views.books_tile import BooksTile
from ecom_ledger_desktop.app.views.demo_choice import DemoStoreChoice, start_demo_process
from ecom_ledger_desktop.app.views.page import Page
from ecom_ledger_desktop.app.views.pair_card import PairCard
from ecom_ledger_desktop.app.views.widgets import Card, EmptyState, StatTile
from ecom_ledger_desktop.connectors.registry import kinds_for
from ecom_ledger_desktop.db.runs_repo import RunRow
from ecom_ledger_desktop.sync import dashboard_queries as q
from ecom_ledger_desktop.sync.books_check import PairBooks, check_books, repost_record
from ecom_ledger_desktop.sync.sales_by_day import sales_per_day
from ecom_ledger_desktop.sync.service import SyncService

if TYPE_CHECKING:
    from ecom_ledger_desktop.app.views.posted_chart import PostedChart
    from ecom_ledger_desktop.connectors.kinds import ConnectionKind

CHART_DAYS = 14


@dataclass(frozen=True)
class DashboardData:
    """What the dashboard reads in one go (on a worker thread)."""

    today: q.Activity
    week: q.Activity
    days: list[q.DayTotal]


def read_dashboard(service: SyncService, now: datetime) -> DashboardData:
    """Activity today (since local midnight) and this week (since Monday), and sales per
    order date (the store-local day each order was placed, net of its refunds)."""
    local_now = now.astimezone()
    midnight = datetime.combine(local_now.date(), time(), tzinfo=local_now.tzinfo)
    monday = midnight - timedelta(days=local_now.weekday())
    first_day: date = local_now.date() - timedelta(days=CHART_DAYS - 1)
    state = service.open_state()
    try:
        return DashboardData(q.activity_since(state, midnight.astimezone(UTC)),
                             q.activity_since(state, monday.astimezone(UTC)),
                             sales_per_day(state, first_day, CHART_DAYS))
    finally:
        state.close()


class DashboardPage(Page):
    """Pairs, activity and the chart — or, before anything is set up, what to do first."""

    key = "dashboard"
    title = "Dashboard"
    subtitle = "What went from your store into your books, and what needs you."

    sync_requested = Signal(int)  # a pair's "Sync now"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.status = ctx.require_status()
        self.data: DashboardData | None = None
        self._data_asked = False
        self._books_checking = False
        self._books_again = False  # asked for while a check ran: run once more after it
        self.cards: dict[int, PairCard] = {}
        self.welcome = EmptyState(
            "Connect your store and your books",
            f"Ecom Ledger copies every order of your {_either(kinds_for('store'))} store into "
            f"{_either(kinds_for('ledger'), 'system')} — once, and to the cent. Start by "
            "connecting both. Not ready yet? Try it first with demo data: "
            "a pretend shop and pretend books on this computer, nothing real is "
            "touched.",
            [("Connect store and books", lambda: self.navigate.emit("connections")),
             ("Try the demo", self.start_demo)])
        self.demo_starter: Callable[[str, str], bool] = start_demo_process  # tests replace it
        self.demo_choice = DemoStoreChoice()  # which pretend shop, when there are several
        self.welcome.add_row(self.demo_choice)
        self.body.addWidget(self.welcome)
        self.content = QWidget()
        content = QVBoxLayout(self.content)
        content.setContentsMargins(0, 0, 0, 0)
        content.setSpacing(18)
        self.held = HeldBanner()
        self.held.review.clicked.connect(lambda: self.navigate.emit("preview"))
        content.addWidget(self.held)
        tiles = QGridLayout()
        tiles.setHorizontalSpacing(12)
        self.tiles = {name: StatTile(label) for name, label in (
            ("posted_today", "records posted today"),
            ("posted_week", "records posted this week"),
            ("flagged_today", "records flagged today"),
            ("flagged_week", "records flagged this week"),
            ("open", "waiting in the error queue"))}
        for column, tile in enumerate(self.tiles.values()):
            tiles.addWidget(tile, 0, column)
        self.tiles["open"].make_clickable("Open the error queue")
        self.tiles["open"].clicked.connect(lambda: self.navigate.emit("errors"))
        content.addLayout(tiles)
        self.pairs_box = QVBoxLayout()
        self.pairs_box.setSpacing(12)
        content.addLayout(self.pairs_box)
        self.books = BooksTile()
        self.books.repost_requested.connect(self.repost)
        content.addWidget(self.books)
        self.chart_card = Card(f"Sales by order date, net of refunds — last {CHART_DAYS} days")
        self.chart: PostedChart | None = None  # QtCharts is loaded once there is something to draw
        self.chart_empty = QLabel("No orders in your books from the last two weeks. Each "
                                  "day's orders and their total appear here once a sync has "
                                  "posted them.")
        self.chart_empty.setObjectName("muted")
        self.chart_empty.setWordWrap(True)
        self.chart_card.layout_.addWidget(self.chart_empty)
        content.addWidget(self.chart_card)
        self.body.addWidget(self.content)
        self.status.changed.connect(self._show_status)
        self.status.progress_changed.connect(self._show_progress)
        self.status.run_completed.connect(self._on_run_completed)
        self._show_status()

    # -- data -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the status and the activity figures in the background."""
        if not self.status.started:
            return  # the database is being prepared; the first status read brings us back
        self.status.refresh()
        self._read_data()

    def _read_data(self) -> None:
        self.ctx.tasks.run(read_dashboard, self.ctx.service, datetime.now(UTC),
                           on_done=self._show_data)
        self.check_books()

    def check_books(self) -> None:
        """Reconcile the last 30 days in the background (it reads the books over the network);
        one check at a time: one asked for while another runs (a sync just ended) runs after it,
        so the card never keeps figures from before the latest sync."""
        if self._books_checking:
            self._books_again = True
            return
        self._books_checking = True
        self.ctx.tasks.run(check_books, self.ctx.service, on_done=self._books_checked,
                           on_error=self._books_failed)

    @property
    def checking_books(self) -> bool:
        """A books check is running in the background."""
        return self._books_checking

    def repost(self, pair_id: int, ref: str) -> None:
        """Re-post a record the books lost or changed, after asking; then check again."""
        if not self.ctx.dialogs.confirm(
                "Post it again?",
                f"{ref} will be posted again from the store's figures. The books are asked "
                "first, so it is never posted twice.", accept="Post again", parent=self):
            return
        self.ctx.tasks.run(repost_record, self.ctx.service, pair_id, ref,
                           on_done=self._reposted, on_error=self._repost_failed)

    def _reposted(self, said: str) -> None:
        self.ctx.dialogs.inform("Posted again", said, self)
        self.check_books()

    def _repost_failed(self, error: BaseException) -> None:
        self.ctx.dialogs.warn("Could not post it again", str(error), self)

    def _books_checked(self, books: list[PairBooks]) -> None:
        self._books_checking = False
        self.books.show_books(books)
        self._check_again()

    def _books_failed(self, error: BaseException) -> None:
        self._books_checking = False
        self.books.show_error(error)
        self._check_again()

    def _check_again(self) -> None:
        if self._books_again:
            self._books_again = False
            self.check_books()

    def _on_run_completed(self, _run: RunRow) -> None:
        if self.isVisible():
            self._read_data()

    def _show_data(self, data: DashboardData) -> None:
        self.data = data
        self.tiles["posted_today"].set_value(str(data.today.posted))
        self.tiles["posted_week"].set_value(str(data.week.posted))
        self.tiles["flagged_today"].set_value(str(data.today.flagged))
        self.tiles["flagged_week"].set_value(str(data.week.flagged))
        anything = any(day.orders for day in data.days)
        if anything and self.chart is None:
            from ecom_ledger_desktop.app.views.posted_chart import PostedChart

            self.chart = PostedChart()
            self.chart_card.layout_.insertWidget(self.chart_card.layout_.indexOf(self.chart_empty),
                                                 self.chart)
        if self.chart is not None:
            self.chart.setVisible(anything)
        self.chart_empty.setVisible(not anything)
        if anything and self.chart is not None:
            self.chart.set_days(data.days)
            orders = sum(d.orders for d in data.days)
            currency = fmt.one_currency(d.currency for d in data.days if d.orders or d.amount)
            heading = (f"Sales by order date, net of refunds — last {CHART_DAYS} days: "
                       f"{fmt.plural(orders, 'order')}")
            if currency:  # never a total of two currencies
                total = sum((d.amount for d in data.days), Decimal(0))
                heading += f", {fmt.amount(total, currency)} (at the rates posted)"
            else:
                heading += " (in several currencies: no total)"
            self.chart_card.heading.setText(heading)

    def _show_status(self) -> None:
        if self.data is None and self.status.loaded and not self._data_asked:
            self._data_asked = True
            self._read_data()
        snap = self.status.snapshot
        configured = bool(snap.pairs) or not self.status.loaded
        self.welcome.setVisible(not configured)
        self.content.setVisible(configured)
        self.tiles["open"].set_value(str(snap.open_errors), highlight=bool(snap.open_errors))
        self.held.show_count(snap)
        wanted = {p.id for p in snap.pairs}
        for pair_id in set(self.cards) - wanted:
            self.cards.pop(pair_id).deleteLater()
        for pair in snap.pairs:
            card = self.cards.get(pair.id)
            if card is None:
                card = PairCard(pair)
                card.sync_requested.connect(self.sync_requested)
                self.cards[pair.id] = card
                self.pairs_box.addWidget(card)
            card.set_pair(pair, self.ctx.background.next_run(pair.id), self.status.paused)
            self._show_progress(pair.id)

    def _show_progress(self, pair_id: int) -> None:
        card = self.cards.get(pair_id)
        if card is not None:
            card.set_progress(self.status.running.get(pair_id),
                              requested=pair_id in self.status.requested)

    # -- actions --------------------------------------------------------------------------
    def start_demo(self) -> None:
        """Open a separate demo window on the chosen demo shop and books (its own data folder; this one is
        left alone)."""
        if not self.demo_starter(self.demo_choice.store(), self.demo_choice.ledger()):
            self.ctx.dialogs.warn("Could not start the demo",
                                  "The demo could not be started. Try again, or run "
                                  "'ecom-ledger-app --demo' from a terminal.", self)


class HeldBanner(Card):
    """"12 orders wait for your approval — Review": shown while a pair that holds its runs has
    postings the merchant has not approved yet (they are not posted until then)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.setObjectName("heldBanner")
        row = QHBoxLayout()
        self.text = QLabel()
        self.text.setObjectName("cardHeading")
        self.text.setWordWrap(True)
        row.addWidget(self.text, 1)
        self.review = QPushButton("Review")
        self.review.setObjectName("primaryButton")
        self.review.setToolTip("Open the Preview page: see exactly what would be posted, "
                               "and approve it")
        row.addWidget(self.review)
        self.layout_.addLayout(row)
        self.hide()

    def show_count(self, snap: StatusSnapshot) -> None:
        """Say how many records wait for approval, or hide when none do."""
        line = snap.held_line()
        them = "them" if snap.held != 1 else "it"
        self.text.setText(f"{line}: {'they are' if snap.held != 1 else 'it is'} not posted "
                          f"until you approve {them}." if line else "")
        self.setVisible(bool(line))


def _either(kinds: list[ConnectionKind], attribute: str = "brand") -> str:
    """"Magento", "Magento or PrestaShop", "Magento, PrestaShop or X-Cart"."""
    names = [str(getattr(kind, attribute)) for kind in kinds]
    return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else "".join(names)

"""The dashboard's "Are my books right?" card: a green tick when the last 30 days reconcile to
the cent, or the difference per currency, with the days and orders behind it one click away."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from ecom_ledger_desktop.app import formatting as fmt
from ecom_ledger_desktop.app.views.widgets import Card, StatTile
from ecom_ledger_desktop.sync.books_check import DAYS, PairBooks, differences
from ecom_ledger_desktop.sync.reconcile_actions import repost_ref

TICK = "\u2714"
MAX_BUTTONS = 10  # re-post buttons shown; the CLI lists every record
CAPTION = f"the store's sales against your books, last {DAYS} days"


class BooksTile(Card):
    """A tile with the answer and a details panel the tile's click shows or hides."""

    repost_requested = Signal(int, str)  # pair id, the record as ``repost`` names it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Are my books right?", parent)
        self.tile = StatTile(CAPTION)
        self.tile.set_value("checking…")
        self.tile.value_label.setWordWrap(True)  # two currencies' gaps must not widen the page
        self.tile.make_clickable("Show the days and the orders behind the answer")
        self.tile.clicked.connect(self.toggle_details)
        self.panel = QWidget()
        panel = QVBoxLayout(self.panel)
        panel.setContentsMargins(0, 0, 0, 0)
        self.details = QLabel("")
        self.details.setWordWrap(True)
        panel.addWidget(self.details)
        self.buttons_box = QVBoxLayout()
        panel.addLayout(self.buttons_box)
        self.panel.setVisible(False)
        self.layout_.addWidget(self.tile)
        self.layout_.addWidget(self.panel)
        self.books: list[PairBooks] = []
        self.repost_buttons: list[QPushButton] = []

    def toggle_details(self) -> None:
        """One click away: the days, payment methods and orders behind the answer."""
        self.panel.setVisible(not self.panel.isVisible())

    def show_error(self, error: BaseException) -> None:
        """The check itself failed (not a difference): say so."""
        self.tile.set_value("not checked")
        self.details.setText(f"The books could not be checked: {error}")

    def show_books(self, books: list[PairBooks]) -> None:
        """Show the outcome of ``check_books``."""
        self.books = books
        read = [pair for pair in books if pair.result is not None]
        differ = differences(books)
        unplaced = sum(len(pair.result.unplaced) for pair in read if pair.result is not None)
        if differ:
            self.tile.set_value("; ".join(_gap(amount, currency)
                                          for currency, amount in sorted(differ.items())),
                                highlight=True)
        elif unplaced:
            self.tile.set_value(f"{fmt.plural(unplaced, 'record')} to check", highlight=True)
        elif read:
            self.tile.set_value(f"{TICK} reconciled")
        else:
            self.tile.set_value("not checked")
        stale = [pair.result.read_note() for pair in read
                 if pair.result is not None and pair.result.as_of is not None]
        self.tile.caption.setText("\n".join([CAPTION, *stale]))
        self.details.setText("\n".join(_detail_lines(books)))
        self._offer_reposts(books)

    def _offer_reposts(self, books: list[PairBooks]) -> None:
        """A button per document deleted or changed by hand (re-posted through the journal)."""
        for button in self.repost_buttons:
            self.buttons_box.removeWidget(button)
            button.deleteLater()
        self.repost_buttons = []
        for pair in books:
            findings = [f for line in (pair.result.differing() if pair.result else [])
                        for f in line.findings if f.repostable]
            for finding in findings[:MAX_BUTTONS - len(self.repost_buttons)]:
                ref = repost_ref(finding.record_kind, finding.number)
                button = QPushButton(f"Re-post {finding.record_kind} {finding.number}")
                button.setToolTip(f"{finding.reason}: post it again from the store's figures "
                                  "(never twice)")
                button.clicked.connect(
                    lambda _=False, p=pair.pair_id, r=ref: self.repost_requested.emit(p, r))
                self.buttons_box.addWidget(button)
                self.repost_buttons.append(button)


def _gap(amount: Decimal, currency: str) -> str:
    """A difference (books minus store) in words: "books 94.00 USD under the store"."""
    side = "under" if amount < 0 else "over"
    return f"books {fmt.amount(abs(amount), currency)} {side} the store"


def _detail_lines(books: list[PairBooks]) -> list[str]:
    lines: list[str] = []
    for pair in books:
        if pair.result is None:
            lines.append(f"{pair.pair_name}: {pair.unavailable}")
            continue
        result = pair.result
        if result.as_of is not None:
            lines.append(f"{pair.pair_name}: {result.read_note()}")
        lines += [f"{pair.pair_name}: {f.record_kind} {f.number}: {f.reason} — see the error "
                  "queue" for f in result.unplaced]
        if result.reconciled:
            lines.append(f"{pair.pair_name}: {result.start:%d %b} – {result.end:%d %b} agree to "
                         "the cent.")
            continue
        for line in result.differing():
            key = line.key
            lines.append(f"{pair.pair_name}: {key.day:%a %d %b}, {key.method}: store "
                         f"{fmt.amount(line.store.net, key.currency)}, books "
                         f"{fmt.amount(line.ledger_net, key.currency)}, difference "
                         f"{fmt.amount(line.difference, key.currency)}")
            for finding in line.findings:
                hint = " — can be re-posted" if finding.repostable else ""
                lines.append(f"    {finding.record_kind} {finding.number}: {finding.reason} "
                             f"({fmt.amount(finding.difference, key.currency)}){hint}")
    return lines

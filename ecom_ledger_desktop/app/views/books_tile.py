"""The dashboard's "Are my books right?" card: a green tick when the last 30 days reconcile to
the cent, or the difference per currency, with the days and orders behind it one click away."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from ecom_ledger_desktop.app import formatting as fmt
from ecom_ledger_desktop.app.views.widgets import Card, StatTile
from ecom_ledger_desktop.sync.books_check import DAYS, PairBooks, differences

TICK = "\u2714"


class BooksTile(Card):
    """A tile with the answer and a details label the tile's click shows or hides."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Are my books right?", parent)
        self.tile = StatTile(f"the store's sales against your books, last {DAYS} days")
        self.tile.set_value("checking…")
        self.tile.make_clickable("Show the days and the orders behind the answer")
        self.tile.clicked.connect(self.toggle_details)
        self.details = QLabel("")
        self.details.setWordWrap(True)
        self.details.setVisible(False)
        self.layout_.addWidget(self.tile)
        self.layout_.addWidget(self.details)
        self.books: list[PairBooks] = []

    def toggle_details(self) -> None:
        """One click away: the days, payment methods and orders behind the answer."""
        self.details.setVisible(not self.details.isVisible())

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
            self.tile.set_value("differ by " + ", ".join(
                fmt.amount(amount, currency) for currency, amount in sorted(differ.items())),
                highlight=True)
        elif unplaced:
            self.tile.set_value(f"{fmt.plural(unplaced, 'record')} to check", highlight=True)
        elif read:
            self.tile.set_value(f"{TICK} reconciled")
        else:
            self.tile.set_value("not checked")
        self.details.setText("\n".join(_detail_lines(books)))


def _detail_lines(books: list[PairBooks]) -> list[str]:
    lines: list[str] = []
    for pair in books:
        if pair.result is None:
            lines.append(f"{pair.pair_name}: {pair.unavailable}")
            continue
        result = pair.result
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

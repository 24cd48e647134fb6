"""The dashboard's "Are my books right?" card: a green tick when the last 30 days reconcile to
the cent, or the difference per currency, with the days and orders behind it one click away."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from ecom_ledger_desktop.app import formatting as fmt
from ecom_ledger_desktop.app.views.widgets import Card, StatTile
from ecom_ledger_desktop.sync.books_check import DAYS, Gap, PairBooks, gaps
from ecom_ledger_desktop.sync.reconcile import Finding
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
        differ = gaps(books)
        unplaced = sum(len(pair.result.unplaced) for pair in read if pair.result is not None)
        if differ:
            more = [f"{fmt.plural(unplaced, 'more record')} to check"] if unplaced else []
            self.tile.set_value("; ".join([*(_gap_words(gap) for gap in differ), *more]),
                                highlight=bool(more) or any(gap.rest or gap.held or gap.flagged
                                                            for gap in differ))
        elif unplaced:
            self.tile.set_value(f"{fmt.plural(unplaced, 'record')} to check", highlight=True)
        elif any(pair.result is not None and not pair.result.reconciled for pair in read):
            self.tile.set_value("refunds' money paid back missing", highlight=True)
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


def _gap_words(gap: Gap) -> str:
    """One currency's difference in the merchant's words: a real gap as such, and the records
    held for their approval, flagged in the error queue or undone by them said as what they are,
    each with its amount."""
    parts = [_gap(gap.rest, gap.currency)] if gap.rest else []
    if gap.held:
        verb = "waits" if len(gap.held) == 1 else "wait"
        parts.append(f"{_count(gap.held)} {verb} for your approval "
                     f"({fmt.amount(abs(gap.held_amount), gap.currency)})")
    if gap.flagged:
        verb = "is" if len(gap.flagged) == 1 else "are"
        parts.append(f"{_count(gap.flagged)} flagged in the error queue {verb} not in the books "
                     f"({fmt.amount(abs(gap.flagged_amount), gap.currency)})")
    if gap.undone:
        verb = "is" if len(gap.undone) == 1 else "are"
        parts.append(f"{_count(gap.undone)} you undid {verb} not in the books "
                     f"({fmt.amount(abs(gap.undone_amount), gap.currency)})")
    return ", ".join(parts) or _gap(gap.total, gap.currency)


def _count(findings: list[Finding]) -> str:
    """"3 orders", "1 refund", "2 orders and 1 refund"."""
    kinds: dict[str, int] = {}
    for finding in findings:
        kinds[finding.record_kind] = kinds.get(finding.record_kind, 0) + 1
    return " and ".join(fmt.plural(count, kind) for kind, count in
                        sorted(kinds.items(), key=lambda item: item[0] != "order"))


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

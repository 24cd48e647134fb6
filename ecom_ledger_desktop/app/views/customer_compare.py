"""The store's customer beside the QuickBooks customers it could be, fields that agree marked."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from ecom_ledger_desktop.app import formatting as fmt
from ecom_ledger_desktop.sync.error_details import MATCH_FIELDS, NO_BRAND, CustomerCard

FIELD_LABELS = {"name": "Name", "email": "Email", "phone": "Phone", "postcode": "Postcode"}
SHOWN_FIELDS = ("name", "email", "phone", "postcode")
STYLE = """
#customerCard { background: #fafbfc; border: 1px solid #e0e5e8; border-radius: 8px; }
#customerCard[store="true"] { background: #eef4fb; border: 1px solid #c9dbef; }
#customerCardTitle { font-weight: 600; color: #1f2a30; }
#fieldLabel { color: #5f6f78; }
#fieldValue { color: #1f2a30; }
#fieldValue[match="true"] { background: #e3f4e8; color: #1e6b34; border-radius: 4px;
    padding: 1px 4px; font-weight: 600; }
#matchSummary { color: #1e6b34; }
#matchSummary[none="true"] { color: #7a5a00; }
"""
assert set(SHOWN_FIELDS) == set(MATCH_FIELDS)


def breakable(text: str) -> str:
    """Let a long email wrap after its "@" (a zero-width space)."""
    return text.replace("@", "@\u200b")


def _match_words(card: CustomerCard) -> str:
    if not card.matches:
        return "Nothing matches the store's customer"
    words = [FIELD_LABELS[m].lower() for m in card.matches]
    return "Same " + (", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0])


class CustomerCardView(QFrame):
    """One customer: fields in a grid; for a candidate, a "Use this customer" button."""

    picked = Signal(str)  # the ledger customer id

    def __init__(self, card: CustomerCard, title: str, best: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.card = card
        self.setObjectName("customerCard")
        self.setProperty("store", card.id is None)
        self.setMinimumWidth(210)
        grid = QGridLayout(self)
        grid.setContentsMargins(14, 12, 14, 12)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        heading = QLabel(title)
        heading.setObjectName("customerCardTitle")
        heading.setWordWrap(True)
        grid.addWidget(heading, 0, 0, 1, 2)
        self.value_labels: dict[str, QLabel] = {}
        for row, name in enumerate(SHOWN_FIELDS, start=1):
            label = QLabel(FIELD_LABELS[name])
            label.setObjectName("fieldLabel")
            grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
            value = QLabel(breakable(getattr(card, name)) or "—")
            value.setObjectName("fieldValue")
            value.setProperty("match", name in card.matches)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            if name in card.matches:
                value.setToolTip(f"The same {FIELD_LABELS[name].lower()} as the store's customer")
            grid.addWidget(value, row, 1)
            self.value_labels[name] = value
        row = len(SHOWN_FIELDS) + 1
        self.button: QPushButton | None = None
        if card.id is not None:
            extra = f"{fmt.amount(card.balance)} {card.currency}".strip() \
                if card.balance is not None else ""
            if not card.active:
                extra = (extra + " · inactive").strip(" ·")
            if extra:
                label = QLabel("Balance")
                label.setObjectName("fieldLabel")
                grid.addWidget(label, row, 0)
                value = QLabel(extra)
                value.setObjectName("fieldValue")
                grid.addWidget(value, row, 1)
                row += 1
            summary = QLabel(_match_words(card))
            summary.setObjectName("matchSummary")
            summary.setProperty("none", not card.matches)
            summary.setWordWrap(True)
            grid.addWidget(summary, row, 0, 1, 2)
            self.button = QPushButton("Use this customer")
            self.button.setObjectName("primaryButton" if best else "secondaryButton")
            self.button.clicked.connect(lambda: self.picked.emit(card.id or ""))
            grid.addWidget(self.button, row + 1, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(row + 2, 1)


class CustomerCompare(QWidget):
    """The store's customer first, then each candidate, side by side."""

    picked = Signal(str)

    def __init__(self, store: CustomerCard | None, candidates: list[CustomerCard],
                 parent: QWidget | None = None, books: str = NO_BRAND) -> None:
        super().__init__(parent)
        self.setStyleSheet(STYLE)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(10)
        self.cards: list[CustomerCardView] = []
        if store is not None:
            row.addWidget(CustomerCardView(store, "In your store"), 1)
        for number, candidate in enumerate(candidates, start=1):
            best = number == 1 and bool(candidate.matches)  # sorted: most agreeing first
            view = CustomerCardView(candidate, f"In {books} ({number}) — Id {candidate.id}",
                                    best)
            view.picked.connect(self.picked)
            row.addWidget(view, 1)
            self.cards.append(view)

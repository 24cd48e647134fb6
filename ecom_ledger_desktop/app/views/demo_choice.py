"""Where the demo is offered (the dashboard's welcome, the setup assistant): which demo shop and
which demo books to open, in plain words, and how to start the demo app on them.

The shops are the store kinds with a demo simulator, named by their brand ("Magento",
"PrestaShop", "X-Cart"), the books the ledger kinds with one ("QuickBooks Online", "QuickBooks
Desktop", "FreshBooks": the system's name where two share a brand); with
only one of a side there is nothing to choose and that choice stays hidden.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QProcess
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from ecom_ledger_desktop.connectors.kinds import ConnectionKind
from ecom_ledger_desktop.connectors.registry import (
    DEFAULT_DEMO_LEDGER,
    DEFAULT_DEMO_STORE,
    demo_ledgers,
    demo_stores,
)


class DemoStoreChoice(QWidget):
    """"Demo shop: [Magento ▾]  Demo books: [QuickBooks ▾]"; ``store()`` and ``ledger()`` are
    the chosen kinds' names."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.label, self.combo = self._choice(layout, "Demo shop", demo_stores())
        self.ledger_label, self.ledger_combo = self._choice(layout, "Demo books", demo_ledgers())
        for label, combo in ((self.label, self.combo), (self.ledger_label, self.ledger_combo)):
            label.setHidden(combo.count() < 2)
            combo.setHidden(combo.count() < 2)
        self.setHidden(self.combo.count() < 2 and self.ledger_combo.count() < 2)

    @staticmethod
    def _choice(layout: QHBoxLayout, words: str,
                kinds: list[ConnectionKind]) -> tuple[QLabel, QComboBox]:
        label = QLabel(f"{words}:")
        combo = QComboBox()
        combo.setAccessibleName(words)
        brands = [kind.brand for kind in kinds]
        for kind in kinds:  # by brand, unless two share one ("QuickBooks Online" / "… Desktop")
            combo.addItem(kind.brand if brands.count(kind.brand) == 1 else kind.system, kind.name)
            combo.setItemData(combo.count() - 1, f"A pretend {kind.system} {kind.noun}",
                              3)  # tooltip role
        label.setBuddy(combo)
        layout.addWidget(label)
        layout.addWidget(combo)
        return label, combo

    def store(self) -> str:
        """The chosen store kind (the default demo store when there is no choice)."""
        return str(self.combo.currentData() or DEFAULT_DEMO_STORE)

    def ledger(self) -> str:
        """The chosen ledger kind (the default demo books when there is no choice)."""
        return str(self.ledger_combo.currentData() or DEFAULT_DEMO_LEDGER)

    def choose(self, store: str) -> None:
        """Select ``store`` (a kind's name)."""
        index = self.combo.findData(store)
        if index < 0:
            raise ValueError(f"'{store}' has no demo shop")
        self.combo.setCurrentIndex(index)

    def choose_ledger(self, ledger: str) -> None:
        """Select ``ledger`` (a kind's name)."""
        index = self.ledger_combo.findData(ledger)
        if index < 0:
            raise ValueError(f"'{ledger}' has no demo books")
        self.ledger_combo.setCurrentIndex(index)


def demo_command(store: str = DEFAULT_DEMO_STORE,
                 ledger: str = DEFAULT_DEMO_LEDGER) -> tuple[str, list[str]]:
    """How to start this app in demo mode on the ``store`` kind's demo shop and the ``ledger``
    kind's demo books (``make run``: the defaults, plain ``--demo``)."""
    choice = [] if store == DEFAULT_DEMO_STORE else ["--demo-store", store]
    choice += [] if ledger == DEFAULT_DEMO_LEDGER else ["--demo-ledger", ledger]
    if getattr(sys, "frozen", False):
        return sys.executable, ["--demo", *choice]
    return sys.executable, ["-m", "ecom_ledger_desktop.app", "--demo", *choice]


def start_demo_process(store: str = DEFAULT_DEMO_STORE,
                       ledger: str = DEFAULT_DEMO_LEDGER) -> bool:
    """Open a separate demo app on ``store``'s demo shop and ``ledger``'s demo books (its own
    data folder; this one is left alone). False when it could not be started."""
    program, args = demo_command(store, ledger)
    return bool(QProcess.startDetached(program, args))

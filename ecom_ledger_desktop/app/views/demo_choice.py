"""Where the demo is offered (the dashboard's welcome, the setup assistant): which demo shop to
open, in plain words, and how to start the demo app on it.

The shops are the store kinds with a demo simulator, named by their brand ("Magento",
"PrestaShop", "X-Cart"); with only one there is nothing to choose and the choice stays hidden.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QProcess
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from ecom_ledger_desktop.connectors.registry import DEFAULT_DEMO_STORE, demo_stores


class DemoStoreChoice(QWidget):
    """"Demo shop: [Magento ▾]"; ``store()`` is the chosen kind's name."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.label = QLabel("Demo shop:")
        layout.addWidget(self.label)
        self.combo = QComboBox()
        self.combo.setAccessibleName("Demo shop")
        for kind in demo_stores():
            self.combo.addItem(kind.brand, kind.name)
            self.combo.setItemData(self.combo.count() - 1,
                                   f"A pretend {kind.system} {kind.noun}", 3)  # tooltip role
        self.label.setBuddy(self.combo)
        layout.addWidget(self.combo)
        self.setHidden(self.combo.count() < 2)

    def store(self) -> str:
        """The chosen store kind (the default demo store when there is no choice)."""
        return str(self.combo.currentData() or DEFAULT_DEMO_STORE)

    def choose(self, store: str) -> None:
        """Select ``store`` (a kind's name)."""
        index = self.combo.findData(store)
        if index < 0:
            raise ValueError(f"'{store}' has no demo shop")
        self.combo.setCurrentIndex(index)


def demo_command(store: str = DEFAULT_DEMO_STORE) -> tuple[str, list[str]]:
    """How to start this app in demo mode on the ``store`` kind's demo shop."""
    choice = [] if store == DEFAULT_DEMO_STORE else ["--demo-store", store]
    if getattr(sys, "frozen", False):
        return sys.executable, ["--demo", *choice]
    return sys.executable, ["-m", "ecom_ledger_desktop.app", "--demo", *choice]


def start_demo_process(store: str = DEFAULT_DEMO_STORE) -> bool:
    """Open a separate demo app on ``store``'s demo shop (its own data folder; this one is left
    alone). False when it could not be started."""
    program, args = demo_command(store)
    return bool(QProcess.startDetached(program, args))

"""Choosing the CSV file to save or open, behind a small service so tests never block."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from PySide6.QtWidgets import QFileDialog, QWidget

CSV_FILTER = "CSV files (*.csv);;All files (*)"


class FileChooser(Protocol):
    """Asks the merchant where to save, or what to open."""

    def save_path(self, title: str, suggested: str, parent: QWidget | None = None) -> Path | None:
        """A path to write to; None when the merchant cancelled."""
        ...

    def open_path(self, title: str, parent: QWidget | None = None) -> Path | None:
        """A file to read; None when the merchant cancelled."""
        ...


class QtFileChooser:
    """The platform's file dialogs."""

    def save_path(self, title: str, suggested: str, parent: QWidget | None = None) -> Path | None:
        """The save dialog, starting with ``suggested`` as the name."""
        chosen, _ = QFileDialog.getSaveFileName(parent, title, suggested, CSV_FILTER)
        return Path(chosen) if chosen else None

    def open_path(self, title: str, parent: QWidget | None = None) -> Path | None:
        """The open dialog."""
        chosen, _ = QFileDialog.getOpenFileName(parent, title, "", CSV_FILTER)
        return Path(chosen) if chosen else None


@dataclass
class ScriptedFiles:
    """Answers from fixed paths (None: cancelled) and records the titles asked."""

    save: Path | None = None
    open: Path | None = None
    asked: list[str] = field(default_factory=list)

    def save_path(self, title: str, suggested: str, parent: QWidget | None = None) -> Path | None:
        """The scripted save path."""
        self.asked.append(title)
        return self.save

    def open_path(self, title: str, parent: QWidget | None = None) -> Path | None:
        """The scripted file to open."""
        self.asked.append(title)
        return self.open

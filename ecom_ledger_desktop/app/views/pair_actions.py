"""What the Pairs page does in the background: read, save, export and import a pair's setup,
and the file chooser it asks for paths (injectable, so tests never open a file dialog)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtWidgets import QFileDialog, QWidget

from ecom_ledger_desktop.db.connections_repo import Pair
from ecom_ledger_desktop.sync.error_details import ledger_brands
from ecom_ledger_desktop.sync.pair_config import (
    ImportReport,
    export_pair_json,
    import_pair,
    set_schedule,
    update_rules,
)
from ecom_ledger_desktop.sync.service import SyncService

if TYPE_CHECKING:
    from ecom_ledger_desktop.app.lazy_core import Scheduling

FILE_FILTER = "Pair configuration (*.json)"


class PathChooser(Protocol):
    """Asks where to save or what to open; None when the merchant cancels."""

    def save_path(self, parent: QWidget, title: str, suggested: str) -> Path | None:
        """A path to write to."""
        ...

    def open_path(self, parent: QWidget, title: str) -> Path | None:
        """A path to read from."""
        ...


class QtPathChooser:
    """The platform's file dialogs."""

    def save_path(self, parent: QWidget, title: str, suggested: str) -> Path | None:
        """A save dialog."""
        chosen, _ = QFileDialog.getSaveFileName(parent, title, suggested, FILE_FILTER)
        return Path(chosen) if chosen else None

    def open_path(self, parent: QWidget, title: str) -> Path | None:
        """An open dialog."""
        chosen, _ = QFileDialog.getOpenFileName(parent, title, "", FILE_FILTER)
        return Path(chosen) if chosen else None


def file_name_for(pair_name: str) -> str:
    """A safe file name for a pair's export."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", pair_name).strip("-").lower() or "pair"
    return f"{slug}.ecom-ledger.json"


def read_pairs(service: SyncService) -> tuple[list[Pair], dict[int, str]]:
    """Every pair, and each pair's ledger brand (the form's words)."""
    pairs = service.pairs()
    state = service.open_state()
    try:
        return pairs, ledger_brands(state)
    finally:
        state.close()


def _pair(service: SyncService, pair_id: int) -> Pair:
    state = service.open_state()
    try:
        pair = state.connections.pair(pair_id)
    finally:
        state.close()
    if pair is None:
        raise KeyError(f"the pair {pair_id} no longer exists")
    return pair


def save_pair(service: SyncService, background: Scheduling, pair_id: int,
              changes: dict[str, Any], minutes: int, enabled: bool) -> Pair:
    """Validate and save the rules, then the schedule, and apply the schedule now."""
    state = service.open_state()
    try:
        update_rules(state, pair_id, changes)
        set_schedule(state, pair_id, minutes, enabled)
    finally:
        state.close()
    background.reschedule(pair_id, minutes, enabled)
    return _pair(service, pair_id)


def export_to(service: SyncService, pair_id: int, path: Path) -> Path:
    """Write the pair's whole configuration (no secrets, no addresses) to ``path``."""
    state = service.open_state()
    try:
        text = export_pair_json(state, pair_id)
    finally:
        state.close()
    path.write_text(text, encoding="utf-8")
    return path


def import_from(service: SyncService, background: Scheduling, pair_id: int, path: Path
                ) -> tuple[Pair, ImportReport]:
    """Apply a configuration file to the pair (all or nothing) and its schedule."""
    text = path.read_text(encoding="utf-8")
    state = service.open_state()
    try:
        report = import_pair(state, pair_id, text)
    finally:
        state.close()
    pair = _pair(service, pair_id)
    background.reschedule(pair.id, pair.schedule_minutes, pair.enabled)
    return pair, report

"""One pair on the dashboard: last and next run, a live progress bar, Sync now."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from ecom_ledger_desktop.app import formatting as fmt
from ecom_ledger_desktop.app.status import PairStatus, Progress
from ecom_ledger_desktop.app.views.widgets import Card


class PairCard(Card):
    """Shows a ``PairStatus`` and, during a sync, its ``Progress``."""

    sync_requested = Signal(int)

    def __init__(self, pair: PairStatus, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.pair = pair
        top = QHBoxLayout()
        self.name_label = QLabel(pair.name)
        self.name_label.setObjectName("cardHeading")
        top.addWidget(self.name_label)
        top.addStretch(1)
        self.chip = QLabel()
        self.chip.setObjectName("chip")
        top.addWidget(self.chip)
        self.layout_.addLayout(top)
        self.last_label = QLabel()
        self.last_label.setWordWrap(True)
        self.layout_.addWidget(self.last_label)
        self.next_label = QLabel()
        self.next_label.setObjectName("muted")
        self.layout_.addWidget(self.next_label)
        progress_row = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setMinimumWidth(220)
        progress_row.addWidget(self.progress, 1)
        self.eta_label = QLabel()
        self.eta_label.setObjectName("muted")
        self.eta_label.setMinimumWidth(130)
        progress_row.addWidget(self.eta_label)
        self.progress_row = QWidget()
        self.progress_row.setLayout(progress_row)
        progress_row.setContentsMargins(0, 0, 0, 0)
        self.layout_.addWidget(self.progress_row)
        buttons = QHBoxLayout()
        self.sync_button = QPushButton("Sync now")
        self.sync_button.setObjectName("primaryButton")
        self.sync_button.clicked.connect(lambda: self.sync_requested.emit(self.pair.id))
        buttons.addWidget(self.sync_button)
        buttons.addStretch(1)
        self.layout_.addLayout(buttons)
        self.set_progress(None, requested=False)

    def set_pair(self, pair: PairStatus, next_run: datetime | None, paused: bool,
                 now: datetime | None = None) -> None:
        """Show the pair's latest facts."""
        now = now or datetime.now(UTC)
        self.pair = pair
        self.name_label.setText(pair.name)
        run = pair.last_run
        if pair.last_finished is None and (run is None or run.status in ("running", "skipped")):
            last = "Not synced yet."
        else:
            last = f"Last sync: {fmt.when(pair.last_finished, now)}"
            if run is not None and run.status in ("ok", "flagged"):
                last += f" — {fmt.plural(run.posted, 'record')} posted"
                if run.flagged:
                    last += f", {run.flagged} flagged"
            elif run is not None and run.status == "failed":
                last += f" — failed: {run.message or 'see History'}"
            elif run is not None and run.status == "skipped" and run.message:
                last += f" — the next one was {run.message}"
        self.last_label.setText(last)
        if not pair.enabled:
            self.next_label.setText("Automatic syncing is off for this pair.")
        elif paused:
            self.next_label.setText("Schedule paused: no automatic sync until you resume it. "
                                    "Sync now still works.")
        elif next_run is not None:
            self.next_label.setText(f"Next sync: {fmt.when(next_run, now)} "
                                    f"({fmt.relative(next_run, now)}) · every "
                                    f"{fmt.plural(pair.schedule_minutes, 'minute')}")
        else:
            self.next_label.setText(f"Syncs every {fmt.plural(pair.schedule_minutes, 'minute')}.")
        self._set_chip(pair)

    def _set_chip(self, pair: PairStatus) -> None:
        run = pair.last_run
        if run is not None and run.status == "failed":
            text, kind = "Last sync failed", "error"
        elif pair.open_errors:
            verb = "needs" if pair.open_errors == 1 else "need"
            text, kind = f"{fmt.plural(pair.open_errors, 'record')} {verb} you", "attention"
        elif pair.held:  # not posted until the merchant approves: never "All posted"
            text, kind = f"{pair.held} wait{'s' if pair.held == 1 else ''} for your approval", \
                "attention"
        elif pair.last_finished is None:
            text, kind = "Waiting for the first sync", "neutral"
        else:
            text, kind = "All posted", "ok"
        self._show_chip(text, kind)

    def _show_chip(self, text: str, kind: str) -> None:
        self.chip.setText(text)
        self.chip.setProperty("kind", kind)
        self.chip.style().unpolish(self.chip)
        self.chip.style().polish(self.chip)

    def set_progress(self, progress: Progress | None, requested: bool) -> None:
        """Show the live progress of a running sync (or hide the bar)."""
        busy = progress is not None or requested
        if busy:
            self._show_chip("Syncing…", "neutral")
        else:
            self._set_chip(self.pair)
        self.progress_row.setVisible(busy)
        self.sync_button.setEnabled(not busy)
        self.sync_button.setText("Syncing…" if busy else "Sync now")
        if progress is None or not progress.total:
            self.progress.setRange(0, 0)  # moving bar: reading the store
            self.progress.setTextVisible(False)
            self.eta_label.setText("Reading new orders…" if busy else "")
            return
        self.progress.setRange(0, progress.total)
        self.progress.setValue(progress.done)
        self.progress.setTextVisible(True)
        self.progress.setFormat(f"Posting {progress.done} of {progress.total}")
        self.eta_label.setText(fmt.eta(progress.eta_seconds))

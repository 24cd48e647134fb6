"""The app's own preferences (never secrets): a small JSON file in the data folder.

Unknown keys are ignored and a damaged file falls back to the defaults, so a hand edit or a newer
version's file never stops the app from starting. Writes go through a temporary file and an atomic
rename, so a crash mid-save cannot leave half a file.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SETTINGS_FILE = "app-settings.json"
MIN_SCHEDULE_MINUTES = 5
MAX_SCHEDULE_MINUTES = 24 * 60


@dataclass(frozen=True)
class AppSettings:
    """What the Settings page edits."""

    schedule_minutes: int = 15
    notifications: bool = True
    start_at_login: bool = False

    def clamped(self) -> AppSettings:
        """The same settings with the schedule inside its allowed range."""
        minutes = min(max(int(self.schedule_minutes), MIN_SCHEDULE_MINUTES), MAX_SCHEDULE_MINUTES)
        return replace(self, schedule_minutes=minutes)


class SettingsStore:
    """Loads and saves ``AppSettings`` at one path; keeps the current value in memory."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._current = self._load()

    @classmethod
    def in_folder(cls, data_dir: Path) -> SettingsStore:
        """The settings file of a data folder."""
        return cls(data_dir / SETTINGS_FILE)

    @property
    def current(self) -> AppSettings:
        """The settings in effect."""
        return self._current

    def update(self, **changes: Any) -> AppSettings:
        """Change some fields and save at once; returns the new settings."""
        self._current = replace(self._current, **changes).clamped()
        self._save(self._current)
        return self._current

    def _load(self) -> AppSettings:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return AppSettings()
        except (OSError, ValueError) as exc:
            log.warning("settings file %s unreadable (%s); using the defaults", self.path, exc)
            return AppSettings()
        if not isinstance(raw, dict):
            return AppSettings()
        known = {f.name: f.type for f in fields(AppSettings)}
        values = {key: value for key, value in raw.items() if key in known}
        try:
            return AppSettings(**values).clamped()
        except (TypeError, ValueError):
            return AppSettings()

    def _save(self, settings: AppSettings) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(settings), indent=2) + "\n", encoding="utf-8")
        os.replace(temporary, self.path)

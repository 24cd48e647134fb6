"""Where state lives: one data folder per OS user, overridable for tests and portable installs."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "ecom-ledger-desktop"
HOME_ENV = "ECOM_LEDGER_HOME"


def data_dir(override: str | Path | None = None) -> Path:
    """The data folder: ``override``, else ``$ECOM_LEDGER_HOME``, else the platform's data dir."""
    chosen = override or os.environ.get(HOME_ENV)
    path = Path(chosen) if chosen else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_path(override: str | Path | None = None) -> Path:
    """The one SQLite database file."""
    return data_dir(override) / "ledger-sync.sqlite3"


def log_dir(override: str | Path | None = None) -> Path:
    """The log folder (inside the data folder)."""
    path = data_dir(override) / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path

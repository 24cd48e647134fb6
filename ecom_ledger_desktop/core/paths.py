"""Where state lives: one data folder per OS user, overridable for tests and portable installs.

The folder holds customers' names, addresses and order history, so it is private to the user:
folders 0700, files 0600 (on Windows the user's profile already protects them, so nothing is
changed there).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import platformdirs

APP_NAME = "ecom-ledger-desktop"
HOME_ENV = "ECOM_LEDGER_HOME"
DATABASE_NAME = "ledger-sync.sqlite3"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
_POSIX = os.name != "nt"


def _tighten(path: Path, mode: int) -> None:
    if _POSIX:
        with contextlib.suppress(OSError):  # not ours to change (another owner): leave it
            os.chmod(path, mode)


def private_dir(path: Path, *, tighten_existing: bool = True) -> Path:
    """Create ``path`` (and its parents) readable by this user only; returns it.

    An existing folder is tightened too unless ``tighten_existing`` is false.
    """
    existed = path.is_dir()
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    if not existed or tighten_existing:
        _tighten(path, PRIVATE_DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Make sure ``path`` exists (empty if new) readable and writable by this user only."""
    if path.exists():
        _tighten(path, PRIVATE_FILE_MODE)  # an older version made it 0644
    elif _POSIX:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE_MODE)
        os.close(fd)
    else:
        path.touch(exist_ok=True)
    return path


def data_dir(override: str | Path | None = None) -> Path:
    """The data folder: ``override``, else ``$ECOM_LEDGER_HOME``, else the platform's data dir.

    Created 0700. A folder chosen by the user that already exists is tightened only when it
    already holds our database: it might be a folder they share on purpose.
    """
    chosen = override or os.environ.get(HOME_ENV)
    path = Path(chosen) if chosen else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    ours = not chosen or (path / DATABASE_NAME).exists()
    return private_dir(path, tighten_existing=ours)


def database_path(override: str | Path | None = None) -> Path:
    """The one SQLite database file."""
    return data_dir(override) / DATABASE_NAME


def log_dir(override: str | Path | None = None) -> Path:
    """The log folder (inside the data folder)."""
    return private_dir(data_dir(override) / "logs")

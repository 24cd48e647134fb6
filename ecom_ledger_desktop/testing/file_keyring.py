"""A keyring backend for tests: a JSON file shared by the test and the processes it spawns.

Selected with ``PYTHON_KEYRING_BACKEND=ecom_ledger_desktop.testing.file_keyring.TestFileKeyring`` and
``ECOM_TEST_KEYRING_FILE=<path>``. It lets a killed sync process's rotated refresh token survive,
as the OS keyring would, while exercising the app's real keyring code path.
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend


class TestFileKeyring(KeyringBackend):
    """Secrets in one JSON file, written atomically under an exclusive lock."""

    priority = 1.0

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]

    @property
    def _path(self) -> Path:
        return Path(os.environ["ECOM_TEST_KEYRING_FILE"])

    def _update(self, change: object) -> None:
        lock_path = self._path.with_suffix(".lock")
        with open(lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            data = self._read()
            change(data)  # type: ignore[operator]
            tmp = self._path.with_suffix(".tmp")
            tmp.write_text(json.dumps(data))
            os.replace(tmp, self._path)

    def _read(self) -> dict[str, str]:
        try:
            return dict(json.loads(self._path.read_text()))
        except FileNotFoundError:
            return {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._read().get(f"{service}\n{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        self._update(lambda data: data.__setitem__(f"{service}\n{username}", password))

    def delete_password(self, service: str, username: str) -> None:
        self._update(lambda data: data.pop(f"{service}\n{username}", None))

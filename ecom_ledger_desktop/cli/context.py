"""What every CLI command needs: the data folder, the secret store, the service."""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ecom_ledger_desktop.cli.output import Output
from ecom_ledger_desktop.core import paths
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.secrets.store import SecretStore, open_secret_store

if TYPE_CHECKING:  # imported when used: commands that only configure start faster
    from ecom_ledger_desktop.sync.service import SyncService


class UsageError(Exception):
    """A command was given something it cannot use; the message says what to do."""


@dataclass
class CliContext:
    """The data folder, output mode and lazily opened state for one command."""

    data_dir: Path
    out: Output
    secrets: SecretStore | None = None

    @property
    def db_path(self) -> Path:
        """The database file."""
        return paths.database_path(self.data_dir)

    def state(self) -> State:
        """Open the database (caller closes)."""
        return State(self.db_path)

    def secret_store(self) -> SecretStore:
        """The OS keyring, or a store that refuses and explains."""
        if self.secrets is None:
            self.secrets = open_secret_store()
        return self.secrets

    def service(self) -> SyncService:
        """A sync service over this data folder."""
        from ecom_ledger_desktop.connectors.registry import ConnectorFactory
        from ecom_ledger_desktop.sync.service import SyncService

        factory = ConnectorFactory(lock_dir=self.data_dir)
        return SyncService(self.db_path, self.secret_store(), store_factory=factory.store,
                           ledger_factory=factory.ledger)


def read_secret(label: str, env_var: str | None) -> str:
    """A secret from an environment variable or stdin — never from the command line."""
    if env_var:
        value = os.environ.get(env_var, "")
        if not value:
            raise UsageError(f"environment variable {env_var} is empty or not set")
        return value
    interactive = sys.stdin.isatty()
    value = getpass.getpass(f"{label}: ") if interactive else sys.stdin.readline().rstrip("\r\n")
    if not value:
        raise UsageError(f"no {label} given: pipe it on stdin or name an environment variable")
    return value

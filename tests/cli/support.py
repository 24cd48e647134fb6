"""Scaffolding of the ``ecom-ledger`` command tests: the simulators (``Sims``) and the command
run for real in a child process over one data folder and a file-backed test keyring (``Cli``).
The ``cli`` and ``sims`` fixtures are in ``conftest.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.models.rules import PaymentRoute
from ecom_ledger_desktop.sandbox.magento2 import Magento2Simulator
from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from ecom_ledger_desktop.sync.pair_config import new_pair_rules

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TEST_KEYRING = "ecom_ledger_desktop.testing.file_keyring.TestFileKeyring"
FAIL_KEYRING = "keyring.backends.fail.Keyring"
STORE_TOKEN = "cli-test-integration-token-5Qm8"
CLIENT_ID = "cli-test-client"
CLIENT_SECRET = "cli-test-client-secret-Zr7K"
REDIRECT_URI = "http://127.0.0.1/callback"
CATALOG = [
    {"sku": "MB-TOTE-BLK", "name": "Canvas Tote (Black)", "price": "24.00", "qty": 40},
    {"sku": "WB-BOTTLE", "name": "Steel Water Bottle", "price": "18.50", "qty": 100},
]
START_DATE = (datetime.now(UTC) - timedelta(days=30)).date().isoformat()
STORE, LEDGER, PAIR = "shop", "books", "shop-books"
COMMAND_GROUPS = ("connections", "pairs", "rules", "mappings", "sync", "errors", "history", "demo")


def order(sku: str = "MB-TOTE-BLK", name: str = "Canvas Tote (Black)", price: str = "24.00",
          email: str = "jane.doe@example.com") -> dict[str, Any]:
    """A paid (check/money order) one-line order with shipping and tax, placed just now."""
    return {"customer": {"email": email, "firstname": "Jane", "lastname": "Doe"},
            "lines": [{"sku": sku, "name": name, "qty": 1, "price": price, "tax_percent": "8.25"}],
            "shipping": "5.00", "currency": "USD", "payment_method": "checkmo", "paid": True}


def unknown_sku_order() -> dict[str, Any]:
    """An order for a SKU the books do not know: flagged as unmapped_sku."""
    return order(sku="GIFT-WRAP", name="Gift Wrapping", price="3.00")


@dataclass
class Sims:
    """The two simulators, running in this process."""

    store: Magento2Simulator
    ledger: QboSimulator

    def add_order(self, spec: dict[str, Any] | None = None) -> str:
        """Place an order in the shop; returns its order number (increment id)."""
        entity_id = self.store.add_order(spec or order())
        return str(self.store.order_json(entity_id)["increment_id"])

    def refresh_token(self) -> str:
        """A fresh QuickBooks refresh token, as a completed sign-in would give."""
        return str(self.ledger.issue_tokens()["refresh_token"])

    def receipts(self) -> list[dict[str, Any]]:
        """Non-voided sales receipts in the simulated company."""
        return [d for d in self.ledger.entities("SalesReceipt")
                if "Voided" not in str(d.get("PrivateNote", ""))]

    def receipt_numbers(self) -> Counter[str]:
        """How many sales receipts each order number has (must never exceed one)."""
        return Counter(str(d.get("DocNumber")) for d in self.receipts())

    def qbo_args(self) -> list[str]:
        """``connections add --kind qbo`` options pointing every URL at the simulator."""
        base = self.ledger.base_url
        return ["--kind", "qbo", "--client-id", CLIENT_ID, "--realm-id", self.ledger.realm_id,
                "--api-base", base, "--auth-url", f"{base}/connect/oauth2",
                "--token-url", f"{base}/oauth2/v1/tokens/bearer",
                "--revoke-url", f"{base}/v2/oauth2/tokens/revoke", "--redirect-uri", REDIRECT_URI]


@dataclass
class Cli:
    """Runs ``ecom-ledger`` in a child process over one data folder and one test keyring."""

    data_dir: Path
    keyring_file: Path
    transcript: list[str] = field(default_factory=list)

    def env(self, **extra: str) -> dict[str, str]:
        env = {**os.environ,
               "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT),
                                                           os.environ.get("PYTHONPATH")])),
               "PYTHON_KEYRING_BACKEND": TEST_KEYRING,
               "ECOM_TEST_KEYRING_FILE": str(self.keyring_file),
               "PYTHONIOENCODING": "utf-8"}
        env.pop("ECOM_LEDGER_HOME", None)
        env.update(extra)
        return env

    def argv(self, args: tuple[str, ...], as_json: bool) -> list[str]:
        return [sys.executable, "-m", "ecom_ledger_desktop", "--data-dir", str(self.data_dir),
                *(["--json"] if as_json else []), *args]

    def run(self, *args: str, stdin: str = "", env: dict[str, str] | None = None,
            as_json: bool = False) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(self.argv(args, as_json), input=stdin, capture_output=True,
                              text=True, encoding="utf-8", env=env or self.env(),
                              cwd=PROJECT_ROOT, timeout=60, check=False)
        self.transcript += [proc.stdout, proc.stderr]
        return proc

    def ok(self, *args: str, stdin: str = "", code: int = 0, **kw: Any) -> str:
        """Run and insist on exit ``code``; returns stdout."""
        proc = self.run(*args, stdin=stdin, **kw)
        assert proc.returncode == code, (args, proc.returncode, proc.stdout, proc.stderr)
        return proc.stdout

    def json(self, *args: str, code: int = 0, **kw: Any) -> Any:
        """Run with ``--json`` and insist on exit ``code``; returns the parsed document."""
        return json.loads(self.ok(*args, code=code, as_json=True, **kw))

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(self.argv(args, False), stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                encoding="utf-8", env=self.env(), cwd=PROJECT_ROOT)

    def keyring(self) -> dict[str, str]:
        """The test keyring's entries: ``service\\nconnection:key`` → secret."""
        if not self.keyring_file.exists():
            return {}
        return dict(json.loads(self.keyring_file.read_text()))

    def secret(self, connection: str, key: str) -> str | None:
        return self.keyring().get(f"ecom-ledger-desktop\n{connection}:{key}")

    def connection(self, name: str) -> dict[str, Any]:
        rows = [c for c in self.json("connections", "list") if c["name"] == name]
        assert rows, f"no connection {name!r}"
        return dict(rows[0])

    # -- set-up ------------------------------------------------------------------------------
    def add_store(self, sims: Sims, name: str = STORE, token: str = STORE_TOKEN) -> None:
        self.ok("connections", "add", name, "--kind", "magento2", "--url", sims.store.base_url,
                stdin=f"{token}\n")

    def add_ledger(self, sims: Sims, name: str = LEDGER, refresh_token: str | None = None) -> None:
        self.ok("connections", "add", name, *sims.qbo_args(),
                stdin=f"{CLIENT_SECRET}\n{refresh_token or sims.refresh_token()}\n")

    def setup_pair(self, sims: Sims) -> None:
        """Everything a merchant types to pair the shop with the books, through the CLI only."""
        self.add_store(sims)
        self.add_ledger(sims)
        self.ok("pairs", "add", PAIR, "--store", STORE, "--ledger", LEDGER,
                "--start-date", START_DATE)
        self.ok("rules", "set", PAIR, "payment_routes.checkmo.payment_method", "Check")
        self.ok("rules", "set", PAIR, "unmapped_sku_policy", "flag")

    def configure_directly(self, sims: Sims) -> None:
        """The pair ``setup_pair`` makes, written straight to the database and the test keyring.

        For tests about what comes after set-up: it saves five child processes each.
        """
        entries = {STORE: {"token": STORE_TOKEN},
                   LEDGER: {"client_secret": CLIENT_SECRET, "refresh_token": sims.refresh_token()}}
        self.keyring_file.write_text(json.dumps({
            f"ecom-ledger-desktop\n{conn}:{key}": value
            for conn, secrets in entries.items() for key, value in secrets.items()}))
        self.data_dir.mkdir(parents=True)
        args = sims.qbo_args()
        options = dict(zip(args[2::2], args[3::2], strict=True))
        qbo = {key.lstrip("-").replace("-", "_"): value for key, value in options.items()}
        state = State(self.data_dir / "ledger-sync.sqlite3")
        try:
            with state.tx():
                store_id = state.connections.add_connection(ConnectionConfig(
                    name=STORE, kind="magento2",
                    settings={"base_url": sims.store.base_url, "store_code": "default"}))
                ledger_id = state.connections.add_connection(ConnectionConfig(
                    name=LEDGER, kind="qbo", settings=qbo))
                rules = new_pair_rules("magento2", date.fromisoformat(START_DATE))
                state.connections.add_pair(PAIR, store_id, ledger_id, rules.model_copy(update={
                    "payment_routes": {"checkmo": PaymentRoute(payment_method="Check")}}), 15)
        finally:
            state.close()

    def sync(self, *args: str, code: int = 0) -> dict[str, Any]:
        """``sync --json`` of the one pair; returns its summary."""
        summaries = self.json("sync", *args, code=code)
        assert len(summaries) == 1, summaries
        return dict(summaries[0])

    def persisted_bytes(self) -> bytes:
        """Every byte the app wrote to its data folder (database, WAL, logs)."""
        return b"".join(p.read_bytes() for p in sorted(self.data_dir.rglob("*")) if p.is_file())

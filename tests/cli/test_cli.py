"""The ``ecom-ledger`` command, run for real as a child process against the simulators.

The Magento and QuickBooks Online simulators run in this process; every command runs in a child
(``python -m ecom_ledger_desktop``) with a file-backed test keyring, so the real keyring code path
is exercised and nothing touches the developer's own keyring.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from ecom_ledger_desktop import __version__
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.demo import DEMO_COMPANY
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

pytestmark = pytest.mark.timeout(120)


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


@pytest.fixture
def sims() -> Iterator[Sims]:
    store = Magento2Simulator(token=STORE_TOKEN, seed=1, seed_orders=0)
    ledger = QboSimulator(client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                          redirect_uris=(REDIRECT_URI,), time_scale=1.0, limits=True,
                          company_profile=DEMO_COMPANY)
    store.start()
    ledger.start()
    ledger.seed_items(CATALOG)
    try:
        yield Sims(store, ledger)
    finally:
        store.stop()
        ledger.stop()


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "data", tmp_path / "keyring.json")


# -- the basics ------------------------------------------------------------------------------

def test_version_flag_prints_the_package_version(cli: Cli) -> None:
    out = cli.ok("--version")
    assert out.strip() == f"ecom-ledger {__version__}"


def test_help_lists_every_command_group_and_the_connection_actions(cli: Cli) -> None:
    out = cli.ok("--help")
    for group in COMMAND_GROUPS:
        assert f"    {group} " in out, group
    assert "Exit codes" in out
    actions = cli.ok("connections", "--help")
    for action in ("add", "list", "test", "remove", "authorize", "reauthorise"):
        assert action in actions, action


# -- secrets ---------------------------------------------------------------------------------

def test_connections_add_reads_secrets_from_stdin_or_named_variables_and_never_persists_them(
        cli: Cli, sims: Sims) -> None:
    refresh_stdin, refresh_env = sims.refresh_token(), sims.refresh_token()
    env_token, env_secret = "env-integration-token-Pw2x", "env-client-secret-Hq4v"
    # secrets on stdin (one line each)
    cli.add_store(sims)
    cli.add_ledger(sims, refresh_token=refresh_stdin)
    # secrets in named environment variables; only the variables' names are on the command line
    env = cli.env(SHOP_TOKEN=env_token, QBO_SECRET=env_secret, QBO_REFRESH=refresh_env)
    cli.ok("connections", "add", "shop-2", "--kind", "magento2", "--url", sims.store.base_url,
           "--token-env", "SHOP_TOKEN", env=env)
    cli.ok("connections", "add", "books-2", *sims.qbo_args(), "--client-secret-env",
           "QBO_SECRET", "--refresh-token-env", "QBO_REFRESH", env=env)

    assert cli.secret(STORE, "token") == STORE_TOKEN
    assert cli.secret(LEDGER, "client_secret") == CLIENT_SECRET
    assert cli.secret(LEDGER, "refresh_token") == refresh_stdin
    assert cli.secret("shop-2", "token") == env_token
    assert cli.secret("books-2", "client_secret") == env_secret
    assert cli.secret("books-2", "refresh_token") == refresh_env
    listed = cli.json("connections", "list")
    assert sorted(c["name"] for c in listed) == ["books", "books-2", "shop", "shop-2"]
    assert cli.ok("connections", "test", STORE).count("✓") >= 1
    ledger_test = cli.ok("connections", "test", LEDGER)
    assert "✓" in ledger_test
    # what the company is decides how tax and currencies are posted: the test says it
    assert ("✓ Company settings: US company, automated sales tax on, home currency USD, "
            "multicurrency on") in ledger_test

    # adding a name that exists is refused before any secret is saved over the working one
    again = cli.run("connections", "add", STORE, "--kind", "magento2", "--url",
                    sims.store.base_url, stdin="replacement-token-Vc1d\n")
    assert again.returncode == 2 and "exists already" in again.stderr
    assert cli.secret(STORE, "token") == STORE_TOKEN

    # a secret on the command line is refused, not taken for '--token-env' and echoed back
    refused = cli.run("connections", "add", "shop-3", "--kind", "magento2", "--url",
                      sims.store.base_url, "--token", "argv-token-Lk9s")
    assert refused.returncode == 2
    assert cli.secret("shop-3", "token") is None

    persisted = cli.persisted_bytes()
    assert (cli.data_dir / "logs").is_dir() and any((cli.data_dir / "logs").iterdir())
    rotated = list(cli.keyring().values())  # 'connections test' refreshed: new tokens too
    for value in {STORE_TOKEN, CLIENT_SECRET, refresh_stdin, env_token, env_secret, refresh_env,
                  *rotated}:
        assert value.encode() not in persisted, "a secret reached the database or the logs"
        assert not any(value in text for text in cli.transcript), "a secret was printed"


def test_connections_add_refuses_without_a_safe_keyring_and_says_how_to_enable_one(
        cli: Cli, sims: Sims) -> None:
    no_keyring = cli.env(PYTHON_KEYRING_BACKEND=FAIL_KEYRING)
    store = cli.run("connections", "add", STORE, "--kind", "magento2", "--url",
                    sims.store.base_url, stdin=f"{STORE_TOKEN}\n", env=no_keyring)
    ledger = cli.run("connections", "add", LEDGER, *sims.qbo_args(),
                     stdin=f"{CLIENT_SECRET}\n{sims.refresh_token()}\n", env=no_keyring)
    for proc in (store, ledger):
        assert proc.returncode == 1, proc.stderr
        assert "Not saved" in proc.stderr
        assert "keyring" in proc.stderr and "GNOME Keyring" in proc.stderr
        assert STORE_TOKEN not in proc.stderr + proc.stdout
    assert cli.json("connections", "list", env=no_keyring) == []
    assert cli.keyring() == {}


# -- the whole journey -----------------------------------------------------------------------

def test_headless_setup_through_the_cli_then_sync_exit_codes_and_reauthorisation_lose_nothing(
        cli: Cli, sims: Sims) -> None:
    first = [sims.add_order(), sims.add_order(order(sku="WB-BOTTLE", name="Steel Water Bottle",
                                                    price="18.50"))]
    cli.setup_pair(sims)
    rules = cli.json("rules", "show", PAIR)
    assert rules["payment_routes"]["checkmo"]["payment_method"] == "Check"
    assert rules["unmapped_sku_policy"] == "flag"
    pairs = cli.json("pairs", "list")
    assert [(p["name"], p["store"], p["ledger"]) for p in pairs] == [(PAIR, STORE, LEDGER)]

    # everything posts: exit 0
    summary = cli.sync()
    assert (summary["status"], summary["posted"], summary["flagged"]) == ("ok", 2, 0)
    assert sorted(sims.receipt_numbers()) == sorted(first)

    # QuickBooks stops accepting the authorisation: exit 1, the connection says so, nothing lost
    sims.ledger.revoke_refresh_tokens()
    waiting = sims.add_order(order(email="sam.lee@example.com"))
    failed = cli.sync(code=1)
    assert failed["status"] == "failed" and failed["posted"] == 0
    assert "Reconnect QuickBooks" in failed["message"]
    ledger = cli.connection(LEDGER)
    assert ledger["status"] == "needs_reauthorisation"
    assert "Reconnect QuickBooks" in ledger["status_message"]
    assert cli.connection(STORE)["status"] == "ok"
    assert waiting not in sims.receipt_numbers()

    # the merchant reconnects (new refresh token on stdin): the next sync posts what waited
    fresh = sims.refresh_token()
    out = cli.ok("connections", "reauthorise", LEDGER, stdin=f"{fresh}\n")
    assert fresh not in out
    assert cli.connection(LEDGER)["status"] == "ok"
    summary = cli.sync()
    assert (summary["status"], summary["posted"]) == ("ok", 1)
    numbers = sims.receipt_numbers()
    assert sorted(numbers) == sorted([*first, waiting])
    assert set(numbers.values()) == {1}, f"a document was posted twice: {numbers}"

    # a record that needs a person: exit 3
    flagged_number = sims.add_order(unknown_sku_order())
    summary = cli.sync(code=3)
    assert (summary["status"], summary["posted"], summary["flagged"]) == ("flagged", 0, 1)
    assert flagged_number not in sims.receipt_numbers()
    assert fresh.encode() not in cli.persisted_bytes()


def test_a_shop_that_refuses_its_token_marks_the_shop_not_the_books_and_reauthorise_recovers(
        cli: Cli, sims: Sims) -> None:
    cli.configure_directly(sims)
    first = sims.add_order()
    cli.sync()
    sims.store.auth.token = "reissued-integration-token-Tb6n"  # the merchant revoked the old one
    waiting = sims.add_order(order(email="sam.lee@example.com"))
    failed = cli.sync(code=1)
    assert "refused the integration token" in failed["message"]
    assert cli.connection(STORE)["status"] == "needs_reauthorisation"
    assert cli.connection(LEDGER)["status"] == "ok"
    cli.ok("connections", "reauthorise", STORE, stdin="reissued-integration-token-Tb6n\n")
    assert cli.connection(STORE)["status"] == "ok"
    assert cli.sync()["posted"] == 1
    assert sorted(sims.receipt_numbers()) == sorted([first, waiting])


def test_reauthorise_reads_the_new_refresh_token_from_a_named_variable(
        cli: Cli, sims: Sims) -> None:
    cli.add_ledger(sims)
    state = State(cli.data_dir / "ledger-sync.sqlite3")
    try:
        with state.tx():
            state.connections.set_connection_status(1, "needs_reauthorisation", "revoked")
    finally:
        state.close()
    fresh = sims.refresh_token()
    cli.ok("connections", "reauthorise", LEDGER, "--refresh-token-env", "NEW_QBO_TOKEN",
           env=cli.env(NEW_QBO_TOKEN=fresh))
    assert cli.secret(LEDGER, "refresh_token") == fresh
    assert cli.connection(LEDGER)["status"] == "ok"
    missing = cli.run("connections", "reauthorise", LEDGER, "--refresh-token-env", "UNSET_VAR_X")
    assert missing.returncode == 2 and "UNSET_VAR_X" in missing.stderr
    assert cli.secret(LEDGER, "refresh_token") == fresh


def test_dry_run_prints_what_would_be_posted_and_changes_nothing(cli: Cli, sims: Sims) -> None:
    numbers = [sims.add_order(), sims.add_order(order(email="sam.lee@example.com"))]
    cli.configure_directly(sims)
    before = sims.ledger.stats()

    out = cli.ok("sync", "--dry-run")
    assert f"{PAIR}: would post 2 documents" in out
    assert "nothing was changed" in out
    for number in numbers:
        assert number in out
    preview = cli.json("sync", "--dry-run")
    assert sorted(p["record"] for p in preview[0]["would_post"]) == sorted(numbers)

    after = sims.ledger.stats()
    assert sims.receipts() == []
    assert all(after[kind] == before[kind] for kind in ("create", "update", "batch", "void"))
    assert cli.json("history", "runs") == []
    assert cli.json("errors", "list") == []

    summary = cli.sync()
    assert summary["posted"] == 2
    assert sorted(sims.receipt_numbers()) == sorted(numbers)


# -- the error queue and history --------------------------------------------------------------

def test_error_queue_list_show_then_mapping_and_retry_posts_and_ignore_closes(
        cli: Cli, sims: Sims) -> None:
    good = sims.add_order()
    wrapped = sims.add_order(unknown_sku_order())
    sample = sims.add_order(order(sku="FREE-SAMPLE", name="Free sample", price="1.00"))
    cli.configure_directly(sims)
    summary = cli.sync(code=3)
    assert (summary["posted"], summary["flagged"]) == (1, 2)

    entries = {e["record_ref"]: e for e in cli.json("errors", "list")}
    assert set(entries) == {wrapped, sample}
    assert {e["code"] for e in entries.values()} == {"unmapped_sku"}
    assert all(e["status"] == "open" for e in entries.values())
    wrapped_id, sample_id = entries[wrapped]["id"], entries[sample]["id"]
    table = cli.ok("errors", "list")
    assert "unmapped_sku" in table and wrapped in table

    shown = cli.ok("errors", "show", str(wrapped_id))
    assert f"#{wrapped_id} order {wrapped}" in shown
    assert "GIFT-WRAP" in shown and "is not in QuickBooks" in shown
    assert "fix:" in shown
    assert entries[wrapped]["fixes"], "an unmapped SKU offers fixes"

    cli.ok("mappings", "set", PAIR, "GIFT-WRAP", "Steel Water Bottle")
    assert cli.json("mappings", "list", PAIR) == [
        {"sku": "GIFT-WRAP", "ledger_item": "Steel Water Bottle"}]
    retried = cli.json("errors", "retry", str(wrapped_id))
    assert retried == {"id": wrapped_id, "outcome": "posted"}
    assert sorted(sims.receipt_numbers()) == sorted([good, wrapped])

    ignored = cli.ok("errors", "ignore", str(sample_id), "--reason", "a sample, not a sale")
    assert "ignored" in ignored
    assert cli.json("errors", "list") == []
    closed = {e["record_ref"]: e for e in cli.json("errors", "list", "--all")}
    assert closed[sample]["status"] == "ignored"
    assert "a sample, not a sale" in closed[sample]["resolution"]
    assert closed[wrapped]["status"] == "resolved"

    summary = cli.sync()  # nothing waits any more: exit 0, and nothing is posted again
    assert summary["posted"] == 0
    assert set(sims.receipt_numbers().values()) == {1}
    assert sample not in sims.receipt_numbers()


def test_history_shows_runs_one_runs_events_and_an_orders_timeline_to_the_posted_document(
        cli: Cli, sims: Sims) -> None:
    number = sims.add_order()
    cli.configure_directly(sims)
    cli.sync()

    runs = cli.json("history", "runs")
    assert len(runs) == 1 and runs[0]["status"] == "ok" and runs[0]["posted"] == 1
    run_id = runs[0]["id"]
    assert "ok" in cli.ok("history", "runs", "--pair", PAIR)

    run = cli.json("history", "run", str(run_id))
    assert run["id"] == run_id and run["events"]
    text = cli.ok("history", "run", str(run_id))
    assert text.startswith(f"Run {run_id} (manual) ok: posted 1")

    timeline = cli.json("history", "order", PAIR, number)
    receipt = sims.receipts()[0]
    assert [(p["kind"], p["state"]) for p in timeline["postings"]] == [("sales_receipt", "posted")]
    assert timeline["postings"][0]["ledger_id"] == receipt["Id"]
    assert timeline["postings"][0]["ledger_doc_number"] == number
    events = [t["event"] for t in timeline["timeline"]]
    assert events[:2] == ["journaled", "posted"], events
    text = cli.ok("history", "order", PAIR, number)
    assert text.startswith(f"Order {number} (store id")
    assert f"posted: create Sales Receipt {number} id {receipt['Id']}" in text

    missing = cli.run("history", "order", PAIR, "999999999")
    assert missing.returncode == 2 and "has not been downloaded" in missing.stderr


def test_mistakes_get_a_plain_usage_error_with_exit_code_2_not_a_traceback(
        cli: Cli, sims: Sims) -> None:
    cli.configure_directly(sims)
    mistakes = {
        ("pairs", "add", "p2", "--store", STORE, "--ledger", LEDGER, "--start-date", "2026-13-01"):
            "not a date",
        ("errors", "show", "99"): "no error-queue entry 99",
        ("errors", "retry", "99"): "no error-queue entry 99",
        ("errors", "ignore", "99"): "no error-queue entry 99",
        ("sync", "no-such-pair"): "no pair 'no-such-pair'",
        ("history", "run", "99"): "no run 99",
        ("connections", "authorize", STORE): "only QuickBooks Online",
        ("connections", "reauthorise", "no-such-connection"): "no connection",
    }
    for args, message in mistakes.items():
        proc = cli.run(*args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert message in proc.stderr, (args, proc.stderr)
        assert "Traceback" not in proc.stderr, (args, proc.stderr)
    assert [p["name"] for p in cli.json("pairs", "list")] == [PAIR]


# -- checking connections -----------------------------------------------------------------------

def test_connections_test_ticks_what_works_and_explains_a_wrong_token_in_plain_words(
        cli: Cli, sims: Sims) -> None:
    cli.add_store(sims)
    cli.add_ledger(sims)
    for name in (STORE, LEDGER):
        out = cli.ok("connections", "test", name)
        lines = [line for line in out.splitlines() if line.strip()]
        assert lines and all(line.startswith("✓ ") for line in lines), out

    wrong = "wrong-integration-token-Xy3z"
    cli.add_store(sims, name="shop-wrong", token=wrong)
    proc = cli.run("connections", "test", "shop-wrong")
    assert proc.returncode == 1
    crosses = [line for line in proc.stdout.splitlines() if line.startswith("✗ ")]
    assert crosses, proc.stdout
    assert any("token" in line.lower() for line in crosses), proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
    assert wrong not in proc.stdout + proc.stderr


# -- connecting QuickBooks in the browser -----------------------------------------------------

def _start_authorize(cli: Cli, *extra: str) -> tuple[subprocess.Popen[str], str]:
    """Start ``connections authorize``; returns the process and the consent URL it printed."""
    proc = cli.popen("connections", "authorize", LEDGER, *extra)
    assert proc.stdout is not None
    seen = []
    while line := proc.stdout.readline():
        seen.append(line)
        if line.startswith("http"):
            return proc, line.strip()
    with proc:
        _, err = proc.communicate(timeout=30)
    raise AssertionError(f"no consent URL printed: {''.join(seen)}{err}")


def _finish(proc: subprocess.Popen[str], pasted: str) -> tuple[int, str, str]:
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    with proc, proc.stdout, proc.stderr:
        proc.stdin.write(pasted + "\n")
        proc.stdin.close()
        out, err = proc.stdout.read(), proc.stderr.read()
        return proc.wait(timeout=30), out, err


def _consent(url: str) -> str:
    """What the browser does: open the consent page, approve, follow to the redirect address."""
    response = httpx.get(url, follow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def test_authorize_prints_the_consent_url_and_connects_with_the_pasted_redirect(
        cli: Cli, sims: Sims) -> None:
    cli.configure_directly(sims)
    stale = cli.secret(LEDGER, "refresh_token")
    sims.ledger.revoke_refresh_tokens()
    number = sims.add_order()
    cli.sync(code=1)
    assert cli.connection(LEDGER)["status"] == "needs_reauthorisation"

    proc, url = _start_authorize(cli)
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{sims.ledger.base_url}/connect/oauth2"
    assert query["client_id"] == CLIENT_ID and query["response_type"] == "code"
    assert query["redirect_uri"] == REDIRECT_URI
    assert "com.intuit.quickbooks.accounting" in query["scope"].split()
    assert len(query["state"]) >= 16

    redirect = _consent(url)
    assert redirect.startswith(REDIRECT_URI) and f"state={query['state']}" in redirect
    code, out, err = _finish(proc, redirect)
    assert code == 0, (out, err)
    assert f"Connected '{LEDGER}' to QuickBooks company {sims.ledger.realm_id}" in out
    assert "Traceback" not in err

    new_token = cli.secret(LEDGER, "refresh_token")
    assert new_token and new_token != stale
    ledger = cli.connection(LEDGER)
    assert ledger["status"] == "ok" and ledger["setting.realm_id"] == sims.ledger.realm_id
    redirect_code = parse_qs(urlsplit(redirect).query)["code"][0]
    for text in (out, err):
        assert new_token not in text and redirect_code not in text
    assert new_token.encode() not in cli.persisted_bytes()

    summary = cli.sync()  # what waited while disconnected is posted now
    assert summary["posted"] == 1
    assert list(sims.receipt_numbers()) == [number]


def test_authorize_takes_a_bare_code_and_saves_the_realm_only_when_the_url_brings_it(
        cli: Cli, sims: Sims) -> None:
    cli.add_ledger(sims)
    proc, url = _start_authorize(cli)
    code_only = parse_qs(urlsplit(_consent(url)).query)["code"][0]
    status, out, err = _finish(proc, code_only)
    assert status == 0, (out, err)
    assert cli.connection(LEDGER)["setting.realm_id"] == sims.ledger.realm_id
    assert "✓" in cli.ok("connections", "test", LEDGER)


def test_authorize_refuses_a_redirect_from_another_sign_in(cli: Cli, sims: Sims) -> None:
    cli.add_ledger(sims)
    before = cli.secret(LEDGER, "refresh_token")
    proc, url = _start_authorize(cli)
    forged_url = url.replace(f"state={parse_qs(urlsplit(url).query)['state'][0]}",
                             "state=someone-elses-state")
    forged = _consent(forged_url)
    assert "state=someone-elses-state" in forged
    status, out, err = _finish(proc, forged)
    assert status == 1
    assert "did not belong to this sign-in" in err and "state" in err
    assert "Traceback" not in err
    assert cli.secret(LEDGER, "refresh_token") == before
    # the code in the refused address was not spent: it can still be exchanged
    forged_code = parse_qs(urlsplit(forged).query)["code"][0]
    assert forged_code not in out + err
    token = sims.ledger.oauth.token(CLIENT_ID, {"grant_type": "authorization_code",
                                                "code": forged_code,
                                                "redirect_uri": REDIRECT_URI})
    assert token["refresh_token"]


def test_authorize_explains_a_cancelled_sign_in_and_an_unusable_code(cli: Cli, sims: Sims) -> None:
    cli.add_ledger(sims)
    before = cli.secret(LEDGER, "refresh_token")
    proc, url = _start_authorize(cli)
    state = parse_qs(urlsplit(url).query)["state"][0]
    status, _, err = _finish(proc, f"{REDIRECT_URI}?error=access_denied&state={state}")
    assert status == 1 and "cancelled" in err

    proc, _ = _start_authorize(cli)
    status, _, err = _finish(proc, "AB1-not-a-real-code")
    assert status == 1 and "Not connected" in err and "again" in err
    assert "Traceback" not in err
    assert cli.secret(LEDGER, "refresh_token") == before


def test_authorize_refuses_another_company_when_a_pair_already_posts_to_this_one(
        cli: Cli, sims: Sims) -> None:
    cli.configure_directly(sims)
    state = State(cli.data_dir / "ledger-sync.sqlite3")
    try:
        ledger = state.connections.connection(LEDGER)
        assert ledger is not None and ledger.id is not None
        with state.tx():
            state.connections.update_settings(ledger.id, {**ledger.settings, "realm_id": "4620816365"})
    finally:
        state.close()
    before = cli.secret(LEDGER, "refresh_token")
    proc, url = _start_authorize(cli)
    status, _, err = _finish(proc, _consent(url))
    assert status == 1
    assert "different QuickBooks company" in err and PAIR in err
    assert cli.secret(LEDGER, "refresh_token") == before
    assert cli.connection(LEDGER)["setting.realm_id"] == "4620816365"


# -- the demo ----------------------------------------------------------------------------------

def test_demo_runs_a_sync_on_the_embedded_simulators_and_posts(cli: Cli) -> None:
    proc = cli.run("demo", "--orders", "40", as_json=True)  # --data-dir: a fresh folder
    assert proc.returncode in (0, 3), proc.stderr
    report = json.loads(proc.stdout)
    assert report["summary"]["posted"] > 0
    assert report["summary"]["status"] in ("ok", "flagged")
    assert report["data_dir"] == str(cli.data_dir)
    assert "Demo mode" in proc.stderr


def test_demo_refuses_a_data_folder_that_holds_real_connections(cli: Cli, sims: Sims) -> None:
    cli.add_store(sims)
    proc = cli.run("demo", "--orders", "5")
    assert proc.returncode == 2
    assert "holds real connections" in proc.stderr
    assert [c["name"] for c in cli.json("connections", "list")] == [STORE]


def test_errors_fix_maps_a_sku_once_and_says_how_many_other_orders_it_posted(
        cli: Cli, sims: Sims) -> None:
    first = sims.add_order(unknown_sku_order())
    second = sims.add_order(unknown_sku_order())
    cli.configure_directly(sims)
    cli.sync(code=3)
    entries = {e["record_ref"]: e["id"] for e in cli.json("errors", "list")}
    assert set(entries) == {first, second}
    printed = cli.ok("errors", "fix", str(entries[first]), "map_sku", "Steel Water Bottle")
    assert "Mapped SKU 'GIFT-WRAP' → 'Steel Water Bottle'" in printed
    assert f"order {first} was posted" in printed
    assert "1 other record waiting on it was posted too" in printed
    assert cli.json("errors", "list") == []
    assert sorted(sims.receipt_numbers()) == sorted([first, second])


def test_errors_fix_imports_the_order_of_a_refund_placed_before_the_start_date(
        cli: Cli, sims: Sims) -> None:
    placed = (datetime.now(UTC) - timedelta(days=60)).strftime("%Y-%m-%d %H:%M:%S")
    entity_id = sims.store.add_order({**order(), "created_at": placed})
    number = str(sims.store.order_json(entity_id)["increment_id"])
    sims.store.refund_order(entity_id, {"lines": [{"sku": "MB-TOTE-BLK", "qty": 1}],
                                        "shipping": 0})
    cli.configure_directly(sims)
    cli.sync(code=3)
    [entry] = cli.json("errors", "list")
    assert entry["code"] == "order_not_posted" and entry["record_kind"] == "refund"
    shown = cli.ok("errors", "show", str(entry["id"]))
    assert "[import_order]" in shown and "[post_refund_alone]" in shown and "[ignore]" in shown
    assert number in shown and "start date" in shown
    fixed = cli.json("errors", "fix", str(entry["id"]), "import_order")
    assert fixed["outcome"] == "posted"
    assert sims.receipt_numbers() == Counter({number: 1})
    assert cli.json("errors", "list") == []
    assert cli.sync()["posted"] == 0

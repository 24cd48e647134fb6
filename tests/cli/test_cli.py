"""The ``ecom-ledger`` command, run for real as a child process: the basics, secrets, checking
connections, plain usage errors and the demo.

The Magento and QuickBooks Online simulators run in this process; every command runs in a child
(``python -m ecom_ledger_desktop``) with a file-backed test keyring (``support``).
"""

from __future__ import annotations

import json

import pytest

from ecom_ledger_desktop import __version__
from tests.cli.support import (
    CLIENT_SECRET,
    COMMAND_GROUPS,
    FAIL_KEYRING,
    LEDGER,
    PAIR,
    STORE,
    STORE_TOKEN,
    Cli,
    Sims,
)

pytestmark = pytest.mark.timeout(120)


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

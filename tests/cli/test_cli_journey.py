"""The ``ecom-ledger`` command, run for real as a child process: the whole journey, set-up to
sync, exit codes, reauthorisation and the dry run.

The Magento and QuickBooks Online simulators run in this process; every command runs in a child
(``python -m ecom_ledger_desktop``) with a file-backed test keyring (``support``).
"""

from __future__ import annotations

import pytest

from ecom_ledger_desktop.db.state import State
from tests.cli.support import LEDGER, PAIR, STORE, Cli, Sims, order, unknown_sku_order

pytestmark = pytest.mark.timeout(120)


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

"""Posting rules on the command line: keys containing dots, removal, the line-item warning."""

from __future__ import annotations

import json

from tests.cli.support import PAIR, Cli, Sims


def test_rules_set_accepts_keys_that_contain_dots_as_the_error_message_advises(
        cli: Cli, sims: Sims) -> None:
    cli.configure_directly(sims)
    cli.ok("rules", "set", PAIR, "tax_codes.8.25", "NY Sales Tax")
    cli.ok("rules", "set", PAIR, "tax_codes.UK VAT 20", "20.0% S")
    cli.ok("rules", "set", PAIR, "tax_codes.5", "7")  # a code that looks like a number
    cli.ok("rules", "set", PAIR, "payment_routes.pay.pal.deposit_account", "PayPal Bank")
    cli.ok("rules", "set", PAIR, "payment_routes.checkmo.payment_method", "Check")
    cli.ok("rules", "set", PAIR, "payment_posting.banktransfer", "post_at_order")
    cli.ok("rules", "set", PAIR, "unpaid_invoice_status", "draft")
    cli.ok("rules", "set", PAIR, "order_number_field", "po_number")
    rules = cli.json("rules", "show", PAIR)
    assert (rules["unpaid_invoice_status"], rules["order_number_field"]) == ("draft", "po_number")
    assert rules["tax_codes"] == {"8.25": "NY Sales Tax", "UK VAT 20": "20.0% S", "5": "7"}
    assert rules["payment_routes"]["pay.pal"]["deposit_account"] == "PayPal Bank"
    assert rules["payment_routes"]["checkmo"]["payment_method"] == "Check"
    assert rules["payment_posting"]["banktransfer"] == "post_at_order"
    assert rules["payment_posting"]["checkmo"] == "post_when_paid", "offline default kept"

    cli.ok("rules", "set", PAIR, "tax_codes.8.25", "null")
    assert "8.25" not in cli.json("rules", "show", PAIR)["tax_codes"]

    out = cli.ok("rules", "set", PAIR, "tax_mode", "line_item")
    assert "tax reports" in out and "exempt" in out
    failed = cli.run("rules", "set", PAIR, "timezone", "Mars/Olympus")
    assert failed.returncode != 0 and "time zone" in (failed.stdout + failed.stderr)


def test_demo_says_how_its_books_look(cli: Cli) -> None:
    proc = cli.run("demo", "--orders", "3", as_json=True)
    assert proc.returncode in (0, 3), proc.stderr
    books = json.loads(proc.stdout)["books"]
    assert [line.split(":")[0] for line in books] == [
        "Tax", "Dates", "Currency", "Gift cards", "Unpaid orders", "Refunds", "Rounding"]
    assert "How the demo's books look" in proc.stderr and "store's local day" in proc.stderr

"""``preview``, ``approve`` and the hold-for-approval rule on the command line."""

from __future__ import annotations

import json
import re

from tests.cli.support import PAIR, Cli, Sims, order


def test_preview_shows_documents_then_hold_and_approve_post_what_was_approved(
        cli: Cli, sims: Sims) -> None:
    first = sims.add_order()
    second = sims.add_order(order(email="sam.lee@example.com"))
    cli.configure_directly(sims)

    out = cli.ok("preview", PAIR)
    assert f"{PAIR}: the next run would make 2 changes" in out and "nothing was changed" in out
    assert first in out and second in out
    assert "new: no customer with this email" in out and "Totals per day" in out
    item_lines = [line for line in out.splitlines() if line.startswith("    item ")]
    assert item_lines and all(re.search(r"\d USD tax -?[\d.]+ USD", line)
                              for line in item_lines), "each line's amounts carry the currency"
    seen = json.loads(cli.ok("preview", PAIR, "--json"))
    assert sorted(d["record_number"] for d in seen["documents"]) == sorted([first, second])
    [day] = seen["totals"]
    assert day["currency"] == "USD" and day["documents"] == 2
    assert all(d["lines"] and d["customer"]["action"] == "new" for d in seen["documents"])
    assert sims.receipts() == [] and cli.json("history", "runs") == []

    cli.ok("rules", "set", PAIR, "posting_approval", "hold")
    held = cli.sync()
    assert (held["posted"], held["held"], held["flagged"]) == (0, 2, 0)
    assert "held for your approval" in held["message"]
    assert sorted(cli.json("preview", PAIR)["held"]) == sorted([first, second])
    assert cli.json("errors", "list") == []
    [status] = cli.json("status")["pairs"]
    assert status["held"] == 2 and "held for your approval" in status["why"]
    assert (f"2 orders wait for your approval: review them with 'ecom-ledger preview {PAIR}'"
            in cli.ok("status"))

    missing = cli.run("approve", PAIR, "NO-SUCH-ORDER")
    assert missing.returncode == 2 and "NO-SUCH-ORDER" in missing.stderr
    assert first in cli.ok("approve", PAIR, first)
    assert cli.sync()["posted"] == 1
    assert list(sims.receipt_numbers()) == [first]
    assert cli.json("preview", PAIR)["held"] == [second]

    cli.ok("approve", PAIR, "--all")
    assert cli.sync()["posted"] == 1
    assert sorted(sims.receipt_numbers()) == sorted([first, second])

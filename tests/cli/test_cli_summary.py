"""Summary posting on the command line: ``rules set PAIR posting_mode daily_summary --from``,
the preview showing the day's summary document, and the run posting exactly that."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from tests.cli.support import PAIR, Cli, Sims, order


def test_posting_mode_switch_preview_and_run_show_one_summary_per_day(
        cli: Cli, sims: Sims) -> None:
    placed = datetime.now(UTC) - timedelta(days=3)  # a closed day, whatever the time zone
    stamp = placed.strftime("%Y-%m-%d %H:%M:%S")
    first = sims.add_order({**order(), "created_at": stamp})
    second = sims.add_order({**order(email="sam.lee@example.com"), "created_at": stamp})
    cli.configure_directly(sims)
    bad = cli.run("rules", "set", PAIR, "posting_mode", "weekly")
    assert bad.returncode != 0 and "daily_summary" in (bad.stdout + bad.stderr)
    misplaced = cli.run("rules", "set", PAIR, "tax_mode", "ledger", "--from", "2026-01-01")
    assert misplaced.returncode != 0 and "--from" in (misplaced.stdout + misplaced.stderr)

    cut = (placed - timedelta(days=2)).date().isoformat()
    out = cli.ok("rules", "set", PAIR, "posting_mode", "daily_summary", "--from", cut)
    assert "One document per day" in out and f"From {cut} on" in out
    rules = cli.json("rules", "show", PAIR)
    assert (rules["posting_mode"], rules["posting_mode_from"]) == ("daily_summary", cut)
    assert rules["earlier_modes"] == [{"from_date": None, "mode": "per_order"}]

    seen = json.loads(cli.ok("preview", PAIR, "--json"))
    [summary] = seen["documents"]
    assert summary["record_kind"] == "summary" and summary["doc_number"].startswith("S26")
    assert summary["customer"]["display_name"] == "Web Store Customer"
    assert sims.receipts() == []

    cli.sync()
    [receipt] = sims.receipts()
    assert receipt["DocNumber"] == summary["doc_number"]
    assert Decimal(str(receipt["TotalAmt"])) == Decimal(summary["total"]) > 0
    assert first in receipt["PrivateNote"] and second in receipt["PrivateNote"]
    assert cli.sync()["posted"] == 0  # exactly once

    undone = cli.ok("undo", PAIR, "--order", first, "--yes")  # one order of the day's summary
    assert "changes from" in undone and f"order {first} taken out" in undone, undone
    [updated] = [r for r in sims.receipts() if Decimal(str(r["TotalAmt"])) != 0
                 and "Voided" not in str(r.get("PrivateNote", ""))]
    assert updated["Id"] == receipt["Id"] and first not in updated["PrivateNote"]
    assert cli.sync()["posted"] == 0
    lines = cli.ok("rules", "set", PAIR, "summary_lines", "income")
    assert "one sales line per income account" in lines, lines

"""``ecom-ledger reconcile``: a clean period is 0.00 (exit 0); a document deleted by hand is named
with its order (exit 3), exported for the accountant, and re-posted once with ``--repost``."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from tests.cli.support import PAIR, Cli, Sims


def test_reconcile_finds_a_hand_deleted_receipt_and_reposts_it_once(
        cli: Cli, sims: Sims, tmp_path: Path) -> None:
    first, second = sims.add_order(), sims.add_order()
    cli.configure_directly(sims)
    cli.sync()
    day = str(sims.receipts()[0]["TxnDate"])
    args = ("reconcile", PAIR, "--days", "30", "--end", day)

    report = cli.json(*args)
    assert report["reconciled"] and report["differences"] == {"USD": "0.00"}
    assert "reconcile to 0.00" in cli.ok(*args)

    with sims.ledger.company.lock:  # the merchant deletes a receipt in QuickBooks
        [victim] = [r for r in sims.ledger.company.live("SalesReceipt")
                    if r.data.get("DocNumber") == second]
        total = str(victim.data["TotalAmt"])
        sims.ledger.company.mark_deleted(victim)
    sheet = tmp_path / "books.csv"
    text = cli.ok(*args, "--csv", str(sheet), code=3)
    assert f"order {second}: deleted in the ledger by hand" in text
    assert f"--repost {second}" in text and first not in text
    rows = list(csv.DictReader(sheet.open(encoding="utf-8")))
    [order_row] = [r for r in rows if r["row"] == "order"]
    assert order_row["number"] == second and order_row["currency"] == "USD"
    assert Decimal(order_row["difference"]) == -Decimal(total)

    assert "posted again" in cli.ok("reconcile", PAIR, "--repost", second)
    assert "nothing to re-post" in cli.ok("reconcile", PAIR, "--repost", second)
    assert cli.json(*args)["reconciled"]
    assert sims.receipt_numbers()[second] == 2  # the deleted one (kept by the simulator) + one
    live = [r for r in sims.ledger.company.live("SalesReceipt") if r.data["DocNumber"] == second]
    assert len(live) == 1

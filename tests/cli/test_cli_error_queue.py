"""The ``ecom-ledger`` command, run for real as a child process: the error queue (list, show,
mapping, retry, fix, ignore) and history.

The Magento and QuickBooks Online simulators run in this process; every command runs in a child
(``python -m ecom_ledger_desktop``) with a file-backed test keyring (``support``).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from tests.cli.support import PAIR, Cli, Sims, order, unknown_sku_order

pytestmark = pytest.mark.timeout(120)


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

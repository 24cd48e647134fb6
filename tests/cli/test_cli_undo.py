"""``ecom-ledger undo`` and ``post-again`` in a child process, killed at random instants too."""

from __future__ import annotations

import json
import random
import signal
import time

import pytest

from tests.cli.support import PAIR, Cli, Sims, order

pytestmark = pytest.mark.timeout(300)


def _orders(sims: Sims, count: int) -> list[str]:
    return [sims.add_order(order(email=f"buyer{n}@example.com")) for n in range(count)]


def _voided(sims: Sims) -> list[str]:
    return [str(d["DocNumber"]) for d in sims.ledger.entities("SalesReceipt")
            if "Voided" in str(d.get("PrivateNote", ""))]


def test_undo_previews_asks_then_voids_and_post_again_posts_each_once(
        cli: Cli, sims: Sims) -> None:
    cli.configure_directly(sims)
    numbers = _orders(sims, 2)
    run_id = cli.sync()["run_id"]

    preview = cli.ok("undo", PAIR, "--run", str(run_id))  # no terminal, no --yes: preview only
    assert "Will void" in preview and all(n in preview for n in numbers)
    assert len(sims.receipts()) == 2, "nothing changed without a yes"

    done = cli.json("undo", PAIR, "--run", str(run_id), "--yes")
    assert len(done["voided"]) == 2 and done["refused"] == []
    assert sims.receipts() == []
    cli.sync()
    assert sims.receipts() == [], "an undone order stays out of the books until posted again"

    again = cli.json("post-again", PAIR, "--order", *numbers)
    assert again == dict.fromkeys(numbers, "posted")
    cli.sync()
    assert sorted(sims.receipt_numbers()) == sorted(f"{n}-U1" for n in numbers)
    assert set(sims.receipt_numbers().values()) == {1}


def test_undo_of_an_unknown_order_is_refused_by_name(cli: Cli, sims: Sims) -> None:
    cli.configure_directly(sims)
    proc = cli.run("undo", PAIR, "--order", "999999", "--yes")
    assert proc.returncode == 1 and "order 999999 is not known" in proc.stderr


def test_an_undo_killed_at_random_instants_is_finished_by_a_rerun_never_doubled(
        cli: Cli, sims: Sims) -> None:
    cli.configure_directly(sims)
    numbers = _orders(sims, 12)
    run_id = cli.sync()["run_id"]
    assert len(sims.receipts()) == 12
    sims.ledger.faults.latency = 0.05  # each void takes a moment: the kills land among them
    rng = random.Random(7)
    kills, part_way = 0, 0
    for _ in range(6):
        before = len(_voided(sims))
        child = cli.popen("undo", PAIR, "--run", str(run_id), "--yes")
        deadline = time.monotonic() + 30  # wait for this child's first void to land …
        while (child.poll() is None and len(_voided(sims)) == before
               and time.monotonic() < deadline):
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.3))  # … then kill it at a random instant after
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            kills += 1
        child.communicate()
        part_way += 0 < len(_voided(sims)) < len(numbers)
    sims.ledger.faults.latency = 0.0
    cli.ok("undo", PAIR, "--run", str(run_id), "--yes", code=0)  # the rerun finishes the rest
    assert sims.receipts() == [], "nothing left half-done"
    assert sorted(_voided(sims)) == sorted(numbers), "each document voided, none twice"
    assert "Nothing to undo" in cli.ok("undo", PAIR, "--run", str(run_id))

    sims.ledger.faults.latency = 0.05  # posting again is killed at random instants too
    for _ in range(3):
        child = cli.popen("post-again", PAIR, "--order", *numbers)
        time.sleep(rng.uniform(0.5, 1.5))
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
        child.communicate()
    sims.ledger.faults.latency = 0.0
    proc = cli.run("post-again", PAIR, "--order", *numbers, as_json=True)
    assert proc.returncode in (0, 3), proc.stderr  # 3: some were posted before the kill
    again = json.loads(proc.stdout)
    assert set(again.values()) <= {"posted", "not undone: nothing to post again"}, again
    cli.sync()
    assert set(sims.receipt_numbers().values()) == {1}, "each order posted again exactly once"
    assert len(sims.receipts()) == 12
    assert kills >= 2 and part_way >= 1, "the kills must land while the undo runs"

"""Are the books right, between Web Connector updates? ``ecom-ledger reconcile`` (its own process,
while the app hosts the Web Connector service) answers from the company's copy of the last update,
says when it was read, and asks the next update for a fresh read; that update comes even with no
posting waiting, reads only what changed, and the reconciliation then finds a sales receipt
deleted by hand, which ``--repost`` puts back exactly once at the following update."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from ecom_ledger_desktop.core.clock import ManualClock
from ecom_ledger_desktop.sync.books_check import check_books
from ecom_ledger_desktop.sync.reconcile import reconcile
from tests.cli.support import Cli
from tests.sync.qbd_bench import STORE_TOKEN, QbdBench, open_bench, order

PAIR = "shop to books"
STAMP = re.compile(r"QuickBooks Desktop as read at \d\d:\d\d on \d{1,2} \w{3} \(the Web "
                   r"Connector's last update\); (the next update reads it again|it is read "
                   r"again at the next update with postings, or once it is 30 minutes old)\.")


@pytest.fixture
def bench(tmp_path: Path, reference_if_present: Path | None) -> Iterator[QbdBench]:
    (tmp_path / "data").mkdir()
    with open_bench(tmp_path / "data", reference_if_present) as opened:
        yield opened


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    keyring = tmp_path / "keyring.json"
    keyring.write_text(json.dumps({"ecom-ledger-desktop\nshop:token": STORE_TOKEN}))
    return Cli(tmp_path / "data", keyring)


def _sent_in_last_session(bench: QbdBench, before: int) -> list[etree._Element]:
    return [etree.fromstring(text.split("?>", 2)[-1].encode())
            for text in bench.company.received[before:]]


def test_reconcile_between_updates_reads_the_copy_then_finds_a_hand_deleted_receipt(
        bench: QbdBench, cli: Cli) -> None:
    bench.store.add_order(order())
    bench.store.add_order(order(shipping="9.00"))
    bench.sync()
    assert bench.session().outcome == "done"  # posts, then reads the company into its copy
    first, second = bench.txns("SalesReceipt")
    number = str(first.data["RefNumber"])

    said = cli.ok("reconcile", PAIR)  # no session open: figures from the copy, not "waiting"
    assert "the books reconcile to 0.00" in said and STAMP.search(said), said

    bench.company.company.delete("SalesReceipt", first.id)  # by hand in QuickBooks
    assert not bench.open_postings(), "nothing waits to be posted"
    before = len(bench.company.received)
    update = bench.session()  # it comes for the read the reconciliation asked for
    assert update.outcome == "done"
    sent = _sent_in_last_session(bench, before)
    reads = [doc for doc in sent if doc.find(".//TxnDeletedQueryRq") is not None]
    assert len(reads) == 1, "the fresh read is one exchange"
    assert not any(doc.find(".//SalesReceiptAddRq") is not None for doc in sent)
    assert not reads[0].findall(".//TxnDateRangeFilter"), "only what changed is read"

    proc = cli.run("reconcile", PAIR)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert f"{number}: deleted in the ledger by hand" in proc.stdout
    assert f"--repost {number}" in proc.stdout and STAMP.search(proc.stdout)
    data = cli.json("reconcile", PAIR, code=3)
    assert data["ledger_read_at"] and STAMP.search(data["ledger_read"])
    csv_path = cli.data_dir.parent / "books.csv"
    cli.run("reconcile", PAIR, "--csv", str(csv_path))
    header, read_row = csv_path.read_text(encoding="utf-8").splitlines()[:2]
    assert header.startswith("row,day") and read_row.startswith("ledger_read,")
    assert STAMP.search(read_row)

    said = cli.ok("reconcile", PAIR, "--repost", number)
    assert "waits to be posted again when QuickBooks Desktop is next connected" in said
    assert len(bench.txns("SalesReceipt")) == 1, "nothing is sent between updates"
    assert bench.session().outcome == "done"
    numbers = [str(r.data["RefNumber"]) for r in bench.txns("SalesReceipt")]
    assert sorted(numbers) == sorted([number, str(second.data["RefNumber"])])
    said = cli.ok("reconcile", PAIR)
    assert "the books reconcile to 0.00" in said
    assert bench.session().outcome == "done"  # the read it asked for; nothing posted twice
    assert [str(r.data["RefNumber"]) for r in bench.txns("SalesReceipt")].count(number) == 1


def test_the_dashboard_check_between_updates_gives_figures_with_their_time(
        bench: QbdBench) -> None:
    bench.store.add_order(order())
    bench.sync()
    [waiting] = check_books(bench.service)
    assert waiting.result is None and "has not been read back yet" in waiting.unavailable
    assert bench.session().outcome == "done"
    [pair] = check_books(bench.service)
    assert pair.result is not None and pair.result.reconciled
    assert STAMP.search(pair.result.read_note())
    with bench.service.context(bench.pair_id) as ctx:
        assert reconcile(ctx).as_of is not None


def test_an_automatic_check_asks_for_a_fresh_read_only_once_the_copy_is_half_an_hour_old(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    """The dashboard checks the books after every sync: a copy the last update read minutes ago
    answers it without bringing QuickBooks up again (each update can start QuickBooks in the
    background); once the copy is 30 minutes old the next update reads it afresh."""
    clock = ManualClock(datetime.now(UTC))
    (tmp_path / "data").mkdir()
    with open_bench(tmp_path / "data", reference_if_present, clock=clock) as bench:
        bench.store.add_order(order())
        bench.sync()
        assert bench.session().outcome == "done"  # posts, then reads the copy
        [pair] = check_books(bench.service)
        assert pair.result is not None and pair.result.reconciled
        assert "once it is 30 minutes old" in pair.result.read_note()
        assert bench.session().outcome == "no_work", "a fresh copy brings no update"

        clock.advance(31 * 60)
        [pair] = check_books(bench.service)
        assert pair.result is not None and "the next update reads it again" in \
            pair.result.read_note()
        assert bench.session().outcome == "done", "the stale copy is read at the next update"


def test_the_merchants_own_reconcile_asks_for_a_fresh_read_however_recent_the_copy(
        bench: QbdBench) -> None:
    bench.store.add_order(order())
    bench.sync()
    assert bench.session().outcome == "done"
    with bench.service.context(bench.pair_id) as ctx:
        result = reconcile(ctx, fresh=True)
    assert "the next update reads it again" in result.read_note()
    assert bench.session().outcome == "done"

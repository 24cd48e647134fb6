"""The preview's first line says what it previews: the records waiting to be posted, and how many
of them came new from the store, not a bare "(0 records read)" when the journal already holds
them (a pair holding its runs for approval, previewed again)."""

from __future__ import annotations

from ecom_ledger_desktop.cli.preview_commands import preview_lines
from ecom_ledger_desktop.sync.preview import run_preview
from ecom_ledger_desktop.sync.preview_model import Preview
from tests.sync.conftest import SyncBench, order_spec

SAM = {"email": "sam.lee@example.com", "firstname": "Sam", "lastname": "Lee"}


def preview(bench: SyncBench) -> Preview:
    with bench.service.context(bench.pair_id) as ctx:
        return run_preview(ctx)


def test_a_repeat_preview_says_the_orders_wait_and_none_are_new(bench: SyncBench) -> None:
    bench.set_rules(posting_approval="hold")
    for _ in range(3):
        bench.store.add_order(order_spec())
    assert bench.sync().held == 3  # journaled, held for approval

    seen = preview(bench)

    assert seen.fetched == 0 and len(seen.documents) == 3
    first = preview_lines(seen)[0]
    assert "records read" not in first
    assert ("(3 orders waiting to be posted, none new from the store since the last sync)"
            in first), first


def test_a_first_preview_says_how_many_came_new_from_the_store(bench: SyncBench) -> None:
    bench.store.add_order(order_spec())
    bench.store.add_order(order_spec(customer=SAM))

    first = preview_lines(preview(bench))[0]

    assert ("(2 orders waiting to be posted, 2 new or changed in the store since the last "
            "sync)") in first, first


def test_nothing_to_post_is_said_plainly(bench: SyncBench) -> None:
    first = preview_lines(preview(bench))[0]
    assert "(nothing waiting to be posted, none new from the store since the last sync)" in first

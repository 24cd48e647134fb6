"""The error queue and the mapping editor on FreshBooks (``LedgerCatalog``): the clients a buyer
matches twice side by side and the one picked gets the order; an unknown SKU is offered the
FreshBooks items, created on demand; the mapping editor lists FreshBooks' items."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ecom_ledger_desktop.sync.error_details import load_details
from ecom_ledger_desktop.sync.mapping_suggestions import MappingSession
from tests.connectors.freshbooks.bench import CATALOG, FreshBench, open_bench, order


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[FreshBench]:
    with open_bench(tmp_path) as opened:
        yield opened


def test_the_buyer_known_twice_is_shown_side_by_side_and_the_pick_gets_the_order(
        bench: FreshBench) -> None:
    twins = [bench.ledger.add("clients", {"email": "jane.doe@example.com", "fname": "Jane",
                                          "lname": "Doe", "organization": org})
             for org in ("Jane Doe", "Doe Studio")]
    bench.store.add_order(order())
    assert bench.sync().status == "flagged"
    [entry] = bench.open_errors()
    with bench.service.context(bench.pair_id) as ctx:
        details = load_details(ctx, entry.id)
    assert {c.id for c in details.candidates} == {str(t["id"]) for t in twins}
    assert details.lookup_error == ""
    assert details.title == "Customer matches several FreshBooks customers"  # the pair's brand
    chosen = str(twins[1]["id"])
    outcome = bench.service.fix(entry.id, "pick_customer", chosen)
    assert outcome.outcome == "posted", outcome
    [invoice] = bench.live("invoices")
    assert str(invoice["customerid"]) == chosen and len(bench.live("clients")) == 2


def test_an_unknown_sku_is_offered_freshbooks_items_and_created_on_demand(
        bench: FreshBench) -> None:
    bench.store.add_order(order(lines=[{"sku": "NEW-MUG", "name": "Canvas Tote Mug", "qty": 1,
                                        "price": "12.00"}]))
    assert bench.sync().status == "flagged"
    [entry] = bench.open_errors()
    assert entry.code == "unmapped_sku"
    assert load_details_title(bench, entry.id) == "Product not in FreshBooks"
    with bench.service.context(bench.pair_id) as ctx:
        details = load_details(ctx, entry.id)
        session = MappingSession.for_context(ctx)
        session.load()
    assert {name for _, name, _ in CATALOG} <= {item.name for item in session.items}
    assert details.item_suggestions  # ranked FreshBooks items
    assert bench.service.fix(entry.id, "create_item").outcome == "posted"
    assert any(i["sku"] == "NEW-MUG" for i in bench.live("items"))


def load_details_title(bench: FreshBench, entry_id: int) -> str:
    with bench.service.context(bench.pair_id) as ctx:
        return load_details(ctx, entry_id, use_ledger=False).title


def test_titles_and_lookup_failures_speak_the_ledger_brand() -> None:
    from ecom_ledger_desktop.sync.error_details import not_asked, problem_title

    assert problem_title("outcome_unknown", "FreshBooks") == "Sent, but FreshBooks' answer was lost"
    assert problem_title("ledger_rejected") == "The books refused it"  # a ledger not known
    assert not_asked("the books", "timeout") == "The books could not be asked: timeout"

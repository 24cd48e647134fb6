"""Every store: an order the connector cannot read is shown in the error queue as the merchant
knows it (its number, buyer, lines and total from the staged raw copy, read by the store kind's
``order_summary``), with where to correct it in that store's back office."""

from __future__ import annotations

from decimal import Decimal

from ecom_ledger_desktop.connectors.registry import KINDS
from ecom_ledger_desktop.sync.error_details import entry_details
from tests.contract.conftest import ContractBench


def test_an_unreadable_order_shows_its_number_buyer_and_lines(bench: ContractBench) -> None:
    store = bench.store
    kind = KINDS[store.name]
    assert kind.order_summary and kind.orders_in_back_office, "the kind declares both"
    bad = store.case_order(None, store.unreadable_total, email="ann.lee@example.com",
                           first_name="Ann", last_name="Lee")
    store.advance(2)
    good = store.case_order(None, None, email="good.buyer@example.com", first_name="Good",
                            last_name="Buyer")
    bench.sync()
    [entry] = bench.open_errors()
    assert entry.code == "invalid_data" and entry.source_id == bad
    assert entry.record_ref == store.order_number(bad), "named by the number the merchant knows"
    state = bench.state()
    try:
        details = entry_details(state, entry.id)
    finally:
        state.close()
    assert details.store_kind == store.name
    order = details.order
    assert order is not None, f"{store.name}'s order_summary reads its staged raw order"
    assert order.number == store.order_number(bad)
    assert order.email == "ann.lee@example.com" and order.customer_name == "Ann Lee"
    assert [line.sku for line in order.lines] == ["MB-TOTE-BLK", "WB-BOTTLE"]
    assert [line.qty for line in order.lines] == [Decimal(2), Decimal(1)]
    assert order.created_at and order.status and order.payment_method
    assert order.currency == "USD"
    posted = [d for d in bench.docs("SalesReceipt") if f":order:{good}:" in d["PrivateNote"]]
    assert len(posted) == 1, "the good order next to it posts"

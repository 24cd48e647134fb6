""""Create it in QuickBooks" for an item the posting rules name but the company lacks (a gift card
item, the item for refunds of goods not returned): created on the account its line books to,
once, and every record waiting on it is posted."""

from __future__ import annotations

import pytest

from ecom_ledger_desktop.sync.fixes import FixError, line_item_kind
from tests.sync.conftest import SyncBench, order_spec

GIFT_CARD_LINE = {"sku": "GIFT-CARD-25", "name": "Gift Card $25", "qty": 1, "price": "25.00",
                  "type": "giftcard"}


def test_creating_a_missing_gift_card_item_books_it_to_a_liability_and_posts_every_waiting_order(
        bench: SyncBench) -> None:
    bench.set_rules(gift_card_item="Gift Certificates")  # not in the company
    for _ in range(2):
        bench.store.add_order(order_spec(lines=[GIFT_CARD_LINE], shipping="0",
                                         payment_method="braintree"))
    bench.sync()
    entries = bench.open_errors()
    assert [(e.code, e.detail) for e in entries] == [
        ("missing_reference", "Gift Certificates")] * 2
    assert "create_item" in [f.action for f in entries[0].fixes]

    result = bench.service.fix(entries[0].id, "create_item")

    assert (result.outcome, result.others_posted) == ("posted", 1)
    assert result.message.startswith("Created item 'Gift Certificates' in ")
    assert bench.open_errors() == [] and len(bench.docs("SalesReceipt")) == 2
    [item] = [i for i in bench.ledger.entities("Item") if i["Name"] == "Gift Certificates"]
    account = next(a for a in bench.ledger.entities("Account")
                   if a["Id"] == item["IncomeAccountRef"]["value"])
    assert account["AccountType"] == "Other Current Liability", "a card sold is not revenue"


def test_create_item_refuses_a_name_no_line_of_the_record_uses(bench: SyncBench) -> None:
    bench.set_rules(gift_card_item="Gift Certificates")
    bench.store.add_order(order_spec(lines=[GIFT_CARD_LINE], shipping="0",
                                     payment_method="braintree"))
    bench.sync()
    [entry] = bench.open_errors()
    state = bench.state()
    try:
        with state.tx():
            state.conn.execute("UPDATE error_queue SET detail = 'Unknown thing' WHERE id = ?",
                               (entry.id,))
    finally:
        state.close()
    with pytest.raises(FixError, match=r"no line of .* uses an item called 'Unknown thing'"):
        bench.service.fix(entry.id, "create_item")
    assert not [i for i in bench.ledger.entities("Item") if i["Name"] == "Unknown thing"]


def test_the_missing_item_of_a_refund_without_return_is_the_unreturned_kind() -> None:
    refund = {"document": {"kind": "refund_receipt", "lines": [
        {"kind": "product", "item": {"item_key": "sku:24-MG04"}, "restock": False},
        {"kind": "fee", "item": {"ledger_name": "Fees"}, "restock": None}]}}
    assert line_item_kind(refund, "Returns not restocked") == "unreturned"
    assert line_item_kind(refund, "Fees") == "fee"
    sale = {"document": {"kind": "sales_receipt", "lines": [
        {"kind": "product", "item": {"item_key": "sku:24-MG04"}, "restock": None}]}}
    assert line_item_kind(sale, "Returns not restocked") is None

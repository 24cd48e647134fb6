"""FreshBooks shows an invoice's notes and a payment's note to the customer: the journal key
(internal ids) never travels there, only its short reference, and a lost answer is still settled
by searching for that reference."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ecom_ledger_desktop.connectors.ledgers.freshbooks.notes import carries, for_customer, reference
from tests.connectors.freshbooks.bench import FreshBench, open_bench, order


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[FreshBench]:
    with open_bench(tmp_path) as opened:
        yield opened


def test_the_key_becomes_a_short_reference_that_only_its_own_key_matches() -> None:
    key = "1:order:7:bad4ccb2d469:sales_receipt"
    shown = for_customer(f"000000007 from the web store. ecom-ledger key: {key}")
    assert shown == f"000000007 from the web store. {reference(key)}"
    assert reference(key).startswith("Ref. EL-") and len(reference(key)) == 18
    assert carries(shown, key) and not carries(shown, key.replace("7", "8"))
    assert not carries(shown, "") and for_customer("Paid in full.") == "Paid in full."


def test_what_the_customer_reads_names_no_internal_key(bench: FreshBench) -> None:
    order_id = bench.store.add_order(order())
    assert bench.sync().status == "ok"
    bench.store.refund_order(order_id, {"lines": [{"sku": "WB-BOTTLE", "qty": 1}],
                                        "shipping": 0})
    assert bench.sync().status == "ok"
    shown = [bench.live("invoices")[0]["notes"], bench.live("payments")[0]["note"],
             bench.live("credit_notes")[0]["notes"]]
    for text in shown:
        assert "ecom-ledger" not in text and ":order:" not in text and ":refund:" not in text
        assert "Ref. EL-" in text
    number = bench.store.order_json(order_id)["increment_id"]
    assert shown[0].startswith(number)  # the customer still sees which order it is


@pytest.mark.parametrize("lost", ["invoices", "payments"])
def test_an_edited_orders_lost_answer_is_found_by_its_own_reference(
        bench: FreshBench, lost: str) -> None:
    # two revisions of one order carry one number: only the reference tells them apart
    order_id = bench.store.add_order(order(payment_method="purchaseorder", paid=False))
    assert bench.sync().status == "ok"
    bench.store.state.invoice_order(order_id)
    bench.store.state.change_order(order_id, lambda o, now: o.update(updated_at=now))
    bench.ledger.drop_next_writes_after_apply(1, lost)
    bench.sync()
    assert bench.sync().status == "ok", [(e.code, e.message) for e in bench.open_errors()]
    assert len(bench.live("invoices")) == 1 and len(bench.live("payments")) == 1

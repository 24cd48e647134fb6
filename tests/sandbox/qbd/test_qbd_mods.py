"""The company simulator executes SalesReceiptMod / InvoiceMod / CreditMemoMod as QuickBooks
does: the current EditSequence or 3200, lines replaced, totals, balance and stock recomputed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import documents as docs
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import entities, parse
from ecom_ledger_desktop.models.ledger import DocumentKind, SalesDocument
from tests.support.qbd import BOOKS, CUSTOMER, message_set, sale, simulator

NAME = "Jane O'Doe & Sons"


def _run(sim, *requests):
    return parse.parse_response(sim.process(message_set(*requests))).responses


def _three_bags(document: SalesDocument) -> SalesDocument:
    bags = document.lines[0].model_copy(update={"qty": Decimal(3), "amount": Decimal(60),
                                                "tax_amount": Decimal("4.95")})
    return document.model_copy(update={"lines": [bags, *document.lines[1:]],
                                       "total": Decimal("69.95"), "tax_total": Decimal("4.95")})


def _stock(sim) -> Decimal:
    item = sim.company.named("ItemInventory", "MB-1")
    return Decimal(str(item.data["QuantityOnHand"])) if item is not None else Decimal(0)


@pytest.mark.parametrize("kind", ["sales_receipt", "invoice", "credit_memo"])
def test_a_mod_with_the_current_edit_sequence_changes_the_form_in_place(
        reference_dir, kind: DocumentKind) -> None:
    sim = simulator(reference_dir)
    assert _run(sim, entities.customer_request("c", CUSTOMER, NAME, BOOKS))[0].ok
    first = sale("100000002", kind=kind, key="ord-2")
    (added,) = _run(sim, docs.document_request("a", first, NAME, BOOKS))
    [posted] = parse.txn_records(added)
    stock = _stock(sim)
    edited = _three_bags(first)
    (changed,) = _run(sim, docs.document_mod_request("m", edited, NAME, BOOKS, None,
                                                     posted.txn_id, posted.edit_sequence))
    assert changed.ok, changed.message
    [after] = parse.txn_records(changed)
    assert after.txn_id == posted.txn_id and after.edit_sequence != posted.edit_sequence
    total = after.total_amount if kind != "invoice" else \
        (after.subtotal or Decimal(0)) + (after.sales_tax_total or Decimal(0))
    assert total == Decimal("69.95")
    assert len(list(sim.company.all(posted.kind))) == 1  # changed, not added
    sign = 1 if kind == "credit_memo" else -1
    if sim.company.named("ItemInventory", "MB-1") is not None:
        assert _stock(sim) == stock + sign  # one more bag sold (or credited)
    customer = sim.company.named("Customer", NAME)
    assert customer is not None
    owed = {"invoice": Decimal("69.95"), "credit_memo": Decimal("-69.95")}.get(kind, Decimal(0))
    assert Decimal(str(customer.data["Balance"])) == owed


def test_a_mod_with_a_stale_edit_sequence_is_refused_3200_and_changes_nothing(
        reference_dir) -> None:
    sim = simulator(reference_dir)
    assert _run(sim, entities.customer_request("c", CUSTOMER, NAME, BOOKS))[0].ok
    first = sale("100000002", kind="invoice", key="ord-2")
    [posted] = parse.txn_records(_run(sim, docs.document_request("a", first, NAME, BOOKS))[0])
    (stale,) = _run(sim, docs.document_mod_request("m", _three_bags(first), NAME, BOOKS, None,
                                                   posted.txn_id, "1"))
    assert stale.status_code == 3200
    [now] = parse.txn_records(_run(sim, docs.document_mod_request(
        "m2", first, NAME, BOOKS, None, posted.txn_id, posted.edit_sequence))[0])
    assert now.subtotal == Decimal("48.30")  # the stale Mod changed nothing

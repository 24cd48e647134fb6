"""Customers and items made inactive after an undo, and active again for a repost, against the
company simulator (which holds Mods to the current EditSequence, and refuses an inactive
customer or item on a new form with 3140, as QuickBooks does)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from ecom_ledger_desktop.connectors.base import PostedRef, RetiringLedger, UndoCheckingLedger
from ecom_ledger_desktop.connectors.ledgers.qbd.ledger import QbdLedger
from ecom_ledger_desktop.connectors.ledgers.qbd.mailbox import MemoryNames
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import documents as docs
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import entities, parse
from ecom_ledger_desktop.connectors.ledgers.qbd.recovery import LostBatches
from ecom_ledger_desktop.core.errors import RecordError
from ecom_ledger_desktop.models.ledger import LedgerItem
from ecom_ledger_desktop.sandbox.qbd import QbdCompanySimulator
from ecom_ledger_desktop.sandbox.qbd.deposits import deposit
from tests.support.qbd import BOOKS, CUSTOMER, message_set, sale, simulator

NAME = "Jane O'Doe & Sons"
ITEM = LedgerItem(key="sku:MUG-1", sku="MUG-1", name="Enamel Mug", unit_price=Decimal("9.5"))


class Direct:
    """A mailbox that hands each message set straight to the company (a session always open)."""

    def __init__(self, sim: QbdCompanySimulator) -> None:
        self.sim, self.lost_batches, self.preferences = sim, LostBatches(), ""
        self.names = MemoryNames()

    def exchange(self, xml: str) -> str:
        return self.sim.process(xml)


@pytest.fixture
def sim(reference_if_present: Path | None) -> QbdCompanySimulator:
    return simulator(reference_if_present)


@pytest.fixture
def ledger(sim: QbdCompanySimulator) -> QbdLedger:
    return QbdLedger(Direct(sim), BOOKS)  # type: ignore[arg-type]


def _add(sim: QbdCompanySimulator, *requests) -> list[parse.Response]:
    return list(parse.parse_response(sim.process(message_set(*requests))).responses)


def _receipt(sim: QbdCompanySimulator, number: str, item: str | None = None) -> parse.TxnRecord:
    document = sale(number, key=f"ord-{number}")
    if item is not None:
        line = document.lines[0]
        document = document.model_copy(update={"lines": [line.model_copy(update={
            "item": line.item.model_copy(update={"ledger_name": item, "item_key": None})}),
            *document.lines[1:]]})
    [added] = _add(sim, docs.document_request(f"r{number}", document, NAME, BOOKS,
                                              lambda line: line.item.ledger_name or "MB-1"))
    assert added.ok, added.message
    return parse.txn_records(added)[0]


def _void(sim: QbdCompanySimulator, record: parse.TxnRecord) -> None:
    from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import transactions

    [voided] = _add(sim, transactions.void("v", record.kind, record.txn_id))
    assert voided.ok, voided.message


def _since() -> datetime:
    return datetime.now(UTC) - timedelta(minutes=5)


def test_qbd_is_a_retiring_and_undo_checking_ledger(ledger: QbdLedger) -> None:
    assert isinstance(ledger, RetiringLedger) and isinstance(ledger, UndoCheckingLedger)


def test_a_customer_only_voided_forms_use_is_made_inactive_and_a_repost_reactivates_it(
        sim: QbdCompanySimulator, ledger: QbdLedger) -> None:
    since = _since()
    name = ledger.ensure_customer(CUSTOMER, "c1")
    _void(sim, _receipt(sim, "100000001"))
    outcome = ledger.retire("customer", name, since, "retire-1")
    assert outcome.retired and outcome.why == f"customer {name} made inactive"
    record = sim.company.named("Customer", name)
    assert record is not None and record.data["IsActive"] == "false"
    assert ledger.retire("customer", name, since, "retire-2").why == f"customer {name} is inactive"
    [refused] = _add(sim, docs.document_request("r2", sale("100000002", key="ord-2"), NAME, BOOKS))
    assert refused.status_code == 3140, "QuickBooks refuses an inactive customer on a new form"

    assert ledger.ensure_customer(CUSTOMER, "c2") == name  # found inactive: made active again
    assert record.data["IsActive"] == "true"
    assert len([c for c in sim.company.all("Customer") if c.name.startswith("Jane")]) == 1
    _receipt(sim, "100000003")


def test_a_customer_a_live_form_uses_or_that_was_there_before_is_kept(
        sim: QbdCompanySimulator, ledger: QbdLedger) -> None:
    name = ledger.ensure_customer(CUSTOMER, "c1")
    live = _receipt(sim, "100000001")
    kept = ledger.retire("customer", name, _since(), "retire-1")
    assert not kept.retired and f"sales receipt {live.ref_number} uses it" in kept.why
    before = ledger.retire("customer", name, datetime.now(UTC) + timedelta(hours=1), "retire-2")
    assert not before.retired and "was in QuickBooks before" in before.why
    record = sim.company.named("Customer", name)
    assert record is not None and record.data["IsActive"] == "true"


def test_an_item_is_made_inactive_when_only_voided_forms_use_it_and_reactivated_for_a_repost(
        sim: QbdCompanySimulator, ledger: QbdLedger) -> None:
    since = _since()
    ledger.ensure_customer(CUSTOMER, "c1")
    item = ledger.ensure_item(ITEM, "create_item", "", "i1")
    used = _receipt(sim, "100000001", item)
    kept = ledger.retire("item", item, since, "retire-1")
    assert not kept.retired and f"sales receipt {used.ref_number} uses it" in kept.why
    _void(sim, used)
    assert ledger.retire("item", item, since, "retire-2").retired
    record = sim.company.named("ItemNonInventory", item)
    assert record is not None and record.data["IsActive"] == "false"
    assert ledger.ensure_item(ITEM, "flag", "", "i2") == item  # reactivated, not flagged
    assert record.data["IsActive"] == "true"


def test_a_stale_edit_sequence_is_read_again_and_the_mod_retried_once(
        sim: QbdCompanySimulator, ledger: QbdLedger) -> None:
    since = _since()
    name = ledger.ensure_customer(CUSTOMER, "c1")
    sim.fail_next("CustomerModRq", 3200, 'The provided edit sequence "1" is out-of-date.')
    assert ledger.retire("customer", name, since, "retire-1").retired
    assert sim.injected["CustomerModRq"] == []
    record = sim.company.named("Customer", name)
    assert record is not None and record.data["IsActive"] == "false"
    sim.fail_next("CustomerModRq", 3200, "stale")
    sim.fail_next("CustomerModRq", 3200, "stale again")
    with pytest.raises(Exception, match="changed"):  # twice stale: left to the next attempt
        ledger.ensure_customer(CUSTOMER, "c2")


def test_the_simulator_holds_item_mods_to_the_current_edit_sequence(
        sim: QbdCompanySimulator) -> None:
    from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.list_mods import active_mod

    [added] = _add(sim, entities.item_request("i", ITEM, "MUG-1", BOOKS))
    [item] = parse.list_records(added)
    [stale] = _add(sim, active_mod(item.kind, "m1", item.list_id, "1", False))
    assert stale.status_code == 3200
    [changed] = _add(sim, active_mod(item.kind, "m2", item.list_id, item.edit_sequence, False))
    [after] = parse.list_records(changed)
    assert not after.is_active and after.edit_sequence != item.edit_sequence
    [by_name] = _add(sim, entities.item_request("again", ITEM, "MUG-1", BOOKS))
    assert by_name.status_code == 3100, "an inactive item keeps its name"


def test_undo_obstacles_name_hand_payments_closed_books_and_edited_receipts(
        sim: QbdCompanySimulator, ledger: QbdLedger) -> None:
    ledger.ensure_customer(CUSTOMER, "c1")
    receipt = _receipt(sim, "100000001")
    untouched = _receipt(sim, "100000004")
    [added] = _add(sim, docs.document_request("inv", sale("100000002", kind="invoice",
                                                          key="ord-2"), NAME, BOOKS))
    [invoice] = parse.txn_records(added)
    refs = [(PostedRef(receipt.txn_id, sync_token="stale"), "sales_receipt"),
            (PostedRef(untouched.txn_id, sync_token=untouched.edit_sequence), "sales_receipt"),
            (PostedRef(invoice.txn_id, sync_token=invoice.edit_sequence), "invoice")]
    assert ledger.undo_obstacles(refs).keys() == {receipt.txn_id}
    assert "changed in QuickBooks" in ledger.undo_obstacles(refs)[receipt.txn_id]
    [paid] = _add(sim, docs.payment_request("pay", _payment(), NAME, invoice.txn_id,
                                            "100000002", BOOKS))
    assert paid.ok, paid.message
    found = ledger.undo_obstacles(refs)
    assert "a payment was recorded on it in QuickBooks" in found[invoice.txn_id]
    ours = [(PostedRef(invoice.txn_id, extra={"payments": parse.txn_records(paid)[0].txn_id}),
             "invoice")]
    assert ledger.undo_obstacles(ours) == {}, "our own payment is voided first"
    deposit(sim.company, [untouched.txn_id])  # the merchant banks it in QuickBooks
    banked = ledger.undo_obstacles(refs[1:2])
    assert "it was deposited in QuickBooks" in banked[untouched.txn_id], banked
    sim.company.closing_date = sim.company.now().date()
    closed = ledger.undo_obstacles(refs[1:2])
    assert "the books are closed up to" in closed[untouched.txn_id]


def _payment():
    from datetime import date

    from ecom_ledger_desktop.models.ledger import LedgerPayment

    return LedgerPayment(customer_key=CUSTOMER.key, invoice_posting_key="ord-2",
                         amount=Decimal("10.00"), txn_date=date(2024, 5, 9), currency="USD",
                         payment_method="Check", private_note="by hand")


def test_a_record_error_from_quickbooks_is_raised_for_items_it_cannot_change(
        sim: QbdCompanySimulator, ledger: QbdLedger) -> None:
    from ecom_ledger_desktop.connectors.ledgers.qbd.retire import set_active

    tax = next(iter(sim.company.all("ItemSalesTax")), None)
    if tax is None:
        pytest.skip("no sales tax item seeded")
    record = parse.ListRecord("ItemSalesTax", tax.id, str(tax.data["EditSequence"]), tax.name,
                              tax.name, is_active=False)
    with pytest.raises(RecordError, match="make it active in QuickBooks"):
        set_active(ledger._ask, "item", record, True, "x")


def test_quickbooks_refusing_the_mod_is_a_record_error_the_undo_reports_as_kept(
        sim: QbdCompanySimulator, ledger: QbdLedger) -> None:
    since = _since()
    name = ledger.ensure_customer(CUSTOMER, "c1")
    sim.fail_next("CustomerModRq", 3171, "There was an error when modifying a Customer. "
                                         "QuickBooks error message: it has an open balance")
    with pytest.raises(RecordError, match="open balance"):
        ledger.retire("customer", name, since, "retire-1")
    record = sim.company.named("Customer", name)
    assert record is not None and record.data["IsActive"] == "true"


def test_an_items_forms_are_read_a_chunk_at_a_time_until_one_uses_it(
        sim: QbdCompanySimulator, ledger: QbdLedger, monkeypatch: pytest.MonkeyPatch) -> None:
    from ecom_ledger_desktop.connectors.ledgers.qbd import retire

    monkeypatch.setattr(retire, "CHUNK", 1)
    since = _since()
    ledger.ensure_customer(CUSTOMER, "c1")
    item = ledger.ensure_item(ITEM, "create_item", "", "i1")
    for number in ("100000001", "100000002"):
        _receipt(sim, number)  # forms without the item come first
    last = _receipt(sim, "100000003", item)
    kept = ledger.retire("item", item, since, "retire-1")
    assert not kept.retired and f"sales receipt {last.ref_number} uses it" in kept.why
    assert sim.iterators == {}, "every iterator finished or stopped"
    first_user = _receipt(sim, "100000004", item)
    _void(sim, last)
    with sim.company.lock:  # the newest form uses it: found in the first chunk, the rest stopped
        sim.company.records["SalesReceipt"] = dict(sorted(
            sim.company.records["SalesReceipt"].items(), key=lambda kv: kv[0] != first_user.txn_id))
    kept = ledger.retire("item", item, since, "retire-2")
    assert f"sales receipt {first_user.ref_number} uses it" in kept.why
    assert sim.iterators == {}


def test_a_customer_renamed_in_quickbooks_is_left_alone(
        sim: QbdCompanySimulator, ledger: QbdLedger) -> None:
    name = ledger.ensure_customer(CUSTOMER, "c1")
    record = sim.company.named("Customer", name)
    assert record is not None
    record.data["Name"] = record.data["FullName"] = "Jane (renamed)"
    outcome = ledger.retire("customer", name, _since(), "retire-1")
    assert not outcome.retired and "renamed or deleted there" in outcome.why
    assert record.data["IsActive"] == "true"

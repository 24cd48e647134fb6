"""QboLedger end to end over loopback HTTP against the QuickBooks Online simulator."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal

import pytest

from ecom_ledger_desktop.connectors.base import PostedRef, PostedWithProblem
from ecom_ledger_desktop.connectors.ledgers.qbo import QboLedger
from ecom_ledger_desktop.core.errors import FatalError, RecordError, UncertainOutcome
from ecom_ledger_desktop.models.commerce import StockLevel
from ecom_ledger_desktop.models.ledger import (
    DocumentLine,
    ItemRef,
    LedgerCustomer,
    LedgerItem,
    LedgerPayment,
)
from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from tests.connectors.qbo_support import (
    CONNECTION,
    JANE,
    ONE_SHOT,
    OnFirstUpdate,
    RecordingTransport,
    TotalRewriter,
    make_ledger,
    make_tokens,
    money,
    mug_sku,
    recording_store,
    resolve,
    resolve_again,
    sale,
    seeded,
)


def test_sales_receipt_total_equals_document_total(ledger: QboLedger, sim: QboSimulator) -> None:
    document = sale()
    posted = ledger.create_document(document, resolve(ledger, sim), "post:1001")
    assert posted.total == Decimal("30.46") == document.total
    assert posted.doc_number == "1001" and posted.extra == {"entity": "SalesReceipt"}
    [stored] = sim.entities("SalesReceipt")
    assert money(stored["TotalAmt"]) == Decimal("30.46")
    assert "pk:1001" in stored["PrivateNote"]
    assert stored["DepositToAccountRef"]["name"] == "Undeposited Funds"
    assert stored["PaymentMethodRef"]["name"] == "Visa"
    discount = [line for line in stored["Line"] if line["DetailType"] == "DiscountLineDetail"]
    assert [money(line["Amount"]) for line in discount] == [Decimal("3.00")]


def test_total_quickbooks_would_compute_differently_is_flagged_before_sending(
        ledger: QboLedger, sim: QboSimulator) -> None:
    # Before: the receipt was created at 30.46 and flagged afterwards, so it stayed in the books.
    document = sale().model_copy(update={"total": Decimal("30.47")})
    with pytest.raises(RecordError) as caught:
        ledger.create_document(document, resolve(ledger, sim), "post:1001")
    problem = caught.value.problem
    assert problem.code == "total_mismatch"
    assert "30.46" in problem.message and "30.47" in problem.message
    assert "nothing was posted" in problem.message
    assert sim.entities("SalesReceipt") == []


def test_total_read_back_differently_is_flagged_with_the_posted_document(
        sim: QboSimulator, store: MemorySecretStore) -> None:
    ledger = make_ledger(sim, store, transport=TotalRewriter("30.50"))
    try:
        with pytest.raises(PostedWithProblem) as caught:
            ledger.create_document(sale(), resolve(ledger, sim), "post:1001")
    finally:
        ledger.close()
    problem = caught.value.problem
    assert problem.code == "total_mismatch"
    assert "30.50" in problem.message and "30.46" in problem.message
    assert problem.fixes[0].action == "void_and_repost"
    assert caught.value.posted.ledger_id == sim.entities("SalesReceipt")[0]["Id"]


def test_uncertain_create_is_found_by_key_not_posted_twice(store: MemorySecretStore,
                                                           sim: QboSimulator) -> None:
    ledger = make_ledger(sim, store, policy=ONE_SHOT)  # let the lost answer reach us
    resolution = resolve(ledger, sim)
    document = sale()
    sim.drop_next_writes_after_apply(1)
    with pytest.raises(UncertainOutcome):
        ledger.create_document(document, resolution, "post:1001")
    found = ledger.find_posted("pk:1001", document)
    assert found is not None and found.total == Decimal("30.46")
    assert ledger.find_posted("pk:other", document) is None
    assert len(sim.entities("SalesReceipt")) == 1


def test_uncertain_customer_create_searches_before_creating_again(store: MemorySecretStore,
                                                                  sim: QboSimulator) -> None:
    ledger = make_ledger(sim, store, policy=ONE_SHOT)
    before = len(sim.entities("Customer"))
    sim.drop_next_writes_after_apply(1)
    customer_id = ledger.ensure_customer(JANE, "cust:jane")
    customers = sim.entities("Customer")
    assert len(customers) == before + 1
    assert customers[-1]["Id"] == customer_id


def test_same_request_id_never_creates_twice(ledger: QboLedger, sim: QboSimulator) -> None:
    resolution = resolve(ledger, sim)
    sim.drop_next_writes_after_apply(1)  # the first answer is lost; the retry is replayed
    first = ledger.create_document(sale(), resolution, "post:1001")
    again = ledger.create_document(sale(), resolution, "post:1001")
    assert first.ledger_id == again.ledger_id
    assert len(sim.entities("SalesReceipt")) == 1
    assert sim.stats()["replayed"] >= 2


def test_invoice_then_payment_clears_balance(ledger: QboLedger, sim: QboSimulator) -> None:
    resolution = resolve(ledger, sim)
    invoice = ledger.create_document(sale(kind="invoice"), resolution, "post:inv")
    assert invoice.extra["entity"] == "Invoice"
    payment = LedgerPayment(customer_key=JANE.key, invoice_posting_key="pk:1001",
                            amount=Decimal("30.46"), txn_date=date(2026, 2, 5), currency="USD",
                            payment_method="Check", private_note="Payment [pk:pay:1001]")
    paid = ledger.create_payment(payment, invoice, resolution, "pay:1001")
    assert paid.total == Decimal("30.46") and paid.extra["entity"] == "Payment"
    [stored] = sim.entities("Invoice")
    assert money(stored["Balance"]) == 0
    found = ledger.find_posted("pk:pay:1001", payment)
    assert found is not None and found.ledger_id == paid.ledger_id


def test_update_uses_synctoken_and_replaces_lines(ledger: QboLedger, sim: QboSimulator) -> None:
    resolution = resolve(ledger, sim)
    posted = ledger.create_document(sale(), resolution, "post:1001")
    edited = sale().model_copy(update={
        "lines": [DocumentLine(kind="item", item=ItemRef(item_key="sku:MB-1"),
                               qty=Decimal(3), unit_price=Decimal("12.50"),
                               amount=Decimal("37.50"))],
        "total": Decimal("37.50")})
    updated = ledger.update_document(posted, edited, resolution, "update:1001:1")
    assert updated.ledger_id == posted.ledger_id
    assert updated.sync_token == "1" and updated.total == Decimal("37.50")
    [stored] = sim.entities("SalesReceipt")
    items = [line for line in stored["Line"] if line["DetailType"] == "SalesItemLineDetail"]
    assert len(items) == 1 and money(items[0]["SalesItemLineDetail"]["Qty"]) == 3
    assert not [line for line in stored["Line"] if line["DetailType"] == "DiscountLineDetail"]
    # A stale SyncToken in our hands does not matter: the current one is read first.
    again = ledger.update_document(posted, sale(), resolution, "update:1001:2")
    assert again.sync_token == "2" and again.total == Decimal("30.46")


def test_closed_period_update_offers_void_and_repost(ledger: QboLedger, sim: QboSimulator) -> None:
    resolution = resolve(ledger, sim)
    posted = ledger.create_document(sale(txn_date=date(2026, 1, 15)), resolution, "post:1001")
    sim.set_book_close_date("2026-01-31")
    edited = sale(txn_date=date(2026, 1, 15)).model_copy(update={"total": Decimal("30.46")})
    with pytest.raises(RecordError) as caught:
        ledger.update_document(posted, edited, resolution, "update:1001:1")
    problem = caught.value.problem
    assert problem.code == "closed_period"
    assert problem.message.startswith("The books are closed for 2026-01-15")
    assert "void_and_repost" in [fix.action for fix in problem.fixes]


def test_void_zeroes_the_document(ledger: QboLedger, sim: QboSimulator) -> None:
    resolution = resolve(ledger, sim)
    posted = ledger.create_document(sale(), resolution, "post:1001")
    voided = ledger.void_document(posted, "sales_receipt", "void:1001")
    assert voided.ledger_id == posted.ledger_id and voided.total == 0


def test_existing_customer_matched_by_email(ledger: QboLedger, sim: QboSimulator) -> None:
    [amy] = seeded(sim, "birds@example.com")
    before = len(sim.entities("Customer"))
    shopper = LedgerCustomer(key="email:birds@example.com", display_name="Amy Lauterbach",
                             email="  Birds@Example.COM ")
    assert ledger.ensure_customer(shopper, "cust:amy") == amy["Id"]
    assert len(sim.entities("Customer")) == before


def test_existing_customer_matched_by_name_and_postcode(ledger: QboLedger,
                                                        sim: QboSimulator) -> None:
    [amy] = seeded(sim, "birds@example.com")
    same = LedgerCustomer(key="name:amy", display_name="Amy's Bird Sanctuary", postcode="94326")
    assert ledger.ensure_customer(same, "cust:amy") == amy["Id"]
    elsewhere = LedgerCustomer(key="name:amy2", display_name="Amy's Bird Sanctuary",
                               email="amy@elsewhere.example", postcode="10001")
    other = ledger.ensure_customer(elsewhere, "cust:amy2")
    assert other != amy["Id"]
    created = next(c for c in sim.entities("Customer") if c["Id"] == other)
    assert created["DisplayName"] == "Amy's Bird Sanctuary (amy@elsewhere.example)"


def test_two_customers_with_one_email_is_flagged_duplicate(ledger: QboLedger,
                                                           sim: QboSimulator) -> None:
    pair = seeded(sim, "jordan.rivera@example.com")
    assert len(pair) == 2
    before = len(sim.entities("Customer"))
    shopper = LedgerCustomer(key="email:jordan.rivera@example.com", display_name="Jordan Rivera",
                             email="jordan.rivera@example.com")
    with pytest.raises(RecordError) as caught:
        ledger.ensure_customer(shopper, "cust:jordan")
    problem = caught.value.problem
    assert problem.code == "duplicate_customer"
    assert "jordan.rivera@example.com" in problem.message
    for customer in pair:
        assert customer["DisplayName"] in problem.message
    assert "pick_customer" in [fix.action for fix in problem.fixes]
    assert len(sim.entities("Customer")) == before


def test_inactive_customer_is_reactivated_not_duplicated(ledger: QboLedger,
                                                         sim: QboSimulator) -> None:
    [old] = seeded(sim, "old@example.com")
    assert old["Active"] is False
    before = len(sim.entities("Customer"))
    shopper = LedgerCustomer(key="email:old@example.com", display_name="Old Shop Customer",
                             email="old@example.com")
    assert ledger.ensure_customer(shopper, "cust:old") == old["Id"]
    [now] = seeded(sim, "old@example.com")
    assert now["Active"] is True
    assert len(sim.entities("Customer")) == before


def test_customer_fields_are_cleaned_to_qbo_rules(ledger: QboLedger, sim: QboSimulator) -> None:
    messy = LedgerCustomer(key="email:x@example.com", display_name="Ann:\tSmith\nLtd\x07",
                           given_name="A" * 150, email="x@example.com", phone="+1 " + "5" * 40)
    customer_id = ledger.ensure_customer(messy, "cust:x")
    created = next(c for c in sim.entities("Customer") if c["Id"] == customer_id)
    assert created["DisplayName"] == "Ann--Smith-Ltd"
    assert len(created["GivenName"]) == 100
    assert len(created["PrimaryPhone"]["FreeFormNumber"]) == 30


def test_unmapped_sku_flag_policy(ledger: QboLedger, sim: QboSimulator) -> None:
    before = len(sim.entities("Item"))
    gadget = LedgerItem(key="sku:GAD-9", sku="GAD-9", name="Gadget")
    with pytest.raises(RecordError) as caught:
        ledger.ensure_item(gadget, "flag", "Sales", "item:GAD-9")
    problem = caught.value.problem
    assert problem.code == "unmapped_sku"
    assert problem.message.startswith("SKU 'GAD-9' (Gadget) is not in QuickBooks")
    assert [fix.action for fix in problem.fixes] == ["map_sku", "create_item"]
    assert len(sim.entities("Item")) == before


def test_unmapped_sku_create_item_policy(store: MemorySecretStore, ledger: QboLedger,
                                         sim: QboSimulator) -> None:
    gadget = LedgerItem(key="sku:GAD-9", sku="GAD-9", name="Gadget", unit_price=Decimal("9.95"))
    item_id = ledger.ensure_item(gadget, "create_item", "Sales", "item:GAD-9")
    created = next(i for i in sim.entities("Item") if i["Id"] == item_id)
    assert created["Type"] == "NonInventory" and created["Sku"] == "GAD-9"
    assert created["IncomeAccountRef"]["name"] == "Sales of Product Income"
    # A second connector (no cache) finds it by SKU instead of creating another.
    fresh = make_ledger(sim, store)
    try:
        assert fresh.ensure_item(gadget, "create_item", "Sales", "item:GAD-9:again") == item_id
    finally:
        fresh.close()
    assert len([i for i in sim.entities("Item") if i.get("Sku") == "GAD-9"]) == 1


def test_item_without_sku_is_matched_by_name(ledger: QboLedger) -> None:
    shipping = LedgerItem(key="sku:SHIP", sku="SHIP", name="Shipping")
    assert ledger.ensure_item(shipping, "flag", "Sales", "item:SHIP") == ledger.resolve_name(
        "item", "Shipping")


def test_created_item_whose_name_is_taken_gets_its_sku(ledger: QboLedger,
                                                       sim: QboSimulator) -> None:
    mug_sku(sim)  # "Mug Black" is SKU MB-1; MB-2 is another product with the same name
    clash = LedgerItem(key="sku:MB-2", sku="MB-2", name="Mug Black")
    item_id = ledger.ensure_item(clash, "create_item", "Sales", "item:MB-2")
    created = next(i for i in sim.entities("Item") if i["Id"] == item_id)
    assert created["Name"] == "Mug Black (MB-2)" and created["Sku"] == "MB-2"


def test_standard_item_policy_and_missing_names(ledger: QboLedger) -> None:
    gadget = LedgerItem(key="sku:GAD-9", sku="GAD-9", name="Gadget")
    fees = ledger.resolve_name("item", "Fees")
    assert ledger.ensure_item(gadget, "standard_item", "Fees", "item:GAD-9") == fees
    with pytest.raises(RecordError) as caught:
        ledger.resolve_name("account", "No Such Account")
    assert caught.value.problem.code == "missing_reference"
    assert caught.value.problem.message.startswith(
        "There is no account called 'No Such Account' in QuickBooks")


def test_refresh_token_rotation_is_saved_before_use(sim: QboSimulator) -> None:
    events: list[tuple[str, str]] = []
    recorder = recording_store(sim, events)
    old_refresh = recorder.get(CONNECTION, "refresh_token")
    ledger = make_ledger(sim, recorder, transport=RecordingTransport(events))
    try:
        ledger.resolve_name("account", "Checking")
        assert events[0][0] == "saved" and events[0][1] != old_refresh
        assert events[1][0] == "api"
        assert recorder.get(CONNECTION, "refresh_token") == events[0][1]
        # A day on, the rotated-out token is dead: only the saved one can refresh now.
        sim.clock.advance(24 * 3600 + 1)
        stale = MemorySecretStore()
        stale.set(CONNECTION, "refresh_token", str(old_refresh))
        stale.set(CONNECTION, "client_secret", "sim-secret")
        with pytest.raises(FatalError):
            make_tokens(sim, stale).refresh()
    finally:
        ledger.close()


def test_revoked_refresh_token_needs_reauthorisation_and_leaks_no_secret(
        ledger: QboLedger, sim: QboSimulator, store: MemorySecretStore,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    refresh = str(store.get(CONNECTION, "refresh_token"))
    sim.revoke_refresh_tokens()
    with pytest.raises(FatalError) as caught:
        ledger.resolve_name("account", "Checking")
    error = caught.value
    assert error.needs_reauthorisation
    assert str(error) == ("QuickBooks no longer accepts this app's authorisation for company "
                          "Sandbox Company US. Reconnect QuickBooks in Connections.")
    for secret in (refresh, "sim-secret"):
        assert secret not in str(error)
        assert secret not in repr(error.__context__)
        assert secret not in caplog.text


def test_throttled_request_is_retried(ledger: QboLedger, sim: QboSimulator) -> None:
    ledger.tokens.access_token()
    sim.throttle_next(3)
    assert ledger.resolve_name("account", "Checking")
    assert sim.stats()["throttled"] == 3


def test_cdc_reports_qty_change(ledger: QboLedger, sim: QboSimulator) -> None:
    item_id = mug_sku(sim, qty=10)
    levels, cursor = ledger.changed_stock(None)  # first run: a full inventory query
    assert StockLevel(sku="MB-1", qty=Decimal(10)) in levels
    quiet, cursor = ledger.changed_stock(cursor)
    assert quiet == []
    sim.adjust_qty(item_id, 7)
    changed, later = ledger.changed_stock(cursor)
    assert changed == [StockLevel(sku="MB-1", qty=Decimal(7))]
    assert later >= cursor
    assert sim.stats()["cdc"] == 2


def test_check_reports_company_in_plain_words(ledger: QboLedger) -> None:
    results = ledger.check()
    assert all(result.ok for result in results)
    assert "Sandbox Company US" in results[1].detail
    assert results[2].label == "Company settings"
    assert results[2].detail == ("US company, automated sales tax off, home currency USD, "
                                 "multicurrency on")


def test_check_says_what_failed_when_authorisation_is_gone(ledger: QboLedger,
                                                          sim: QboSimulator) -> None:
    sim.revoke_refresh_tokens()
    [result] = ledger.check()
    assert not result.ok and "Reconnect QuickBooks" in result.detail


def test_posted_ref_type_is_returned(ledger: QboLedger, sim: QboSimulator) -> None:
    posted = ledger.create_document(sale(kind="credit_memo"), resolve(ledger, sim), "post:cm")
    assert isinstance(posted, PostedRef) and posted.extra["entity"] == "CreditMemo"
    refund = sale(kind="refund_receipt", doc_number="R1001", key="pk:r1001")
    refunded = ledger.create_document(refund, resolve_again(ledger), "post:r1001")
    [stored] = sim.entities("RefundReceipt")
    assert refunded.total == Decimal("30.46")
    assert stored["DepositToAccountRef"]["name"] == "Undeposited Funds"


def test_stale_synctoken_is_reread_and_retried_once(sim: QboSimulator,
                                                    store: MemorySecretStore) -> None:
    other = make_ledger(sim, store)
    resolution = resolve(other, sim)
    posted = other.create_document(sale(), resolution, "post:1001")

    def someone_edits_it_in_quickbooks() -> None:
        current = other.client.get("SalesReceipt", posted.ledger_id)
        other.client.update("SalesReceipt", {"Id": posted.ledger_id, "SyncToken":
                                             current["SyncToken"], "PrivateNote":
                                             current["PrivateNote"] + " (checked)"}, "edit:x")

    ledger = make_ledger(sim, store, transport=OnFirstUpdate(someone_edits_it_in_quickbooks))
    try:
        updated = ledger.update_document(posted, sale(), resolution, "update:1001:1")
        assert updated.sync_token == "2"
    finally:
        ledger.close()
        other.close()


def test_inactive_item_is_reactivated_under_create_item(ledger: QboLedger,
                                                        sim: QboSimulator) -> None:
    item_id = mug_sku(sim)
    current = ledger.client.get("Item", item_id)
    ledger.client.update("Item", {"Id": item_id, "SyncToken": current["SyncToken"],
                                  "Active": False}, "deactivate:MB-1")
    mug = LedgerItem(key="sku:MB-1", sku="MB-1", name="Mug Black")
    with pytest.raises(RecordError):
        ledger.ensure_item(mug, "flag", "Sales", "item:MB-1")
    assert ledger.ensure_item(mug, "create_item", "Sales", "item:MB-1") == item_id
    assert ledger.client.get("Item", item_id)["Active"] is True


def test_batch_results_are_matched_by_bid(ledger: QboLedger) -> None:
    results = ledger.client.batch([
        {"bId": "q1", "Query": "SELECT * FROM PaymentMethod WHERE Name = 'Visa'"},
        {"bId": "c1", "operation": "create", "Customer": {"DisplayName": "Batch Buyer"}},
        {"bId": "c2", "operation": "create", "Customer": {"DisplayName": "Amy's Bird Sanctuary"}},
    ], "batch:1")
    assert results["q1"].rows and results["q1"].rows[0]["Name"] == "Visa"
    assert results["c1"].entity == "Customer" and results["c1"].body
    assert results["c2"].fault is not None and results["c2"].fault.code == "6240"
    assert ledger.client.last_intuit_tid

"""QboLedger end to end over loopback HTTP against the QuickBooks Online simulator: customers
(matched by email, by name and postcode, duplicates, reactivated, cleaned) and items (the
unmapped-SKU policies, matched by name, reactivated)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecom_ledger_desktop.connectors.ledgers.qbo import QboLedger
from ecom_ledger_desktop.core.errors import RecordError
from ecom_ledger_desktop.models.ledger import LedgerCustomer, LedgerItem
from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from tests.connectors.qbo_support import make_ledger, mug_sku, seeded


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

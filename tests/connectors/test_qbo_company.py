"""What the QuickBooks company is, and what follows from it, over loopback HTTP.

Company facts (country, sales tax, automated sales tax, home currency, multicurrency) are read
from the simulator's CompanyInfo and Preferences; tax, exchange rates and customers per currency
are checked against what the simulator stores. Where the simulator does not model a rule yet
(automated sales tax honouring TotalTax, VAT codes), the request the client sends is checked.
"""

from __future__ import annotations

import contextlib
import json
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest

from ecom_ledger_desktop.connectors.base import Resolution
from ecom_ledger_desktop.connectors.ledgers.qbo import QboLedger
from ecom_ledger_desktop.core.errors import RecordError
from ecom_ledger_desktop.models.ledger import (
    DocumentLine,
    ItemRef,
    LedgerCustomer,
    LedgerPayment,
    SalesDocument,
)
from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from tests.connectors.qbo_support import JANE, make_ledger, money, resolve

D = Decimal


class RequestLog(httpx.HTTPTransport):
    """Passes requests through and keeps the JSON bodies of writes."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[tuple[str, dict[str, Any]]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.content:
            self.writes.append((request.url.path.rsplit("/", 1)[-1], json.loads(request.content)))
        return super().handle_request(request)

    def sent(self, entity: str) -> list[dict[str, Any]]:
        return [body for path, body in self.writes if path == entity.lower()]


def change_company(ledger: QboLedger, entity: str, values: dict[str, Any]) -> None:
    """Change CompanyInfo / Preferences as the merchant would (sparse update), then re-read."""
    [row] = ledger.client.query_page(f"SELECT * FROM {entity}", 1, 1)
    ledger.client.update(entity, {"Id": row["Id"], "SyncToken": row["SyncToken"], **values},
                         f"set-{entity}-{json.dumps(values, sort_keys=True)}"[:50])
    ledger.facts(refresh=True)


def taxed_sale(tax: str, total: str, *, shipping: bool = True, **fields: Any) -> SalesDocument:
    """One taxable mug line of 100.00, a 10.00 coupon and untaxed shipping of 5.00."""
    lines = [DocumentLine(kind="item", item=ItemRef(item_key="sku:MB-1"), description="Mug",
                          qty=D(8), unit_price=D("12.50"), amount=D("100.00"), taxable=True,
                          tax_amount=D(tax), tax_rate=D("8.25")),
             DocumentLine(kind="shipping", item=ItemRef(ledger_name="Shipping"),
                          amount=D("5.00")),
             DocumentLine(kind="discount", item=ItemRef(ledger_name="Discount"),
                          amount=D("-10.00"))]
    return SalesDocument(
        kind=fields.pop("kind", "sales_receipt"), doc_number=fields.pop("doc_number", "2001"),
        txn_date=date(2026, 11, 30), customer_key=JANE.key, currency="USD", total=D(total),
        private_note="Store order #2001 [pk:2001]",
        deposit_account=fields.pop("deposit_account", "Undeposited Funds"),
        tax_treatment="ledger", tax_total=D(tax), **fields,
        lines=[ln for ln in lines if shipping or ln.kind != "shipping"])


@pytest.fixture
def logged(sim: QboSimulator, store: MemorySecretStore) -> Any:
    log = RequestLog()
    ledger = make_ledger(sim, store, transport=log)
    try:
        yield ledger, log
    finally:
        ledger.close()


def test_facts_are_read_once_and_refreshed_by_a_connection_test(logged: Any) -> None:
    ledger, _log = logged
    facts = ledger.facts()
    assert (facts.country, facts.home_currency, facts.multicurrency) == ("US", "USD", True)
    assert facts.using_sales_tax and not facts.automated_sales_tax
    assert ledger.facts() is facts  # cached: no second read
    change_company(ledger, "Preferences", {"TaxPrefs": {"UsingSalesTax": True,
                                                         "PartnerTaxEnabled": True}})
    [*_, settings, _items] = ledger.check()
    assert settings.detail == ("US company, automated sales tax on, home currency USD, "
                               "multicurrency on")


def test_coupon_order_is_taxed_after_the_discount_in_a_us_company_without_ast(
        logged: Any, sim: QboSimulator) -> None:
    # the trap: taxed before the coupon, QuickBooks totalled more than the store
    # (no shipping: today's simulator computes the tax itself, prorating the coupon over all lines)
    ledger, _log = logged
    document = taxed_sale("7.43", "97.43", tax_code="CA Sales Tax", shipping=False)
    posted = ledger.create_document(document, resolve(ledger, sim), "post:2001")
    assert posted.total == D("97.43")  # taxed before the coupon it was 98.25
    [stored] = sim.entities("SalesReceipt")
    assert stored["ApplyTaxAfterDiscount"] is True
    assert money(stored["TxnTaxDetail"]["TotalTax"]) == D("7.43")
    assert [ln["SalesItemLineDetail"]["TaxCodeRef"]["value"] for ln in stored["Line"]
            if ln["DetailType"] == "SalesItemLineDetail"] == ["TAX"]


def test_ast_company_gets_the_stores_tax_as_total_tax_and_no_tax_item(
        logged: Any, sim: QboSimulator) -> None:
    ledger, log = logged
    change_company(ledger, "Preferences", {"TaxPrefs": {"UsingSalesTax": True,
                                                         "PartnerTaxEnabled": True}})
    resolution = resolve(ledger, sim)
    with contextlib.suppress(RecordError):  # until the simulator honours an explicit TotalTax
        ledger.create_document(taxed_sale("7.43", "102.43"), resolution, "post:2001")
    [sent] = log.sent("SalesReceipt")
    assert sent["TxnTaxDetail"] == {"TotalTax": 7.43}
    assert sent["ApplyTaxAfterDiscount"] is True
    items = [ln["SalesItemLineDetail"] for ln in sent["Line"]
             if ln["DetailType"] == "SalesItemLineDetail"]
    assert [i["TaxCodeRef"]["value"] for i in items] == ["TAX", "NON"]
    assert "Sales Tax" not in {i["ItemRef"]["value"] for i in items}


def test_sales_tax_off_flags_a_taxed_order_and_posts_nothing(
        logged: Any, sim: QboSimulator) -> None:
    ledger, log = logged
    change_company(ledger, "Preferences", {"TaxPrefs": {"UsingSalesTax": False}})
    with pytest.raises(RecordError) as caught:
        ledger.create_document(taxed_sale("7.43", "102.43"), resolve(ledger, sim), "post:2001")
    assert "Sales tax is off in this QuickBooks company" in caught.value.problem.message
    assert log.sent("SalesReceipt") == [] and sim.entities("SalesReceipt") == []


def test_uk_company_lines_carry_real_codes_and_home_currency_is_gbp(logged: Any) -> None:
    ledger, _log = logged
    change_company(ledger, "CompanyInfo", {"Country": "GB"})
    change_company(ledger, "Preferences", {"CurrencyPrefs": {"MultiCurrencyEnabled": True,
                                                              "HomeCurrency": {"value": "GBP"}}})
    facts = ledger.facts()
    assert facts.country == "GB" and facts.home_currency == "GBP" and not facts.is_us
    assert ledger.check()[2].detail.startswith("GB company, sales tax on (tax codes on every line)"
                                               ", home currency GBP")


def eur_sale(doc_number: str, customer: LedgerCustomer) -> SalesDocument:
    return SalesDocument(
        kind="sales_receipt", doc_number=doc_number, txn_date=date(2026, 11, 30),
        customer_key=customer.key, currency="EUR", total=D("99.99"),
        private_note=f"Store order #{doc_number} [pk:{doc_number}]",
        deposit_account="Undeposited Funds", base_currency="USD", base_rate=D("1.0812"),
        base_total=D("108.12"),
        lines=[DocumentLine(kind="item", item=ItemRef(item_key="sku:MB-1"), description="Mug",
                            amount=D("99.99"))])


def test_eur_order_posts_the_stores_rate_to_a_euro_customer_of_its_own(
        logged: Any, sim: QboSimulator) -> None:
    ledger, _log = logged
    usd = resolve(ledger, sim)  # Jane exists in USD now
    euro_jane = JANE.model_copy(update={"currency": "EUR"})
    euro_id = ledger.ensure_customer(euro_jane, "cust:jane:eur")
    assert euro_id != usd.customer_id
    assert ledger.ensure_customer(euro_jane, "cust:jane:eur:again") == euro_id  # cached per currency
    assert ledger.ensure_customer(JANE, "cust:jane") == usd.customer_id
    created = next(c for c in sim.entities("Customer") if c["Id"] == euro_id)
    assert created["DisplayName"] == "Jane Doe (EUR)"
    assert created["CurrencyRef"]["value"] == "EUR"
    resolution = Resolution(customer_id=euro_id, item_ids=usd.item_ids)
    posted = ledger.create_document(eur_sale("3001", euro_jane), resolution, "post:3001")
    assert posted.total == D("99.99")
    [stored] = sim.entities("SalesReceipt")
    assert money(stored["HomeTotalAmt"]) == D("108.12")  # the store's base total, to the cent


def test_euro_customer_is_found_again_by_a_fresh_connection(
        sim: QboSimulator, store: MemorySecretStore, logged: Any) -> None:
    ledger, _log = logged
    resolve(ledger, sim)
    euro_jane = JANE.model_copy(update={"currency": "EUR"})
    euro_id = ledger.ensure_customer(euro_jane, "cust:jane:eur")
    fresh = make_ledger(sim, store)
    try:
        assert fresh.ensure_customer(euro_jane, "cust:jane:eur:2") == euro_id
        fresh.prefetch()
        assert fresh.find_customer(euro_jane.model_copy(update={"key": "k2"})) == euro_id
    finally:
        fresh.close()
    assert len([c for c in sim.entities("Customer")
                if c["DisplayName"].startswith("Jane Doe")]) == 2


def test_invoice_payment_carries_the_transaction_id_and_the_paid_date(
        logged: Any, sim: QboSimulator) -> None:
    ledger, _log = logged
    resolution = resolve(ledger, sim)
    invoice = taxed_sale("7.43", "97.43", kind="invoice", tax_code="CA Sales Tax",
                         deposit_account=None, shipping=False)
    posted = ledger.create_document(invoice, resolution, "post:inv")
    payment = LedgerPayment(customer_key=JANE.key, invoice_posting_key="pk:2001",
                            amount=D("97.43"), txn_date=date(2026, 12, 4), currency="USD",
                            payment_ref="bank-transfer-0042")
    paid = ledger.create_payment(payment, posted, resolution, "pay:2001")
    stored = next(p for p in sim.entities("Payment") if p["Id"] == paid.ledger_id)
    assert stored["PaymentRefNum"] == "bank-transfer-0042"
    assert stored["TxnDate"] == "2026-12-04"


def test_gift_card_item_is_created_on_the_liability_account_only_when_allowed(
        logged: Any, sim: QboSimulator) -> None:
    ledger, _log = logged
    with pytest.raises(RecordError) as caught:
        ledger.ensure_line_item("gift_card", "Gift Cards Sold", "flag", "gc:1")
    message = caught.value.problem.message
    assert "'Gift Cards Sold'" in message and "Other Current Liability" in message
    assert "unmapped_sku_policy create_item" in message
    item_id = ledger.ensure_line_item("gift_card", "Gift Cards Sold", "create_item", "gc:1")
    item = next(i for i in sim.entities("Item") if i["Id"] == item_id)
    assert item["Type"] == "Service"
    account = next(a for a in sim.entities("Account")
                   if a["Id"] == item["IncomeAccountRef"]["value"])
    assert account["Name"] == "Gift Card Liability"
    assert account["AccountType"] == "Other Current Liability"
    assert ledger.ensure_line_item("redemption", "Gift Cards Sold", "flag", "gc:2") == item_id


class ReturnLine(DocumentLine):
    """A refund line saying whether the goods went back to stock (the flag G1 adds)."""

    restock: bool = True


def refund(restock: bool) -> SalesDocument:
    return SalesDocument(
        kind="refund_receipt", doc_number="R-2001", txn_date=date(2026, 12, 2),
        customer_key=JANE.key, currency="USD", total=D("25.00"),
        private_note="Refund of order #2001 [pk:r2001]", deposit_account="Undeposited Funds",
        lines=[ReturnLine(kind="item", item=ItemRef(item_key="sku:MB-1"), description="Mug",
                          qty=D(2), unit_price=D("12.50"), amount=D("25.00"),
                          restock=restock)])


def test_refund_of_goods_not_returned_puts_no_stock_back(logged: Any, sim: QboSimulator) -> None:
    ledger, _log = logged
    resolution = resolve(ledger, sim)  # 10 mugs on hand
    ledger.unreturned_item = "Goods not returned"  # the seeded company has "Returns not restocked"
    with pytest.raises(RecordError) as caught:
        ledger.create_document(refund(restock=False), resolution, "post:r1")
    assert "'Goods not returned'" in caught.value.problem.message
    ledger.item_policy = "create_item"
    ledger.create_document(refund(restock=False), resolution, "post:r1")
    mug = next(i for i in sim.entities("Item") if i.get("Sku") == "MB-1")
    assert money(mug["QtyOnHand"]) == D(10)
    [stored] = sim.entities("RefundReceipt")
    [line] = [ln for ln in stored["Line"] if ln["DetailType"] == "SalesItemLineDetail"]
    assert line["SalesItemLineDetail"]["ItemRef"]["name"] == "Goods not returned"
    ledger.create_document(refund(restock=True).model_copy(update={"doc_number": "R-2002"}),
                           resolution, "post:r2")
    mug = next(i for i in sim.entities("Item") if i.get("Sku") == "MB-1")
    assert money(mug["QtyOnHand"]) == D(12)


def test_a_batch_flags_the_document_quickbooks_would_total_differently_and_posts_the_rest(
        logged: Any, sim: QboSimulator) -> None:
    ledger, _log = logged
    resolution = resolve(ledger, sim)
    good = taxed_sale("7.43", "97.43", tax_code="CA Sales Tax", shipping=False)
    bad = good.model_copy(update={"doc_number": "2002", "total": D("98.25")})
    outcome = ledger.create_documents([("pk:good", good, resolution),
                                       ("pk:bad", bad, resolution)], "batch:1")
    assert isinstance(outcome["pk:bad"], RecordError)
    assert outcome["pk:bad"].problem.code == "total_mismatch"
    assert not isinstance(outcome["pk:good"], RecordError)
    assert [r["DocNumber"] for r in sim.entities("SalesReceipt")] == ["2001"]


def test_standard_customer_is_one_per_currency(logged: Any, sim: QboSimulator) -> None:
    ledger, _log = logged
    standard = LedgerCustomer(key="standard:Web Store Customer", display_name="Web Store Customer")
    usd_id = ledger.ensure_customer(standard, "cust:std")
    eur_id = ledger.ensure_customer(standard.model_copy(update={"currency": "EUR"}),
                                    "cust:std:eur")
    assert usd_id != eur_id
    names = {c["Id"]: (c["DisplayName"], (c.get("CurrencyRef") or {}).get("value"))
             for c in sim.entities("Customer")}
    assert names[eur_id] == ("Web Store Customer (EUR)", "EUR")
    assert names[usd_id][0] == "Web Store Customer"

"""QuickBooks Desktop test helpers: the qbXML 13.0 schema, a seeded company simulator, and one
request from every builder (so a single test can validate them all)."""

from __future__ import annotations

import functools
import re
from datetime import date
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from lxml import etree

from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import (
    build,
    company,
    entities,
    list_mods,
    lists,
    transactions,
)
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import documents as docs
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.books import QbdBooks
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.build import Ref, Request
from ecom_ledger_desktop.models.ledger import (
    DocumentKind,
    DocumentLine,
    ItemRef,
    LedgerAddress,
    LedgerCustomer,
    LedgerItem,
    LedgerPayment,
    SalesDocument,
)
from ecom_ledger_desktop.sandbox.qbd import Company, QbdCompanySimulator, seed_company

SCHEMA_ROOT = Path("specs") / "qbxml" / "qbxmlops130.xsd"
CATALOGUE = [{"sku": "MB-1", "name": "Messenger bag", "price": "20.00", "qty": 10},
             {"sku": "WT-09", "name": "Water bottle", "price": "12.50", "qty": 3}]
BOOKS = QbdBooks(tax_items={"8.25": "CA Sales Tax", "8.875": "NY Sales Tax"})
CUSTOMER = LedgerCustomer(
    key="email:jane@example.com", display_name="Jane O'Doe & Sons", given_name="Jane",
    family_name="O'Doe", email="jane@example.com", phone="+1 555 0100",
    bill_address=LedgerAddress(lines=["1 Main St", "Suite <5>"], city="Springfield",
                               region="IL", postcode="62701", country="US"))


def schema_path(reference_dir: Path) -> Path:
    """The 13.0 root XSD in the shared reference (skips when it is not there)."""
    path = reference_dir / SCHEMA_ROOT
    if not path.is_file():
        pytest.skip(f"qbXML 13.0 schema not found at {path}: the XSD checks need the shared "
                    "reference folder beside the checkout")
    return path


def load_schema(reference_dir: Path) -> etree.XMLSchema:
    """The qbXML 13.0 schema, loaded from its path so its includes resolve (once per run)."""
    return _schema(str(schema_path(reference_dir)))


@functools.cache
def _schema(path: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(path))


def simulator(reference_dir: Path | None = None) -> QbdCompanySimulator:
    """A seeded company (catalogue, tax items, customers), validating with the XSD if given."""
    path = schema_path(reference_dir) if reference_dir is not None else None
    return QbdCompanySimulator(seed_company(Company(), CATALOGUE), schema_path=path)


def sale(number: str = "100000001", *, kind: DocumentKind = "sales_receipt", key: str = "ord-1",
         txn_date: date = date(2024, 5, 2)) -> SalesDocument:
    """A taxed sale: two bags (8.25 %), shipping (not taxed)."""
    return SalesDocument(
        kind=kind, doc_number=number, txn_date=txn_date, customer_key=CUSTOMER.key,
        currency="USD", total=Decimal("48.30"), tax_treatment="ledger",
        tax_total=Decimal("3.30"), private_note=f"{number} from the web store. "
                                                f"ecom-ledger key: {key}",
        lines=[DocumentLine(kind="item", item=ItemRef(item_key="sku:MB-1"),
                            description="Messenger bag", qty=Decimal(2),
                            unit_price=Decimal(20), amount=Decimal(40), taxable=True,
                            tax_amount=Decimal("3.30"), tax_rate=Decimal("8.25")),
               DocumentLine(kind="shipping", item=ItemRef(), description="Shipping",
                            amount=Decimal(5))])


def every_request() -> list[Request]:
    """One request from every builder the connector has."""
    sold = sale()
    return [
        entities.customer_request("cust-add", CUSTOMER, "Jane O'Doe & Sons", BOOKS),
        entities.customer_mod_request("cust-mod2", "80000001-1", "1", CUSTOMER),
        entities.item_request("item-add", LedgerItem(key="sku:NEW-1", sku="NEW-1", name="New",
                                                     unit_price=Decimal("9.5")), "NEW-1", BOOKS),
        entities.item_request("svc-item", LedgerItem(
            key="sku:ENGRAVING-SERVICE-FOR-BAGS-AND-BOTTLES", name="Engraving",
            sku="ENGRAVING-SERVICE-FOR-BAGS-AND-BOTTLES", unit_price=Decimal(4)),
            "ENGRAVING-SERVICE-FOR-BAGS~ABCD", BOOKS, service=True),
        entities.line_item_request("gc-item", "gift_card", QbdBooks(
            line_items={**BOOKS.line_items, "gift_card": "eGift Card"})),
        lists.customer_mod("cust-mod", lists.CustomerMod(list_id="80000001-1", edit_sequence="1",
                                                         phone="555")),
        lists.customers_named("cust-q", ["Jane O'Doe & Sons", "Jordan Rivera"]),
        *lists.name_queries("names", ["Jordan Rivera", "Sam Taylor"]),
        lists.list_query("CustomerQueryRq", "cust-filter", lists.ListQuery(
            max_returned=10, active_status="All",
            name_filter=lists.NameFilter("StartsWith", "Jor"))),
        lists.items_named("item-q", ["MB-1"]),
        lists.iterate("ItemQueryRq", "item-it", 5),
        lists.iterate("ItemQueryRq", "item-it2", 5, iterator_id="{0000}"),
        lists.iterate("ItemInventoryQueryRq", "inv-it", 100),
        lists.list_query("ItemSalesTaxQueryRq", "tax-q"),
        lists.item_add("ni-add", lists.ItemNonInventoryAdd(
            name="SKU-NEW", sales_tax_code_ref=Ref.named("Tax"),
            sales_or_purchase=lists.SalesOrPurchase("A new product", Decimal("9.99"),
                                                    Ref.named("Sales")))),
        lists.item_add("svc-add", lists.ItemServiceAdd(
            name="Gift wrap", sales_tax_code_ref=Ref.named("Non"),
            sales_or_purchase=lists.SalesOrPurchase("Gift wrap", Decimal(3), Ref.named("Sales")))),
        lists.item_add("oc-add", lists.ItemOtherChargeAdd(
            name="Handling", sales_or_purchase=lists.SalesOrPurchase(
                "Handling", Decimal("1.5"), Ref.named("Shipping Income")))),
        lists.item_add("st-add", lists.ItemSalesTaxAdd(
            name="WA Sales Tax", item_desc="Washington", tax_rate=Decimal("6.5"),
            tax_vendor_ref=Ref.named("State Board of Equalization"))),
        lists.item_add("inv-add", lists.ItemInventoryAdd(
            name="NEW-INV", sales_desc="Stocked", sales_price=Decimal(5),
            income_account_ref=Ref.named("Sales"), cogs_account_ref=Ref.named("Cost of Goods Sold"),
            asset_account_ref=Ref.named("Inventory Asset"), quantity_on_hand=Decimal(4))),
        docs.document_request("sr-add", sold, "Jane O'Doe & Sons", BOOKS),
        docs.document_request("inv-doc", sale("100000002", kind="invoice", key="ord-2"),
                              "Jane O'Doe & Sons", BOOKS),
        docs.document_request("cm-add", sale("100000003", kind="credit_memo", key="ref-3"),
                              "Jane O'Doe & Sons", BOOKS),
        docs.document_mod_request("sr-mod", sold, "Jane O'Doe & Sons", BOOKS, None,
                                  "80000010-1", "1717000000"),
        docs.document_mod_request("inv-mod", sale("100000002", kind="invoice", key="ord-2"),
                                  "Jane O'Doe & Sons", BOOKS, None, "80000011-1", "1717000001"),
        docs.document_mod_request("cm-mod", sale("100000003", kind="credit_memo", key="ref-3"),
                                  "Jane O'Doe & Sons", BOOKS, None, "80000012-1", "1717000002"),
        transactions.txn_query("Invoice", "inv-current", transactions.TxnQuery(
            txn_id=["80000011-1"])),
        docs.payment_request("pay-add", LedgerPayment(
            customer_key=CUSTOMER.key, invoice_posting_key="ord-2", amount=Decimal("48.30"),
            txn_date=date(2024, 5, 9), currency="USD", payment_method="Check",
            private_note="Payment for 100000002. ecom-ledger key: pay-2"),
            "Jane O'Doe & Sons", "80000099-1", "100000002", BOOKS),
        transactions.query_by_ref("SalesReceipt", "sr-q", ["100000001"]),
        transactions.query_by_ref("Invoice", "inv-q", ["100000002"]),
        transactions.query_by_ref("CreditMemo", "cm-q", ["100000003"]),
        transactions.query_by_ref("ReceivePayment", "pay-q", ["100000002"]),
        transactions.txn_query("SalesReceipt", "sr-it", transactions.TxnQuery(
            max_returned=2, txn_date_range_filter=transactions.TxnDateRangeFilter(
                date(2024, 5, 1), date(2024, 5, 31)), include_line_items=True),
            iterator="Start"),
        transactions.transaction_query("txn-q", ["100000001"], ["SalesReceipt", "Invoice"]),
        transactions.void("void", "SalesReceipt", "80000098-1"),
        *(list_mods.active_mod(kind, f"active-{kind}", "80000001-1", "1717000003", False)
          for kind in ("Customer", *list_mods.ITEM_MODS)),
        *(transactions.txn_query(kind, f"used-{kind}", transactions.TxnQuery(
            modified_date_range_filter=transactions.ModifiedDateRangeFilter(
                "2026-12-07T04:31:08+00:00"),
            entity_filter=transactions.EntityFilter("Jane O'Doe & Sons"),
            include_line_items=True)) for kind in ("SalesReceipt", "Invoice", "CreditMemo",
                                                   "ReceivePayment")),
        transactions.to_deposit_query("to-deposit"),
        transactions.txn_query("Invoice", "inv-links", transactions.TxnQuery(
            txn_id=["80000011-1"], include_linked_txns=True)),
        company.preferences_query("prefs"),
    ]


def inner_response(envelope_path: Path) -> str:
    """The qbXML string inside a captured receiveResponseXML SOAP envelope."""
    text = envelope_path.read_text(encoding="utf-8")
    match = re.search(r"<response>(?P<body>.*)</response>", text, re.S)
    assert match is not None
    return unescape(match.group("body"))


def message_set(*requests: Request, **attributes: str) -> str:
    """Shorthand for ``build.message_set``."""
    return build.message_set(list(requests), **attributes)

"""Ledger documents become QuickBooks Desktop forms the way an accountant expects."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import documents as docs
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.books import QbdBooks
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.parse import TxnRecord
from ecom_ledger_desktop.core.errors import RecordError
from ecom_ledger_desktop.models.ledger import DocumentLine, ItemRef, LedgerPayment
from tests.support.qbd import BOOKS, load_schema, message_set, sale

D = Decimal


def _lines(request) -> list[dict[str, str]]:
    add = request.body[0]
    return [{child.tag: (child.findtext("FullName") if len(child) else child.text)
             for child in line} for line in add if line.tag.endswith("LineAdd")]


def _field(request, tag: str) -> str | None:
    value: str | None = request.body[0].findtext(tag)
    return value


def test_taxed_sale_has_tax_and_non_lines_and_the_exact_store_tax_on_its_tax_item() -> None:
    request = docs.document_request("1", sale(), "Jane", BOOKS)
    lines = _lines(request)
    assert lines[0] == {"ItemRef": "MB-1", "Desc": "Messenger bag", "Quantity": "2",
                        "Rate": "20", "Amount": "40.00", "SalesTaxCodeRef": "Tax"}
    assert lines[1]["ItemRef"] == "Shipping" and lines[1]["SalesTaxCodeRef"] == "Non"
    assert lines[2] == {"ItemRef": "CA Sales Tax", "Desc": "Sales tax 8.25%", "Amount": "3.30"}
    # the form's own tax is a 0 % item, so QuickBooks adds nothing on top of the store's tax
    assert request.body[0].findtext("ItemSalesTaxRef/FullName") == "Out of State"
    assert _field(request, "TxnDate") == "2024-05-02"


def test_the_journal_key_and_full_number_travel_with_the_document() -> None:
    long = sale("SHOP-EU-2024-000777", key="ord-777")
    request = docs.document_request("1", long, "Jane", BOOKS)
    ref = _field(request, "RefNumber")
    assert ref is not None and len(ref) == 11 and ref.endswith("000777")
    assert _field(request, "Other") == "SHOP-EU-2024-000777"
    assert "ecom-ledger key: ord-777" in (_field(request, "Memo") or "")


def test_two_store_rates_make_two_tax_lines_and_an_unmapped_rate_is_flagged() -> None:
    document = sale()
    document.lines.append(DocumentLine(
        kind="item", item=ItemRef(item_key="sku:WT-09"), qty=D(1), unit_price=D(10),
        amount=D(10), taxable=True, tax_amount=D("0.89"), tax_rate=D("8.875")))
    document.total += D("10.89")
    document.tax_total += D("0.89")
    lines = _lines(docs.document_request("1", document, "Jane", BOOKS))
    taxes = {line["ItemRef"]: line["Amount"] for line in lines if "Sales Tax" in line["ItemRef"]}
    assert taxes == {"CA Sales Tax": "3.30", "NY Sales Tax": "0.89"}
    with pytest.raises(RecordError) as raised:
        docs.document_request("1", document, "Jane", QbdBooks(tax_items={"8.25": "CA"}))
    assert raised.value.problem.code == "unmapped_tax_rate"
    assert "8.875%" in raised.value.problem.message and "tax_codes.8.875" in \
        raised.value.problem.message


def test_a_total_quickbooks_would_compute_differently_is_never_sent() -> None:
    document = sale()
    document.total = D("49.00")
    with pytest.raises(RecordError) as raised:
        docs.document_request("1", document, "Jane", BOOKS)
    assert raised.value.problem.code == "total_mismatch"
    assert "48.30" in raised.value.problem.message and "49.00" in raised.value.problem.message


def test_tax_as_a_line_item_keeps_everything_non_taxable() -> None:
    document = sale()
    document.tax_treatment = "line_item"
    document.lines[0].taxable = True
    document.lines.append(DocumentLine(kind="tax", item=ItemRef(), amount=D("3.30")))
    request = docs.document_request("1", document, "Jane", BOOKS)
    lines = _lines(request)
    assert {line["SalesTaxCodeRef"] for line in lines} == {"Non"}
    assert lines[-1]["ItemRef"] == "Sales Tax (line)"
    assert request.body[0].find("ItemSalesTaxRef") is None


def test_gift_cards_redemptions_rounding_and_discounts_post_on_their_items() -> None:
    document = sale()
    document.lines += [
        DocumentLine(kind="gift_card", item=ItemRef(), description="Gift card", amount=D(25)),
        DocumentLine(kind="redemption", item=ItemRef(), description="Card used",
                     amount=D(-10)),
        DocumentLine(kind="discount", item=ItemRef(), amount=D(-2), taxable=False),
        DocumentLine(kind="rounding", item=ItemRef(), amount=D("0.01")),
    ]
    document.total += D("13.01")
    items = [line["ItemRef"] for line in _lines(docs.document_request("1", document, "J", BOOKS))]
    assert items[2:6] == ["Gift Card", "Gift Card", "Discount", "Rounding"]
    amounts = [line["Amount"] for line in _lines(docs.document_request("1", document, "J", BOOKS))]
    assert amounts[2:6] == ["25.00", "-10.00", "-2.00", "0.01"]


def test_refunds_are_credit_memos_and_unreturned_goods_do_not_restock() -> None:
    refund = sale("R-100", kind="refund_receipt", key="refund-1")
    refund.lines[0].restock = False
    request = docs.document_request("1", refund, "Jane", BOOKS)
    assert request.tag == "CreditMemoAddRq"
    first = _lines(request)[0]
    assert first["ItemRef"] == "Unreturned Goods" and "Quantity" not in first


def test_foreign_currency_carries_the_stores_rate_fitted_to_its_base_total() -> None:
    document = sale()
    document.currency, document.base_currency = "EUR", "USD"
    document.base_rate, document.base_total = D("1.0857"), D("52.44")
    books = QbdBooks(tax_items=BOOKS.tax_items, multicurrency=True)
    rate = D(_field(docs.document_request("1", document, "Jane", books), "ExchangeRate") or "0")
    assert (D("48.30") * rate).quantize(D("0.01")) == D("52.44")
    with pytest.raises(RecordError) as raised:
        docs.document_request("1", document, "Jane", BOOKS)
    assert raised.value.problem.code == "currency_not_enabled"


def test_payment_applies_to_the_invoice_with_a_short_ref_and_the_key_in_the_memo() -> None:
    payment = LedgerPayment(customer_key="k", invoice_posting_key="ord-1", amount=D("48.3"),
                            txn_date=date(2024, 5, 9), currency="USD",
                            payment_ref="ch_3PQRSTUVWXYZabcdefghij",
                            private_note="Payment for 1001. ecom-ledger key: pay-1")
    request = docs.payment_request("p", payment, "Jane", "80000099-1", "1001", BOOKS)
    add = request.body[0]
    assert add.findtext("TotalAmount") == "48.30" and add.findtext("RefNumber") == "1001"
    assert add.findtext("AppliedToTxnAdd/TxnID") == "80000099-1"
    memo = add.findtext("Memo") or ""
    assert memo.endswith("ecom-ledger key: pay-1")
    assert "ch_3PQRSTUVWXYZabcdefghij" in memo


def test_settle_finds_our_document_among_same_numbered_ones() -> None:
    ours = TxnRecord("SalesReceipt", "1-1", ref_number="1001",
                     memo="1001 from the web store. ecom-ledger key: ord-1")
    theirs = TxnRecord("SalesReceipt", "2-2", ref_number="1001", memo="typed by hand")
    similar = TxnRecord("SalesReceipt", "3-3", ref_number="1001",
                        memo="ecom-ledger key: ord-10")
    assert docs.settle([theirs, ours, similar], "ord-1") == [ours]
    assert docs.settle([theirs], "ord-1") == []
    quoting = TxnRecord("SalesReceipt", "4-4", memo="re ecom-ledger key: ord-9 ecom-ledger key: ord-1")
    assert docs.settle([quoting], "ord-1") == [quoting]


def test_documents_in_every_shape_are_valid_qbxml(reference_dir) -> None:
    schema = load_schema(reference_dir)
    refund = sale("R-1", kind="credit_memo", key="r")
    refund.lines[0].restock = False
    for document in (sale(), sale("9", kind="invoice"), refund):
        doc = message_set(docs.document_request("1", document, "Jane", BOOKS))
        assert schema.validate(etree.fromstring(doc.encode())), schema.error_log


def test_items_for_store_products_and_line_kinds() -> None:
    from ecom_ledger_desktop.connectors.ledgers.qbd import limits
    from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import entities
    from ecom_ledger_desktop.models.ledger import LedgerItem

    sku = "ENGRAVING-SERVICE-FOR-BAGS-AND-BOTTLES"
    item = LedgerItem(key=f"sku:{sku}", sku=sku, name="Engraving", unit_price=D("4"))
    request = entities.item_request("1", item, limits.item_name(sku), BOOKS, service=True)
    add = request.body[0]
    assert request.tag == "ItemServiceAddRq" and len(add.findtext("Name") or "") == 31
    assert add.findtext("SalesOrPurchase/Desc") == f"Engraving (SKU {sku})"
    assert add.findtext("SalesOrPurchase/Price") == "4"
    assert add.findtext("SalesOrPurchase/AccountRef/FullName") == "Sales"
    gift = entities.line_item_request("2", "redemption", BOOKS).body[0]
    assert gift.tag == "ItemOtherChargeAdd" and gift.findtext("Name") == "Gift Card"
    assert gift.findtext("SalesOrPurchase/AccountRef/FullName") == "Gift Card Liability"
    assert gift.findtext("SalesTaxCodeRef/FullName") == "Non"


def test_rate_is_sent_only_when_quantity_times_rate_is_the_amount() -> None:
    """QuickBooks reads a rate to five decimals and checks Amount = Quantity × Rate."""
    document = sale()
    line = document.lines[0]
    line.qty, line.unit_price, line.amount = D(10000), D("0.1234549"), D("1234.55")
    line.tax_amount = D("101.85")
    document.total, document.tax_total = D("1341.40"), D("101.85")
    first = _lines(docs.document_request("1", document, "Jane", BOOKS))[0]
    assert first["Quantity"] == "10000" and first["Amount"] == "1234.55"
    assert "Rate" not in first  # 10000 × 0.12345 would be 1234.50: QuickBooks would refuse

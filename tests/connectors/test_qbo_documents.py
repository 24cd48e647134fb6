"""QuickBooks Online document bodies per company kind, from hand-built ledger documents.

US with automated sales tax, US without, a UK VAT company (tax-exclusive and tax-inclusive
prices), a company with sales tax off; foreign-currency documents; payment references.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from ecom_ledger_desktop.connectors.ledgers.qbo.company import CompanyFacts, facts_from
from ecom_ledger_desktop.connectors.ledgers.qbo.documents import document_body, payment_body
from ecom_ledger_desktop.connectors.ledgers.qbo.tax import check_predicted, plan_tax
from ecom_ledger_desktop.core.errors import RecordError
from ecom_ledger_desktop.models.ledger import (
    DocumentKind,
    DocumentLine,
    ItemRef,
    LedgerPayment,
    SalesDocument,
)

US_AST = CompanyFacts(name="US shop", country="US", using_sales_tax=True,
                      automated_sales_tax=True, home_currency="USD", multicurrency=True)
US_MANUAL = CompanyFacts(name="US shop", country="US", using_sales_tax=True,
                         automated_sales_tax=False, home_currency="USD", multicurrency=False)
US_NO_TAX = CompanyFacts(name="US shop", country="US", using_sales_tax=False,
                         automated_sales_tax=False, home_currency="USD", multicurrency=False)
UK_VAT = CompanyFacts(name="UK shop", country="GB", using_sales_tax=True,
                      automated_sales_tax=False, home_currency="GBP", multicurrency=True)
TAX_CODES = {"20.0% S": "7", "0.0% Z": "9", "NY 8.875%": "5", "CA 8.25%": "2"}
RATES = {"7": Decimal("20"), "9": Decimal("0")}
D = Decimal


def line(kind: str, amount: str, *, taxable: bool = False, tax: str = "0",
         rate: str | None = None, code: str | None = None, name: str = "") -> DocumentLine:
    ref = ItemRef(item_key="sku:MB-1") if kind == "item" else ItemRef(ledger_name=name or kind)
    return DocumentLine(kind=kind, item=ref, description=kind, amount=D(amount),  # type: ignore[arg-type]
                        taxable=taxable, tax_amount=D(tax),
                        tax_rate=D(rate) if rate is not None else None, tax_code=code)


def document(lines: list[DocumentLine], total: str, tax: str, *,
             kind: DocumentKind = "sales_receipt", **fields: Any) -> SalesDocument:
    return SalesDocument(kind=kind, doc_number="1001", txn_date=date(2026, 11, 30),
                         customer_key="email:jane@example.com", currency=fields.pop("currency",
                                                                                    "USD"),
                         lines=lines, total=D(total), tax_treatment="ledger", tax_total=D(tax),
                         private_note="Store order #1001 [pk:1001]", **fields)


def code_id(name: str) -> str:
    return TAX_CODES[name]


def body(doc: SalesDocument, facts: CompanyFacts) -> dict[str, Any]:
    plan = plan_tax(doc, facts, code_id, RATES.get, "sales receipt 1001")
    check_predicted(doc, plan, facts, "sales receipt 1001")
    return document_body(doc, "42", lambda ln: f"item:{ln.item.item_key or ln.item.ledger_name}",
                         lambda kind, name: f"{kind}:{name}", plan=plan, facts=facts,
                         default_deposit_account="Undeposited Funds", record="sales receipt 1001")


def codes(payload: dict[str, Any]) -> list[str | None]:
    return [(ln["SalesItemLineDetail"].get("TaxCodeRef") or {}).get("value")
            for ln in payload["Line"] if ln["DetailType"] == "SalesItemLineDetail"]


def us_sale(**fields: Any) -> SalesDocument:
    """100.00 taxable at 8.25 %, 10.00 off, shipping 5.00 untaxed: tax on 90.00 = 7.43."""
    return document([line("item", "100.00", taxable=True, tax="7.43", rate="8.25"),
                     line("shipping", "5.00"),
                     line("discount", "-10.00")], "102.43", "7.43", **fields)


def test_us_automated_sales_tax_sends_the_stores_tax_as_total_tax() -> None:
    payload = body(us_sale(), US_AST)
    assert codes(payload) == ["TAX", "NON"]
    assert payload["TxnTaxDetail"] == {"TotalTax": D("7.43")}  # no TxnTaxCodeRef: AST picks it
    assert payload["ApplyTaxAfterDiscount"] is True
    assert "GlobalTaxCalculation" not in payload
    assert not any(ln["SalesItemLineDetail"]["ItemRef"]["value"] == "item:tax"
                   for ln in payload["Line"] if ln["DetailType"] == "SalesItemLineDetail")


def test_us_tax_before_discount_is_said_so() -> None:
    payload = body(us_sale(tax_after_discount=False), US_AST)
    assert payload["ApplyTaxAfterDiscount"] is False


def test_us_without_ast_adds_the_mapped_tax_code() -> None:
    payload = body(us_sale(tax_code="CA 8.25%"), US_MANUAL)
    assert payload["TxnTaxDetail"] == {"TxnTaxCodeRef": {"value": "2"}, "TotalTax": D("7.43")}
    assert codes(payload) == ["TAX", "NON"]


def test_us_without_ast_takes_the_code_the_taxed_lines_share() -> None:
    doc = document([line("item", "100.00", taxable=True, tax="8.88", rate="8.875",
                         code="NY 8.875%")], "108.88", "8.88")
    assert body(doc, US_MANUAL)["TxnTaxDetail"]["TxnTaxCodeRef"] == {"value": "5"}


def test_us_without_ast_and_no_mapped_code_names_the_rate_and_the_command() -> None:
    with pytest.raises(RecordError) as caught:
        body(us_sale(), US_MANUAL)
    problem = caught.value.problem
    assert problem.code == "unmapped_tax_rate"
    assert "8.25%" in problem.message
    assert 'rules set PAIR tax_codes.8.25 "<code>"' in problem.message


def test_sales_tax_off_posts_no_tax_detail_and_flags_a_taxed_order() -> None:
    untaxed = document([line("item", "100.00"), line("shipping", "5.00")], "105.00", "0")
    payload = body(untaxed, US_NO_TAX)
    assert codes(payload) == ["NON", "NON"]
    assert "TxnTaxDetail" not in payload
    with pytest.raises(RecordError) as caught:
        body(us_sale(), US_NO_TAX)
    problem = caught.value.problem
    assert problem.code == "total_mismatch" and "nothing was posted" in problem.message
    assert "Sales tax is off in this QuickBooks company" in problem.message


def test_tax_as_a_line_item_keeps_non_and_the_tax_line() -> None:
    doc = document([line("item", "100.00", taxable=True), line("tax", "8.25", name="Sales Tax")],
                   "108.25", "8.25").model_copy(update={"tax_treatment": "line_item"})
    payload = body(doc, US_AST)
    assert codes(payload) == ["NON", "NON"]
    assert "TxnTaxDetail" not in payload


def uk_sale(**fields: Any) -> SalesDocument:
    """A 20 % VAT line of 100.00 and zero-rated shipping of 4.00, in GBP."""
    return document([line("item", "100.00", taxable=True, tax="20.00", rate="20",
                          code="20.0% S"),
                     line("shipping", "4.00", code="0.0% Z")],
                    fields.pop("total", "124.00"), fields.pop("tax", "20.00"), currency="GBP",
                    **fields)


def test_uk_vat_lines_carry_real_tax_codes_and_tax_excluded() -> None:
    payload = body(uk_sale(), UK_VAT)
    assert codes(payload) == ["7", "9"]
    assert payload["GlobalTaxCalculation"] == "TaxExcluded"
    assert "ApplyTaxAfterDiscount" not in payload  # US only
    assert "TxnTaxDetail" not in payload  # QuickBooks computes VAT per rate
    assert "ExchangeRate" not in payload  # GBP is the home currency


def test_uk_vat_tax_inclusive_prices_send_the_gross_amount() -> None:
    payload = body(uk_sale(prices_include_tax=True), UK_VAT)
    assert payload["GlobalTaxCalculation"] == "TaxInclusive"
    first = payload["Line"][0]
    assert first["Amount"] == D("100.00")
    assert first["SalesItemLineDetail"]["TaxInclusiveAmt"] == D("120.00")


def test_uk_vat_rate_quickbooks_would_round_differently_is_flagged() -> None:
    # three 0.99 lines at 20 %: the store taxed each (0.20 × 3 = 0.60), QuickBooks the sum (0.59)
    lines = [line("item", "0.99", taxable=True, tax="0.20", rate="20", code="20.0% S")
             for _ in range(3)]
    doc = document(lines, "3.57", "0.60", currency="GBP")
    with pytest.raises(RecordError) as caught:
        body(doc, UK_VAT)
    message = caught.value.problem.message
    assert "QuickBooks would compute 0.59 tax" in message and "store charged 0.60" in message


def test_uk_vat_unmapped_rate_is_flagged_by_rate() -> None:
    doc = document([line("item", "100.00", taxable=True, tax="5.00", rate="5")], "105.00",
                   "5.00", currency="GBP")
    with pytest.raises(RecordError) as caught:
        body(doc, UK_VAT)
    problem = caught.value.problem
    assert problem.code == "unmapped_tax_rate" and "5%" in problem.message
    assert "GB company needs a real tax code on every line" in problem.message
    assert 'rules set PAIR tax_codes.5 "<code>"' in problem.message


def test_uk_untaxed_line_takes_the_companys_non_taxable_code() -> None:
    facts = facts_from({"Country": "GB"}, {
        "TaxPrefs": {"UsingSalesTax": True, "NonTaxableSalesTaxCodeRef": {"value": "9"}},
        "CurrencyPrefs": {"HomeCurrency": {"value": "GBP"}}})
    doc = document([line("item", "100.00", taxable=True, tax="20.00", rate="20",
                         code="20.0% S"), line("shipping", "4.00")], "124.00", "20.00",
                   currency="GBP")
    assert codes(body(doc, facts)) == ["7", "9"]


def test_refunds_follow_the_same_tax_treatment() -> None:
    refund = us_sale(kind="refund_receipt")
    payload = body(refund, US_AST)
    assert codes(payload) == ["TAX", "NON"] and payload["TxnTaxDetail"] == {"TotalTax": D("7.43")}
    assert payload["DepositToAccountRef"] == {"value": "account:Undeposited Funds"}


def eur_sale(rate: str, base_total: str, base_currency: str = "USD") -> SalesDocument:
    return document([line("item", "99.99")], "99.99", "0", currency="EUR",
                    base_currency=base_currency, base_rate=D(rate), base_total=D(base_total))


def test_foreign_currency_sends_the_stores_rate_when_home_is_the_base_currency() -> None:
    payload = body(eur_sale("1.0812", "108.11"), US_AST)
    assert payload["CurrencyRef"] == {"value": "EUR"}
    assert payload["ExchangeRate"] == D("1.0812")  # 99.99 × 1.0812 = 108.109… → 108.11


def test_exchange_rate_precision_is_chosen_so_the_home_total_is_the_base_total() -> None:
    # the store's rounded rate gives 108.11; its own base total (from a finer rate) is 108.12
    payload = body(eur_sale("1.0812", "108.12"), US_AST)
    rate = payload["ExchangeRate"]
    assert (D("99.99") * rate).quantize(D("0.01")) == D("108.12")


def test_foreign_base_currency_leaves_the_rate_to_quickbooks_and_says_so() -> None:
    payload = body(eur_sale("0.86", "86.00", base_currency="GBP"), US_AST)
    assert "ExchangeRate" not in payload
    assert "Exchange rate: QuickBooks' own for EUR" in payload["PrivateNote"]
    assert "pk:1001" in payload["PrivateNote"]


def test_foreign_currency_without_multicurrency_is_flagged() -> None:
    with pytest.raises(RecordError) as caught:
        body(eur_sale("1.0812", "108.11"), US_MANUAL)
    assert caught.value.problem.code == "currency_not_enabled"
    assert "multicurrency is off" in caught.value.problem.message


def test_sales_receipt_carries_the_payment_reference_an_invoice_does_not() -> None:
    receipt = body(us_sale(payment_ref="ch_3MmlLrLkdIwHu7ix0snN0B15"), US_AST)
    assert receipt["PaymentRefNum"] == "ch_3MmlLrLkdIwHu7ix0snN0B15"[-21:]
    assert "Payment reference: ch_3MmlLrLkdIwHu7ix0snN0B15" in receipt["PrivateNote"]
    short = body(us_sale(payment_ref="10264"), US_AST)
    assert short["PaymentRefNum"] == "10264"
    invoice = body(us_sale(kind="invoice", payment_ref="10264"), US_AST)
    assert "PaymentRefNum" not in invoice


def test_payment_is_dated_when_paid_with_reference_and_rate() -> None:
    payment = LedgerPayment(customer_key="email:jane@example.com", invoice_posting_key="pk:1",
                            amount=D("99.99"), txn_date=date(2026, 12, 4), currency="EUR",
                            payment_ref="T-778899", base_currency="USD", base_rate=D("1.0812"))
    payload = payment_body(payment, "42", "77", US_AST, "4", None)
    assert payload["TxnDate"] == "2026-12-04"
    assert payload["PaymentRefNum"] == "T-778899"
    assert payload["ExchangeRate"] == D("1.0812")
    assert payload["Line"] == [{"Amount": D("99.99"),
                                "LinkedTxn": [{"TxnId": "77", "TxnType": "Invoice"}]}]


def test_uk_untaxed_line_without_a_default_code_asks_for_the_zero_rate() -> None:
    doc = document([line("item", "100.00", taxable=True, tax="20.00", rate="20",
                         code="20.0% S"), line("gift_card", "25.00", name="Gift Card")],
                   "145.00", "20.00", currency="GBP")
    with pytest.raises(RecordError) as caught:
        body(doc, UK_VAT)
    message = caught.value.problem.message
    assert "'gift_card' is not taxed" in message
    assert 'rules set PAIR tax_codes.0 "<code>"' in message

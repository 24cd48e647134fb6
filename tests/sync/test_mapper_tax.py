"""Tax in the ledger's tax system: taxable lines, rates, mapped codes, inclusive prices."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecom_ledger_desktop.core.errors import RecordError
from ecom_ledger_desktop.models.commerce import TaxRate
from ecom_ledger_desktop.models.rules import PostingRules
from ecom_ledger_desktop.sync.mapper import map_order
from tests.sync.mapper_orders import RULES_START, line, order

RULES = PostingRules(start_date=RULES_START)


def lines_total(doc: object) -> Decimal:
    return sum((ln.amount for ln in doc.lines), Decimal(0))  # type: ignore[attr-defined]


def test_each_line_carries_its_tax_and_the_code_mapped_from_the_stores_rate() -> None:
    rules = RULES.model_copy(update={"tax_codes": {"8.25": "NY Sales Tax", "20": "20.0% S"}})
    doc = map_order(order(shipping_tax=Decimal("0.41"), shipping_tax_percent=Decimal("8.25"),
                          tax_total=Decimal("3.71"), grand_total=Decimal("48.71")),
                    rules).document
    item, shipping = doc.lines
    assert (item.taxable, item.tax_amount, item.tax_code) == (True, Decimal("3.30"),
                                                              "NY Sales Tax")
    assert (shipping.taxable, shipping.tax_amount, shipping.tax_rate, shipping.tax_code) == (
        True, Decimal("0.41"), Decimal("8.25"), "NY Sales Tax")
    assert doc.tax_code == "NY Sales Tax", "one code for the document (US without AST)"
    assert doc.tax_total == Decimal("3.71") and lines_total(doc) == Decimal("45.00")


def test_mixed_rates_keep_a_code_per_line_and_no_document_code() -> None:
    rules = RULES.model_copy(update={"tax_codes": {"20": "20.0% S", "UK VAT 5": "5.0% R"}})
    lines = [line("BOOK", qty="1", price="10.00", tax="0.50", percent="5",
                  tax_codes=["UK VAT 5"]),
             line("MUG", qty="1", price="10.00", tax="2.00", percent="20")]
    doc = map_order(order(currency="GBP", lines=lines, shipping=Decimal(0),
                          tax_total=Decimal("2.50"), grand_total=Decimal("22.50"),
                          applied_taxes=[TaxRate(code="UK VAT 5", percent=Decimal(5)),
                                         TaxRate(code="UK VAT 20", percent=Decimal(20))]),
                    rules).document
    assert [ln.tax_code for ln in doc.lines] == ["5.0% R", "20.0% S"]
    assert doc.tax_code is None


def test_an_untaxed_class_is_not_taxable_even_on_a_taxed_order() -> None:
    lines = [line(tax="3.30", percent="8.25"),
             line("GIFTWRAP", qty="1", price="2.00", taxable=False)]
    doc = map_order(order(lines=lines, grand_total=Decimal("50.30")), RULES).document
    assert [ln.taxable for ln in doc.lines] == [True, False, False]


def test_unmapped_rate_is_fine_unless_codes_are_required() -> None:
    doc = map_order(order(), RULES).document
    assert doc.lines[0].taxable and doc.lines[0].tax_code is None
    required = RULES.model_copy(update={"tax_code_required": True})
    with pytest.raises(RecordError) as caught:
        map_order(order(), required)
    problem = caught.value.problem
    assert problem.code == "unmapped_tax_rate"
    assert "000000007" in problem.message and "tax_codes.8.25" in problem.message


def test_old_tax_code_mode_in_stored_rules_still_loads_as_ledger_with_codes_required() -> None:
    stored = RULES.model_dump(mode="json") | {"tax_mode": "tax_code",
                                              "tax_codes": {"8.25": "CA Sales Tax"}}
    rules = PostingRules.model_validate_json(PostingRules.model_validate(stored)
                                             .model_dump_json())
    assert (rules.tax_mode, rules.tax_code_required) == ("ledger", True)
    legacy = PostingRules.model_validate(stored)
    assert map_order(order(), legacy).document.tax_code == "CA Sales Tax"


def test_tax_inclusive_shop_with_a_discount_posts_the_net_discount() -> None:
    """Gross 24.00 incl. 20 % VAT, 10 % coupon on the gross (2.40): the store's tax is on the
    discounted net (3.60), and Magento gives back the discount's tax part as compensation."""
    sold = line("MUG", qty="1", price="20.00", tax="3.60", percent="20",
                discount=Decimal("2.40"), discount_tax_compensation=Decimal("0.40"))
    the_order = order(currency="GBP", lines=[sold], shipping=Decimal(0), prices_include_tax=True,
                      discount=Decimal("2.40"), tax_total=Decimal("3.60"),
                      grand_total=Decimal("21.60"))
    assert the_order.computed_total == Decimal("21.60")
    doc = map_order(the_order, RULES).document
    assert [(ln.kind, ln.amount) for ln in doc.lines] == [("item", Decimal("20.00")),
                                                          ("discount", Decimal("-2.00"))]
    assert doc.prices_include_tax and doc.tax_after_discount
    assert lines_total(doc) + doc.tax_total == doc.total == Decimal("21.60")
    assert not [ln for ln in doc.lines if ln.kind == "rounding"], "no longer flagged or patched"


def test_discount_on_taxed_lines_is_taxable_with_the_documents_code() -> None:
    rules = RULES.model_copy(update={"tax_codes": {"8.25": "NY"}})
    doc = map_order(order(discount=Decimal("4.00"), tax_total=Decimal("2.97"),
                          lines=[line(tax="2.97", percent="8.25")],
                          grand_total=Decimal("43.97")), rules).document
    discount = doc.lines[-1]
    assert discount.kind == "discount" and discount.taxable and discount.tax_code == "NY"


def test_an_order_tax_without_per_line_tax_marks_lines_of_unknown_class_taxable() -> None:
    doc = map_order(order(lines=[line(), line("TEE", qty="1", price="5.00", taxable=False)],
                          grand_total=Decimal("53.30")), RULES).document
    assert [ln.taxable for ln in doc.lines] == [True, False, False]
    assert doc.tax_total == Decimal("3.30")


def test_the_rate_mapped_for_zero_codes_every_untaxed_line_a_vat_company_needs() -> None:
    """A VAT company needs a real code on every line; the flag's own advice maps the store's
    0 % ("rules set PAIR tax_codes.0 …"), so untaxed shipping, gift cards and a refund's extra
    amount take that code (they had none, and the advice changed nothing)."""
    from ecom_ledger_desktop.sync.mapper import map_refund
    from tests.sync.mapper_orders import refund

    rules = RULES.model_copy(update={"tax_codes": {"8.25": "20.0% S", "0": "0.0% Z"}})
    sale = order()
    doc = map_order(sale, rules).document
    assert [ln.tax_code for ln in doc.lines] == ["20.0% S", "0.0% Z"]  # goods, shipping
    assert not doc.lines[1].taxable and doc.tax_code == "20.0% S"
    back = map_refund(refund(adjustment_positive=Decimal("2.00"),
                             grand_total=Decimal("23.65")), sale, rules).document
    assert [ln.tax_code for ln in back.lines] == ["20.0% S", "0.0% Z"]
    unmapped = map_order(sale, RULES.model_copy(update={"tax_codes": {"8.25": "X"}})).document
    assert unmapped.lines[1].tax_code is None

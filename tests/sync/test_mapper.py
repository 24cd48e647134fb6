"""The mapper: what a store order becomes in the books, to the cent."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecom_ledger_desktop.core.errors import RecordError
from ecom_ledger_desktop.models.commerce import Address, Customer, Order, OrderLine
from ecom_ledger_desktop.models.rules import PostingRules
from ecom_ledger_desktop.sync.mapper import map_order, normalise_email

RULES = PostingRules(start_date=date(2026, 1, 1))
WHEN = datetime(2026, 11, 2, 10, 30, tzinfo=UTC)


def make_order(**overrides: object) -> Order:
    values: dict[str, object] = {
        "source_id": "3", "number": "000000003", "created_at": WHEN, "updated_at": WHEN,
        "state": "processing", "paid": True, "currency": "USD",
        "customer": Customer(email="  Jane.Doe@Example.com ", first_name="Jane", last_name="Doe"),
        "billing_address": Address(first_name="Jane", last_name="Doe", lines=["123 Oak Ave"],
                                   city="Purchase", region="NY", postcode="10577", country="US"),
        "lines": [OrderLine(line_id="1", sku="MB-1", name="Tote", qty=Decimal(2),
                            unit_price=Decimal("19.99"), tax=Decimal("3.30"),
                            tax_percent=Decimal("8.25"))],
        "shipping": Decimal("5"), "discount": Decimal("4"), "tax_total": Decimal("3.30"),
        "grand_total": Decimal("44.28"), "payment_method": "checkmo",
    }
    values.update(overrides)
    return Order.model_validate(values)


def test_paid_order_becomes_sales_receipt_with_tax_in_the_ledgers_tax_system() -> None:
    """By default the store's tax goes to the ledger's tax system, not onto a line: the lines
    add up to the total without tax and the document carries the store's tax (this replaced the
    old default of a "Sales Tax" item line, which left the ledger's tax reports empty)."""
    mapped = map_order(make_order(), RULES)
    doc = mapped.document
    assert doc.kind == "sales_receipt"
    assert [line.kind for line in doc.lines] == ["item", "shipping", "discount"]
    assert doc.tax_treatment == "ledger" and doc.tax_total == Decimal("3.30")
    assert sum(line.amount for line in doc.lines) + doc.tax_total == Decimal("44.28") == doc.total
    item = doc.lines[0]
    assert item.taxable and item.tax_amount == Decimal("3.30") and item.tax_rate == Decimal("8.25")
    assert not doc.lines[1].taxable, "shipping untaxed by the store stays untaxed"
    assert doc.deposit_account == "Undeposited Funds"


def test_tax_as_a_line_item_is_an_explicit_choice() -> None:
    rules = RULES.model_copy(update={"tax_mode": "line_item"})
    doc = map_order(make_order(), rules).document
    assert [line.kind for line in doc.lines] == ["item", "shipping", "discount", "tax"]
    assert doc.tax_treatment == "line_item"
    assert not any(line.taxable for line in doc.lines)
    assert sum(line.amount for line in doc.lines) == Decimal("44.28") == doc.total


def test_unpaid_order_becomes_invoice_without_deposit_account() -> None:
    doc = map_order(make_order(paid=False, state="pending"), RULES).document
    assert doc.kind == "invoice"
    assert doc.deposit_account is None


def test_customer_is_keyed_by_normalised_email() -> None:
    mapped = map_order(make_order(), RULES)
    assert mapped.customer.key == "email:jane.doe@example.com"
    assert mapped.customer.display_name == "Jane Doe"
    assert normalise_email(" A@B.Com ") == "a@b.com"


def test_guest_without_email_is_keyed_by_name_and_postcode() -> None:
    order = make_order(customer=Customer(first_name="Ann", last_name="Lee", is_guest=True))
    assert map_order(order, RULES).customer.key == "name:ann lee|10577"


def test_standard_customer_rule_posts_everyone_to_one_customer() -> None:
    rules = RULES.model_copy(update={"customer_policy": "standard_customer"})
    assert map_order(make_order(), rules).customer.key == "name:Web Store Customer"


def test_one_cent_store_rounding_gap_goes_to_the_rounding_item_never_tax() -> None:
    doc = map_order(make_order(grand_total=Decimal("44.29")), RULES).document
    rounding = doc.lines[-1]
    assert rounding.kind == "rounding" and rounding.amount == Decimal("0.01")
    assert rounding.item.ledger_name == "Rounding" and not rounding.taxable
    assert doc.tax_total == Decimal("3.30"), "the gap is not tax"
    assert sum(line.amount for line in doc.lines) + doc.tax_total == doc.total == Decimal("44.29")
    line_item = RULES.model_copy(update={"tax_mode": "line_item", "rounding_item": "Pennies"})
    doc = map_order(make_order(grand_total=Decimal("44.27")), line_item).document
    assert doc.lines[-1].item.ledger_name == "Pennies" and doc.lines[-1].amount == Decimal("-0.01")


def test_lines_that_do_not_add_up_are_flagged_not_posted() -> None:
    with pytest.raises(RecordError) as caught:
        map_order(make_order(grand_total=Decimal("45.28")), RULES)
    problem = caught.value.problem
    assert problem.code == "totals_mismatch"
    assert "000000003" in problem.message and "1.00" in problem.message


def test_negative_quantity_is_flagged_naming_the_order_and_sku() -> None:
    bad = OrderLine(line_id="1", sku="MB-1", name="Tote", qty=Decimal(-1),
                    unit_price=Decimal("19.99"))
    with pytest.raises(RecordError) as caught:
        map_order(make_order(lines=[bad]), RULES)
    assert "000000003" in caught.value.problem.message
    assert "MB-1" in caught.value.problem.message


def test_revision_is_stable_and_changes_with_content() -> None:
    first = map_order(make_order(), RULES).revision
    assert map_order(make_order(), RULES).revision == first
    edited = make_order(lines=[OrderLine(line_id="1", sku="MB-1", name="Tote", qty=Decimal(3),
                                         unit_price=Decimal("19.99"))],
                        grand_total=Decimal("64.27"))
    assert map_order(edited, RULES).revision != first


def test_control_characters_are_cleaned_but_emoji_kept() -> None:
    order = make_order(customer=Customer(email="e@x.io", first_name="Zoë\t🎉", last_name="O'Neil\n"))
    assert map_order(order, RULES).customer.display_name == "Zoë 🎉 O'Neil"


money = st.decimals(min_value=Decimal("0"), max_value=Decimal("5000"), places=2)


@settings(max_examples=150, deadline=None)
@given(
    prices=st.lists(money, min_size=1, max_size=6),
    qtys=st.lists(st.integers(min_value=1, max_value=20), min_size=6, max_size=6),
    shipping=money, tax=money, discount_share=st.decimals(min_value=0, max_value=1, places=2),
    paid=st.booleans(), by_line=st.booleans(),
)
def test_any_consistent_order_posts_exactly_its_total(prices, qtys, shipping, tax,
                                                      discount_share, paid, by_line) -> None:
    lines = [OrderLine(line_id=str(i), sku=f"S{i}", name=f"P{i}", qty=Decimal(q),
                       unit_price=p) for i, (p, q) in enumerate(zip(prices, qtys, strict=False))]
    subtotal = sum((line.row_total for line in lines), Decimal(0))
    discount = (subtotal * discount_share).quantize(Decimal("0.01"))
    total = subtotal + shipping - discount + tax
    order = make_order(lines=lines, shipping=shipping, tax_total=tax, discount=discount,
                       grand_total=total, paid=paid)
    rules = RULES.model_copy(update={"tax_mode": "line_item" if by_line else "ledger"})
    first, again = map_order(order, rules), map_order(order, rules)
    in_ledger = Decimal(0) if by_line else first.document.tax_total
    assert sum(line.amount for line in first.document.lines) + in_ledger == total
    assert first.document.total == total
    assert first.revision == again.revision
    assert first.document == again.document

"""Properties of the mapper and of the QuickBooks body built from its documents.

For any valid order or refund — random lines with fractional quantities, discounts, shipping,
tax, gift cards, a store rounding gap of at most one minor unit, in USD, EUR, JPY (no decimals)
or KWD (three) — the JSON sent to QuickBooks

* has line amounts (SalesItemLine amounts minus the one DiscountLineDetail amount) that add up
  exactly to the store's total (with the store's tax the ledger adds, in "ledger" tax mode),
  and a document total equal to it;
* never sends a Qty and a UnitPrice that do not multiply out to the line's Amount (QuickBooks
  checks ``Amount == Qty × UnitPrice`` at the currency's precision);
* is deterministic: the same input gives the identical JSON text (``core.money.dumps``), from a
  fresh copy of the order too, and the same revision.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ecom_ledger_desktop.connectors.ledgers.qbo.company import CompanyFacts
from ecom_ledger_desktop.connectors.ledgers.qbo.documents import document_body
from ecom_ledger_desktop.connectors.ledgers.qbo.tax import plan_tax
from ecom_ledger_desktop.core.money import dumps, minor_unit, round_money
from ecom_ledger_desktop.models.commerce import (
    Address,
    Customer,
    Order,
    OrderLine,
    Redemption,
    Refund,
    RefundLine,
)
from ecom_ledger_desktop.models.ledger import DocumentLine, SalesDocument
from ecom_ledger_desktop.models.rules import PostingRules
from ecom_ledger_desktop.sync.mapper import MappedDocument, map_order, map_refund

RULES = PostingRules(start_date=date(2026, 1, 1))
WHEN = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
CURRENCIES = ("USD", "EUR", "JPY", "KWD")
ZERO = Decimal(0)

Draw = Callable[[st.SearchStrategy[Any]], Any]


def money(currency: str, low: int = 0, high: int = 500_000) -> st.SearchStrategy[Decimal]:
    """Amounts in whole minor units of ``currency`` (``low``..``high`` units)."""
    unit = minor_unit(currency)
    return st.integers(min_value=low, max_value=high).map(lambda n: Decimal(n) * unit)


#: 0.001 to 250: whole, halves, thirds-ish — anything a store sells by weight or length.
quantities = st.integers(min_value=1, max_value=250_000).map(lambda n: Decimal(n).scaleb(-3))


def line_strategy(currency: str, index: int) -> st.SearchStrategy[OrderLine]:
    return st.builds(lambda qty, price, name: OrderLine(
        line_id=str(index), sku=f"SKU-{index}", name=name, qty=qty, unit_price=price),
        quantities, money(currency, high=200_000),
        st.text(min_size=0, max_size=30))


@st.composite
def orders(draw: Draw) -> Order:
    """A valid order: parts (rounded per row, as Magento does) that add up to its total,
    give or take the one minor unit of store rounding the mapper posts as a rounding line."""
    currency = draw(st.sampled_from(CURRENCIES))
    count = draw(st.integers(min_value=1, max_value=6))
    lines = [draw(line_strategy(currency, i)) for i in range(1, count + 1)]
    subtotal = sum((round_money(line.row_total, currency) for line in lines), ZERO)
    shipping = draw(money(currency, high=5_000))
    tax = draw(money(currency, high=20_000))
    share = draw(st.integers(min_value=0, max_value=100))
    discount = round_money(subtotal * share / 100, currency)
    gift_card = round_money((subtotal - discount) * draw(st.integers(0, 100)) / 100, currency) \
        if draw(st.booleans()) else ZERO
    total = subtotal + shipping - discount + tax - gift_card
    gap = minor_unit(currency) * draw(st.sampled_from((-1, 0, 0, 0, 1)))
    if total + gap >= 0:
        total += gap
    return Order(
        source_id=str(draw(st.integers(1, 10**6))), number=draw(st.from_regex(r"[0-9]{9}", fullmatch=True)),
        created_at=WHEN, updated_at=WHEN, state="processing", paid=draw(st.booleans()),
        currency=currency,
        customer=Customer(email="prop@example.com", first_name="Pro", last_name="Perty"),
        billing_address=Address(first_name="Pro", last_name="Perty", lines=["1 Main St"],
                                city="Springfield", postcode="12345", country="US"),
        lines=lines, shipping=shipping, discount=discount, tax_total=tax,
        redemptions=[Redemption(kind="gift_card", amount=gift_card)] if gift_card else [],
        grand_total=total, payment_method="checkmo",
        coupon_code=draw(st.sampled_from(("", "SAVE10"))))


@st.composite
def refunds(draw: Draw) -> tuple[Refund, Order]:
    """A valid refund and an order large enough to cover it."""
    currency = draw(st.sampled_from(CURRENCIES))
    count = draw(st.integers(min_value=0, max_value=4))
    lines = [RefundLine(line_id=str(i), sku=f"SKU-{i}", name=f"P{i}", qty=draw(quantities),
                        unit_price=draw(money(currency, high=100_000)))
             for i in range(1, count + 1)]
    subtotal = sum((round_money(line.qty * line.unit_price, currency) for line in lines), ZERO)
    shipping = draw(money(currency, high=5_000))
    tax = draw(money(currency, high=10_000))
    discount = round_money(subtotal * draw(st.integers(0, 100)) / 100, currency)
    adjustment = draw(money(currency, low=-2_000, high=2_000))
    total = subtotal + shipping - discount + tax + adjustment
    if total < 0:  # a refund pays out: keep a fee no larger than what is refunded
        adjustment -= total
        total = ZERO
    gap = minor_unit(currency) * draw(st.sampled_from((-1, 0, 0, 1)))
    if total + gap >= 0:
        total += gap
    refund = Refund(source_id="9", order_source_id="3", number=draw(st.from_regex(r"[0-9]{9}",
                                                                                   fullmatch=True)),
                    created_at=WHEN, updated_at=WHEN, currency=currency, lines=lines,
                    shipping=shipping, adjustment_positive=max(adjustment, ZERO),
                    adjustment_negative=max(-adjustment, ZERO), tax_total=tax, discount=discount,
                    grand_total=total)
    order_total = total + draw(money(currency, high=100_000))
    order = Order(
        source_id="3", number="000000003", created_at=WHEN, updated_at=WHEN, state="complete",
        paid=True, currency=currency,
        customer=Customer(email="prop@example.com", first_name="Pro", last_name="Perty"),
        lines=[OrderLine(line_id="1", sku="SKU-1", name="P1", qty=Decimal(1),
                         unit_price=order_total)],
        grand_total=order_total, payment_method="checkmo")
    return refund, order


def item_id_of(line: DocumentLine) -> str:
    return "item:" + (line.item.item_key or line.item.ledger_name or "?")


#: a US company with automated sales tax and every currency enabled
COMPANY = CompanyFacts(name="Shop", country="US", using_sales_tax=True, automated_sales_tax=True,
                       home_currency="USD", multicurrency=True)


def body_of(document: SalesDocument) -> dict[str, Any]:
    plan = plan_tax(document, COMPANY, lambda name: f"tax_code:{name}", lambda _id: None, "doc")
    return document_body(document, "42", item_id_of, lambda kind, name: f"{kind}:{name}",
                         plan=plan, facts=COMPANY, default_deposit_account="Undeposited Funds",
                         record="doc")


def assert_body_equals_total(mapped: MappedDocument, total: Decimal, currency: str) -> None:
    document = mapped.document
    body = body_of(document)
    assert document.total == total == round_money(total, currency)
    items = [ln for ln in body["Line"] if ln["DetailType"] == "SalesItemLineDetail"]
    discounts = [ln for ln in body["Line"] if ln["DetailType"] == "DiscountLineDetail"]
    assert len(items) + len(discounts) == len(body["Line"]), body["Line"]
    assert len(discounts) <= 1
    assert all(ln["Amount"] > 0 for ln in discounts), "QBO subtracts a positive discount"
    posted = sum((ln["Amount"] for ln in items), ZERO) - sum((ln["Amount"] for ln in discounts),
                                                             ZERO)
    # "ledger" tax mode: the ledger adds the store's tax (document.tax_total) to the lines
    in_ledger = document.tax_total if document.tax_treatment == "ledger" else ZERO
    assert posted + in_ledger == total, (posted, in_ledger, total, body["Line"])
    assert body["CurrencyRef"] == {"value": currency}
    for line in items:
        amount = line["Amount"]
        assert amount == round_money(amount, currency), f"{amount} is not in {currency} units"
        detail = line["SalesItemLineDetail"]
        assert ("Qty" in detail) or ("UnitPrice" not in detail)
        if "Qty" in detail and "UnitPrice" in detail:
            assert round_money(detail["Qty"] * detail["UnitPrice"], currency) == amount, line


def assert_deterministic(first: MappedDocument, again: MappedDocument) -> None:
    assert dumps(body_of(first.document)) == dumps(body_of(again.document))
    assert first.revision == again.revision
    assert first.document == again.document


@settings(max_examples=300, deadline=None)
@given(order=orders())
def test_any_valid_order_posts_exactly_its_total_in_quickbooks_json(order: Order) -> None:
    mapped = map_order(order, RULES)
    assert_body_equals_total(mapped, order.grand_total, order.currency)
    rounding = [line.amount for line in mapped.document.lines if line.kind == "rounding"]
    assert rounding in ([], [minor_unit(order.currency)], [-minor_unit(order.currency)])


@settings(max_examples=200, deadline=None)
@given(order=orders())
def test_order_mapping_is_deterministic(order: Order) -> None:
    first = map_order(order, RULES)
    again = map_order(order.model_copy(deep=True), RULES)
    assert_deterministic(first, again)
    assert dumps(body_of(first.document)) == dumps(body_of(map_order(order, RULES).document))


@settings(max_examples=300, deadline=None)
@given(case=refunds())
def test_any_valid_refund_posts_exactly_its_total_in_quickbooks_json(
        case: tuple[Refund, Order]) -> None:
    refund, order = case
    mapped = map_refund(refund, order, RULES)
    assert mapped.document.kind == "refund_receipt"
    assert_body_equals_total(mapped, refund.grand_total, refund.currency)


@settings(max_examples=200, deadline=None)
@given(case=refunds())
def test_refund_mapping_is_deterministic(case: tuple[Refund, Order]) -> None:
    refund, order = case
    first = map_refund(refund, order, RULES)
    again = map_refund(refund.model_copy(deep=True), order.model_copy(deep=True), RULES)
    assert_deterministic(first, again)


@settings(max_examples=100, deadline=None)
@given(order=orders(), places_shift=st.integers(min_value=1, max_value=3))
def test_amounts_finer_than_the_currency_post_rounded_never_off_by_more_than_a_unit(
        order: Order, places_shift: int) -> None:
    """A store total with a few ten-thousandths more than the currency has (Magento keeps four
    decimals) posts as that total rounded half-up to the currency's minor unit."""
    finer = order.grand_total + minor_unit(order.currency).scaleb(-places_shift) * 4
    exact = round_money(finer, order.currency)
    mapped = map_order(order.model_copy(update={"grand_total": finer}), RULES)
    assert_body_equals_total(mapped, exact, order.currency)

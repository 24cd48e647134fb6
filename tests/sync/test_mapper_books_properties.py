"""For any consistent order, in either tax mode: the document equals the store to the cent,
tax is only ever the store's tax (never a rounding gap), and gift-card value never counts as
revenue."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ecom_ledger_desktop.models.commerce import Order, OrderLine, Redemption
from ecom_ledger_desktop.models.rules import PostingRules
from ecom_ledger_desktop.sync.mapper import map_order
from tests.sync.mapper_orders import RULES_START, order

ZERO = Decimal(0)
cents = st.integers(min_value=0, max_value=50_000).map(lambda n: Decimal(n) / 100)


@st.composite
def books_orders(draw: Any) -> Order:
    lines = []
    for index in range(draw(st.integers(1, 4))):
        gift = draw(st.booleans()) and index == 0
        taxed = not gift and draw(st.booleans())
        price = draw(cents)
        lines.append(OrderLine(
            line_id=str(index), sku=f"S{index}", name=f"P{index}",
            qty=Decimal(draw(st.integers(1, 5))), unit_price=price, is_gift_card=gift,
            taxable=taxed, tax=draw(cents) if taxed else ZERO,
            tax_percent=Decimal("8.25") if taxed else None,
            discount_tax_compensation=draw(st.sampled_from((ZERO, Decimal("0.40"))))))
    subtotal = sum((ln.row_total for ln in lines), ZERO)
    shipping, shipping_tax = draw(cents), draw(st.sampled_from((ZERO, Decimal("0.41"))))
    compensation = sum((ln.discount_tax_compensation for ln in lines), ZERO)
    discount = compensation + (subtotal * draw(st.integers(0, 30)) / 100).quantize(Decimal("0.01"))
    tax = sum((ln.tax for ln in lines), ZERO) + shipping_tax
    before = subtotal + shipping - discount + tax + compensation
    redeemed = [Redemption(kind=kind, amount=(max(before, ZERO) * draw(st.integers(0, 30))
                                              / 100).quantize(Decimal("0.01")))
                for kind in draw(st.lists(st.sampled_from(("gift_card", "store_credit",
                                                           "reward_points")), max_size=2))]
    total = before - sum((r.amount for r in redeemed), ZERO) \
        + draw(st.sampled_from((ZERO, ZERO, Decimal("0.01"), Decimal("-0.01"))))
    if total < 0:
        total = before
        redeemed = []
    return order(lines=lines, shipping=shipping, shipping_tax=shipping_tax,
                 shipping_tax_percent=Decimal("8.25") if shipping_tax else None,
                 discount=discount, tax_total=tax, redemptions=redeemed, grand_total=total,
                 prices_include_tax=bool(compensation))


@settings(max_examples=150, deadline=None)
@given(the_order=books_orders(), by_line=st.booleans())
def test_every_order_posts_the_stores_total_tax_and_liability(the_order: Order,
                                                              by_line: bool) -> None:
    rules = PostingRules(start_date=RULES_START, tax_mode="line_item" if by_line else "ledger")
    doc = map_order(the_order, rules).document
    lines = doc.lines
    in_ledger = ZERO if by_line else doc.tax_total
    assert sum((ln.amount for ln in lines), ZERO) + in_ledger == doc.total == the_order.grand_total
    assert doc.tax_total == the_order.tax_total
    tax_lines = sum((ln.amount for ln in lines if ln.kind == "tax"), ZERO)
    assert tax_lines == (the_order.tax_total if by_line else ZERO)
    assert all(ln.item.ledger_name == "Rounding" and not ln.taxable
               for ln in lines if ln.kind == "rounding")
    sold = sum((ln.row_total for ln in the_order.lines if ln.is_gift_card), ZERO)
    assert sum((ln.amount for ln in lines if ln.kind == "gift_card"), ZERO) == sold
    assert not [ln for ln in lines if ln.kind == "item" and ln.item.item_key == "sku:S0"
                and the_order.lines[0].is_gift_card], "a gift card sold is never revenue"
    assert sum((ln.amount for ln in lines if ln.kind == "redemption"), ZERO) == -the_order.redeemed
    if not by_line:
        taxed = {ln.item.item_key for ln in lines if ln.kind == "item" and ln.taxable}
        assert taxed == {f"sku:{ln.sku}" for ln in the_order.lines if ln.taxable}

"""Refund adjustments, return to stock, refund numbers; gift cards as a liability."""

from __future__ import annotations

from decimal import Decimal

from ecom_ledger_desktop.models.commerce import Redemption
from ecom_ledger_desktop.models.rules import PostingRules
from ecom_ledger_desktop.sync.mapper import map_order, map_refund
from tests.sync.mapper_orders import RULES_START, line, order, refund

RULES = PostingRules(start_date=RULES_START)


def by_kind(doc: object, kind: str) -> list[object]:
    return [ln for ln in doc.lines if ln.kind == kind]  # type: ignore[attr-defined]


def test_adjustments_are_their_own_lines_never_netted() -> None:
    doc = map_refund(refund(adjustment_positive=Decimal("5.00"),
                            adjustment_negative=Decimal("2.00"),
                            grand_total=Decimal("24.65")), order(), RULES).document
    [extra] = by_kind(doc, "adjustment")
    [fee] = by_kind(doc, "fee")
    assert (extra.amount, extra.item.ledger_name) == (Decimal("5.00"), "Discount")
    assert (fee.amount, fee.item.ledger_name) == (Decimal("-2.00"), "Fees")
    assert sum(ln.amount for ln in doc.lines) + doc.tax_total == doc.total == Decimal("24.65")


def test_refund_lines_say_whether_the_goods_went_back_to_stock() -> None:
    returned = refund(lines=[{"line_id": "MB-1", "sku": "MB-1", "qty": "1",
                              "unit_price": "20.00", "tax": "1.65", "back_to_stock": True}])
    assert map_refund(returned, order(), RULES).document.lines[0].restock is True
    assert map_refund(refund(), order(), RULES).document.lines[0].restock is False


def test_refund_follows_the_tax_treatment_and_taxability_of_the_sale() -> None:
    rules = RULES.model_copy(update={"tax_codes": {"8.25": "NY"}})
    doc = map_refund(refund(), order(), rules).document
    item = doc.lines[0]
    assert (doc.tax_treatment, doc.tax_total, doc.tax_code) == ("ledger", Decimal("1.65"), "NY")
    assert (item.taxable, item.tax_amount, item.tax_rate) == (True, Decimal("1.65"),
                                                              Decimal("8.25"))
    assert not by_kind(doc, "tax")
    line_item = map_refund(refund(), order(), RULES.model_copy(
        update={"tax_mode": "line_item"})).document
    assert [ln.kind for ln in line_item.lines] == ["item", "tax"]


def test_refund_number_carries_a_prefix_and_keeps_the_tail_within_21() -> None:
    assert map_refund(refund(), order(), RULES).document.doc_number == "R-000000070"
    long = map_refund(refund(number="EU-WEBSTORE-2026-000000123"), order(), RULES).document
    assert long.doc_number == "R-TORE-2026-000000123"
    assert len(long.doc_number) == 21 and long.doc_number.startswith("R-")
    assert long.doc_number.endswith("000000123")
    assert "000000007" in long.private_note and "EU-WEBSTORE-2026-000000123" in long.private_note


def test_gift_card_sold_is_a_liability_line_and_redeemed_nets_it_to_zero() -> None:
    sale = order(lines=[line("GC-50", qty="1", price="50.00", is_gift_card=True)],
                 shipping=0, tax_total=0, grand_total=Decimal("50.00"))
    sold = map_order(sale, RULES)
    [card] = sold.document.lines
    assert (card.kind, card.item.ledger_name, card.taxable) == ("gift_card", "Gift Card", False)
    assert sold.items == [], "no product item: never revenue"
    use = order(redemptions=[Redemption(kind="gift_card", amount=Decimal("48.30"),
                                        code="GC-XYZ")], grand_total=Decimal("0.00"),
                source_id="8", number="000000008")
    used = map_order(use, RULES).document
    [redeemed] = by_kind(used, "redemption")
    assert (redeemed.amount, redeemed.item.ledger_name) == (Decimal("-48.30"), "Gift Card")
    assert "GC-XYZ" in redeemed.description
    liability = card.amount + redeemed.amount
    assert liability == Decimal("1.70"), "what is left on the card, never negative"
    assert sum(ln.amount for ln in used.lines) + used.tax_total == used.total == Decimal(0)


def test_store_credit_and_reward_points_go_to_their_mapped_items() -> None:
    rules = RULES.model_copy(update={"store_credit_item": "Store Credit"})
    doc = map_order(order(redemptions=[Redemption(kind="store_credit", amount=Decimal("10")),
                                       Redemption(kind="reward_points", amount=Decimal("3"))],
                          grand_total=Decimal("35.30")), rules).document
    assert [(ln.item.ledger_name, ln.amount) for ln in by_kind(doc, "redemption")] == [
        ("Store Credit", Decimal("-10.00")), ("Gift Card", Decimal("-3.00"))]


def test_refund_given_back_as_store_credit_restores_the_liability() -> None:
    rules = RULES.model_copy(update={"store_credit_item": "Store Credit"})
    doc = map_refund(refund(redemptions=[Redemption(kind="store_credit",
                                                    amount=Decimal("21.65"))],
                            grand_total=Decimal("0")), order(), rules).document
    [credit] = by_kind(doc, "redemption")
    assert (credit.item.ledger_name, credit.amount) == ("Store Credit", Decimal("-21.65"))
    assert credit.description == "Given back as store credit"
    assert doc.total == 0


def test_gift_card_refunded_reduces_the_liability_not_revenue() -> None:
    sale = order(lines=[line("GC-50", qty="1", price="50.00", is_gift_card=True)],
                 shipping=0, tax_total=0, grand_total=Decimal("50.00"))
    doc = map_refund(refund(lines=[{"line_id": "GC-50", "sku": "GC-50", "qty": "1",
                                    "unit_price": "50.00"}], tax_total=0,
                            grand_total=Decimal("50.00")), sale, RULES).document
    assert [(ln.kind, ln.item.ledger_name) for ln in doc.lines] == [("gift_card", "Gift Card")]

"""Which unpaid orders wait for their money, and how a payment is dated and referenced."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from ecom_ledger_desktop.models.commerce import Payment
from ecom_ledger_desktop.sync.mapper import map_order, posts_when_paid
from ecom_ledger_desktop.sync.pair_config import new_pair_rules
from ecom_ledger_desktop.sync.unpaid import ledger_payment
from tests.sync.mapper_orders import RULES_START, order

RULES = new_pair_rules("magento2", RULES_START)  # a new Magento pair's: its offline codes


def test_offline_methods_wait_for_the_money_cards_post_at_order() -> None:
    assert RULES.posting_moment("checkmo") == "post_when_paid"
    assert RULES.posting_moment("banktransfer") == "post_when_paid"
    assert RULES.posting_moment("braintree") == "post_at_order"
    assert RULES.posting_moment("my_offline_pos", offline=True) == "post_when_paid"
    rules = RULES.model_copy(update={"payment_posting": {"checkmo": "post_at_order"}})
    assert rules.posting_moment("checkmo") == "post_at_order"


def test_when_paid_document_can_be_an_invoice_dated_when_paid() -> None:
    rules = RULES.model_copy(update={"when_paid_document": "invoice"})
    paid = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 30 November, 21:00 in New York
    doc = map_order(order(payment_method="checkmo", payments=[
        Payment(method="checkmo", amount=Decimal("48.30"), paid_at=paid)]), rules).document
    assert (doc.kind, doc.txn_date) == ("invoice", date(2026, 11, 30))


def test_an_invoice_payment_is_dated_when_paid_with_the_transaction_id_and_rate() -> None:
    paid = datetime(2026, 12, 1, 4, 30, tzinfo=UTC)  # 23:30 on 30 November in New York
    the_order = order(currency="EUR", base_currency="USD", base_grand_total=Decimal("52.40"),
                      updated_at=datetime(2026, 12, 3, tzinfo=UTC), payments=[
                          Payment(method="braintree", amount=Decimal("48.30"), paid_at=paid,
                                  reference="txn_8Y2K")])
    mapped = map_order(the_order, RULES, kind="invoice")
    ctx: Any = SimpleNamespace(pair=SimpleNamespace(rules=RULES))
    payment = ledger_payment(ctx, the_order, mapped, "inv-key", "pay-key")
    assert payment.txn_date == date(2026, 11, 30), "the payment's day, not the last update"
    assert payment.payment_ref == "txn_8Y2K"
    assert (payment.base_currency, payment.base_rate) == ("USD", mapped.document.base_rate)
    assert payment.customer_key.endswith("(EUR)")


def test_an_unpaid_order_of_an_unlisted_offline_method_waits_by_the_stores_flag() -> None:
    rules = RULES.model_copy(update={"payment_posting": {}})  # a list made without the defaults
    unpaid = order(paid=False, payment_method="my_bank_wire", payment_offline=True, payments=[])
    assert posts_when_paid(unpaid, rules), "the store says it is paid outside the shop"
    card = order(paid=False, payment_method="braintree", payments=[])
    assert not posts_when_paid(card, rules)

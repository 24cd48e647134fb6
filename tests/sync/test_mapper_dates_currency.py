"""Store-local dates and the store's exchange rate on every document."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from ecom_ledger_desktop.models.commerce import Payment
from ecom_ledger_desktop.models.rules import PostingRules
from ecom_ledger_desktop.sync.mapper import map_order, map_refund
from tests.sync.mapper_orders import RULES_START, order, refund

RULES = PostingRules(start_date=RULES_START)
LATE_NOVEMBER_NY = datetime(2026, 12, 1, 4, 30, tzinfo=UTC)  # 23:30 on 30 November in New York


def test_an_order_at_2330_new_york_on_30_november_is_dated_30_november() -> None:
    doc = map_order(order(created_at=LATE_NOVEMBER_NY, updated_at=LATE_NOVEMBER_NY),
                    RULES).document
    assert doc.txn_date == date(2026, 11, 30)


def test_the_pairs_time_zone_rule_overrides_the_stores() -> None:
    rules = RULES.model_copy(update={"timezone": "Europe/Berlin"})
    doc = map_order(order(created_at=LATE_NOVEMBER_NY, updated_at=LATE_NOVEMBER_NY),
                    rules).document
    assert doc.txn_date == date(2026, 12, 1)


def test_dst_change_day_dates_both_sides_of_the_change_locally() -> None:
    """1 November 2026, New York falls back at 02:00 EDT: 00:30 EDT is 04:30 UTC and 23:30
    EST is 04:30 UTC the next day; both are that local day's orders."""
    for moment, expected in ((datetime(2026, 11, 1, 4, 30, tzinfo=UTC), date(2026, 11, 1)),
                             (datetime(2026, 11, 2, 4, 30, tzinfo=UTC), date(2026, 11, 1)),
                             (datetime(2026, 3, 8, 4, 59, tzinfo=UTC), date(2026, 3, 7))):
        doc = map_order(order(created_at=moment, updated_at=moment), RULES).document
        assert doc.txn_date == expected, moment


def test_a_refund_is_dated_on_the_stores_local_day() -> None:
    mapped = map_refund(refund(created_at=LATE_NOVEMBER_NY, updated_at=LATE_NOVEMBER_NY),
                        order(), RULES)
    assert mapped.document.txn_date == date(2026, 11, 30)


def test_a_check_paid_later_is_a_receipt_dated_when_paid_with_its_reference() -> None:
    paid = datetime(2026, 12, 16, 3, 0, tzinfo=UTC)  # 15 December, 22:00 in New York
    doc = map_order(order(payment_method="checkmo", updated_at=paid,
                          payments=[Payment(method="checkmo", amount=Decimal("48.30"),
                                            paid_at=paid, reference="CHK-1042", offline=True)]),
                    RULES).document
    assert doc.kind == "sales_receipt"
    assert doc.txn_date == date(2026, 12, 15)
    assert doc.payment_ref == "CHK-1042"


def test_eur_order_carries_the_stores_rate_so_the_home_amount_is_its_base_amount() -> None:
    the_order = order(currency="EUR", base_currency="USD", base_to_order_rate=Decimal("0.9217"),
                      base_grand_total=Decimal("52.40"))
    mapped = map_order(the_order, RULES)
    doc = mapped.document
    assert (doc.base_currency, doc.base_total) == ("USD", Decimal("52.40"))
    assert doc.base_rate is not None
    assert (doc.total * doc.base_rate).quantize(Decimal("0.01")) == Decimal("52.40")
    assert mapped.customer.key == "email:jane@example.com (EUR)"
    assert mapped.customer.display_name == "Jane Doe (EUR)"
    assert mapped.customer.currency == "EUR"


def test_rate_without_a_base_total_is_the_inverse_of_the_stores_rate() -> None:
    doc = map_order(order(currency="EUR", base_currency="USD",
                          base_to_order_rate=Decimal("0.8")), RULES).document
    assert doc.base_rate == Decimal("1.25")
    assert doc.base_total == Decimal("60.38")  # 48.30 × 1.25 = 60.375, half up


def test_base_currency_orders_carry_no_rate_and_keep_the_plain_customer() -> None:
    mapped = map_order(order(base_currency="USD"), RULES)
    assert (mapped.document.base_currency, mapped.document.base_rate) == ("", None)
    assert mapped.customer.key == "email:jane@example.com"


def test_standard_customer_is_per_currency_unless_the_rule_says_otherwise() -> None:
    rules = RULES.model_copy(update={"customer_policy": "standard_customer"})
    eur = order(currency="EUR", base_currency="USD")
    assert map_order(eur, rules).customer.display_name == "Web Store Customer (EUR)"
    one = rules.model_copy(update={"customer_per_currency": False})
    assert map_order(eur, one).customer.key == "name:Web Store Customer"


def test_refund_of_a_eur_order_uses_its_own_base_total() -> None:
    doc = map_refund(refund(currency="EUR", base_grand_total=Decimal("23.49")),
                     order(currency="EUR", base_currency="USD",
                           base_to_order_rate=Decimal("0.9217")), RULES).document
    assert (doc.base_currency, doc.base_total) == ("USD", Decimal("23.49"))
    assert doc.customer_key.endswith("(EUR)")

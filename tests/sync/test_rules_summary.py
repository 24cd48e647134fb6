"""The posting rules in plain words, as the demo shows them."""

from __future__ import annotations

from datetime import date

import pytest

from ecom_ledger_desktop.models.rules import PostingRules
from ecom_ledger_desktop.sync.pair_config import new_pair_rules
from ecom_ledger_desktop.sync.rules_summary import describe_rules, method_words

RULES = new_pair_rules("magento2", date(2026, 1, 1))  # a new Magento pair's rules


def test_the_default_books_in_plain_words() -> None:
    tax, dates, currency, gifts, unpaid, refunds, rounding = describe_rules(
        RULES, "America/New_York")
    assert "tax reports show what the store collected" in tax
    assert "store's local day (America/New_York)" in dates
    assert "“Jane Doe (EUR)”" in currency and "exchange rate" in currency
    assert "liability" in gifts and "“Gift Card”" in gifts
    assert "“Gift Card” / “Gift Card”" not in gifts and gifts.count("“Gift Card”") == 2
    assert "orders paid by bank transfer, cash on delivery, check / money order or purchase " \
           "order are posted only once paid" in unpaid and "30 days" in unpaid
    assert "“R-”" in refunds and "“Rounding”" in rounding and "never to tax" in rounding


def test_line_item_tax_and_a_time_zone_rule_are_said_plainly() -> None:
    rules = RULES.model_copy(update={"tax_mode": "line_item", "timezone": "Europe/London",
                                     "payment_posting": {}})
    tax, dates, _currency, _gifts, unpaid, *_ = describe_rules(rules, "America/New_York")
    assert "exempt" in tax and "tax reports" in tax
    assert "Europe/London, set by this pair's rule" in dates
    assert unpaid == "Unpaid orders: unpaid orders become invoices at once."


def test_separate_store_credit_and_reward_items_are_each_named() -> None:
    rules = RULES.model_copy(update={"store_credit_item": "Store Credit"})
    gifts = describe_rules(rules)[3]
    assert ("booked against “Gift Card” (a card), “Store Credit” (store credit), “Gift Card” "
            "(reward points)") in gifts


@pytest.mark.parametrize(("kind", "codes", "words"), [
    ("prestashop", {"ps_checkpayment", "ps_wirepayment", "ps_cashondelivery"},
     "orders paid by bank wire, cash on delivery or check are posted only once paid"),
    ("xcart", {"Check", "WireTransfer", "COD", "PhoneOrdering", "PurchaseOrder", "MoneyOrdering"},
     "orders paid by cash on delivery, check, money order, phone ordering, purchase order or "
     "wire transfer are posted only once paid"),
])
def test_a_new_pairs_offline_methods_are_the_stores_own(kind: str, codes: set[str],
                                                         words: str) -> None:
    rules = new_pair_rules(kind, date(2026, 1, 1))
    assert set(rules.payment_posting) == codes, "keyed by the store's own method codes"
    assert set(rules.payment_posting.values()) == {"post_when_paid"}
    unpaid = describe_rules(rules)[4]
    assert words in unpaid
    assert "checkmo" not in str(rules.model_dump()), "no Magento code in another store's rules"
    assert PostingRules(start_date=date(2026, 1, 1)).payment_posting == {}, "no store assumed"
    assert method_words(sorted(codes)[0]).endswith(f"({sorted(codes)[0]})")

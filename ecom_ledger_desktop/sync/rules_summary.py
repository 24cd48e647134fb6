"""A pair's posting rules in plain words: how its books will look (the demo shows this)."""

from __future__ import annotations

from ecom_ledger_desktop.connectors.registry import KINDS
from ecom_ledger_desktop.models.rules import LINE_ITEM_TAX_WARNING, PostingRules
from ecom_ledger_desktop.sync.summary import mode_words


def describe_rules(rules: PostingRules, store_timezone: str = "") -> list[str]:
    """One sentence per choice an accountant asks about: tax, dates, currency, gift cards,
    unpaid orders, refunds and rounding."""
    if rules.tax_mode == "ledger":
        codes = f"; {len(rules.tax_codes)} store rates mapped to tax codes" \
            if rules.tax_codes else ""
        tax = ("Tax: in the ledger's own sales tax / VAT, so its tax reports show what the store "
               "collected — taxable lines are marked taxable and each document carries the "
               f"store's tax amount{codes}.")
    else:
        tax = "Tax: " + LINE_ITEM_TAX_WARNING
    zone = rules.timezone or store_timezone
    dates = ("Dates: each sale, payment and refund is dated on the store's local day"
             + (f" ({zone}" + (", set by this pair's rule)" if rules.timezone else ")")
                if zone else "") + ", so a late-evening order stays in its month.")
    currency = ("Currency: orders in another currency carry the store's own exchange rate, so "
                "the home amount equals the store's base amount; "
                + ("each foreign currency has its own customer, e.g. “Jane Doe (EUR)”."
                   if rules.customer_per_currency else "customers are shared across currencies."))
    used = {"a card": rules.gift_card_item,
            "store credit": rules.redemption_item("store_credit"),
            "reward points": rules.redemption_item("reward_points")}
    against = (f"“{rules.gift_card_item}”" if len(set(used.values())) == 1 else
               ", ".join(f"“{item}” ({what})" for what, item in used.items()))
    gifts = (f"Gift cards: a card sold is booked to the item “{rules.gift_card_item}” (a liability,"
             " not revenue); a card, store credit or reward points used to pay is booked against "
             f"{against}, so the liability nets to zero.")
    waiting = sorted(m for m, when in rules.payment_posting.items() if when == "post_when_paid")
    unpaid = ("Unpaid orders: "
              + (f"orders paid by {_methods(waiting)} are posted only once paid, dated the day the "
                 f"money arrived; one unpaid after {rules.unpaid_alert_days} days goes to the "
                 "error queue. Other unpaid orders" if waiting else "unpaid orders")
              + " become invoices at once.")
    refunds = (f"Refunds: numbered “{rules.refund_number_prefix}” + the credit memo number; an "
               f"extra refund goes to “{rules.refund_adjustment_item}”, a fee kept to "
               f"“{rules.fee_item}”; stock goes back only for items the store returned.")
    rounding = (f"Rounding: a one-cent difference in the store's totals goes to "
                f"“{rules.rounding_item}”, never to tax.")
    lines = [tax, dates, currency, gifts, unpaid, refunds, rounding]
    if rules.posting_mode != "per_order" or rules.earlier_modes:
        lines.append(f"Posting: {mode_words(rules)}")
    return lines


def _method_names() -> dict[str, str]:
    """Every store kind's offline payment method codes in a merchant's words (each store has
    its own codes: Magento's ``checkmo``, PrestaShop's ``ps_checkpayment``, X-Cart's ``Check``)."""
    names: dict[str, str] = {}
    for kind in KINDS.values():
        names.update(kind.offline_payments)
    return names


def method_words(code: str) -> str:
    """A store payment method code in words, with the code: "bank transfer (banktransfer)"."""
    words = _method_names().get(code)
    return f"{words} ({code})" if words else code


def _methods(codes: list[str]) -> str:
    known = _method_names()
    named = sorted({known.get(code, code) for code in codes})
    return ", ".join(named[:-1]) + f" or {named[-1]}" if len(named) > 1 else named[0]

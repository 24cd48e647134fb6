"""Hand-made orders for the month-end audit, placed in the Magento simulator with their own
times: late evenings on a month's last day and around a daylight-saving change (store-local),
gift cards sold and used, store credit, refunds with adjustments (with and without the goods
back in stock), offline orders paid days later and one never paid, and a foreign-currency order
at the store's own rate."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ecom_ledger_desktop.sandbox.magento2 import Magento2Simulator

INVOICED_AT_ORDER = frozenset({"purchaseorder"})  # the pair's payment_posting rule
BUYER = {"email": "alex.kim@example.com", "firstname": "Alex", "lastname": "Kim"}
CATALOG = [
    {"sku": "MB-TOTE-BLK", "name": "Canvas Tote (Black)", "price": "24.00", "qty": 40},
    {"sku": "MH01-S-Gray", "name": "Chaz Kangeroo Hoodie S Gray", "price": "52.00", "qty": 12},
    {"sku": "WB-BOTTLE", "name": "Steel Water Bottle", "price": "18.50", "qty": 100},
]


def utc(zone: str, text: str) -> str:
    """Magento's UTC timestamp of a store-local wall time ("2026-10-31 23:30")."""
    local = datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))
    return local.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def lines(rates: tuple[str, str, str]) -> list[dict[str, Any]]:
    """Three products at the shop's standard, reduced and untaxed rates."""
    std, reduced, none = rates
    return [{"sku": "MB-TOTE-BLK", "name": "Canvas Tote (Black)", "qty": 2, "price": "24.00",
             "tax_percent": std},
            {"sku": "MH01-S-Gray", "name": "Chaz Kangeroo Hoodie S Gray", "qty": 1,
             "price": "52.00", "tax_percent": reduced},
            {"sku": "WB-BOTTLE", "name": "Steel Water Bottle", "qty": 1, "price": "18.50",
             **({"tax_percent": none, "taxable": True} if none else {})}]


def place_orders(store: Magento2Simulator, zone: str, currency: str,
                 rates: tuple[str, str, str], *, inclusive: bool = False,
                 foreign: tuple[str, str] | None = None,
                 shipping_with_coupon: str | None = "0") -> dict[str, int]:
    """The audit's orders and refunds; name -> entity id. ``foreign``: (currency, the store's
    base-to-order rate) for one order in another currency; ``shipping_with_coupon``: the
    shipping of the order with a coupon (free by default; None: no such order)."""
    state = store.state
    base = {"customer": BUYER, "currency": currency, "base_currency": currency,
            "shipping": "5.00", "shipping_tax_percent": rates[0] if inclusive else "0",
            "prices_include_tax": inclusive}

    def add(name: str, local: str, **spec: Any) -> int:
        full = {**base, "lines": lines(rates), "payment_method": "braintree", "paid": True,
                "created_at": utc(zone, local), **spec}
        ids[name] = store.add_order(full)
        return ids[name]

    ids: dict[str, int] = {}
    add("month_end_late", "2026-10-31 23:30")  # the UTC day is already November
    add("before_dst", "2026-10-24 23:30")
    add("after_dst", "2026-11-01 23:30")  # US clocks went back on 1 November, UK's on 25 Oct
    if shipping_with_coupon is not None:
        add("coupon", "2026-11-12 10:00", discount="10.00", coupon_code="SAVE10",
            shipping=shipping_with_coupon)
    add("card_sold", "2026-11-30 23:30", shipping="0", lines=[
        {"sku": "GIFT-CARD-25", "name": "Gift Card 25", "qty": 2, "price": "25",
         "type": "giftcard"}])
    add("card_used", "2026-11-20 12:00", gift_card={"code": "GC-AUDIT-1", "amount": "30"})
    add("card_used_rest", "2026-12-01 09:00", gift_card={"code": "GC-AUDIT-1", "amount": "20"})
    add("store_credit", "2026-11-21 12:00", store_credit="10.00")
    paid_later = add("check_paid_later", "2026-10-31 20:00", payment_method="checkmo",
                     paid=False)
    state.invoice_order(paid_later, now=utc(zone, "2026-11-03 23:45"))
    add("bank_unpaid", "2026-11-25 11:00", payment_method="banktransfer", paid=False)
    # purchase orders are invoiced at once by the pair's rule (INVOICED_AT_ORDER); the test
    # records the payment of this one after a first sync (``pay_later``)
    add("po_paid_later", "2026-11-16 09:00", payment_method="purchaseorder", paid=False)
    add("po_open", "2026-11-27 09:00", payment_method="purchaseorder", paid=False)
    if foreign:
        other, rate = foreign
        add("foreign", "2026-11-15 14:00", currency=other, base_currency=currency,
            base_to_order_rate=rate)
    shipped = add("refund_full", "2026-10-20 15:00", shipped=True)
    state.refund_order(shipped, {"adjustment_negative": "4.00"},
                       now=utc(zone, "2026-10-31 23:40"))
    partial = add("refund_partial", "2026-10-28 15:00")  # refunded the next month
    state.refund_order(partial, {"lines": [{"sku": "MB-TOTE-BLK", "qty": 1,
                                            "back_to_stock": True}],
                                 "shipping": 0, "adjustment_positive": "2.00"},
                       now=utc(zone, "2026-11-30 23:45"))
    kept = add("refund_not_returned", "2026-11-06 15:00", shipped=True)
    state.refund_order(kept, {"lines": [{"sku": "MH01-S-Gray", "qty": 1}], "shipping": 0,
                              "store_credit": "10.00"}, now=utc(zone, "2026-11-09 10:00"))
    return ids


def pay_later(store: Magento2Simulator, zone: str, entity_id: int) -> None:
    """The shop records the money for an invoiced order, paid at 23:50 local on 30 November
    (the order changes now, so the next sync sees it)."""
    store.state.invoice_order(entity_id, now=utc(zone, "2026-11-30 23:50"))
    store.state.change_order(entity_id, lambda order, now: order.update(updated_at=now))

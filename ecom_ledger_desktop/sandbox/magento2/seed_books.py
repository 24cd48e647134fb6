"""Demo orders that exercise the books, not just the sync (issue 9).

Specials that turn a generated order into: a gift card sold or redeemed, store credit or reward
points used, a EUR order (base USD, rate 0.9215), a tax-inclusive EUR order with a coupon (the
discount tax compensation), an offline order paid days later, an old unpaid bank transfer, and
refunds with adjustments, with and without return to stock. A generated offline order older than
``OFFLINE_SETTLED_AFTER`` is paid days after it was placed (a real shop has a couple of unpaid
checks, not dozens). ``target_moments`` moves a few
order times to 23:30 in the store's zone on a month's last day and on both sides of the last
daylight-saving change. Nothing here draws from the seed's random generator, so every other
order stays as it was.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

EUR_RATE = "0.9215"
LOCAL_LATE = time(23, 30)
_MORGAN = {"email": "morgan.reyes@example.com", "firstname": "Morgan", "lastname": "Reyes"}
_NEW_LINES = frozenset({"gift_card_redeemed", "gift_card_sold", "store_credit", "reward",
                        "refund_partial", "refund_full", "refund_credit"})
_GERMAN = {
    "customer": {"email": "lena.schmidt@example.de", "firstname": "Lena", "lastname": "Schmidt"},
    "billing_address": {"city": "München", "country_id": "DE", "region": "Bayern",
                        "region_id": 81, "region_code": "BY", "postcode": "80331",
                        "street": ["Marienplatz 8"], "telephone": "+49 89 1234567",
                        "firstname": "Lena", "lastname": "Schmidt"},
}


def books_specials(n: int) -> dict[int, str]:
    """Index -> special kind (added after the sync specials; small ``n`` get fewer)."""
    if n < 12:
        return {}
    kinds = {
        1: "unpaid_old", 3: "unpaid_old",
        n // 11: "gift_card_redeemed", n // 8: "store_credit", (2 * n) // 7: "reward",
        (3 * n) // 8: "eur", (2 * n) // 5: "inclusive_eur", (4 * n) // 9: "paid_later",
        (3 * n) // 5: "paid_later", (2 * n) // 3: "refund_partial", (5 * n) // 7: "refund_full",
        (3 * n) // 4: "gift_card_sold", (4 * n) // 5: "inclusive_eur",
        (7 * n) // 8: "refund_credit", (8 * n) // 9: "paid_later",
    }
    return {index: kind for index, kind in kinds.items() if 0 <= index < n}


def apply_books_special(kind: str, spec: dict[str, Any], idx: int) -> None:
    """Rewrite ``spec`` for one special kind (refunds are described by ``refund_plan``)."""
    if kind in _NEW_LINES:  # the generated lines and their coupon make way for the special's
        for key in ("coupon_code", "discount", "discount_description", "guest"):
            spec.pop(key, None)
        if not spec.get("customer"):
            spec["customer"] = dict(_MORGAN)
    if kind == "unpaid_old":
        spec.update({"payment_method": "banktransfer", "paid": False, "shipped": False})
    elif kind == "gift_card_redeemed":
        spec.update({"lines": [{"sku": "24-WB04", "name": "Overnight Duffle", "qty": 1,
                                "price": "45"}],
                     "gift_card": {"code": f"GC-{idx:04d}-DEMO", "amount": "25", "id": idx},
                     "payment_method": "braintree", "paid": True})
    elif kind == "gift_card_sold":
        spec.update({"lines": [{"sku": "GIFT-CARD-25", "name": "Gift Card $25", "qty": 2,
                                "price": "25", "type": "giftcard"}],
                     "payment_method": "paypal_express", "paid": True, "shipped": False})
    elif kind in ("store_credit", "reward"):
        spec.update({"customer": _MORGAN, "payment_method": "braintree", "paid": True,
                     "lines": [{"sku": "24-MB01", "name": "Joust Duffle Bag", "qty": 1,
                                "price": "34"}]})
        spec["store_credit" if kind == "store_credit" else "reward"] = \
            "10" if kind == "store_credit" else "3.50"
    elif kind in ("eur", "inclusive_eur"):
        spec.update({**_GERMAN, "currency": "EUR", "base_currency": "USD",
                     "base_to_order_rate": EUR_RATE, "payment_method": "paypal_express",
                     "paid": True, "shipping": "5.95", "shipping_tax_percent": "19"})
        spec.pop("guest", None)
        for line in spec["lines"]:
            line["tax_percent"] = "19"
        if kind == "inclusive_eur":
            # simple lines only: the simulator's bundle children carry gross prices untaxed in a
            # tax-inclusive order, which no real store sends (the sale would not add up)
            spec["lines"] = [ln for ln in spec["lines"] if ln.get("type") != "bundle"] or [
                {"sku": "24-MB04", "name": "Strive Shoulder Pack", "qty": 1, "price": "32",
                 "tax_percent": "19"}]
            spec.update({"prices_include_tax": True, "coupon_code": "SAVE10",
                         "discount_description": "10% off", "shipping_tax_percent": "0"})
            gross = sum((Decimal(str(ln.get("price") or 68)) * ln["qty"] for ln in spec["lines"]),
                        Decimal(0))
            spec["discount"] = str((gross / 10).quantize(Decimal("0.01")))
    elif kind == "paid_later":
        spec.update({"payment_method": "checkmo" if idx % 2 else "banktransfer", "paid": True})
    elif kind.startswith("refund"):
        spec.update({"payment_method": "braintree", "paid": True,
                     "shipped": kind == "refund_full"})
        spec["lines"] = [{"sku": "24-UG07", "name": "Dual Handle Cardio Ball", "qty": 2,
                          "price": "12"}, {"sku": "24-MG04", "name": "Aim Analog Watch",
                                           "qty": 1, "price": "45"}]
        if kind == "refund_credit":
            spec["customer"] = _MORGAN


def refund_plan(kind: str) -> dict[str, Any] | None:
    """The credit memo a refund special gets (Magento's refund arguments, compact)."""
    if kind == "refund_partial":  # not shipped: a ball goes back on the shelf, 2.00 extra back
        return {"lines": [{"sku": "24-UG07", "qty": 1, "back_to_stock": True}],
                "shipping": 0, "adjustment_positive": "2.00"}
    if kind == "refund_full":  # shipped, nothing came back: all refunded but a 4.00 fee kept
        return {"adjustment_negative": "4.00"}
    if kind == "refund_credit":  # the watch refunded partly to store credit
        return {"lines": [{"sku": "24-MG04", "qty": 1, "back_to_stock": True}], "shipping": 0,
                "store_credit": "15"}
    return None


#: An offline order placed longer ago than this has been paid (days after it was placed), as
#: most checks and bank transfers are; younger ones may still wait for their money, and only the
#: "unpaid_old" specials stay unpaid past the alert days.
OFFLINE_SETTLED_AFTER = timedelta(days=10)
OFFLINE_METHODS = ("checkmo", "banktransfer")


def settles_offline(spec: dict[str, Any], created: datetime, now: datetime) -> bool:
    """Whether a generated unpaid offline order was paid since (no random draw: the other
    orders stay as they were)."""
    return (spec.get("payment_method") in OFFLINE_METHODS
            and now - created > OFFLINE_SETTLED_AFTER)


def paid_later(created: datetime, idx: int, now: datetime) -> datetime:
    """When an offline order paid after the fact was invoiced: 2-7 days later, before now."""
    return min(created + timedelta(days=2 + idx % 6, hours=3), now - timedelta(minutes=5))


def target_moments(now: datetime, zone: str, span_days: int = 59) -> list[datetime]:
    """23:30 local on each month's last day in the span, and around the last DST change."""
    tz = ZoneInfo(zone)
    today = now.astimezone(tz).date()
    out: list[datetime] = []
    for back in range(1, span_days):
        day = today - timedelta(days=back)
        if (day + timedelta(days=1)).day == 1:
            out.append(_late(day, tz))
    change = _last_dst_change(today, tz)
    if change is not None and (today - change).days <= 85:
        out += [_late(change - timedelta(days=1), tz), _late(change, tz)]
    return sorted({m for m in out if m < now - timedelta(hours=1)})


def _late(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, LOCAL_LATE, tzinfo=tz).astimezone(UTC)


def _last_dst_change(today: date, tz: ZoneInfo) -> date | None:
    for back in range(1, 366):
        day = today - timedelta(days=back)
        noon = datetime.combine(day, time(12), tzinfo=tz)
        before = datetime.combine(day - timedelta(days=1), time(12), tzinfo=tz)
        if noon.utcoffset() != before.utcoffset():
            return day
    return None


def place_targets(moments: list[datetime], targets: list[datetime]) -> list[datetime]:
    """``moments`` with the one nearest each target moved onto it (still sorted)."""
    moved = list(moments)
    used: set[int] = set()
    for target in targets:
        free = [i for i in range(len(moved)) if i not in used and i not in (1, 3)]
        if not free:
            break
        nearest = min(free, key=lambda i: abs((moved[i] - target).total_seconds()))
        moved[nearest] = target
        used.add(nearest)
    return sorted(moved)

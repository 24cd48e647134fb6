"""Deterministic demo data for the X-Cart simulator (same ``seed`` -> same shop).

A small catalogue with variants (a T-shirt by size and colour), customers and guests, coupons,
offline payments (check, phone ordering, COD, purchase order) of which some are still unpaid and
one paid later, refunds, a MultiCurrency order (EUR shown, billed in USD at the order's rate), a
gift certificate, SKUs the books do not know, and one order by Jordan Rivera (whom the QuickBooks
demo company has twice).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from .store import ShopState

SIMPLES = [("XC-MUG-01", "Planet Express Mug", "12.00"), ("XC-BAG-02", "Messenger Bag", "45.00"),
           ("XC-CAP-03", "Baseball Cap", "19.99"), ("XC-BOT-04", "Steel Bottle", "18.50"),
           ("XC-NOTE-05", "Notebook A5", "7.50"), ("XC-LAMP-06", "Desk Lamp", "34.00"),
           ("XC-POST-07", "Poster Set", "15.00"), ("XC-SOCK-08", "Wool Socks", "9.00")]
TEE = ("XC-TEE", "Planet Express Tee", "22.00")
TEE_VARIANTS = [(f"XC-TEE-{size}-{colour[:3].upper()}", "22.00",
                 {"Size": size, "Color": colour}) for size in ("S", "M", "L")
                for colour in ("Black", "White")]
GIFT = ("XC-GIFTCERT-25", "Gift Certificate $25", "25.00")
UNKNOWN = [("XC-WRAP", "Gift Wrapping", "4.00"), ("XC-LEGACY-9", "Old Catalogue Item", "11.00")]
#: the simple products the books should know (not the unknown ones)
DEMO_CATALOG: list[dict[str, Any]] = [
    {"sku": sku, "name": name, "price": price, "qty": 100}
    for sku, name, price in [*SIMPLES, GIFT, *((s, f"{TEE[1]} {a['Size']} {a['Color']}", p)
                                               for s, p, a in TEE_VARIANTS)]]
CUSTOMERS = [("alice.martin@example.com", "Alice", "Martin"),
             ("bob.nguyen@example.com", "Bob", "Nguyen"),
             ("carla.diaz@example.com", "Carla", "Diaz"),
             ("dev.patel@example.com", "Dev", "Patel"),
             ("emma.rossi@example.com", "Emma", "Rossi")]
ONLINE = ["Stripe", "ExpressCheckout"]
OFFLINE = ["Check", "PhoneOrdering", "COD", "PurchaseOrder"]


def seed_catalog(state: ShopState) -> None:
    for sku, name, price in [*SIMPLES, GIFT, *UNKNOWN]:
        state.add_product(sku, name, price)
    state.add_product(*TEE, variants=TEE_VARIANTS)


def seed_orders(state: ShopState, seed: int, now: datetime, count: int) -> None:
    """``count`` orders over the 90 days before ``now``, with the planted cases first."""
    rng = random.Random(seed)
    start = now - timedelta(days=90)
    moments = sorted(start + timedelta(seconds=rng.randint(0, 89 * 86400)) for _ in range(count))
    for n, when in enumerate(moments):
        spec = _spec(rng, n, count)
        spec["created_at"] = when
        spec["updated_at"] = when + timedelta(minutes=rng.randint(0, 120))
        oid = state.add_order(spec)
        _after(state, oid, n, count)


def _planted(n: int, count: int) -> str:
    """The demo's planted problems, once each (like the Magento demo's): an SKU the books do
    not know on three orders, Jordan Rivera once, two offline orders unpaid for over 30 days
    and a few recent ones that simply wait for their money."""
    if count < 12:
        return ""
    if n in (count // 7, count // 3, (2 * count) // 3):
        return "unknown_sku"
    if n == count // 2:
        return "jordan"
    if n in (count // 12, count // 5):
        return "unpaid_old"
    if n in (count - 2, count - 5):
        return "unpaid_recent"
    return ""


def _spec(rng: random.Random, n: int, count: int) -> dict[str, Any]:
    pool = [*SIMPLES, *((s, "Planet Express Tee", p) for s, p, _ in TEE_VARIANTS)]
    lines = [{"sku": sku, "name": name, "price": price, "qty": rng.randint(1, 3),
              "tax_percent": rng.choice(["8.875", "8.875", "0"])}
             for sku, name, price in rng.sample(pool, rng.randint(1, 3))]
    who = rng.choice(CUSTOMERS)
    spec: dict[str, Any] = {
        "customer": {"email": who[0], "firstname": who[1], "lastname": who[2]},
        "lines": lines, "shipping": rng.choice(["5.00", "7.95", "0"]),
        "shipping_tax_percent": "8.875", "payment_method": rng.choice(ONLINE), "paid": True}
    planted = _planted(n, count)
    special = n % 23
    if planted == "unknown_sku":
        sku, name, price = UNKNOWN[(n // 3) % len(UNKNOWN)]
        spec["lines"].append({"sku": sku, "name": name, "price": price, "qty": 1})
    elif planted == "jordan":
        spec["customer"] = {"email": "jordan.rivera@example.com", "firstname": "Jordan",
                            "lastname": "Rivera"}
    elif planted:
        spec.update(payment_method=rng.choice(OFFLINE), paid=False)  # waits for its money
    elif special == 1:
        spec["customer"] = None  # a guest checkout
    elif special == 2:
        spec["discount"], spec["coupon"] = "5.00", "WELCOME5"
    elif special == 4:
        spec.update(display_currency="EUR", rate="0.9215")  # MultiCurrency: shown in EUR
    elif special == 5:
        spec["lines"].append({"sku": GIFT[0], "name": GIFT[1], "price": GIFT[2], "qty": 1})
    elif special == 8:
        spec.update(payment_method="Check", paid=False)  # paid later
    return spec


def _after(state: ShopState, oid: int, n: int, count: int) -> None:
    special = n % 23
    if _planted(n, count):
        return
    if special == 8:
        state.pay(oid)
    elif special == 9:
        order = state.orders[oid]
        state.refund(oid, {"amount": str(order.total)})  # a full refund
    elif special == 10:
        line = state.orders[oid].lines[0]
        state.refund(oid, {"lines": [{"sku": line.sku, "qty": 1}], "back_to_stock": True})

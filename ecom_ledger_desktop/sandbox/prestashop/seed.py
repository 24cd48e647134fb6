"""Deterministic demo data: a small fashion-and-home catalogue, customers and 90 days of orders.

Everything derives from ``seed``. ``DEMO_CATALOG`` lists what the books should know (simple
products and variant references); a few seeded orders use SKUs outside it on purpose, one is
bought by Jordan Rivera (the demo ledger has that buyer twice), one is paid in euros, one with a
gift card voucher, bank wires paid days later (the first never: it shows the "unpaid for too
long" alert), a few are refunded with credit slips.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from .orders import Orders

_SIMPLES = [
    ("PS-MUG-01", "Today is a good day Mug", "11.90", 120),
    ("PS-POSTER-01", "The best is yet to come Framed poster", "29.00", 40),
    ("PS-NOTE-01", "Mountain fox Notebook", "12.90", 200),
    ("PS-CUSHION-01", "Brown bear Cushion", "18.90", 60),
    ("PS-VECTOR-01", "Mountain fox Vector graphics", "9.00", 999),
    ("PS-TOTE-01", "Canvas Tote Bag", "24.00", 80),
    ("PS-BOTTLE-01", "Steel Water Bottle", "18.50", 150),
]
_VARIANTS = [
    ("Hummingbird printed t-shirt", "23.90", [("PS-TEE-S-WHT", "S, White"),
                                             ("PS-TEE-M-WHT", "M, White"),
                                             ("PS-TEE-L-BLK", "L, Black")]),
    ("Hummingbird printed sweater", "35.90", [("PS-SWT-S", "S"), ("PS-SWT-M", "M"),
                                             ("PS-SWT-L", "L")]),
]
UNMAPPED = [("PS-LEGACY-CANDLE", "Vintage Candle", "14.00"), ("PS-ENGRAVE", "Custom Engraving",
                                                               "9.50")]


def _catalog() -> list[dict[str, Any]]:
    out = [{"sku": s, "name": n, "price": p, "qty": q} for s, n, p, q in _SIMPLES]
    for name, price, variants in _VARIANTS:
        out += [{"sku": ref, "name": f"{name} - {label}", "price": price, "qty": 50}
                for ref, label in variants]
    return out


DEMO_CATALOG: list[dict[str, Any]] = _catalog()

# first, last, city, region code, postcode, tax %
_PEOPLE = [
    ("Jane", "Doe", "Brooklyn", "NY", "11201", "8.875"), ("Zoë", "O'Brien", "Portland", "OR",
                                                          "97201", "0"),
    ("José", "Martínez", "Austin", "TX", "73301", "8.25"), ("Michael", "Chen", "San Francisco",
                                                            "CA", "94105", "7.25"),
    ("Priya", "Patel", "Seattle", "WA", "98101", "10.1"), ("Marcus", "Johnson", "Miami", "FL",
                                                          "33101", "0"),
    ("Chloé", "Dubois", "Albany", "NY", "12207", "8"), ("Emily", "Carter", "Denver", "CO",
                                                       "80202", "0"),
    ("Grace", "Lee", "Raleigh", "NC", "27601", "0"), ("Noah", "Williams", "Columbus", "OH",
                                                     "43215", "0"),
]
_ONLINE, _OFFLINE = ["paypal_express", "braintree"], ["checkmo", "banktransfer"]


def seed_catalog(orders: Orders) -> None:
    """The catalogue's products, combinations and stock."""
    shop = orders.shop
    for sku, name, price, qty in _SIMPLES:
        shop.add_product(sku, name, Decimal(price), qty)
    for name, price, variants in _VARIANTS:
        shop.add_product(name.upper().replace(" ", "-")[:12], name, Decimal(price), 0,
                         [(ref, label, 50) for ref, label in variants])


def _email(first: str, last: str) -> str:
    plain = "".join(c for c in f"{first}.{last}".lower() if c.isascii() and (c.isalnum() or c == "."))
    return f"{plain}@example.com"


def _line(rng: random.Random, rate: str) -> dict[str, Any]:
    entry = rng.choice(DEMO_CATALOG)
    return {"sku": entry["sku"], "name": entry["name"], "qty": rng.choice([1, 1, 1, 2, 3]),
            "price": entry["price"], "tax_percent": rate}


def seed_orders(orders: Orders, seed: int, now: datetime, count: int) -> None:
    """``count`` orders over the 90 days before ``now`` (the specials first)."""
    rng = random.Random(seed)
    shop = orders.shop
    for n in range(count):
        person = _PEOPLE[n % len(_PEOPLE)]
        first, last, city, region, postcode, rate = person
        placed = now - timedelta(days=90 * (count - n) / max(count, 1), minutes=rng.randint(0, 600))
        spec: dict[str, Any] = {
            "customer": {"email": _email(first, last), "firstname": first, "lastname": last},
            "address": {"city": city, "region_code": region, "postcode": postcode},
            "lines": [_line(rng, rate) for _ in range(rng.choice([1, 1, 2, 3]))],
            "shipping": rng.choice(["4.95", "7.00", "0"]), "shipping_tax_percent": rate,
            "currency": "USD", "paid": True, "payment_method": rng.choice(_ONLINE),
            "created_at": placed,
        }
        special = n % 12
        if special == 1:
            spec["customer"] = None
            spec["guest"] = {"email": f"guest.{n}@example.com", "firstname": "Sam",
                             "lastname": f"Guest{n}"}
        elif special == 2:
            spec["discount"], spec["coupon_code"] = "5.00", "WELCOME5"
        elif special == 3 and n < 12:
            spec["customer"] = {"email": "jordan.rivera@example.com", "firstname": "Jordan",
                                "lastname": "Rivera"}
        elif special == 4 and n < 48:  # a few orders (not every 12th) with unknown SKUs
            spec["lines"].append({"sku": rng.choice(UNMAPPED)[0], "name": "Legacy item",
                                  "qty": 1, "price": "14.00", "tax_percent": rate})
        elif special == 5 and n < 12:
            spec.update(currency="EUR", conversion_rate="0.9215", shipping_tax_percent="0")
        elif special == 6:
            spec["vouchers"] = [{"name": "Gift card GC-7Q2M", "amount": "10.00"}]
        elif special == 7:
            spec.update(paid=False, payment_method="banktransfer")
        elif special == 8:
            spec["wrapping"] = "2.50"
            spec["lines"].append({"sku": "PS-GIFTCARD-25", "name": "Gift card $25", "qty": 1,
                                  "price": "25.00", "tax_percent": "0"})
        elif special == 11:
            spec.update(paid=False, payment_method="checkmo")
        oid = orders.add(spec)
        if special == 7 and n < count - 1 and n != 7:  # the first bank wire never arrives
            orders.history(oid, 2, shop.local(placed + timedelta(days=3)))
        elif special == 9:
            line = orders.details(oid)[0]
            orders.refund(oid, {"lines": [{"sku": line["product_reference"], "qty": 1}],
                                "return_to_stock": True})
            slip = max(shop.tables["order_slip"])
            shop.tables["order_slip"][slip]["date_add"] = shop.local(placed + timedelta(days=5))
            shop.tables["order_slip"][slip]["date_upd"] = shop.local(placed + timedelta(days=5))
        elif special == 10 and n % 24 == 10:
            orders.history(oid, 4, shop.local(placed + timedelta(days=1)))
        elif special == 11:
            orders.cancel(oid)
        last_change = max(h["date_add"] for h in shop.find("order_histories", id_order=str(oid)))
        shop.row("orders", oid)["date_upd"] = max(last_change, shop.row("orders", oid)["date_add"])

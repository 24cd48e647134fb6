"""Deterministic demo data: customers and realistic orders over the Luma-like catalogue.

Everything derives from ``seed``; order dates are spread over the 60 days before the
simulated "now". The catalogue (``DEMO_CATALOG``) is ``seed_catalog``'s; a few seeded orders
use SKUs outside it (unmapped SKUs on purpose).
"""

from __future__ import annotations

import random
import unicodedata
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from .money import fmt_time
from .seed_books import (
    apply_books_special,
    books_specials,
    paid_later,
    place_targets,
    refund_plan,
    settles_offline,
    target_moments,
)
from .seed_catalog import SIMPLES, UNMAPPED, order_line, seed_catalog
from .state import StoreState

# (first, last, city, region, region_code, region_id, postcode, tax %)
_PEOPLE = [
    ("Jane", "Doe", "Purchase", "New York", "NY", 43, "10577", "8.875"),
    ("Zoë", "O'Brien", "Portland", "Oregon", "OR", 49, "97201", "0"),
    ("José", "Martínez", "Austin", "Texas", "TX", 57, "73301", "8.25"),
    ("François", "Lefèvre", "Boston", "Massachusetts", "MA", 32, "02108", "6.25"),
    ("Siobhán", "D'Arcy", "Chicago", "Illinois", "IL", 23, "60601", "0"),
    ("Michael", "Chen", "San Francisco", "California", "CA", 12, "94105", "7.25"),
    ("Priya", "Patel", "Seattle", "Washington", "WA", 62, "98101", "10.1"),
    ("Marcus", "Johnson", "Miami", "Florida", "FL", 18, "33101", "0"),
    ("Chloé", "Dubois", "Brooklyn", "New York", "NY", 43, "11201", "8.875"),
    ("Björn", "Åkesson", "Minneapolis", "Minnesota", "MN", 34, "55401", "0"),
    ("Emily", "Carter", "Denver", "Colorado", "CO", 13, "80202", "0"),
    ("Seán", "Ó Briain", "Savannah", "Georgia", "GA", 19, "31401", "0"),
    ("Luis", "García", "Los Angeles", "California", "CA", 12, "90012", "7.25"),
    ("Sarah", "O'Connor", "Phoenix", "Arizona", "AZ", 4, "85001", "0"),
    ("Nguyễn", "Thị Minh", "Houston", "Texas", "TX", 57, "77002", "8.25"),
    ("David", "Kim", "Atlanta", "Georgia", "GA", 19, "30303", "0"),
    ("Amélie", "Poulain", "New Orleans", "Louisiana", "LA", 28, "70112", "0"),
    ("Olivia", "Brown", "Nashville", "Tennessee", "TN", 56, "37201", "0"),
    ("Noah", "Williams", "Columbus", "Ohio", "OH", 47, "43215", "0"),
    ("Renée", "Zellweger-Smith", "Burlington", "Vermont", "VT", 59, "05401", "0"),
    ("Grace", "Lee", "Raleigh", "North Carolina", "NC", 44, "27601", "0"),
    ("Ethan", "Davis", "Salt Lake City", "Utah", "UT", 58, "84101", "0"),
]
_COUPONS = [
    ("SAVE10", "10% off", "pct", "10"),
    ("WELCOME5", "$5 off your first order", "fixed", "5"),
    ("SPRING15", "Spring sale 15%", "pct", "15"),
]
_ONLINE, _OFFLINE = ["paypal_express", "braintree"], ["checkmo", "banktransfer"]


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if c.isalnum() and c.isascii()).lower()


def _person(p: tuple[str, str, str, str, str, int, str, str], email: str | None = None) -> dict[str, Any]:
    first, last = p[0], p[1]
    return {
        "email": email or f"{_ascii(first)}.{_ascii(last)}@example.com",
        "firstname": first,
        "lastname": last,
    }


def _address(p: tuple[str, str, str, str, str, int, str, str], idx: int) -> dict[str, Any]:
    return {
        "city": p[2],
        "country_id": "US",
        "region": p[3],
        "region_code": p[4],
        "region_id": p[5],
        "postcode": p[6],
        "street": [f"{100 + idx * 7} Market Street"],
        "telephone": f"555-01{idx:02d}",
        "firstname": p[0],
        "lastname": p[1],
    }


def seed_customers(state: StoreState, when: str) -> None:
    """Register the people of the pool, plus a same-name, same-postcode second account."""
    for idx, person in enumerate(_PEOPLE):
        state.customer_for({**_person(person), "created_at": when}, _address(person, idx))
    jane = _PEOPLE[0]
    state.customer_for({**_person(jane, "jdoe.work@example.com"), "created_at": when}, _address(jane, 0))

def _order_spec(rng: random.Random, idx: int, n: int) -> dict[str, Any]:
    pidx = min(int(rng.paretovariate(1.2)) - 1, len(_PEOPLE) - 1)
    person = _PEOPLE[pidx if rng.random() < 0.6 else rng.randrange(len(_PEOPLE))]
    guest = rng.random() < 0.3
    lines = [order_line(rng) for _ in range(rng.choice([1, 1, 2, 2, 3, 4]))]
    method = rng.choice(_ONLINE + _OFFLINE + _ONLINE)
    spec: dict[str, Any] = {
        "customer": None if guest else _person(person),
        "billing_address": _address(person, pidx),
        "lines": lines,
        "shipping": rng.choice(["5", "5", "10", "0"]),
        "payment_method": method,
        "shipping_method": rng.choice(["flatrate_flatrate", "tablerate_bestway"]),
    }
    if guest:
        spec["guest"] = _person(person)
    if person[7] != "0" and rng.random() < 0.6:
        for line in lines:
            line["tax_percent"] = person[7]
    if rng.random() < 0.2:
        code, label, kind, value = rng.choice(_COUPONS)
        gross = sum(Decimal(str(ln.get("price") or 68)) * ln["qty"] for ln in lines)
        amount = gross * Decimal(value) / 100 if kind == "pct" else min(Decimal(value), gross)
        spec.update(
            {
                "coupon_code": code,
                "discount_description": label,
                "discount": str(amount.quantize(Decimal("0.01"))),
            }
        )
    spec["paid"] = method in _ONLINE or rng.random() < 0.5
    spec["shipped"] = spec["paid"] and rng.random() < 0.6
    special = {
        n // 7: "dup_case",
        n // 6: "dup_work",
        n // 5: "dup_space",
        n // 3: "eur",
        n // 4: "free",
        n // 9: "unmapped",
        n // 2: "unmapped",
        (5 * n) // 6: "unmapped",
    }
    kind = special.get(idx, "") if n >= 12 else ""
    if kind == "dup_work":  # same name and postcode as Jane Doe, different account
        jane = _PEOPLE[0]
        spec.update(
            {"customer": _person(jane, "jdoe.work@example.com"), "billing_address": _address(jane, 0)}
        )
    elif kind in ("dup_case", "dup_space"):
        jane = _PEOPLE[0]
        email = " JANE.DOE@example.com" if kind == "dup_space" else "Jane.Doe@Example.com"
        spec.update({"customer": None, "guest": _person(jane, email), "billing_address": _address(jane, 0)})
    elif kind == "eur":
        spec.update(
            {
                "currency": "EUR",
                "base_currency": "USD",
                "base_to_order_rate": "0.9215",
                "customer": {
                    "email": "hannah.mueller@example.de",
                    "firstname": "Hannah",
                    "lastname": "Müller",
                },
                "billing_address": {
                    "city": "Berlin",
                    "country_id": "DE",
                    "region": "Berlin",
                    "region_id": 82,
                    "region_code": "BER",
                    "postcode": "10115",
                    "street": ["Friedrichstraße 12"],
                    "telephone": "+49 30 1234567",
                    "firstname": "Hannah",
                    "lastname": "Müller",
                },
                "payment_method": "paypal_express",
                "paid": True,
            }
        )
        for line in lines:
            line["tax_percent"] = "19"
    elif kind == "free":
        sku, name, price = SIMPLES[5]
        spec.update(
            {
                "lines": [{"sku": sku, "name": name, "qty": 1, "price": price}],
                "shipping": "0",
                "coupon_code": "FREEGIFT",
                "discount": price,
                "discount_description": "Free gift",
                "payment_method": "free",
                "paid": True,
                "shipping_method": "freeshipping_freeshipping",
            }
        )
    elif kind == "unmapped":
        sku, name, price = UNMAPPED[idx % len(UNMAPPED)]
        lines.append({"sku": sku, "name": name, "qty": 1, "price": price})
    return spec


def seed_orders(state: StoreState, rng: random.Random, now: datetime, count: int) -> None:
    """Create ``count`` orders spread over the last 60 days (``seed_books`` for the specials)."""
    span = 60 * 24 * 3600
    moments = sorted(now - timedelta(seconds=rng.randint(600, span)) for _ in range(count))
    bulk_moment = fmt_time(now - timedelta(days=2, hours=3))
    bulk = set(rng.sample(range(count), min(6, count)))
    if count >= 12:
        moments = place_targets(moments, target_moments(now, state.store_configs[0]["timezone"]))
    specials = books_specials(count)
    for idx, created in enumerate(moments):
        spec = _order_spec(rng, idx, count)
        spec["created_at"] = fmt_time(created)
        later = created + timedelta(seconds=rng.randint(30, 3 * 24 * 3600))
        later = min(later, now - timedelta(seconds=60))
        canceled = not spec["paid"] and rng.random() < 0.08
        refund = spec["paid"] and spec.get("payment_method") != "free" and rng.random() < 0.06
        kind = specials.get(idx, "")
        if kind:  # after the draws above, so the other orders stay as they were
            apply_books_special(kind, spec, idx)
            canceled, refund = False, False
        if not (spec["paid"] or canceled or kind) and settles_offline(spec, created, now):
            spec["paid"] = True  # most checks and transfers arrive; the specials' do not
        if spec["paid"] and spec.get("payment_method") in _OFFLINE:  # paid days after ordering
            paid_at = paid_later(created, idx, now)
            spec["paid_at"] = fmt_time(paid_at)
            later = max(later, paid_at)
        state_now = fmt_time(max(later, created))
        plan = refund_plan(kind)
        oid = state.add_order(spec)
        with state.lock:
            data = state.record(oid).data
            data["updated_at"] = state_now if spec["paid"] else spec["created_at"]
        if canceled:
            state.cancel_order(oid, now=state_now)
        if refund:  # goods that never shipped are back on the shelf; shipped ones are not
            row = next(r for r in state.record(oid).data["items"] if not r.get("parent_item_id"))
            line = {"sku": row["sku"], "qty": 1, "back_to_stock": not spec.get("shipped")}
            state.refund_order(oid, {"lines": [line], "shipping": 0}, now=state_now)
        if plan is not None:
            state.refund_order(oid, plan, now=state_now)
        with state.lock:
            record = state.record(oid)
            record.data["updated_at"] = state_now if (spec["paid"] or canceled) else spec["created_at"]
            if idx in bulk:
                record.data["updated_at"] = max(bulk_moment, spec["created_at"],
                                                str(spec.get("paid_at", "")))


#: A buyer the demo's QuickBooks company knows twice (two customers share the email): the demo's
#: duplicate-customer flow. Placed last, after the generated orders: a check that arrived since.
DEMO_DUPLICATE_BUYER: dict[str, Any] = {
    "customer": {"email": "jordan.rivera@example.com", "firstname": "Jordan",
                 "lastname": "Rivera"},
    "lines": [{"sku": "MB-TOTE-BLK", "name": "Canvas Tote Bag - Black", "qty": 1,
               "price": "24"}],
    "shipping": "5", "currency": "USD", "payment_method": "checkmo", "paid": True}


def seed_store(state: StoreState, seed: int, now: datetime, orders: int) -> None:
    """Catalogue, customers and ``orders`` orders, all derived from ``seed``; with any orders,
    also the demo's order by a buyer the books know twice (``DEMO_DUPLICATE_BUYER``)."""
    rng = random.Random(seed)
    when = fmt_time(now - timedelta(days=400))
    seed_catalog(state, rng, when)
    seed_customers(state, when)
    seed_orders(state, rng, now, orders)
    if orders > 0:
        state.add_order({**DEMO_DUPLICATE_BUYER, "created_at": fmt_time(now - timedelta(hours=3)),
                         "paid_at": fmt_time(now - timedelta(hours=1))})

"""The demo shop's Luma-like catalogue (``DEMO_CATALOG``, so the demo can create matching ledger
items; ``UNMAPPED`` SKUs are left out of it on purpose), its products with stock, and a random
catalogue line for a seeded order.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from .money import num
from .state import StoreState

SIMPLES = [
    ("MB-TOTE-BLK", "Canvas Tote Bag - Black", "24"),
    ("MB-TOTE-NVY", "Canvas Tote Bag - Navy", "24"),
    ("24-MB01", "Joust Duffle Bag", "34"),
    ("24-MB04", "Strive Shoulder Pack", "32"),
    ("24-WB04", "Overnight Duffle", "45"),
    ("24-UG06", "Affirm Water Bottle", "7"),
    ("24-UG07", "Dual Handle Cardio Ball", "12"),
    ("24-UG04", "Zing Jump Rope", "12"),
    ("24-UG02", "Pursuit Lumaflex\u2122 Tone Band", "16"),
    ("24-UG01", "Quest Lumaflex\u2122 Band", "19"),
    ("24-WG082-blue", "Sprite Stasis Ball 65 cm", "27"),
    ("24-WG084", "Sprite Foam Yoga Brick", "5"),
    ("24-WG086", "Sprite Yoga Strap 8 foot", "17"),
    ("24-WG088", "Sprite Foam Roller", "19"),
    ("24-UB02", "Impulse Duffle", "74"),
    ("24-MG04", "Aim Analog Watch", "45"),
    ("24-MG01", "Endurance Watch", "49"),
    ("24-WB07", "Push It Messenger Bag", "45"),
]
CONFIGURABLES = [
    ("MH01", "Chaz Kangeroo Hoodie", "52", ["S", "M", "L"], ["Gray", "Black"]),
    ("WS12", "Radiant Tee", "22", ["S", "M", "L"], ["Orange", "Blue"]),
    ("MJ01", "Beaumont Summit Kit", "42", ["M", "L"], ["Red", "Yellow"]),
]
BUNDLE = (
    "24-WG080",
    "Sprite Yoga Companion Kit",
    ["24-WG082-blue", "24-WG084", "24-WG086", "24-WG088"],
)
DOWNLOADABLE = ("240-LV08", "Advanced Pilates & Yoga (Strength)", "18")
VIRTUAL = ("GIFT-CARD-25", "Gift Card $25", "25")
UNMAPPED = [
    ("LEGACY-MUG-01", "Vintage Logo Mug", "14"),
    ("GIFT-WRAP", "Gift Wrapping", "4"),
    ("CUSTOM-ENGRAVE", "Custom Engraving", "9.50"),
]


def _catalog() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{"sku": s, "name": n, "price": p, "type": "simple"} for s, n, p in SIMPLES]
    for sku, name, price, sizes, colours in CONFIGURABLES:
        out.append({"sku": sku, "name": name, "price": price, "type": "configurable"})
        out += [
            {
                "sku": f"{sku}-{s}-{c}",
                "name": f"{name}-{s}-{c}",
                "price": price,
                "type": "simple",
                "parent_sku": sku,
            }
            for s in sizes
            for c in colours
        ]
    prices = {s: p for s, _, p in SIMPLES}
    bundle_price = str(sum(Decimal(prices[c]) for c in BUNDLE[2]))
    out.append({"sku": BUNDLE[0], "name": BUNDLE[1], "price": bundle_price, "type": "bundle"})
    out.append(
        {
            "sku": DOWNLOADABLE[0],
            "name": DOWNLOADABLE[1],
            "price": DOWNLOADABLE[2],
            "type": "downloadable",
        }
    )
    out.append({"sku": VIRTUAL[0], "name": VIRTUAL[1], "price": VIRTUAL[2], "type": "giftcard"})
    return out


DEMO_CATALOG: list[dict[str, Any]] = _catalog()

def seed_catalog(state: StoreState, rng: random.Random, when: str) -> None:
    """Create the catalogue products with stock on the ``default`` source."""
    for pid, entry in enumerate(DEMO_CATALOG, start=1):
        kind = entry["type"]
        product = {
            "id": pid,
            "sku": entry["sku"],
            "name": entry["name"],
            "attribute_set_id": 4,
            "price": num(Decimal(entry["price"])),
            "status": 1,
            "visibility": 1 if entry.get("parent_sku") else 4,
            "type_id": kind,
            "created_at": when,
            "updated_at": when,
            "extension_attributes": {
                "website_ids": [1],
                "category_links": [{"position": 0, "category_id": "3"}],
            },
            "product_links": [],
            "options": [],
            "media_gallery_entries": [],
            "tier_prices": [],
            "custom_attributes": [
                {"attribute_code": "tax_class_id", "value": "2"},
                {"attribute_code": "url_key", "value": entry["sku"].lower().replace(" ", "-")},
            ],
        }
        if kind not in ("downloadable", "virtual", "giftcard"):
            product["weight"] = 1
        qty = 0 if kind in ("configurable", "bundle") or rng.random() < 0.08 else rng.randint(1, 150)
        state.add_product(product, qty)


def order_line(rng: random.Random) -> dict[str, Any]:
    """A random line of the catalogue (simple, configurable child, bundle, download, gift card)."""
    roll = rng.random()
    qty = rng.choice([1, 1, 1, 2, 2, 3])
    if roll < 0.5:
        sku, name, price = rng.choice(SIMPLES)
        return {"sku": sku, "name": name, "qty": qty, "price": price}
    if roll < 0.8:
        psku, pname, price, sizes, colours = rng.choice(CONFIGURABLES)
        size, colour = rng.choice(sizes), rng.choice(colours)
        return {
            "sku": f"{psku}-{size}-{colour}",
            "name": pname,
            "qty": qty,
            "price": price,
            "configurable_parent_sku": psku,
            "child_name": f"{pname}-{size}-{colour}",
        }
    if roll < 0.88:
        prices = {s: (n, p) for s, n, p in SIMPLES}
        return {
            "sku": BUNDLE[0],
            "name": BUNDLE[1],
            "qty": 1,
            "type": "bundle",
            "children": [
                {"sku": c, "name": prices[c][0], "qty": 1, "price": prices[c][1]} for c in BUNDLE[2]
            ],
        }
    if roll < 0.95:
        return {
            "sku": DOWNLOADABLE[0],
            "name": DOWNLOADABLE[1],
            "qty": 1,
            "price": DOWNLOADABLE[2],
        }
    return {"sku": VIRTUAL[0], "name": VIRTUAL[1], "qty": 1, "price": VIRTUAL[2],
            "type": "giftcard"}

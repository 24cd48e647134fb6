"""The shop's tables (one dict of rows per resource), its clock and its reference data.

Rows hold what MySQL would print: strings (``"71.510000"``, ``"1"``, ``"2024-05-01 10:00:00"``)
and an ``associations`` dict. Dates are the shop's local time (``PS_TIMEZONE``), no offset.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from .resources import RESOURCES

WIRE = "%Y-%m-%d %H:%M:%S"
NULL_DATE = "0000-00-00 00:00:00"
Row = dict[str, Any]

#: install defaults of PrestaShop 1.7: id -> (name, template, module, paid, logable, shipped,
#: delivery, invoice)
ORDER_STATES: dict[int, tuple[str, str, str, int, int, int, int, int]] = {
    1: ("Awaiting check payment", "cheque", "ps_checkpayment", 0, 0, 0, 0, 0),
    2: ("Payment accepted", "payment", "", 1, 1, 0, 0, 1),
    3: ("Processing in progress", "preparation", "", 1, 1, 0, 1, 1),
    4: ("Shipped", "shipped", "", 1, 1, 1, 1, 1),
    5: ("Delivered", "", "", 1, 1, 1, 1, 1),
    6: ("Canceled", "order_canceled", "", 0, 0, 0, 0, 0),
    7: ("Refunded", "refund", "", 1, 0, 0, 0, 1),
    8: ("Payment error", "payment_error", "", 0, 0, 0, 0, 0),
    9: ("On backorder (paid)", "outofstock", "", 1, 1, 0, 0, 1),
    10: ("Awaiting bank wire payment", "bankwire", "ps_wirepayment", 0, 0, 0, 0, 0),
    11: ("Remote payment accepted", "payment", "", 1, 1, 0, 0, 1),
    12: ("On backorder (not paid)", "outofstock", "", 0, 0, 0, 0, 0),
    13: ("Awaiting Cash On Delivery validation", "cashondelivery", "ps_cashondelivery",
         0, 0, 0, 0, 0),
}
#: (iso, name, symbol, numeric, conversion rate from the default currency)
CURRENCIES = [("USD", "US Dollar", "$", "840", "1.000000"), ("EUR", "Euro", "€", "978", "0.921500"),
              ("GBP", "British Pound", "£", "826", "0.790000"),
              ("CAD", "Canadian Dollar", "CA$", "124", "1.360000")]
COUNTRIES = [(21, "US", "United States", 2), (8, "FR", "France", 1), (1, "DE", "Germany", 1),
             (17, "GB", "United Kingdom", 3), (4, "CA", "Canada", 4)]
US_STATES = {"NY": 32, "OR": 37, "TX": 44, "MA": 21, "IL": 13, "CA": 5, "WA": 48, "FL": 9,
             "MN": 23, "CO": 6, "GA": 10, "AZ": 3, "LA": 18, "TN": 43, "OH": 35, "VT": 46,
             "NC": 27, "UT": 45}


def money(value: Decimal) -> str:
    """A price as PrestaShop prints it: 6 decimals."""
    return str(value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP))


def q2(value: Decimal) -> Decimal:
    """Round half-up to cents (round_type 2: per line)."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def rate_text(value: Decimal) -> str:
    """A tax rate as printed: 3 decimals."""
    return str(value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))


class Shop:
    """Every table of the simulated shop, guarded by one lock."""

    def __init__(self, now: Callable[[], datetime], timezone: str) -> None:
        self.lock = threading.RLock()
        self.clock_now = now
        self.zone = ZoneInfo(timezone)
        self.timezone = timezone
        self.tables: dict[str, dict[int, Row]] = {name: {} for name in RESOURCES}
        self._next: dict[str, int] = {}
        self.version = "1.7.8.11"
        self.utc_writes = False  # some code paths stamp with MySQL NOW() in UTC (PS #30828)
        self._reference_data()

    # -- basics -------------------------------------------------------------------------------

    def local(self, moment: datetime | None = None) -> str:
        """``moment`` (default: now) as the shop's local ``Y-m-d H:i:s``."""
        when = moment or self.clock_now()
        return when.astimezone(self.zone).strftime(WIRE)

    def stamp(self) -> str:
        """What a write stamps ``date_upd`` with (shop time, or UTC ``NOW()`` when switched)."""
        if self.utc_writes:
            return self.clock_now().strftime(WIRE)
        return self.local()

    def next_id(self, table: str) -> int:
        """The next auto-increment id of ``table``."""
        current = self._next.get(table, max(self.tables.get(table, {}), default=0))
        self._next[table] = current + 1
        return current + 1

    def set_next_id(self, table: str, first: int) -> None:
        """Ids of ``table`` start at ``first`` (when it is still empty)."""
        if not self.tables.get(table):
            self._next[table] = first - 1

    def insert(self, table: str, values: Row, row_id: int | None = None) -> Row:
        """A new row (fields missing from ``values`` empty); returns it."""
        rid = row_id if row_id is not None else self.next_id(table)
        row: Row = {"id": str(rid)}
        row.update({name: "" for name in RESOURCES[table].fields})
        row.update({k: (v if k == "associations" else str(v)) for k, v in values.items()})
        self.tables[table][rid] = row
        return row

    def row(self, table: str, rid: int | str) -> Row:
        """A row by id (``KeyError`` when absent)."""
        return self.tables[table][int(rid)]

    def find(self, table: str, **where: str) -> list[Row]:
        """Rows whose fields equal ``where``."""
        return [r for r in self.tables[table].values()
                if all(str(r.get(k)) == v for k, v in where.items())]

    def config(self, name: str) -> str:
        """A ``configurations`` value."""
        found = self.find("configurations", name=name)
        return str(found[0]["value"]) if found else ""

    # -- reference data -----------------------------------------------------------------------

    def _reference_data(self) -> None:
        when = self.local()
        for sid, (name, template, module, paid, logable, shipped, delivery, invoice) in (
                ORDER_STATES.items()):
            self.insert("order_states", {
                "unremovable": 1, "delivery": delivery, "hidden": 0, "send_email": 1,
                "module_name": module, "invoice": invoice, "color": "#3498D8",
                "logable": logable, "shipped": shipped, "paid": paid, "pdf_delivery": 0,
                "pdf_invoice": invoice, "deleted": 0, "name": name, "template": template}, sid)
        for cid, (iso, name, symbol, numeric, rate) in enumerate(CURRENCIES, start=1):
            self.insert("currencies", {
                "names": name, "name": name, "symbol": symbol, "iso_code": iso,
                "numeric_iso_code": numeric, "precision": 2, "conversion_rate": rate,
                "deleted": 0, "active": 1, "unofficial": 0, "modified": 0, "pattern": ""}, cid)
        for cid, iso, name, currency in COUNTRIES:
            self.insert("countries", {"id_zone": 2, "id_currency": currency, "iso_code": iso,
                                      "active": 1, "name": name}, cid)
        for iso, sid in US_STATES.items():
            self.insert("states", {"id_zone": 2, "id_country": 21, "iso_code": iso,
                                   "name": iso, "active": 1}, sid)
        for gid, name, method in ((1, "Visitor", 1), (2, "Guest", 1), (3, "Customer", 1),
                                  (4, "Customers (prices with tax)", 0)):
            self.insert("groups", {"reduction": "0.00", "price_display_method": method,
                                   "show_prices": 1, "date_add": when, "date_upd": when,
                                   "name": name}, gid)
        for name, value in (("PS_TIMEZONE", self.timezone), ("PS_CURRENCY_DEFAULT", "1"),
                            ("PS_SHOP_NAME", "Simulated Boutique"), ("PS_ROUND_TYPE", "2"),
                            ("PS_PRICE_ROUND_MODE", "2"), ("PS_COUNTRY_DEFAULT", "21")):
            self.insert("configurations", {"value": value, "name": name, "id_shop_group": "",
                                           "id_shop": "", "date_add": when, "date_upd": when})
        self.tax_for(Decimal(0))

    def set_timezone(self, timezone: str) -> None:
        """Change ``PS_TIMEZONE`` (stored dates keep their text, as in a real shop)."""
        self.zone, self.timezone = ZoneInfo(timezone), timezone
        self.find("configurations", name="PS_TIMEZONE")[0]["value"] = timezone

    def set_default_currency(self, iso: str) -> None:
        """Make ``iso`` the shop's default currency (rate 1; the others keep theirs)."""
        row = self.currency(iso, Decimal(1))
        self.find("configurations", name="PS_CURRENCY_DEFAULT")[0]["value"] = row["id"]

    def default_currency(self) -> Row:
        """The shop's default currency row."""
        return self.row("currencies", self.config("PS_CURRENCY_DEFAULT") or "1")

    def currency(self, iso: str, rate: Decimal | None = None) -> Row:
        """The currency with ``iso`` (created when unknown); ``rate`` updates its rate."""
        found = self.find("currencies", iso_code=iso.upper())
        row = found[0] if found else self.insert("currencies", {
            "names": iso, "name": iso, "symbol": iso, "iso_code": iso.upper(),
            "numeric_iso_code": "", "precision": 2, "conversion_rate": "1.000000", "deleted": 0,
            "active": 1, "unofficial": 0, "modified": 0, "pattern": ""})
        if rate is not None:
            row["conversion_rate"] = money(rate)
        return row

    def tax_for(self, rate: Decimal) -> tuple[int, int]:
        """(id_tax, id_tax_rules_group) of the tax at ``rate`` percent, created when new."""
        text = rate_text(rate)
        for tax in self.tables["taxes"].values():
            if tax["rate"] == text:
                group = self.find("tax_rules", id_tax=tax["id"])
                return int(tax["id"]), int(group[0]["id_tax_rules_group"])
        label = f"{rate.normalize():f}"
        tax = self.insert("taxes", {"rate": text, "active": 1, "deleted": 0,
                                    "name": f"Sales tax {label}%"})
        when = self.local()
        rules = self.insert("tax_rule_groups", {"name": f"Rate {label}%", "active": 1,
                                                "deleted": 0, "date_add": when, "date_upd": when})
        self.insert("tax_rules", {"id_tax_rules_group": rules["id"], "id_state": 0,
                                  "id_country": 21, "zipcode_from": 0, "zipcode_to": 0,
                                  "id_tax": tax["id"], "behavior": 0, "description": ""})
        return int(tax["id"]), int(rules["id"])

    # -- catalogue ----------------------------------------------------------------------------

    def add_product(self, reference: str, name: str, price: Decimal, qty: int,
                    variants: list[tuple[str, str, int]] | None = None) -> Row:
        """A product (``variants``: (combination reference, label, qty)) with its stock rows."""
        when = self.local()
        product = self.insert("products", {
            "id_manufacturer": 0, "id_supplier": 0, "id_category_default": 2, "new": "",
            "id_default_combination": 0, "id_tax_rules_group": 1, "type": "simple",
            "reference": "" if variants else reference, "ean13": "", "price": money(price),
            "wholesale_price": money(price * Decimal("0.4")), "active": 1, "state": 1,
            "date_add": when, "date_upd": when, "name": name,
            "associations": {"combinations": [], "stock_availables": []}})
        pid = int(product["id"])
        total = 0
        for n, (ref, _label, vqty) in enumerate(variants or []):
            combo = self.insert("combinations", {
                "id_product": pid, "location": "", "ean13": "", "isbn": "", "upc": "", "mpn": "",
                "quantity": vqty, "reference": ref, "supplier_reference": "",
                "wholesale_price": money(Decimal(0)), "price": money(Decimal(0)),
                "ecotax": money(Decimal(0)), "weight": money(Decimal(0)),
                "unit_price_impact": money(Decimal(0)), "minimal_quantity": 1,
                "default_on": 1 if n == 0 else "", "available_date": "0000-00-00",
                "associations": {"product_option_values": [{"id": str(n + 1)}]}})
            product["associations"]["combinations"].append({"id": combo["id"]})
            self._stock_row(pid, int(combo["id"]), vqty, product)
            total += vqty
        self._stock_row(pid, 0, total if variants else qty, product)
        return product

    def _stock_row(self, pid: int, attribute: int, qty: int, product: Row) -> None:
        row = self.insert("stock_availables", {
            "id_product": pid, "id_product_attribute": attribute, "id_shop": 1,
            "id_shop_group": 0, "quantity": qty, "depends_on_stock": 0, "out_of_stock": 2,
            "location": ""})
        product["associations"]["stock_availables"].append(
            {"id": row["id"], "id_product_attribute": str(attribute)})

    def resolve_sku(self, sku: str, name: str, price: Decimal) -> tuple[int, int]:
        """(product id, combination id) of ``sku``; an unknown SKU becomes a new product."""
        for combo in self.tables["combinations"].values():
            if combo["reference"] == sku:
                return int(combo["id_product"]), int(combo["id"])
        for product in self.tables["products"].values():
            if product["reference"] == sku:
                return int(product["id"]), 0
        return int(self.add_product(sku, name, price, 100)["id"]), 0

    def stock_row(self, pid: int, attribute: int) -> Row | None:
        """The ``stock_availables`` row of a product / combination."""
        found = self.find("stock_availables", id_product=str(pid),
                          id_product_attribute=str(attribute))
        return found[0] if found else None

    def move_stock(self, pid: int, attribute: int, delta: int) -> None:
        """Add ``delta`` to a combination's stock and to its product's sum row."""
        rows = [self.stock_row(pid, attribute)]
        if attribute:
            rows.append(self.stock_row(pid, 0))
        for row in rows:
            if row is not None:
                row["quantity"] = str(int(row["quantity"] or 0) + delta)

    def sku_of(self, pid: int, attribute: int) -> str:
        """The reference an order row carries: the combination's, else the product's."""
        if attribute and attribute in self.tables["combinations"]:
            ref = str(self.tables["combinations"][attribute]["reference"])
            if ref:
                return ref
        return str(self.tables["products"].get(pid, {}).get("reference", ""))

    def stock_by_sku(self) -> dict[str, int]:
        """SKU -> quantity (combinations by their reference; products without variants)."""
        out: dict[str, int] = {}
        for row in self.tables["stock_availables"].values():
            pid, attribute = int(row["id_product"]), int(row["id_product_attribute"])
            product = self.tables["products"].get(pid)
            if product is None or (attribute == 0 and product["associations"]["combinations"]):
                continue
            sku = self.sku_of(pid, attribute)
            if sku:
                out[sku] = int(row["quantity"] or 0)
        return out

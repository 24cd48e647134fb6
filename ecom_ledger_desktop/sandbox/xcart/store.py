"""The simulated shop's state and back-office operations (place, edit, pay, refund, cancel).

Every save of an order rewrites its ``lastRenewDate`` (X-Cart does so in ``prepareBeforeSave``),
also an admin note. Refunds are backend transactions on the order's payment transaction (that is
all X-Cart keeps: an amount, no lines); putting goods back in stock is the admin's separate step.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from .model import (
    METHODS,
    NEUTRAL_METHODS,
    Backend,
    Line,
    Order,
    Product,
    Profile,
    Transaction,
    Variant,
    cents,
    dec,
)


class SimError(Exception):
    """A back-office operation that X-Cart would refuse."""


def stamp(value: Any, default: int) -> int:
    """Unix seconds from an int, an aware datetime or an ISO string (None: ``default``)."""
    if value is None:
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, datetime):
        return int(value.timestamp())
    moment = datetime.fromisoformat(str(value).replace(" ", "T"))
    return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp())


class ShopState:
    """Catalogue, profiles and orders of one shop, guarded by ``lock``."""

    def __init__(self, now: Callable[[], datetime], timezone: str, currency: str = "USD") -> None:
        self.now_dt = now
        self.timezone = timezone
        self.currency = currency
        self.lock = threading.RLock()
        self.products: dict[int, Product] = {}
        self.profiles: dict[int, Profile] = {}
        self.orders: dict[int, Order] = {}
        self.tax_rates: dict[tuple[Decimal, bool], int] = {}  # (percent, VAT?) -> rate id
        self._ids: dict[str, int] = {}

    def now(self) -> int:
        return int(self.now_dt().timestamp())

    def rate_id(self, percent: Decimal, include: bool) -> int:
        """The id of the shop's tax rate of ``percent`` (created as the merchant set it up)."""
        key = (percent.normalize(), include)
        if key not in self.tax_rates:
            self.tax_rates[key] = self.next_id("tax_rate")
        return self.tax_rates[key]

    def next_id(self, kind: str) -> int:
        self._ids[kind] = self._ids.get(kind, 0) + 1
        return self._ids[kind]

    # -- catalogue and profiles ----------------------------------------------------------------

    def add_product(self, sku: str, name: str, price: str, amount: int = 100,
                    variants: list[tuple[str, str, dict[str, str]]] | None = None,
                    taxable: bool = True) -> Product:
        with self.lock:
            pid = self.next_id("product")
            product = Product(pid, sku, name, dec(price), amount, taxable, date=self.now(),
                              update_date=self.now())
            for vsku, vprice, attrs in variants or []:
                product.variants.append(Variant(self.next_id("variant"), vsku, dec(vprice),
                                                amount, attrs))
            self.products[pid] = product
            return product

    def find_sku(self, sku: str) -> tuple[Product, Variant | None] | None:
        for product in self.products.values():
            for variant in product.variants:
                if variant.sku == sku:
                    return product, variant
            if product.sku == sku:
                return product, None
        return None

    def profile_for(self, customer: dict[str, Any] | None) -> Profile:
        """The registered profile of ``customer`` (created once), or a new anonymous one."""
        with self.lock:
            if customer:
                for p in self.profiles.values():
                    if p.login == customer["email"] and not p.anonymous:
                        return p
            pid = self.next_id("profile")
            p = Profile(pid, (customer or {}).get("email", f"guest{pid}@example.com"),
                        (customer or {}).get("firstname", "Guest"),
                        (customer or {}).get("lastname", "Buyer"), anonymous=customer is None,
                        added=self.now())
            self.profiles[pid] = p
            return p

    def stock(self) -> dict[str, int]:
        with self.lock:
            out = {}
            for p in self.products.values():
                out[p.sku] = p.amount
                for v in p.variants:
                    out[v.sku] = v.amount
            return out

    # -- orders --------------------------------------------------------------------------------

    def order(self, order_id: int) -> Order:
        try:
            return self.orders[order_id]
        except KeyError:
            raise SimError(f"no order {order_id}") from None

    def _lines(self, specs: list[dict[str, Any]], rate: Decimal) -> list[Line]:
        lines = []
        for spec in specs:
            found = self.find_sku(str(spec["sku"]))
            price = dec(spec["price"]) if "price" in spec else (
                found[1].price if found and found[1] else found[0].price if found else dec(0))
            if rate != 1:
                price = cents(price / rate)
            lines.append(Line(
                self.next_id("item"), str(spec["sku"]), str(spec.get("name") or (
                    found[0].name if found else spec["sku"])), price, int(spec.get("qty", 1)),
                dec(spec.get("tax_percent", "0")), found[0].product_id if found else None,
                found[1].id if found and found[1] else None,
                dict(found[1].attributes) if found and found[1] else {}))
        return lines

    def _take_stock(self, lines: list[Line], sign: int) -> None:
        for line in lines:
            found = self.find_sku(line.sku)
            if found:
                target = found[1] or found[0]
                target.amount -= sign * line.qty

    def add_order(self, spec: dict[str, Any]) -> int:
        """Place an order from the simulator's spec (see ``simulator.XCartSimulator.add_order``)."""
        with self.lock:
            oid = self.next_id("order")
            now = self.now()
            created = stamp(spec.get("created_at"), now)
            rate = dec(spec.get("rate", "1")) if spec.get("display_currency") else Decimal(1)
            buyer = self.profile_for(spec.get("customer"))
            copy = Profile(self.next_id("profile"), buyer.login, buyer.firstname, buyer.lastname,
                           anonymous=buyer.anonymous, added=created)
            method = NEUTRAL_METHODS.get(str(spec.get("payment_method", "checkmo")),
                                         str(spec.get("payment_method", "Check")))
            if method not in METHODS:
                raise SimError(f"unknown payment method {method!r}")
            order = Order(
                order_id=oid, number=str(spec.get("number", oid)), date=created,
                last_renew=stamp(spec.get("updated_at"), max(created, now)), profile=copy,
                orig_profile_id=buyer.profile_id, lines=self._lines(spec["lines"], rate),
                shipping=cents(dec(spec.get("shipping", "0")) / rate),
                shipping_tax_percent=dec(spec.get("shipping_tax_percent", "0")),
                discount=cents(dec(spec.get("discount", "0")) / rate),
                coupon=str(spec.get("coupon", "SAVE" if dec(spec.get("discount", "0")) else "")),
                currency=str(spec.get("currency", self.currency)),
                include_tax=bool(spec.get("prices_include_tax", False)),
                payment_status="P" if spec.get("paid", True) else "Q",
                shipping_status="S" if spec.get("shipped") else "N", transactions=[],
                display_currency=spec.get("display_currency"), display_rate=rate)
            order.compute()
            paid = bool(spec.get("paid", True))
            order.transactions.append(Transaction(self.next_id("txn"), created, method,
                                                  "S" if paid else "W", order.total))
            order.events.append({"date": created, "code": "PLACE_ORDER",
                                 "description": "Order placed"})
            self._take_stock(order.lines, +1)
            self.orders[oid] = order
            return oid

    def touch(self, order: Order, code: str, description: str) -> None:
        order.last_renew = max(self.now(), order.last_renew)
        order.events.append({"date": order.last_renew, "code": code, "description": description})

    def edit_order(self, order_id: int, changes: dict[str, Any]) -> None:
        """Order editing in the back office: new lines (stock follows), statuses, notes."""
        with self.lock:
            order = self.order(order_id)
            if "lines" in changes:
                self._take_stock(order.lines, -1)
                order.lines = self._lines(changes["lines"], order.display_rate)
                self._take_stock(order.lines, +1)
            for key in ("shipping", "discount"):
                if key in changes:
                    setattr(order, key, cents(dec(changes[key]) / order.display_rate))
            order.compute()
            if order.transactions:
                order.transactions[0].value = order.total
            if "payment_status" in changes:
                order.payment_status = str(changes["payment_status"])
            if "shipping_status" in changes:
                order.shipping_status = str(changes["shipping_status"])
            self.touch(order, "ORDER_EDITED", "Order edited")

    def pay(self, order_id: int) -> None:
        """The offline payment arrived: transaction succeeded, payment status Paid."""
        with self.lock:
            order = self.order(order_id)
            for txn in order.transactions:
                if txn.status in ("W", "I", "P"):
                    txn.status, txn.value = "S", order.total
            order.payment_status = "P"
            self.touch(order, "CHANGE_PAYMENT_STATUS_ORDER", "Payment status changed to Paid")

    def cancel(self, order_id: int) -> None:
        with self.lock:
            order = self.order(order_id)
            for txn in order.transactions:
                if txn.status != "S":
                    txn.status = "C"
            order.payment_status, order.shipping_status = "C", "WND"
            self._take_stock(order.lines, -1)
            self.touch(order, "CHANGE_PAYMENT_STATUS_ORDER", "Payment status changed to Canceled")

    def refund(self, order_id: int, spec: dict[str, Any]) -> int:
        """A refund of ``amount`` (or of the given lines, shipping and adjustments, priced as the
        order charged them); returns the backend transaction id."""
        with self.lock:
            order = self.order(order_id)
            paid = [t for t in order.transactions if t.status == "S"]
            if not paid:
                raise SimError(f"order {order.number} has no paid transaction to refund")
            amount = dec(spec["amount"]) if "amount" in spec else self._refund_amount(order, spec)
            if amount <= 0 or amount > order.total - order.refunded:
                raise SimError(f"cannot refund {amount} of order {order.number}")
            full = order.refunded + amount == order.total
            restock = [(str(r["sku"]), int(r["qty"])) for r in spec.get("lines", [])
                       if spec.get("back_to_stock") or r.get("back_to_stock")]
            backend = Backend(self.next_id("backend"), self.now(),
                              "refund" if full and not order.refunded else "refundPart", amount,
                              restock=restock)
            paid[0].backend.append(backend)
            for sku, qty in restock:
                found = self.find_sku(sku)
                if found:
                    (found[1] or found[0]).amount += qty
            if full:
                order.payment_status = "R"
            self.touch(order, "ORDER_REFUNDED", f"Refunded {amount}")
            return backend.id

    @staticmethod
    def _refund_amount(order: Order, spec: dict[str, Any]) -> Decimal:
        total = Decimal(0)
        for row in spec.get("lines", []):
            line = next(ln for ln in order.lines if ln.sku == str(row["sku"]))
            share = Decimal(int(row["qty"])) / line.qty
            gross = line.subtotal - line.discount
            total += cents(gross * share)
            if not order.include_tax:
                total += cents(line.tax * share)
        shipping = dec(spec.get("shipping", "0"))
        if shipping and order.shipping:
            total += shipping + (0 if order.include_tax else cents(
                order.shipping_tax * shipping / order.shipping))
        return (total + dec(spec.get("adjustment_positive", "0"))
                - dec(spec.get("adjustment_negative", "0")))

    def set_note(self, order_id: int, notes: str) -> None:
        with self.lock:
            order = self.order(order_id)
            order.admin_notes = notes
            self.touch(order, "ORDER_COMMENTED", "Staff note changed")

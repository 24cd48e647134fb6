"""Orders through their life: placed, paid, edited, shipped, cancelled, refunded (credit slips).

Amounts follow PrestaShop with ``round_type`` 2 (round per line): a line's tax-included total is
its tax-excluded total times (1 + rate), rounded to cents; a cart rule (coupon) comes off both
totals, its tax part at the products' average rate; vouchers sold as gift cards carry no tax.
State changes go through ``order_histories`` as ``OrderHistory::changeIdOrderState`` does: the
order's ``current_state`` and ``date_upd`` move, a paid state records an ``order_payments`` row.
"""

from __future__ import annotations

import random
import string
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from .shop import NULL_DATE, WIRE, Row, Shop, money, q2, rate_text

ZERO = Decimal(0)
#: Magento-style payment codes of the neutral spec -> (module, label, awaiting state, paid state)
METHODS: dict[str, tuple[str, str, int, int]] = {
    "checkmo": ("ps_checkpayment", "Payments by check", 1, 2),
    "banktransfer": ("ps_wirepayment", "Bank transfer", 10, 2),
    "cashondelivery": ("ps_cashondelivery", "Cash on delivery (COD)", 13, 2),
    "paypal_express": ("paypal", "PayPal", 8, 11),
    "braintree": ("stripe_official", "Payment by Stripe", 8, 2),
}
MODULES = {m[0]: m for m in METHODS.values()}


class OrderError(Exception):
    """A request the back office would refuse (e.g. refunding more than was sold)."""


def dec(value: Any) -> Decimal:
    """A Decimal from a spec value."""
    return ZERO if value in (None, "") else Decimal(str(value).strip())


class Orders:
    """Order operations on a ``Shop``; ``meta`` keeps what the tables do not (coupon split)."""

    def __init__(self, shop: Shop, rng: random.Random) -> None:
        self.shop = shop
        self.rng = rng
        self.meta: dict[int, dict[str, Any]] = {}
        # whether a credit slip saves its order (date_upd moves); unsettled on real shops, so a
        # switch (``refunds_touch_order``) lets tests run both ways
        self.refunds_touch_order = True

    # -- placing ------------------------------------------------------------------------------

    def _when(self, value: Any) -> str | None:
        if value in (None, ""):
            return None
        if isinstance(value, datetime):
            return self.shop.local(value)
        text = str(value)
        if "T" in text or "+" in text[10:]:
            return self.shop.local(datetime.fromisoformat(text))
        moment = datetime.strptime(text, WIRE).replace(tzinfo=ZoneInfo("UTC"))
        return self.shop.local(moment)  # a bare wire time in a neutral spec is UTC

    def _customer(self, spec: dict[str, Any], include_tax: bool, when: str) -> Row:
        buyer = spec.get("customer")
        guest = buyer is None
        info: dict[str, Any] = (spec.get("guest") or {}) if guest else dict(buyer or {})
        email = str(info.get("email") or f"guest{self.shop.next_id('carts')}@example.com")
        if not guest:
            for row in self.shop.find("customers", email=email, is_guest="0"):
                return row
        group = 4 if include_tax else (2 if guest else 3)
        return self.shop.insert("customers", {
            "id_default_group": group, "id_lang": 1, "newsletter_date_add": NULL_DATE,
            "ip_registration_newsletter": "", "last_passwd_gen": when,
            "secure_key": "".join(self.rng.choices("0123456789abcdef", k=32)), "deleted": 0,
            "passwd": "" if guest else "$2y$10$simulated", "lastname": info.get("lastname", "Guest"),
            "firstname": info.get("firstname", "Guest"), "email": email, "id_gender": 0,
            "birthday": "0000-00-00", "newsletter": 0, "optin": 0, "website": "",
            "company": info.get("company", ""), "siret": "", "ape": "",
            "outstanding_allow_amount": money(ZERO), "show_public_prices": 0, "id_risk": 0,
            "max_payment_days": 0, "active": 1, "note": "", "is_guest": 1 if guest else 0,
            "id_shop": 1, "id_shop_group": 1, "date_add": when, "date_upd": when,
            "associations": {"groups": [{"id": str(group)}]}})

    def _address(self, spec: dict[str, Any], customer: Row, when: str) -> Row:
        place = spec.get("address") or {}
        country = str(place.get("country", "US"))
        cid = next((int(c["id"]) for c in self.shop.tables["countries"].values()
                    if c["iso_code"] == country), 21)
        state = self.shop.find("states", iso_code=str(place.get("region_code", "NY")))
        return self.shop.insert("addresses", {
            "id_customer": customer["id"], "id_manufacturer": 0, "id_supplier": 0,
            "id_warehouse": 0, "id_country": cid,
            "id_state": state[0]["id"] if state and cid == 21 else 0, "alias": "My address",
            "company": customer["company"], "lastname": customer["lastname"],
            "firstname": customer["firstname"], "vat_number": "",
            "address1": str(place.get("street", "16 Main Street")), "address2": "",
            "postcode": str(place.get("postcode", "10001")),
            "city": str(place.get("city", "New York")), "other": "",
            "phone": str(place.get("phone", "0102030405")), "phone_mobile": "", "dni": "",
            "deleted": 0, "date_add": when, "date_upd": when})

    def add(self, spec: dict[str, Any]) -> int:
        """Place an order from a neutral spec; returns its id."""
        shop = self.shop
        created = self._when(spec.get("created_at")) or shop.local()
        updated = self._when(spec.get("updated_at")) or created
        include_tax = bool(spec.get("prices_include_tax"))
        customer = self._customer(spec, include_tax, created)
        address = self._address(spec, customer, created)
        iso = str(spec.get("currency") or shop.default_currency()["iso_code"])
        default = shop.default_currency()["iso_code"]
        rate_value = spec.get("conversion_rate", spec.get("base_to_order_rate"))
        if iso == default or spec.get("base_currency") == iso:
            rate = Decimal(1)
        else:
            rate = dec(rate_value) if rate_value not in (None, "") else dec(
                shop.currency(iso)["conversion_rate"])
        currency = shop.currency(iso) if iso != default else shop.default_currency()
        code = str(spec.get("payment_method") or "checkmo")
        module, label, _awaiting, _paid_state = METHODS.get(code, MODULES.get(code, (
            code, code, 8, 2)))
        oid = shop.next_id("orders")
        reference = str(spec.get("reference") or "".join(self.rng.choices(
            string.ascii_uppercase, k=9)))
        shop.insert("orders", {
            "id_address_delivery": address["id"], "id_address_invoice": address["id"],
            "id_cart": shop.next_id("carts"), "id_currency": currency["id"], "id_lang": 1,
            "id_customer": customer["id"], "id_carrier": 2, "current_state": 0,
            "module": module, "invoice_number": 0, "invoice_date": NULL_DATE,
            "delivery_number": 0, "delivery_date": NULL_DATE, "valid": 0, "date_add": created,
            "date_upd": created, "shipping_number": "", "note": "", "id_shop_group": 1,
            "id_shop": 1, "secure_key": customer["secure_key"], "payment": label,
            "recyclable": 0, "gift": 1 if spec.get("wrapping") else 0,
            "gift_message": spec.get("gift_message", ""), "mobile_theme": 0,
            "total_paid_real": money(ZERO), "round_mode": 2, "round_type": 2,
            "conversion_rate": money(rate),
            "reference": reference, "associations": {"order_rows": []}}, oid)
        self.meta[oid] = {"include_tax": include_tax, "coupon": dec(spec.get("discount")),
                          "coupon_code": str(spec.get("coupon_code") or ""),
                          "vouchers": list(spec.get("vouchers") or []),
                          "shipping": dec(spec.get("shipping")),
                          "shipping_rate": dec(spec.get("shipping_tax_percent")),
                          "wrapping": dec(spec.get("wrapping"))}
        self._set_lines(oid, spec.get("lines") or [], stock=True)
        self._totals(oid)
        first = _awaiting if not spec.get("paid") or module in ("ps_checkpayment",
                                                                 "ps_wirepayment") else None
        if first is not None:
            self.history(oid, first, created, bump=False)
        if spec.get("paid"):
            self.history(oid, _paid_state, created, bump=False)
        if spec.get("shipped"):
            self.history(oid, 4, created, bump=False)
        shop.row("orders", oid)["date_upd"] = updated
        return oid

    # -- lines and totals ---------------------------------------------------------------------

    def _set_lines(self, oid: int, lines: list[dict[str, Any]], *, stock: bool) -> None:
        shop, order = self.shop, self.shop.row("orders", oid)
        include_tax = self.meta[oid]["include_tax"]
        for old in shop.find("order_details", id_order=str(oid)):
            if stock:
                shop.move_stock(int(old["product_id"]), int(old["product_attribute_id"]),
                                int(old["product_quantity"]))
            del shop.tables["order_details"][int(old["id"])]
        for line in lines:
            qty = int(dec(line.get("qty", 1)))
            price, rate = dec(line.get("price")), dec(line.get("tax_percent"))
            name = str(line.get("name") or line["sku"])
            pid, attribute = shop.resolve_sku(str(line["sku"]), name, price)
            id_tax, group = shop.tax_for(rate)
            if include_tax:
                unit_incl, unit_excl = price, price / (1 + rate / 100)
                total_incl = q2(price * qty)
                total_excl = q2(total_incl / (1 + rate / 100))
            else:
                unit_excl, unit_incl = price, price * (1 + rate / 100)
                total_excl = q2(price * qty)
                total_incl = q2(total_excl * (1 + rate / 100))
            shop.insert("order_details", {
                "id_order": oid, "product_id": pid, "product_attribute_id": attribute,
                "product_quantity_reinjected": 0, "group_reduction": "0.00",
                "discount_quantity_applied": 0, "download_hash": "",
                "download_deadline": NULL_DATE, "id_order_invoice": 0, "id_warehouse": 0,
                "id_shop": 1, "id_customization": 0, "product_name": name,
                "product_quantity": qty, "product_quantity_in_stock": qty,
                "product_quantity_return": 0, "product_quantity_refunded": 0,
                "product_price": money(unit_excl), "reduction_percent": "0.00",
                "reduction_amount": money(ZERO), "reduction_amount_tax_incl": money(ZERO),
                "reduction_amount_tax_excl": money(ZERO),
                "product_quantity_discount": money(ZERO), "product_ean13": "",
                "product_isbn": "", "product_upc": "", "product_mpn": "",
                "product_reference": str(line["sku"]), "product_supplier_reference": "",
                "product_weight": money(ZERO), "tax_computation_method": 0,
                "id_tax_rules_group": group if rate else 0, "ecotax": money(ZERO),
                "ecotax_tax_rate": rate_text(ZERO), "download_nb": 0,
                "unit_price_tax_incl": money(unit_incl), "unit_price_tax_excl": money(unit_excl),
                "total_price_tax_incl": money(total_incl), "total_price_tax_excl": money(total_excl),
                "total_shipping_price_tax_excl": money(ZERO),
                "total_shipping_price_tax_incl": money(ZERO),
                "purchase_supplier_price": money(ZERO), "original_product_price": money(unit_excl),
                "original_wholesale_price": money(ZERO), "total_refunded_tax_excl": money(ZERO),
                "total_refunded_tax_incl": money(ZERO),
                "associations": {"taxes": [{"id": str(id_tax)}] if rate else []}})
            if stock:
                shop.move_stock(pid, attribute, -qty)
        order["associations"] = {"order_rows": [{
            "id": d["id"], **{k: d.get(k, "") for k in (
                "product_id", "product_attribute_id", "product_quantity", "product_name",
                "product_reference", "product_ean13", "product_isbn", "product_upc")},
            "product_price": d["product_price"], "id_customization": "0",
            "unit_price_tax_incl": d["unit_price_tax_incl"],
            "unit_price_tax_excl": d["unit_price_tax_excl"]}
            for d in self.details(oid)]}

    def details(self, oid: int) -> list[Row]:
        """The order's ``order_details`` rows, by id."""
        return sorted(self.shop.find("order_details", id_order=str(oid)), key=lambda d: int(d["id"]))

    def _totals(self, oid: int) -> None:
        shop, order, meta = self.shop, self.shop.row("orders", oid), self.meta[oid]
        details = self.details(oid)
        products = sum((dec(d["total_price_tax_excl"]) for d in details), ZERO)
        products_wt = sum((dec(d["total_price_tax_incl"]) for d in details), ZERO)
        ship_rate = meta["shipping_rate"]
        if meta["include_tax"]:
            ship_incl = meta["shipping"]
            ship_excl = q2(ship_incl / (1 + ship_rate / 100))
        else:
            ship_excl = meta["shipping"]
            ship_incl = q2(ship_excl * (1 + ship_rate / 100))
        ratio = products_wt / products if products else Decimal(1)
        if meta["include_tax"]:
            coupon_incl = meta["coupon"]
            coupon_excl = q2(coupon_incl / ratio)
        else:
            coupon_excl = meta["coupon"]
            coupon_incl = q2(coupon_excl * ratio)
        gift = sum((dec(v.get("amount")) for v in meta["vouchers"]), ZERO)
        wrap = meta["wrapping"]
        meta.update(coupon_incl=coupon_incl, coupon_excl=coupon_excl, products_wt=products_wt)
        disc_incl, disc_excl = coupon_incl + gift, coupon_excl + gift
        paid_incl = products_wt + ship_incl + wrap - disc_incl
        paid_excl = products + ship_excl + wrap - disc_excl
        order.update({
            "total_discounts": money(disc_incl), "total_discounts_tax_incl": money(disc_incl),
            "total_discounts_tax_excl": money(disc_excl), "total_paid": money(paid_incl),
            "total_paid_tax_incl": money(paid_incl), "total_paid_tax_excl": money(paid_excl),
            "total_products": money(products), "total_products_wt": money(products_wt),
            "total_shipping": money(ship_incl), "total_shipping_tax_incl": money(ship_incl),
            "total_shipping_tax_excl": money(ship_excl), "carrier_tax_rate": rate_text(ship_rate),
            "total_wrapping": money(wrap), "total_wrapping_tax_incl": money(wrap),
            "total_wrapping_tax_excl": money(wrap)})
        for table in ("order_cart_rules",):
            for old in shop.find(table, id_order=str(oid)):
                del shop.tables[table][int(old["id"])]
        if coupon_incl:
            shop.insert("order_cart_rules", {
                "id_order": oid, "id_cart_rule": 1, "id_order_invoice": 0,
                "name": meta["coupon_code"] or "Discount", "value": money(coupon_incl),
                "value_tax_excl": money(coupon_excl), "free_shipping": 0, "deleted": 0})
        for voucher in meta["vouchers"]:
            amount = dec(voucher.get("amount"))
            shop.insert("order_cart_rules", {
                "id_order": oid, "id_cart_rule": 2, "id_order_invoice": 0,
                "name": str(voucher.get("name") or "Gift card"), "value": money(amount),
                "value_tax_excl": money(amount), "free_shipping": 0, "deleted": 0})

    # -- state changes ------------------------------------------------------------------------

    def history(self, oid: int, state: int, when: str | None = None, *, bump: bool = True,
                employee: int = 0) -> Row:
        """``OrderHistory::changeIdOrderState`` + ``addWs``: the state, payment, ``date_upd``."""
        shop = self.shop
        order = shop.row("orders", oid)
        stamp = when or shop.stamp()
        flags = shop.row("order_states", state)
        was_paid = self.is_paid(order)
        order["current_state"] = str(state)
        if flags["logable"] == "1":
            order["valid"] = "1"
        if flags["paid"] == "1" and not was_paid and state != 7:
            self._record_payment(order, stamp)
            if order["invoice_number"] in ("", "0"):
                order["invoice_number"] = str(oid)
                order["invoice_date"] = stamp
        if flags["shipped"] == "1" and order["delivery_number"] in ("", "0"):
            order["delivery_number"], order["delivery_date"] = str(oid), stamp
        if bump:
            order["date_upd"] = stamp
        return shop.insert("order_histories", {"id_employee": employee, "id_order_state": state,
                                               "id_order": oid, "date_add": stamp})

    def is_paid(self, order: Row) -> bool:
        """The current state has the ``paid`` flag."""
        state = self.shop.tables["order_states"].get(int(order["current_state"] or 0))
        return state is not None and state["paid"] == "1"

    def _record_payment(self, order: Row, when: str) -> None:
        shop = self.shop
        if shop.find("order_payments", order_reference=order["reference"]):
            return
        amount = dec(order["total_paid_tax_incl"])
        module = order["module"]
        card = module in ("stripe_official",)
        shop.insert("order_payments", {
            "order_reference": order["reference"], "id_currency": order["id_currency"],
            "amount": money(amount), "payment_method": order["payment"],
            "conversion_rate": order["conversion_rate"],
            "transaction_id": "" if module.startswith("ps_") else f"TX{order['id']:0>8}",
            "card_number": "4242" if card else "", "card_brand": "Visa" if card else "",
            "card_expiration": "12/30" if card else "", "card_holder": "", "date_add": when})
        order["total_paid_real"] = money(amount)

    def pay(self, oid: int) -> None:
        """The money arrived: "Payment accepted"."""
        self.history(oid, 2)

    def ship(self, oid: int) -> None:
        """"Shipped"."""
        self.history(oid, 4)

    def cancel(self, oid: int) -> None:
        """"Canceled": the products go back in stock."""
        for d in self.details(oid):
            left = int(d["product_quantity"]) - int(d["product_quantity_reinjected"] or 0)
            self.shop.move_stock(int(d["product_id"]), int(d["product_attribute_id"]), left)
        self.history(oid, 6)

    def edit(self, oid: int, changes: dict[str, Any]) -> None:
        """A back-office edit: lines (and shipping / discount) replaced; totals and the single
        payment follow; ``date_upd`` moves."""
        meta = self.meta[oid]
        for key, field in (("shipping", "shipping"), ("discount", "coupon"),
                           ("shipping_tax_percent", "shipping_rate"), ("wrapping", "wrapping")):
            if key in changes:
                meta[field] = dec(changes[key])
        if "lines" in changes:
            self._set_lines(oid, changes["lines"], stock=True)
        self._totals(oid)
        order = self.shop.row("orders", oid)
        payments = self.shop.find("order_payments", order_reference=order["reference"])
        if len(payments) == 1:
            payments[0]["amount"] = order["total_paid_tax_incl"]
            order["total_paid_real"] = order["total_paid_tax_incl"]
        order["date_upd"] = self.shop.stamp()

    # -- refunds ------------------------------------------------------------------------------

    def refund(self, oid: int, spec: dict[str, Any]) -> int:
        """A partial refund (credit slip); see ``credit_slips.issue``."""
        from .credit_slips import issue

        return issue(self, oid, spec)

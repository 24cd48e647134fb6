"""The documents X-Cart serves: default schema (5.x add-on), complex schema, and the 5.5 API.

Default-schema money is a JSON number and every date a unix-seconds integer (UTC instant);
``orderNumber`` is a string; statuses are ``{id, code, position}`` objects; shipping, taxes and the
coupon are order ``surcharges`` and each item carries its own tax ``surcharges``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from .model import (
    CURRENCIES,
    METHODS,
    PAYMENT_STATUSES,
    SHIPPING_STATUSES,
    Order,
    Product,
    Profile,
    Transaction,
    Variant,
)

TAX_CLASS = "XLite\\Module\\CDev\\SalesTax\\Logic\\Order\\Modifier\\Tax"
VAT_CLASS = "XLite\\Module\\CDev\\VAT\\Logic\\Order\\Modifier\\Tax"


def num(value: Decimal) -> float | int:
    """A PHP-float-like JSON number."""
    as_float = float(value)
    return int(as_float) if as_float == int(as_float) and abs(as_float) < 1e15 else as_float


def status(code: str, table: dict[str, tuple[int, int]]) -> dict[str, Any]:
    ident, position = table.get(code, (0, 0))
    return {"id": ident, "code": code, "position": position}


def currency(code: str) -> dict[str, Any]:
    ident, symbol, e = CURRENCIES.get(code, (0, code, 2))
    return {"currency_id": ident, "code": code, "symbol": symbol, "prefix": symbol, "suffix": "",
            "e": e, "decimalDelimiter": ".", "thousandDelimiter": ",", "roundUp": "N"}


def profile(p: Profile, order_id: int | None = None) -> dict[str, Any]:
    fields = {"firstname": p.firstname, "lastname": p.lastname, "street": p.street,
              "city": p.city, "zipcode": p.zipcode, "phone": p.phone}
    address = {"address_id": p.profile_id * 10 + 1, "is_billing": True, "is_shipping": True,
               "address_type": "R",
               "addressFields": [{"id": n + 1, "value": value,
                                  "addressField": {"id": n + 1, "serviceName": name}}
                                 for n, (name, value) in enumerate(fields.items())],
               "country": {"code": p.country}, "state": {"code": p.state}}
    return {"profile_id": p.profile_id, "login": p.login, "status": "E", "anonymous": p.anonymous,
            "added": p.added, "first_login": 0, "last_login": 0, "order_id": order_id,
            "language": "en", "membership": None, "addresses": [address]}


def _tax_surcharge(code: str, value: Decimal, include: bool, name: str) -> dict[str, Any]:
    return {"type": "tax", "code": code, "value": num(value), "include": include,
            "available": True, "name": name, "class": VAT_CLASS if include else TAX_CLASS}


RateId = Callable[[Decimal, bool], int]


def _rate_code(rate_id: RateId, percent: Decimal, include: bool) -> str:
    """``CDEV_STAX_<rate id>`` (sales tax) / ``CDEV_VAT_<rate id>`` (VAT in the price)."""
    return f"{'CDEV_VAT' if include else 'CDEV_STAX'}_{rate_id(percent, include)}"


def tax_rates(rates: dict[tuple[Decimal, bool], int], include: bool) -> list[dict[str, Any]]:
    """``_path=cdev-salestax-tax`` / ``cdev-vat-tax``: the tax with its rates."""
    return [{"id": 1, "enabled": True, "name": "VAT" if include else "Sales tax",
             "rates": [{"id": ident, "value": num(percent), "type": "p", "position": 0,
                        "taxableBase": "DST+S"}
                       for (percent, inc), ident in sorted(rates.items(), key=lambda r: r[1])
                       if inc == include]}]


def transaction(t: Transaction, order: Order) -> dict[str, Any]:
    local, _ = METHODS.get(t.method, (t.method, False))
    return {"transaction_id": t.transaction_id, "date": t.date,
            "publicTxnId": f"{order.order_id:06d}-{t.transaction_id:04X}",
            "method_name": t.method, "method_local_name": local, "status": t.status,
            "value": num(t.value), "note": "", "type": t.type,
            "public_id": f"{order.order_id:06d}-{t.transaction_id:04X}", "currency": currency(
                order.currency),
            "backend_transactions": [{"id": b.id, "date": b.date, "status": b.status,
                                      "value": num(b.value), "type": b.type}
                                     for b in t.backend],
            "data": []}


def default_order(order: Order, orig: Profile | None, rate_id: RateId) -> dict[str, Any]:
    """``GET ...&_path=order/{id}`` in the default schema."""
    if order.raw is not None:
        return order.raw
    items = []
    for line in order.lines:
        own = [] if not line.tax else [_tax_surcharge(
            _rate_code(rate_id, line.tax_percent, order.include_tax), line.tax, order.include_tax,
            "VAT" if order.include_tax else "Sales tax")]
        items.append({
            "item_id": line.item_id, "name": line.name, "sku": line.sku, "price": num(line.price),
            "itemNetPrice": num(line.price), "discountedSubtotal": num(line.subtotal
                                                                       - line.discount),
            "amount": line.qty, "total": num(line.subtotal), "subtotal": num(line.subtotal),
            "object": None if line.product_id is None else {"product_id": line.product_id},
            "variant": None if line.variant_id is None else {"id": line.variant_id},
            "attributeValues": [{"id": n + 1, "name": k, "value": v}
                                for n, (k, v) in enumerate(line.attributes.items())],
            "surcharges": own, "xpcFakeItem": False})
    surcharges: list[dict[str, Any]] = [
        {"type": "shipping", "code": "SHIPPING", "value": num(order.shipping), "include": False,
         "available": True, "name": "Shipping cost",
         "class": "XLite\\Logic\\Order\\Modifier\\Shipping"}]
    if order.discount:
        surcharges.append({"type": "discount", "code": "DCOUPON", "value": num(-order.discount),
                           "include": False, "available": True, "name": "Coupon discount",
                           "class": "XLite\\Module\\CDev\\Coupons\\Logic\\Order\\Modifier\\"
                                    "Discount"})
    by_rate: dict[Decimal, Decimal] = {}  # one surcharge per rate: its items and shipping
    for line in order.lines:
        if line.tax:
            by_rate[line.tax_percent] = by_rate.get(line.tax_percent, Decimal(0)) + line.tax
    if order.shipping_tax:
        percent = order.shipping_tax_percent
        by_rate[percent] = by_rate.get(percent, Decimal(0)) + order.shipping_tax
    for percent, value in by_rate.items():
        surcharges.append(_tax_surcharge(_rate_code(rate_id, percent, order.include_tax), value,
                                         order.include_tax,
                                         "VAT" if order.include_tax else "Sales tax"))
    doc: dict[str, Any] = {
        "order_id": order.order_id, "shipping_id": 90,
        "shipping_method_name": order.shipping_method,
        "payment_method_name": METHODS.get(order.transactions[0].method, ("", False))[0]
        if order.transactions else "",
        "tracking": "", "date": order.date, "lastRenewDate": order.last_renew,
        "notes": order.notes, "adminNotes": order.admin_notes, "orderNumber": order.number,
        "recent": False, "total": num(order.total), "subtotal": num(order.subtotal),
        "pbOrder": None, "messages": [],
        "profile": profile(order.profile, order.order_id),
        "orig_profile": None if orig is None else profile(orig),
        "paymentStatus": status(order.payment_status, PAYMENT_STATUSES),
        "shippingStatus": status(order.shipping_status, SHIPPING_STATUSES),
        "details": [], "trackingNumbers": [], "events": list(order.events), "items": items,
        "surcharges": surcharges,
        "payment_transactions": [transaction(t, order) for t in order.transactions],
        "currency": currency(order.currency),
        "usedCoupons": [{"id": 1, "code": order.coupon, "value": num(order.discount)}]
        if order.coupon else [],
    }
    if order.display_currency:
        doc["selectedMultiCurrency"] = currency(order.display_currency)
        doc["selectedMultiCurrencyRate"] = num(order.display_rate)
    return doc


def complex_order(doc: dict[str, Any], zone: str) -> dict[str, Any]:
    """``_schema=complex``: the flattened business shape, with its documented quirks."""
    def surcharge_sum(kind: str) -> Any:
        return sum(s.get("value", 0) for s in doc.get("surcharges", []) if s.get("type") == kind)

    def iso(stamp: Any) -> str:
        if not isinstance(stamp, int):
            return ""
        return datetime.fromtimestamp(stamp, UTC).astimezone(ZoneInfo(zone)).isoformat()

    shipping = surcharge_sum("shipping")
    orig = doc.get("orig_profile") or {}
    return {
        "orderId": doc.get("order_id"), "orderNumber": doc.get("orderNumber"),
        "total": doc.get("total"), "subtotal": (doc.get("total") or 0) - shipping,
        "taxAmount": surcharge_sum("tax"), "shippingCost": shipping, "paymentFee": 0,
        "discountValue": surcharge_sum("discount"),
        "currency": (doc.get("currency") or {}).get("code"),
        "items": [{"sku": i.get("sku"), "productId": (i.get("object") or {}).get("product_id"),
                   "name": i.get("name"), "price": i.get("price"), "quantity": i.get("amount")}
                  for i in doc.get("items", [])],
        "shippingStatus": (doc.get("shippingStatus") or {}).get("code"),
        "paymentStatus": (doc.get("paymentStatus") or {}).get("code"),
        "orderDate": iso(doc.get("date")), "updateDate": iso(doc.get("lastRenewDate")),
        "trackingNumber": "", "customerNotes": doc.get("notes", ""),
        "adminNotes": doc.get("adminNotes", ""), "coupon": "",
        "customerInfo": {"profileId": orig.get("profile_id"), "login": orig.get("login"),
                         "email": orig.get("login"), "password": "$2y$10$simulated.hash"},
        "paymentMethod": doc.get("payment_method_name"),
        "shippingMethod": doc.get("shipping_method_name"),
    }


def product(p: Product) -> dict[str, Any]:
    """``_path=product/{id}``: stock is the ``inventory`` entity's ``amount`` (as captured)."""
    return {
        "product_id": p.product_id, "price": num(p.price), "sku": p.sku, "enabled": True,
        "weight": 1, "free_shipping": False, "taxable": p.taxable, "date": p.date,
        "updateDate": p.update_date, "arrivalDate": p.date, "needProcess": False,
        "variants": [{"id": v.id} for v in p.variants], "variantsAttributes": [],
        "inventory": {"inventoryId": p.product_id, "enabled": True, "amount": p.amount,
                      "lowLimitEnabled": False, "lowLimitAmount": 10},
        "translations": [{"name": p.name, "description": "", "briefDescription": "",
                          "label_id": p.product_id, "code": "en"}],
        "order_items": [], "images": [], "categoryProducts": [], "memberships": [],
    }


def variant(v: Variant, p: Product) -> dict[str, Any]:
    """``_path=xc-productvariants-productvariant/{id}``."""
    return {"id": v.id, "sku": v.sku, "price": num(v.price), "amount": v.amount,
            "defaultPrice": False, "defaultAmount": False, "defaultValue": False,
            "product": {"product_id": p.product_id},
            "attributeValueS": [{"id": n + 1, "value": value}
                                for n, value in enumerate(v.attributes.values())]}


def api55_order(doc: dict[str, Any], zone: str) -> dict[str, Any]:
    """An order of X-Cart 5.5's ``/api/orders``: snake_case, ISO-8601 dates in the shop's zone."""
    def iso(stamp: Any) -> Any:
        if not isinstance(stamp, int):
            return stamp
        return datetime.fromtimestamp(stamp, UTC).astimezone(ZoneInfo(zone)).isoformat()

    orig = doc.get("orig_profile") or {}
    copy = doc.get("profile") or {}

    def address(p: dict[str, Any]) -> dict[str, Any]:
        addresses = p.get("addresses") or [{}]
        fields = {f["addressField"]["serviceName"]: f["value"]
                  for f in addresses[0].get("addressFields", [])}
        return {**fields, "country_code": (addresses[0].get("country") or {}).get("code"),
                "state_code": (addresses[0].get("state") or {}).get("code")}

    return {
        "id": doc.get("order_id"), "order_number": doc.get("orderNumber"),
        "create_date": iso(doc.get("date")), "update_date": iso(doc.get("lastRenewDate")),
        "total": doc.get("total"), "sub_total": doc.get("subtotal"),
        "currency": (doc.get("currency") or {}).get("code"),
        "payment_status": (doc.get("paymentStatus") or {}).get("code"),
        "shipping_status": (doc.get("shippingStatus") or {}).get("code"),
        "payment_method_name": doc.get("payment_method_name"),
        "admin_notes": doc.get("adminNotes"),
        "profile": {"id": orig.get("profile_id"), "login": copy.get("login"),
                    "anonymous": orig.get("anonymous", True) if orig else True},
        "billing_address": address(copy), "shipping_address": address(copy),
        "used_coupons": [{"code": c.get("code"), "value": c.get("value")}
                         for c in doc.get("usedCoupons", [])],
        "items": [{"id": i.get("item_id"), "sku": i.get("sku"), "name": i.get("name"),
                   "price": i.get("price"), "amount": i.get("amount"),
                   "subtotal": i.get("subtotal"), "total": i.get("total"),
                   "surcharges": i.get("surcharges", [])} for i in doc.get("items", [])],
        "surcharges": doc.get("surcharges", []),
        "payment_transactions": [{**t, "date": iso(t.get("date")), "backend_transactions": [
            {**b, "date": iso(b.get("date"))} for b in t.get("backend_transactions", [])]}
            for t in doc.get("payment_transactions", [])],
        "history": [{**e, "date": iso(e.get("date"))} for e in doc.get("events", [])],
        "selected_currency": (doc.get("selectedMultiCurrency") or {}).get("code"),
        "selected_currency_rate": doc.get("selectedMultiCurrencyRate"),
    }

"""An X-Cart default-schema order (or a 5.5 order, first ``normalise_55``) -> canonical records.

Money: item ``price``/``amount``/``subtotal``; order ``surcharges`` carry shipping (``type``
shipping), the coupon (``discount``, negative) and taxes (``tax``); each item's own ``surcharges``
carry its tax, so per-line tax is exact and the shipping tax is the order's tax less the items'.
A tax surcharge with ``include: true`` is VAT inside a tax-inclusive price: the canonical line
gets its net price and the coupon's tax part as ``discount_tax_compensation`` (as Magento's).
X-Cart bills every order in the shop's currency; with MultiCurrency the buyer only *saw* another
(``selectedMultiCurrency`` at ``selectedMultiCurrencyRate``), so the books get the billed amounts.
Payment transactions are read by ``payments``; refunds (``parse_refunds``) by ``refunds``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ecom_ledger_desktop.connectors.stores.xcart.fields import Reader
from ecom_ledger_desktop.connectors.stores.xcart.payments import offline_method, read_payments
from ecom_ledger_desktop.models.commerce import Address, Customer, Order, OrderLine, OrderState

ZERO = Decimal(0)
FOUR = Decimal("0.0001")
DEFAULT_READY = ("P",)


def order_subject(raw: Any) -> str:
    """``Order <orderNumber>`` (else ``Order with id N``) for messages."""
    if isinstance(raw, Mapping):
        number = raw.get("orderNumber")
        if isinstance(number, str | int) and not isinstance(number, bool) and str(number).strip():
            return f"Order {str(number).strip()}"
        if raw.get("order_id") is not None:
            return f"Order with id {raw.get('order_id')}"
    return "An order"


def _address(profile: Any) -> Address | None:
    if not isinstance(profile, Mapping):
        return None
    addresses = profile.get("addresses")
    if not isinstance(addresses, list) or not addresses or not isinstance(addresses[0], Mapping):
        return None
    first = next((a for a in addresses if isinstance(a, Mapping) and a.get("is_billing")),
                 addresses[0])
    fields: dict[str, str] = {}
    for row in first.get("addressFields") or []:
        if isinstance(row, Mapping) and isinstance(row.get("addressField"), Mapping):
            name = row["addressField"].get("serviceName")
            if isinstance(name, str) and isinstance(row.get("value"), str | int):
                fields[name] = str(row["value"])
    country: Mapping[str, Any] = first["country"] if isinstance(first.get("country"), Mapping) \
        else {}
    state: Mapping[str, Any] = first["state"] if isinstance(first.get("state"), Mapping) else {}
    return Address(first_name=fields.get("firstname", ""), last_name=fields.get("lastname", ""),
                   company=fields.get("company", ""),
                   lines=[v for v in (fields.get("street", ""),) if v],
                   city=fields.get("city", ""), region=str(state.get("code") or ""),
                   postcode=fields.get("zipcode", ""), country=str(country.get("code") or ""),
                   phone=fields.get("phone", ""), email=str(profile.get("login") or ""))


def _customer(raw: Mapping[str, Any], read: Reader, address: Address | None) -> Customer:
    copy = raw.get("profile")
    orig = raw.get("orig_profile")
    if not isinstance(copy, Mapping) and not isinstance(orig, Mapping):
        read.fail("has no buyer profile (profile)", "profile")
    source = orig if isinstance(orig, Mapping) else copy
    assert isinstance(source, Mapping)
    email = str((copy if isinstance(copy, Mapping) else source).get("login") or "").strip()
    guest = not isinstance(orig, Mapping) or bool(orig.get("anonymous"))
    first = address.first_name if address else ""
    last = address.last_name if address else ""
    if guest and not email and not (first or last):
        read.fail("is a guest order without an email address or a name, so the buyer cannot be "
                  "told apart", "profile.login")
    ident = source.get("profile_id")
    return Customer(source_id=None if guest or ident is None else str(ident), email=email,
                    first_name=first, last_name=last, phone=address.phone if address else "",
                    is_guest=guest)


def _tax_of(read: Reader, surcharges: list[Any], where: str) -> tuple[Decimal, bool, list[str]]:
    """Sum of tax surcharges, whether any is included in the price, and their codes."""
    total, included, codes = ZERO, False, []
    for n, row in enumerate(surcharges, 1):
        if not isinstance(row, Mapping):
            read.fail(f"has {where} surcharge {n} that is not an object", "surcharges")
        if row.get("type") != "tax":
            continue
        total += read.at(f"{where} surcharge {n}").amount(row, "value", "tax", required=True)
        included = included or bool(row.get("include"))
        if isinstance(row.get("code"), str):
            codes.append(row["code"])
    return total, included, codes


def status_of(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    if isinstance(value, Mapping):
        value = value.get("code")
    return str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) \
        else ""


def _state(payment: str, shipping: str, paid: bool, read: Reader) -> OrderState:
    if payment in ("C", "D"):
        return "canceled"
    if payment == "R":
        return "closed"
    if payment not in ("Q", "A", "PP", "P") and not paid:
        read.fail(f"has payment status {payment!r} (paymentStatus), which is not one of X-Cart's "
                  "(Q, A, PP, P, D, C, R); if it is a status of your own that means paid, add it "
                  "to the connection's statuses that make an order ready, else",
                  "paymentStatus", code="unknown_status")
    if paid and shipping in ("S", "D"):
        return "complete"
    return "processing" if paid else "pending"


def parse_order(raw: Any, *, timezone: str = "UTC", ready: tuple[str, ...] = DEFAULT_READY,
                rates: Mapping[str, Decimal] | None = None,
                gift_card_skus: frozenset[str] = frozenset()) -> Order:
    """One default-schema order; ``ready``: payment status codes that make it paid;
    ``rates``: the shop's tax rates by surcharge code (``CDEV_STAX_<id>``), when it says;
    ``gift_card_skus``: what the merchant says are gift certificates sold (X-Cart's core has no
    such product type, the add-ons differ), booked as a liability."""
    rates = rates or {}
    subject = order_subject(raw)
    read = Reader(subject, str(raw.get("order_id")) if isinstance(raw, Mapping) else "")
    if not isinstance(raw, Mapping):
        read.fail(f"is not an object but {type(raw).__name__}", "(order)")
    if raw.get("order_id") is None:
        read.fail("has no id (order_id)", "order_id")
    created = read.stamp(raw, "date", "order date", required=True)
    assert created is not None
    updated = read.stamp(raw, "lastRenewDate", "last change date") or created
    currency_doc = read.mapping(raw, "currency", "currency")
    currency = str(currency_doc.get("code") or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        read.fail(f"has currency {shown_code(currency_doc.get('code'))} (currency.code), which "
                  "is not a three-letter currency code", "currency.code")
    items = read.items(raw, "items", "items")
    if not items:
        read.fail("has no items", "items")
    surcharges = read.items(raw, "surcharges", "surcharges")
    order_tax, order_included, _ = _tax_of(read, surcharges, "order")
    # handling surcharges (a payment method's fee) are booked with shipping: "shipping and
    # handling"; the canonical order has no other place for a charge that is not a product
    shipping_gross = sum((read.at(f"surcharge {n}").amount(s, "value", "shipping cost")
                          for n, s in enumerate(surcharges, 1)
                          if isinstance(s, Mapping) and s.get("type") in ("shipping",
                                                                          "handling")), ZERO)
    discount = -sum((read.at(f"surcharge {n}").amount(s, "value", "discount", negative=True)
                     for n, s in enumerate(surcharges, 1)
                     if isinstance(s, Mapping) and s.get("type") == "discount"), ZERO)
    if discount < 0:
        read.fail(f"has a discount surcharge of {-discount} that adds to the total", "surcharges")
    subtotals = []
    for n, item in enumerate(items, 1):
        if not isinstance(item, Mapping):
            read.fail(f"has item {n} that is not an object", "items")
        subtotals.append(item)
    lines, item_tax_total, included = _lines(read, subtotals, discount, order_included, rates)
    for line in lines:
        line.is_gift_card = line.sku in gift_card_skus
    shipping_tax = order_tax - item_tax_total
    if shipping_tax < 0:
        shipping_tax = ZERO
    shipping = shipping_gross - shipping_tax if included else shipping_gross
    shipping_percent = _shipping_rate(surcharges, lines, rates) if shipping_tax else None
    total = read.amount(raw, "total", "grand total", required=True)
    address = _address(raw.get("profile"))
    customer = _customer(raw, read, address)
    payment = status_of(raw, "paymentStatus")
    shipping_status = status_of(raw, "shippingStatus")
    paid = payment in ready or payment == "R"
    txns = read.items(raw, "payment_transactions", "payment transactions")
    events: list[Any] = raw["events"] if isinstance(raw.get("events"), list) else []
    payments, refunds, method, offline = read_payments(read, txns, events)
    # the method's service name ("Check", "Stripe"): what the merchant's payment routes name
    method = method or str(raw.get("payment_method_name") or "")
    offline = offline or offline_method(method)
    coupons = raw.get("usedCoupons")
    coupon = ""
    if isinstance(coupons, list) and coupons and isinstance(coupons[0], Mapping):
        coupon = str(coupons[0].get("code") or "")
    return Order(
        source_id=str(raw["order_id"]), number=read.text(raw, "orderNumber", "order number")
        or str(raw["order_id"]), created_at=created, updated_at=updated,
        state=_state(payment, shipping_status, paid, read),
        status_label=f"{payment}/{shipping_status}", paid=paid, currency=currency,
        base_currency=currency, base_to_order_rate=Decimal(1), base_grand_total=total,
        timezone=timezone, prices_include_tax=included, customer=customer,
        billing_address=address, shipping_address=address, lines=lines,
        shipping=shipping, shipping_tax=shipping_tax,
        shipping_tax_percent=shipping_percent or _percent(shipping_tax, shipping),
        shipping_discount_tax_compensation=ZERO, discount=discount,
        tax_total=order_tax, grand_total=total, payment_method=method,
        payment_offline=offline, payments=payments if paid else [],
        refund_ids=[r for r, _ in refunds], refunded_total=sum((v for _, v in refunds), ZERO),
        coupon_code=coupon)


def shown_code(value: Any) -> str:
    return repr(value) if isinstance(value, str) else "empty" if value is None else str(value)


def _percent(tax: Decimal, base: Decimal) -> Decimal | None:
    if not tax or not base:
        return None
    return (tax / base * 100).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP).normalize()


def _shipping_rate(surcharges: list[Any], lines: list[OrderLine],
                   rates: Mapping[str, Decimal]) -> Decimal | None:
    """The rate of the tax surcharge that holds more than its items' tax: the shipping's."""
    on_items: dict[str, Decimal] = {}
    for line in lines:
        for code in line.tax_codes:
            on_items[code] = on_items.get(code, ZERO) + line.tax
    found = {str(s.get("code")) for s in surcharges if isinstance(s, Mapping)
             and s.get("type") == "tax" and str(s.get("code")) in rates
             and _value(s.get("value")) > on_items.get(str(s.get("code")), ZERO)}
    return rates[found.pop()] if len(found) == 1 else None


def _value(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return ZERO


def _lines(read: Reader, items: list[Mapping[str, Any]], discount: Decimal,
           order_included: bool, rates: Mapping[str, Decimal],
           ) -> tuple[list[OrderLine], Decimal, bool]:
    subtotal_all = ZERO
    rows = []
    for n, item in enumerate(items, 1):
        sku = item.get("sku")
        where = read.at(f"item {n}" + (f" (SKU {sku!r})" if isinstance(sku, str) else ""))
        if not isinstance(sku, str) or not sku.strip():
            where.fail("has no SKU (sku)", "sku")
        price = where.amount(item, "price", "price", required=True)
        qty = where.qty(item, "amount")
        subtotal = (price * qty).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        tax, included, codes = _tax_of(where, where.items(item, "surcharges", "surcharges"),
                                       "item")
        rows.append((where, item, sku.strip(), price, qty, subtotal, tax, included, codes))
        subtotal_all += subtotal
    included = order_included or any(r[7] for r in rows)
    lines: list[OrderLine] = []
    left = discount
    item_tax = ZERO
    for n, (where, item, sku, price, qty, subtotal, tax, _inc, codes) in enumerate(rows):
        discounted = item.get("discountedSubtotal")
        if n == len(rows) - 1:
            share = left
        elif discounted is not None and discount:
            share = subtotal - where.amount(item, "discountedSubtotal", "discounted subtotal")
        else:
            share = (discount * subtotal / subtotal_all).quantize(Decimal("0.01")) \
                if subtotal_all else ZERO
        left -= share
        item_tax += tax
        known = [rates[c] for c in codes if c in rates]
        unit, compensation = price, ZERO
        stated = sum(known, ZERO) if known and len(known) == len(codes) else None
        percent = stated if stated is not None else _percent(tax, subtotal - share)
        if included and tax:
            net_after = subtotal - share - tax
            rate = stated / 100 if stated else (tax / net_after if net_after > 0 else ZERO)
            unit = (price / (1 + rate)).quantize(FOUR, rounding=ROUND_HALF_UP)
            compensation = (share - share / (1 + rate)).quantize(FOUR, rounding=ROUND_HALF_UP)
            percent = (rate * 100).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP).normalize()
        name = item.get("name")
        lines.append(OrderLine(
            line_id=str(item.get("item_id") if item.get("item_id") is not None else n + 1),
            sku=sku, name=str(name) if isinstance(name, str | int) else sku, qty=qty,
            unit_price=unit, tax=tax, tax_percent=percent, discount=share,
            taxable=bool(tax) if tax else None, tax_codes=codes,
            discount_tax_compensation=compensation))
    return lines, item_tax, included

"""Order JSON (+ its order_details, payments, customer, addresses, cart rules) -> ``Order``.

Money: ``unit_price`` is the line's tax-excluded total over its quantity; a line's tax is its
``total_price_tax_incl - total_price_tax_excl`` less its share of the coupon's tax; shipping and
gift wrapping likewise; the order's tax is ``total_paid_tax_incl - total_paid_tax_excl``. Cart
rules whose name starts with the gift-card prefix are gift cards redeemed (not a discount); the
rest is the coupon; a product named so is a gift card sold (a liability). Tax-inclusive prices:
the customer's group shows prices with tax (``price_display_method`` 0) unless the connection
says otherwise. The base currency is the shop's default; ``conversion_rate`` converts it into
the order's currency.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ecom_ledger_desktop.connectors.stores.prestashop.context import ShopFacts
from ecom_ledger_desktop.connectors.stores.prestashop.fields import Reader, problem, shown
from ecom_ledger_desktop.connectors.stores.prestashop.status import StatusRule
from ecom_ledger_desktop.models.commerce import (
    Address,
    Customer,
    Order,
    OrderLine,
    Payment,
    Redemption,
    TaxRate,
)

ZERO = Decimal(0)
SIX = Decimal("0.000001")
#: payment modules paid outside the shop (posted only once paid, by default)
OFFLINE_MODULES = frozenset({"ps_checkpayment", "ps_wirepayment", "ps_cashondelivery",
                             "cheque", "bankwire", "cashondelivery", "ps_purchaseorder"})
WRAPPING_SKU = "GIFT-WRAPPING"


@dataclass
class OrderParts:
    """The records an order is read with (fetched a page at a time)."""

    details: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    payments: list[Mapping[str, Any]] = field(default_factory=list)
    customer: Mapping[str, Any] | None = None
    addresses: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    cart_rules: list[Mapping[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Options:
    """Connection settings that change how orders read."""

    rule: StatusRule = field(default_factory=StatusRule)
    include_tax: bool | None = None
    gift_card_prefix: str = "gift card"


def order_subject(row: Any) -> str:
    """``Order 12`` (or ``An order`` when it has no usable id)."""
    rid = row.get("id") if isinstance(row, Mapping) else None
    return f"Order {rid}" if isinstance(rid, int | str) and str(rid).strip() else "An order"


def _split(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """``total`` shared by ``weights`` to 6 decimals, the last absorbing the remainder."""
    whole = sum(weights, ZERO)
    if not total or not whole:
        return [ZERO for _ in weights]
    shares = [(total * w / whole).quantize(SIX, ROUND_HALF_UP) for w in weights]
    shares[-1] += total - sum(shares, ZERO)
    return shares


def _address(row: Mapping[str, Any] | None, facts: ShopFacts, email: str) -> Address | None:
    if row is None:
        return None
    read = Reader(row, "An address")
    country = facts.lookup("countries", read.text("id_country"))
    state = facts.lookup("states", read.text("id_state")) if read.text("id_state") not in (
        "", "0") else None
    return Address(first_name=read.text("firstname"), last_name=read.text("lastname"),
                   company=read.text("company"),
                   lines=[x for x in (read.text("address1"), read.text("address2")) if x],
                   city=read.text("city"), region=str(state.get("iso_code", "")) if state else "",
                   postcode=read.text("postcode"),
                   country=str(country.get("iso_code", "")) if country else "",
                   phone=read.text("phone") or read.text("phone_mobile"), email=email)


def _customer(row: Any, parts: OrderParts, subject: str) -> tuple[Customer, str]:
    cid = Reader(row, subject).ident("id_customer")
    data = parts.customer
    if data is None:
        raise problem(f"{subject}: its customer (id {cid}) does not exist in PrestaShop (deleted "
                      "or not readable); restore the customer or give the key GET on customers, "
                      "then retry.", "not_found")
    read = Reader(data, f"{subject}: customer {cid}")
    guest = read.text("is_guest") == "1"
    customer = Customer(source_id=None if guest else cid, email=read.text("email"),
                        first_name=read.text("firstname"), last_name=read.text("lastname"),
                        company=read.text("company"), is_guest=guest)
    return customer, read.text("id_default_group")


def parse_order(row: Any, parts: OrderParts, facts: ShopFacts, options: Options) -> Order:
    """One order in canonical form; ``RecordError`` (invalid_data / not_found) when it cannot."""
    subject = order_subject(row)
    read = Reader(row, subject)
    oid = read.ident("id")
    zone = facts.zone
    state_id = read.ident("current_state")
    state_row = facts.lookup("order_states", state_id)
    if state_row is None:
        raise problem(f"{subject} is in order state {state_id}, which PrestaShop's order states "
                      "do not list; check Orders › Statuses, or name the state in the "
                      "connection's paid / cancelled states, then retry.")
    state, paid = options.rule.state(state_row)
    currency_row = facts.lookup("currencies", read.ident("id_currency"))
    if currency_row is None:
        raise problem(f"{subject} is in currency id {read.text('id_currency')}, which is not "
                      "among PrestaShop's currencies; restore it in International › "
                      "Localization › Currencies, then retry.")
    currency = str(currency_row.get("iso_code") or "").upper()
    base = facts.default_currency
    rate = read.amount("conversion_rate")
    if currency != base and rate <= 0:
        read.fail(f"has conversion rate {shown(row.get('conversion_rate'))}, which must be above "
                  "zero for an order in another currency")
    customer, group = _customer(row, parts, subject)
    include_tax = options.include_tax
    if include_tax is None:
        found = facts.lookup("groups", group) if group else None
        include_tax = bool(found) and str(found.get("price_display_method")) == "0"  # type: ignore[union-attr]
    gift = [r for r in parts.cart_rules
            if str(r.get("name", "")).strip().lower().startswith(options.gift_card_prefix.lower())]
    coupons = [r for r in parts.cart_rules if r not in gift]
    gift_total = sum((Reader(r, f"{subject}: cart rule").amount("value") for r in gift), ZERO)
    coupon_incl = read.amount("total_discounts_tax_incl", required=False) - gift_total
    coupon_excl = read.amount("total_discounts_tax_excl", required=False) - gift_total
    if coupon_incl < 0 or coupon_excl < 0:
        read.fail("has smaller discounts than the gift cards used on it")
    lines = _lines(row, parts, facts, subject, coupon_incl, coupon_excl, include_tax,
                   options.gift_card_prefix.lower())
    ship_incl = read.amount("total_shipping_tax_incl", required=False)
    ship_excl = read.amount("total_shipping_tax_excl", required=False)
    carrier_rate = read.amount("carrier_tax_rate", required=False)
    paid_incl, paid_excl = read.amount("total_paid_tax_incl"), read.amount("total_paid_tax_excl")
    tax_total = paid_incl - paid_excl
    email = customer.email
    addresses = parts.addresses
    payments = _payments(row, parts, facts, paid, paid_incl, subject)
    module = read.text("module")
    return Order(
        source_id=oid, number=oid,
        created_at=read.moment("date_add", zone), updated_at=read.moment("date_upd", zone),
        state=state, status_label=str(state_row.get("name") or ""), paid=paid,
        currency=currency, timezone=facts.zone_name, base_currency=base,
        base_to_order_rate=rate if currency != base else None,
        base_grand_total=(paid_incl / rate).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if currency != base else None,
        prices_include_tax=include_tax, customer=customer,
        billing_address=_address(addresses.get(read.text("id_address_invoice")), facts, email),
        shipping_address=_address(addresses.get(read.text("id_address_delivery")), facts, email),
        lines=lines, shipping=ship_excl, shipping_tax=ship_incl - ship_excl,
        shipping_tax_percent=carrier_rate if ship_incl != ship_excl or carrier_rate else None,
        discount=coupon_incl if include_tax else coupon_excl, tax_total=tax_total,
        applied_taxes=_applied(lines, ship_incl - ship_excl, carrier_rate),
        redemptions=[Redemption(kind="gift_card", amount=Reader(r, subject).amount("value"),
                                code=str(r.get("name") or "")) for r in gift],
        grand_total=paid_incl, payment_method=module, payment_offline=module in OFFLINE_MODULES,
        payments=payments,
        refunded_total=sum((Reader(d, subject).amount("total_refunded_tax_incl", required=False)
                            for d in parts.details.values()), ZERO),
        coupon_code=", ".join(str(r.get("name") or "") for r in coupons if r.get("name")))


def _rows(row: Mapping[str, Any], subject: str) -> list[Mapping[str, Any]]:
    assoc = row.get("associations")
    listed = assoc.get("order_rows") if isinstance(assoc, Mapping) else None
    if not isinstance(listed, list) or not listed:
        raise problem(f"{subject} has no products (its order_rows are empty); check the order in "
                      "PrestaShop (Orders › Orders), then retry.")
    return listed


def _lines(row: Mapping[str, Any], parts: OrderParts, facts: ShopFacts, subject: str,
           coupon_incl: Decimal, coupon_excl: Decimal, include_tax: bool,
           gift_prefix: str = "gift card") -> list[OrderLine]:
    read = Reader(row, subject)
    drafts = []
    for n, item in enumerate(_rows(row, subject), start=1):
        at = Reader(item, f"{subject}: line {n}")
        detail = parts.details.get(at.text("id"))
        source = Reader(detail, f"{subject}: line {n}") if detail is not None else at
        sku = source.text("product_reference")
        name = source.text("product_name")
        where = f"{subject}: line {n} ({name or 'no name'})"
        if not sku:
            raise problem(f"{where} has no reference (SKU) in PrestaShop; set the product's or "
                          "combination's Reference in Catalog › Products, then retry.")
        line = Reader(detail if detail is not None else item, f"{subject}: line {n} (SKU {sku!r})")
        qty = line.quantity("product_quantity")
        if detail is not None:
            excl, incl = line.amount("total_price_tax_excl"), line.amount("total_price_tax_incl")
        else:
            excl = line.amount("unit_price_tax_excl") * qty
            incl = line.amount("unit_price_tax_incl") * qty
        if excl < 0 or incl < 0:
            line.fail("has a negative price")
        taxes = []
        listed = (detail or {}).get("associations", {}) if isinstance(detail, Mapping) else {}
        for tax in (listed.get("taxes") or []) if isinstance(listed, Mapping) else []:
            found = facts.lookup("taxes", str(tax.get("id") if isinstance(tax, Mapping) else ""))
            if found is not None:
                taxes.append(found)
        drafts.append((at.text("id") or str(n), sku, name or sku, qty, excl, incl, taxes))
    wrap_excl = read.amount("total_wrapping_tax_excl", required=False)
    wrap_incl = read.amount("total_wrapping_tax_incl", required=False)
    weights = [d[4] for d in drafts]
    discounts = _split(coupon_excl, weights)
    discount_tax = _split(coupon_incl - coupon_excl, [d[5] - d[4] for d in drafts]
                          if any(d[5] != d[4] for d in drafts) else weights)
    lines = []
    for (line_id, sku, name, qty, excl, incl, taxes), off, off_tax in zip(
            drafts, discounts, discount_tax, strict=True):
        percent = sum((Decimal(str(t.get("rate") or 0)) for t in taxes), ZERO) if taxes else (
            ((incl / excl - 1) * 100).quantize(Decimal("0.001"), ROUND_HALF_UP)
            if excl and incl != excl else None)
        lines.append(OrderLine(
            line_id=line_id, sku=sku, name=name, qty=qty,
            unit_price=_unit(excl, qty),
            tax=incl - excl - off_tax, tax_percent=percent,
            discount=(off + off_tax) if include_tax else off,
            taxable=bool(taxes) or incl != excl,
            tax_codes=[str(t.get("name") or "") for t in taxes if t.get("name")],
            discount_tax_compensation=off_tax if include_tax else ZERO,
            # a gift card *sold* (a product named like the gift card vouchers): a liability
            is_gift_card=bool(gift_prefix) and name.strip().lower().startswith(gift_prefix)))
    if wrap_excl or wrap_incl:
        lines.append(OrderLine(line_id="wrapping", sku=WRAPPING_SKU, name="Gift wrapping",
                               qty=Decimal(1), unit_price=wrap_excl, tax=wrap_incl - wrap_excl,
                               taxable=wrap_incl != wrap_excl))
    return lines


def _unit(total: Decimal, qty: Decimal) -> Decimal:
    """A line total over its quantity, to at most 6 decimals (PrestaShop's precision)."""
    unit = total / qty
    return unit if unit == unit.quantize(SIX) else unit.quantize(SIX, ROUND_HALF_UP)


def _applied(lines: list[OrderLine], shipping_tax: Decimal, carrier_rate: Decimal) -> list[TaxRate]:
    found: dict[str, TaxRate] = {}
    for line in lines:
        for code in line.tax_codes[:1]:
            entry = found.get(code) or TaxRate(code=code, title=code,
                                               percent=line.tax_percent or ZERO)
            found[code] = entry.model_copy(update={"amount": entry.amount + line.tax})
    if shipping_tax:
        match = next((c for c, t in found.items() if t.percent == carrier_rate), None)
        if match:
            found[match] = found[match].model_copy(
                update={"amount": found[match].amount + shipping_tax})
    return list(found.values())


def _payments(row: Mapping[str, Any], parts: OrderParts, facts: ShopFacts, paid: bool,
              total: Decimal, subject: str) -> list[Payment]:
    read = Reader(row, subject)
    module = read.text("module")
    offline = module in OFFLINE_MODULES
    out = []
    for payment in parts.payments:
        pay = Reader(payment, f"{subject}: payment")
        out.append(Payment(method=pay.text("payment_method") or module,
                           amount=pay.amount("amount"),
                           paid_at=pay.moment("date_add", facts.zone, required=False),
                           reference=pay.text("transaction_id"), offline=offline))
    if len(out) > 0 and sum((p.amount for p in out), ZERO) > total + Decimal("0.01"):
        # payments are keyed by the cart's reference: a split order (several orders of one
        # cart) shares them, and some modules record a payment twice (total_paid_real)
        first = out[0]
        out = [first.model_copy(update={"amount": total})]
    if paid and not out:  # a paid state without a payment row (an imported order)
        when = read.moment("invoice_date", facts.zone, required=False) or read.moment(
            "date_upd", facts.zone)
        out.append(Payment(method=read.text("payment") or module, amount=total, paid_at=when,
                           offline=offline))
    return out

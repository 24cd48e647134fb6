"""The faulty Magento orders of ``test_bad_input``, by name: what each is and what must become of it
(posts to the cent, or is flagged with a code and words)."""

from __future__ import annotations

from tests.sync.bad_input_support import (
    Case,
    altered,
    bad_spec,
    built,
    dated,
    dropping,
    first_item,
    fractional_qty,
    long_number,
    nameless_guest,
    no_email_on_customer,
    rounding_line,
    setting,
    shift_tax,
    valid_display_name,
    zero_total,
)

#: first name, last name -> the DisplayName QuickBooks gets (emoji and scripts kept as they are;
#: tab/newline become a space, NUL is dropped, ":" becomes "-", cut at QBO's 500 characters).
NAMES = {
    "emoji": ("Zoë 😀", "Ångström 🚀", "Zoë 😀 Ångström 🚀"),
    "arabic-rtl": ("محمد", "العربي", "محمد العربي"),
    "hebrew-rtl": ("דוד", "כהן", "דוד כהן"),
    "control-chars": ("Ja\tne", "Do\x00e\nSmith", "Ja ne Doe Smith"),
    "html": ("<b>Bob</b>", "Builder", "<b>Bob</b> Builder"),
    "colon": ("Acme: Bob", "Ltd", "Acme- Bob Ltd"),
    "1000-chars": ("A" * 1000, "Longname", "A" * 500),
}


def name_case(first: str, last: str, display_name: str, slug: str) -> Case:
    return Case(built(bad_spec(customer={"email": f"{slug}@example.com", "firstname": first,
                                         "lastname": last})),
                "posts", check=valid_display_name(display_name))


CASES: dict[str, Case] = {
    # money
    "grand_total-not-a-number": Case(
        altered(bad_spec(), setting(grand_total="not a number")),
        "flagged", "invalid_data", ("grand total", "not a number"), raw_kept=True),
    "grand_total-null": Case(
        altered(bad_spec(), setting(grand_total=None)),
        "flagged", "invalid_data", ("grand total",), raw_kept=True),
    "grand_total-numeric-string": Case(
        altered(bad_spec(), lambda raw: raw.update(grand_total=str(raw["grand_total"]))),
        "posts"),
    "price-string-19.99": Case(
        altered(bad_spec(lines=[{"sku": "WB-BOTTLE", "name": "Steel Water Bottle", "qty": 2,
                                 "price": "19.99"}]),
                first_item(lambda item: item.update(price="19.99"))),
        "posts"),
    "price-boolean": Case(
        altered(bad_spec(), first_item(lambda item: item.update(price=True))),
        "flagged", "invalid_data", ("price", "MB-TOTE-BLK"), raw_kept=True),
    "grand_total-negative": Case(
        altered(bad_spec(), setting(grand_total=-10)),
        "flagged", "invalid_data", ("grand total", "negative"), raw_kept=True),
    "discount-with-positive-sign": Case(
        altered(bad_spec(discount="5.00"),
                lambda raw: raw.update(discount_amount=abs(raw["discount_amount"]))),
        "posts"),
    "qty-numeric-string": Case(
        altered(bad_spec(), first_item(lambda item: item.update(qty_ordered="2"))), "posts"),
    "lines-off-by-one-cent": Case(
        altered(bad_spec(), shift_tax("-0.01")), "posts", check=rounding_line),
    "lines-off-by-one-dollar": Case(
        altered(bad_spec(), shift_tax("-1.00")),
        "flagged", "totals_mismatch", ("difference",)),
    "zero-total-free-order": Case(
        built(bad_spec(lines=[{"sku": "WB-BOTTLE", "name": "Steel Water Bottle", "qty": 1,
                               "price": "0.00"}], shipping="0", payment_method="free")),
        "posts", check=zero_total),
    "currency-not-in-company-JPY": Case(
        built(bad_spec(currency="JPY", lines=[{"sku": "WB-BOTTLE", "name": "Steel Water Bottle",
                                               "qty": 2, "price": "1500"}], shipping="500")),
        "flagged", mentions=("JPY",)),
    "currency-code-lower-case": Case(
        altered(bad_spec(), setting(order_currency_code="usd")), "posts"),
    # lines
    "items-missing": Case(
        altered(bad_spec(), dropping("items")),
        "flagged", "invalid_data", ("items",), raw_kept=True),
    "items-empty": Case(
        altered(bad_spec(), setting(items=[])),
        "flagged", "invalid_data", ("no product lines",)),
    "item-without-sku": Case(
        altered(bad_spec(), first_item(lambda item: item.pop("sku"))),
        "flagged", "invalid_data", ("line 1", "SKU"), raw_kept=True),
    "qty-negative": Case(
        altered(bad_spec(), first_item(lambda item: item.update(qty_ordered=-1))),
        "flagged", "invalid_data", ("MB-TOTE-BLK", "quantity", "-1"), raw_kept=True),
    "qty-zero": Case(
        altered(bad_spec(), first_item(lambda item: item.update(qty_ordered=0))),
        "flagged", "invalid_data", ("MB-TOTE-BLK", "quantity")),
    "qty-fractional-1.5": Case(
        built(bad_spec(lines=[{"sku": "WB-BOTTLE", "name": "Steel Water Bottle", "qty": "1.5",
                               "price": "18.50"}])),
        "posts", check=fractional_qty),
    # header
    "state-unknown-weird_state": Case(
        altered(bad_spec(), setting(state="weird_state")), "posts"),
    "created_at-missing": Case(
        altered(bad_spec(), dropping("created_at")),
        "flagged", "invalid_data", ("creation date",), raw_kept=True),
    "updated_at-missing": Case(
        altered(bad_spec(), dropping("updated_at")), "posts"),
    "created_at-not-a-date": Case(
        altered(bad_spec(), setting(created_at="yesterday")),
        "flagged", "invalid_data", ("creation date", "yesterday"), raw_kept=True),
    # paid by card, so the receipt is dated the day the order was placed (in the store's time
    # zone, America/New_York), not the later day an offline payment arrives
    "timestamps-iso-T-Z": Case(
        altered(bad_spec(payment_method="braintree"),
                setting(created_at="2026-11-01T10:00:00Z", updated_at="2026-11-01T10:00:00Z")),
        "posts", check=dated("2026-11-01")),
    "timestamps-iso-T-offset": Case(
        altered(bad_spec(payment_method="braintree"),
                setting(created_at="2026-11-01T10:00:00+02:00",
                        updated_at="2026-11-01T10:00:00+02:00")),
        "posts", check=dated("2026-11-01")),
    "entity_id-missing": Case(
        altered(bad_spec(), dropping("entity_id")),
        "flagged", "invalid_data", ("entity_id",), raw_kept=True),
    "increment_id-longer-than-21": Case(
        built(bad_spec(increment_id="EU-WEBSTORE-2026-000000123")), "posts", check=long_number),
    "increment_id-a-json-number": Case(
        altered(bad_spec(), setting(increment_id=100000123)), "posts"),
    # customers
    "customer-nameless-guest": Case(
        altered(bad_spec(), nameless_guest),
        "flagged", "invalid_data", ("neither a customer email nor a name",)),
    **{f"customer-name-{slug}": name_case(first, last, shown, slug)
       for slug, (first, last, shown) in NAMES.items()},
    "customer-email-without-at": Case(
        built(bad_spec(customer={"email": "jane.example.com", "firstname": "Jane",
                                 "lastname": "Noat"})),
        "posts", check=no_email_on_customer),
}

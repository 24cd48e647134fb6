"""Bad input from the store, end to end over real loopback HTTP.

Every case syncs one faulty Magento order next to one good order and checks that

* the good order still posts (one bad record never stops the run), and
* the faulty one either posts a document whose QuickBooks ``TotalAmt`` equals the store's
  ``grand_total`` to the cent, or leaves exactly one open error-queue entry whose message names
  the order (its ``increment_id``) and says what to fix, with at least one fix, keeping the raw
  record when it could not be parsed. Nothing is dropped silently and nothing crashes.

Faults the order spec cannot express are written with ``put_raw_order`` over the order the
simulator built, so everything else about the order stays exactly as Magento would send it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import pytest

from tests.sync.conftest import SyncBench, order_spec

GOOD_EMAIL = "good.buyer@example.com"
FIX_WORDS = ("correct", "check", "add ", "map ", "change", "create", "retry", "choose", "mark",
             "turn on")
NAME_FORBIDDEN = (":", "\t", "\n", "\r", "\x00")

Raw = dict[str, Any]
Make = Callable[[SyncBench], int]
Check = Callable[[SyncBench, int, dict[str, Any]], None]


def amount(value: object) -> Decimal:
    return Decimal(str(value))


def add_good(bench: SyncBench) -> int:
    return bench.store.add_order(order_spec(customer={
        "email": GOOD_EMAIL, "firstname": "Good", "lastname": "Buyer"}))


def altered(spec: dict[str, Any], change: Callable[[Raw], None]) -> Make:
    """Build an order from ``spec``, then rewrite its JSON with ``change``."""
    def make(bench: SyncBench) -> int:
        order_id = bench.store.add_order(spec)
        raw = bench.store.order_json(order_id)
        change(raw)
        bench.store.put_raw_order(order_id, raw)
        return order_id
    return make


def built(spec: dict[str, Any]) -> Make:
    """An order the spec can express as it is."""
    return lambda bench: bench.store.add_order(spec)


def bad_spec(**overrides: Any) -> dict[str, Any]:
    """The default order, bought by someone other than the good buyer."""
    fields: dict[str, Any] = {"customer": {"email": "bad.buyer@example.com",
                                           "firstname": "Bad", "lastname": "Buyer"}}
    fields.update(overrides)
    return order_spec(**fields)


def first_item(change: Callable[[Raw], None]) -> Callable[[Raw], None]:
    def apply(raw: Raw) -> None:
        change(raw["items"][0])
    return apply


def setting(**values: Any) -> Callable[[Raw], None]:
    def apply(raw: Raw) -> None:
        raw.update(values)
    return apply


def dropping(*keys: str) -> Callable[[Raw], None]:
    def apply(raw: Raw) -> None:
        for key in keys:
            raw.pop(key, None)
    return apply


def shift_tax(delta: str) -> Callable[[Raw], None]:
    """The order's tax line off by ``delta``: its parts no longer add up to grand_total."""
    def apply(raw: Raw) -> None:
        raw["tax_amount"] = float(amount(raw["tax_amount"]) + Decimal(delta))
    return apply


# -- extra checks on a posted document -----------------------------------------------------

def customer_of(bench: SyncBench, doc: dict[str, Any]) -> dict[str, Any]:
    [customer] = [c for c in bench.ledger.entities("Customer")
                  if c["Id"] == doc["CustomerRef"]["value"]]
    return customer


def valid_display_name(expected: str) -> Check:
    def check(bench: SyncBench, order_id: int, doc: dict[str, Any]) -> None:
        name = str(customer_of(bench, doc)["DisplayName"])
        assert name.strip() == name, repr(name)
        assert 0 < len(name) <= 500, len(name)
        assert not any(ch in name for ch in NAME_FORBIDDEN), repr(name)
        assert name == expected, repr(name)
    return check


def item_lines(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [line for line in doc["Line"] if line.get("DetailType") == "SalesItemLineDetail"]


def fractional_qty(bench: SyncBench, order_id: int, doc: dict[str, Any]) -> None:
    [line] = [ln for ln in item_lines(doc) if ln.get("Description") == "Steel Water Bottle"]
    assert amount(line["SalesItemLineDetail"]["Qty"]) == Decimal("1.5")
    assert amount(line["Amount"]) == Decimal("27.75")


def rounding_line(bench: SyncBench, order_id: int, doc: dict[str, Any]) -> None:
    rounding = [ln for ln in item_lines(doc) if "Rounding" in str(ln.get("Description"))]
    assert [amount(ln["Amount"]) for ln in rounding] == [Decimal("0.01")], doc["Line"]


def zero_total(bench: SyncBench, order_id: int, doc: dict[str, Any]) -> None:
    assert amount(doc["TotalAmt"]) == 0
    assert item_lines(doc), "the free product is still on the receipt"


def no_email_on_customer(bench: SyncBench, order_id: int, doc: dict[str, Any]) -> None:
    customer = customer_of(bench, doc)
    assert "PrimaryEmailAddr" not in customer, customer.get("PrimaryEmailAddr")
    assert "BillEmail" not in doc


def dated(day: str) -> Check:
    def check(bench: SyncBench, order_id: int, doc: dict[str, Any]) -> None:
        assert doc["TxnDate"] == day
    return check


def nameless_guest(raw: Raw) -> None:
    raw.update(customer_email=None, customer_firstname=None, customer_lastname=None,
               customer_is_guest=1)
    raw.pop("customer_id", None)
    for key in ("email", "firstname", "lastname"):
        raw["billing_address"][key] = None


def long_number(bench: SyncBench, order_id: int, doc: dict[str, Any]) -> None:
    number = bench.store.order_json(order_id)["increment_id"]
    assert len(doc["DocNumber"]) == 21 and doc["DocNumber"] in number, "cut, not replaced"
    assert number in doc["PrivateNote"], "the full order number stays findable"


# -- the cases -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    """One faulty order and what must become of it."""

    make: Make
    expect: Literal["posts", "flagged"]
    code: str = ""  # error code when flagged
    mentions: tuple[str, ...] = ()  # further words the error message must hold
    raw_kept: bool = False  # unparseable: the entry keeps the raw JSON
    check: Check | None = None  # further checks on the posted document
    kind: str = "SalesReceipt"
    xfail: str = ""  # a known bug outside the connectors: what is wrong and where the fix goes


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


def the_good_order_posted(bench: SyncBench, good_id: int) -> None:
    good = bench.store.order_json(good_id)
    posted = [d for d in bench.docs("SalesReceipt") if d.get("DocNumber") == good["increment_id"]]
    assert len(posted) == 1, "the good order must post whatever happens to the bad one"
    assert amount(posted[0]["TotalAmt"]) == amount(good["grand_total"])


def bad_documents(bench: SyncBench, good_id: int) -> list[dict[str, Any]]:
    good_number = bench.store.order_json(good_id)["increment_id"]
    return [d for kind in ("SalesReceipt", "Invoice") for d in bench.docs(kind)
            if d.get("DocNumber") != good_number]


def assert_flagged_well(entry: Any, number: str, case: Case, raw: Raw) -> None:
    if case.code:
        assert entry.code == case.code, entry
    assert number in entry.message, f"the message must name order {number}: {entry.message}"
    for word in case.mentions:
        assert word.lower() in entry.message.lower(), (word, entry.message)
    assert any(w in entry.message.lower() for w in FIX_WORDS), \
        f"the message must say what to do: {entry.message}"
    assert entry.fixes, "at least one fix is offered"
    if case.raw_kept:
        assert entry.raw, "the unreadable record is kept: nothing is lost"
        kept = json.loads(entry.raw)
        assert kept.get("increment_id") == number
        assert kept == json.loads(json.dumps(raw, default=str)), "kept verbatim"


def params() -> list[Any]:
    return [pytest.param(case, id=name, marks=[pytest.mark.xfail(strict=True, reason=case.xfail)]
                         if case.xfail else []) for name, case in CASES.items()]


@pytest.mark.parametrize("case", params())
def test_bad_order_posts_exactly_or_is_flagged_clearly(bench: SyncBench, case: Case) -> None:
    bad_id = case.make(bench)
    good_id = add_good(bench)
    raw = bench.store.order_json(bad_id)
    number = str(raw["increment_id"])

    summary = bench.sync()

    the_good_order_posted(bench, good_id)
    errors = bench.open_errors()
    if case.expect == "posts":
        assert errors == [], [e.message for e in errors]
        assert summary.status == "ok", summary
        [doc] = bad_documents(bench, good_id)
        assert doc in bench.docs(case.kind)
        assert amount(doc["TotalAmt"]) == amount(raw["grand_total"])
        if case.check is not None:
            case.check(bench, bad_id, doc)
    else:
        assert summary.status == "flagged", summary
        assert len(errors) == 1, [e.message for e in errors]
        assert_flagged_well(errors[0], number, case, raw)
        assert bad_documents(bench, good_id) == [], "nothing half-posted"

    # The next run changes nothing: no second document, no second queue entry.
    before = bad_documents(bench, good_id)
    again = bench.sync()
    assert again.posted == 0, again
    assert bad_documents(bench, good_id) == before
    assert [e.id for e in bench.open_errors()] == [e.id for e in errors]
    the_good_order_posted(bench, good_id)


# -- faults that need more than one order or a broken transport ----------------------------

def test_two_orders_with_one_increment_id_both_post_or_the_second_is_flagged_clearly(
        bench: SyncBench) -> None:
    """Multi-store: Magento's increment_id is unique per store only; entity_id differs."""
    first = bench.store.add_order(bad_spec(increment_id="000000100"))
    second = bench.store.add_order(bad_spec(increment_id="000000100", customer={
        "email": "other.store@example.com", "firstname": "Other", "lastname": "Store"}))
    good_id = add_good(bench)
    assert first != second

    summary = bench.sync()

    the_good_order_posted(bench, good_id)
    posted = bad_documents(bench, good_id)
    errors = bench.open_errors()
    if len(posted) == 2:
        assert errors == []
        assert len({d["DocNumber"] for d in posted}) == 2
    else:
        assert len(posted) == 1
        assert summary.status == "flagged"
        [entry] = errors
        assert entry.code == "duplicate_doc_number", entry
        assert "000000100" in entry.message and entry.fixes, entry
        assert entry.source_id == str(second), "the second one is the one flagged"
    for doc in posted:
        assert amount(doc["TotalAmt"]) == amount(bench.store.order_json(first)["grand_total"])


def test_two_orders_without_entity_id_are_two_queue_entries(bench: SyncBench) -> None:
    """An unreadable record is keyed by a stand-in, so one cannot hide the other."""
    numbers = []
    for _ in range(2):
        order_id = altered(bad_spec(), dropping("entity_id"))(bench)
        numbers.append(bench.store.order_json(order_id)["increment_id"])
    good_id = add_good(bench)

    bench.sync()

    the_good_order_posted(bench, good_id)
    errors = bench.open_errors()
    assert sorted(n for e in errors for n in numbers if n in e.message) == sorted(numbers)
    assert len(errors) == 2 and all(e.raw for e in errors)
    # Re-driving one cannot fetch it by id: it says so, and stays in the queue.
    [first] = [e for e in errors if numbers[0] in e.message]
    assert bench.service.retry(first.id).startswith("still flagged")
    [again] = [e for e in bench.open_errors() if e.source_id == first.source_id]
    assert numbers[0] in again.message and "entity_id" in again.message


def test_long_increment_ids_sharing_a_prefix_both_post(bench: SyncBench) -> None:
    first = bench.store.add_order(bad_spec(increment_id="EU-WEBSTORE-2026-000000123"))
    second = bench.store.add_order(bad_spec(increment_id="EU-WEBSTORE-2026-000000124"))
    good_id = add_good(bench)

    bench.sync()

    the_good_order_posted(bench, good_id)
    posted = bad_documents(bench, good_id)
    assert bench.open_errors() == [], [e.message for e in bench.open_errors()]
    assert len(posted) == 2 and len({d["DocNumber"] for d in posted}) == 2
    for order_id in (first, second):
        number = bench.store.order_json(order_id)["increment_id"]
        [doc] = [d for d in posted if number in d["PrivateNote"]]
        assert len(doc["DocNumber"]) <= 21


@pytest.mark.parametrize("mode,count", [
    pytest.param("truncate", 1, id="truncated-body-once"),
    pytest.param("garbage", 1, id="garbage-body-once"),
    pytest.param("truncate", 2, id="truncated-body-twice"),
])
def test_broken_store_response_is_retried_and_everything_posts(
        bench: SyncBench, mode: str, count: int) -> None:
    bad_id = bench.store.add_order(bad_spec())
    good_id = add_good(bench)
    bench.store.corrupt_next_responses(count, mode)

    summary = bench.sync()

    assert summary.status == "ok", summary
    the_good_order_posted(bench, good_id)
    [doc] = bad_documents(bench, good_id)
    assert amount(doc["TotalAmt"]) == amount(bench.store.order_json(bad_id)["grand_total"])
    assert bench.open_errors() == []


def test_flagged_order_corrected_in_the_store_posts_on_the_next_run(bench: SyncBench) -> None:
    """The queue entry closes itself once the store sends a readable order."""
    bad_id = altered(bad_spec(), setting(grand_total=None))(bench)
    add_good(bench)
    assert bench.sync().status == "flagged"
    assert len(bench.open_errors()) == 1

    fixed = bench.store.order_json(bad_id)
    fixed["grand_total"] = fixed["base_grand_total"]
    fixed["updated_at"] = bench.store.clock.now().strftime("%Y-%m-%d %H:%M:%S")
    bench.store.put_raw_order(bad_id, fixed)
    summary = bench.sync()

    assert summary.status == "ok", summary
    assert bench.open_errors() == []
    assert len(bench.docs("SalesReceipt")) == 2

"""The bad-input cases' vocabulary: faulty orders built from a spec or altered after the simulator
built them (``Make``), extra checks on a posted document (``Check``), one case (``Case``), and
the assertions every case shares (the good order posted, a flagged entry that names the order and
says what to do)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

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

"""List requests: customers and items (qbXML 13.0, children in the schema's order).

``CustomerQuery``/``ItemQuery``/``ItemInventoryQuery``/``ItemSalesTaxQuery`` share the list query
shape: ``ListID+`` | ``FullName+`` | filters (``MaxReturned``, ``ActiveStatus``, ``NameFilter``…),
then ``IncludeRetElement*``, ``OwnerID*``. Large lists are read with an iterator
(:func:`iterate`): ``iterator="Start"`` with ``MaxReturned``, then ``iterator="Continue"`` with the
``iteratorID`` QuickBooks returned, until ``iteratorRemainingCount`` is 0.
"""
# ruff: noqa: RUF009  (amount()/price()/text()/many() are dataclasses.field() with qbXML metadata)

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.build import (
    Ref,
    Request,
    amount,
    many,
    price,
    request,
    text,
)

Iterator = Literal["Start", "Continue", "Stop"]
ITEM_QUERIES = ("ItemQueryRq", "ItemInventoryQueryRq", "ItemSalesTaxQueryRq",
                "ItemNonInventoryQueryRq", "ItemServiceQueryRq", "ItemOtherChargeQueryRq")


@dataclass(frozen=True)
class Address:
    """``BillAddress``/``ShipAddress``: five lines, city, state, postal code, country, note."""

    addr1: str | None = text(41)
    addr2: str | None = text(41)
    addr3: str | None = text(41)
    addr4: str | None = text(41)
    addr5: str | None = text(41)
    city: str | None = text(31)
    state: str | None = text(21)
    postal_code: str | None = text(13)
    country: str | None = text(31)
    note: str | None = text(41)


@dataclass(frozen=True)
class CustomerAdd:
    """``CustomerAdd`` (the fields we send, in schema order)."""

    name: str
    is_active: bool | None = None
    company_name: str | None = text(41)
    first_name: str | None = text(25)
    last_name: str | None = text(25)
    bill_address: Address | None = None
    ship_address: Address | None = None
    phone: str | None = text(21)
    email: str | None = text(1023)
    notes: str | None = text(4095)
    external_guid: str | None = None
    currency_ref: Ref | None = None


@dataclass(frozen=True)
class CustomerMod:
    """``CustomerMod``: ``ListID`` + the current ``EditSequence``, then what changes."""

    list_id: str
    edit_sequence: str
    name: str | None = text(41)
    is_active: bool | None = None
    company_name: str | None = text(41)
    first_name: str | None = text(25)
    last_name: str | None = text(25)
    bill_address: Address | None = None
    ship_address: Address | None = None
    phone: str | None = text(21)
    email: str | None = text(1023)
    notes: str | None = text(4095)


@dataclass(frozen=True)
class NameFilter:
    """``NameFilter``: ``StartsWith`` | ``Contains`` | ``EndsWith`` a name."""

    match_criterion: str
    name: str


@dataclass(frozen=True)
class ListQuery:
    """The list query group (``ListQueryWithOwnerID`` and ``…AndClass`` without the class)."""

    list_id: list[str] = many()
    full_name: list[str] = many()
    max_returned: int | None = None
    active_status: str | None = None  # ActiveOnly | InactiveOnly | All
    from_modified_date: str | None = None
    to_modified_date: str | None = None
    name_filter: NameFilter | None = None
    include_ret_element: list[str] = many()
    owner_id: list[str] = many()


@dataclass(frozen=True)
class SalesOrPurchase:
    """An item's one-account form: description, price, income account."""

    desc: str | None = text(4095)
    price: Decimal | None = price()
    account_ref: Ref | None = None


@dataclass(frozen=True)
class ItemNonInventoryAdd:
    """``ItemNonInventoryAdd``: note ``ParentRef`` comes *before* ``ClassRef`` here."""

    name: str
    bar_code: str | None = None
    is_active: bool | None = None
    parent_ref: Ref | None = None
    class_ref: Ref | None = None
    manufacturer_part_number: str | None = text(31)
    sales_tax_code_ref: Ref | None = None
    sales_or_purchase: SalesOrPurchase = field(default_factory=SalesOrPurchase)
    external_guid: str | None = None


@dataclass(frozen=True)
class ItemServiceAdd:
    """``ItemServiceAdd``: ``ClassRef`` before ``ParentRef`` (the reverse of non-inventory)."""

    name: str
    bar_code: str | None = None
    is_active: bool | None = None
    class_ref: Ref | None = None
    parent_ref: Ref | None = None
    sales_tax_code_ref: Ref | None = None
    sales_or_purchase: SalesOrPurchase = field(default_factory=SalesOrPurchase)
    external_guid: str | None = None


@dataclass(frozen=True)
class ItemOtherChargeAdd:
    """``ItemOtherChargeAdd`` (shipping, fees, gift cards on a liability account)."""

    name: str
    bar_code: str | None = None
    is_active: bool | None = None
    class_ref: Ref | None = None
    parent_ref: Ref | None = None
    sales_tax_code_ref: Ref | None = None
    sales_or_purchase: SalesOrPurchase = field(default_factory=SalesOrPurchase)
    external_guid: str | None = None


@dataclass(frozen=True)
class ItemSalesTaxAdd:
    """``ItemSalesTaxAdd``: a sales tax item (its rate, the agency it is owed to)."""

    name: str
    bar_code: str | None = None
    is_active: bool | None = None
    class_ref: Ref | None = None
    item_desc: str | None = text(4095)
    tax_rate: Decimal | None = price()
    tax_vendor_ref: Ref | None = None


@dataclass(frozen=True)
class ItemInventoryAdd:
    """``ItemInventoryAdd`` (used by tests and the demo seed; the sync does not create these)."""

    name: str
    bar_code: str | None = None
    is_active: bool | None = None
    class_ref: Ref | None = None
    parent_ref: Ref | None = None
    manufacturer_part_number: str | None = text(31)
    sales_tax_code_ref: Ref | None = None
    sales_desc: str | None = text(4095)
    sales_price: Decimal | None = price()
    income_account_ref: Ref | None = None
    purchase_cost: Decimal | None = price()
    cogs_account_ref: Ref | None = None
    asset_account_ref: Ref | None = None
    quantity_on_hand: Decimal | None = price()
    total_value: Decimal | None = amount()
    inventory_date: str | None = None


def customer_add(request_id: str, customer: CustomerAdd) -> Request:
    """``CustomerAddRq``."""
    return request("CustomerAddRq", request_id, customer, wrap="CustomerAdd")


def customer_mod(request_id: str, customer: CustomerMod) -> Request:
    """``CustomerModRq`` (fails with 3200 when ``EditSequence`` is out of date)."""
    return request("CustomerModRq", request_id, customer, wrap="CustomerMod")


def item_add(request_id: str, item: ItemNonInventoryAdd | ItemServiceAdd | ItemOtherChargeAdd
             | ItemSalesTaxAdd | ItemInventoryAdd) -> Request:
    """``Item…AddRq`` for the item's type."""
    kind = type(item).__name__
    return request(f"{kind}Rq", request_id, item, wrap=kind)


def list_query(tag: str, request_id: str, query: ListQuery | None = None, *,
               iterator: Iterator | None = None, iterator_id: str | None = None) -> Request:
    """``CustomerQueryRq``, ``ItemQueryRq`` (every item type), ``ItemInventoryQueryRq``, …"""
    attributes: dict[str, str] = {}
    if iterator is not None:
        attributes["iterator"] = iterator
        if iterator != "Start":
            if not iterator_id:
                raise ValueError("iterator Continue/Stop needs the iteratorID QuickBooks gave")
            attributes["iteratorID"] = iterator_id
        elif query is None or query.max_returned is None:
            raise ValueError("iterator Start needs MaxReturned (the chunk size)")
    return request(tag, request_id, query or ListQuery(), attributes=attributes)


def customers_named(request_id: str, names: list[str]) -> Request:
    """``CustomerQueryRq`` by full names (status 500 when some are missing, 1 when none)."""
    return list_query("CustomerQueryRq", request_id, ListQuery(full_name=names))


def items_named(request_id: str, names: list[str]) -> Request:
    """``ItemQueryRq`` by full names, whatever the items' types."""
    return list_query("ItemQueryRq", request_id, ListQuery(full_name=names))


def iterate(tag: str, request_id: str, chunk: int, iterator_id: str | None = None,
            query: ListQuery | None = None) -> Request:
    """The first (``iterator_id`` None) or next chunk of a list query with an iterator."""
    if iterator_id is None:
        base = query or ListQuery()
        start = ListQuery(**{**base.__dict__, "max_returned": chunk})
        return list_query(tag, request_id, start, iterator="Start")
    return list_query(tag, request_id, ListQuery(max_returned=chunk), iterator="Continue",
                      iterator_id=iterator_id)


NAME_LIST_QUERIES = ("CustomerQueryRq", "VendorQueryRq", "EmployeeQueryRq", "OtherNameQueryRq")


def name_queries(request_id: str, names: list[str]) -> list[Request]:
    """One query by full names per list sharing QuickBooks' name namespace (customers, vendors,
    employees, other names): the records they return are the names already taken, to pass to
    ``limits.customer_name`` before a customer is added."""
    return [list_query(tag, f"{request_id}:{tag.removesuffix('QueryRq').lower()}",
                       ListQuery(full_name=names)) for tag in NAME_LIST_QUERIES]

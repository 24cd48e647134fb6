"""Customers and items from the ledger model (``LedgerCustomer``, ``LedgerItem``) as qbXML
requests, within QuickBooks Desktop's lengths and characters (``limits``). The QuickBooks name of
a customer or item is chosen by the caller (``limits.customer_name`` / ``limits.item_name``)."""

from __future__ import annotations

from ecom_ledger_desktop.connectors.ledgers.qbd import limits
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.books import CURRENCY_NAMES, QbdBooks
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.build import Ref, Request
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.lists import (
    Address,
    CustomerAdd,
    CustomerMod,
    ItemNonInventoryAdd,
    ItemOtherChargeAdd,
    ItemServiceAdd,
    SalesOrPurchase,
    customer_add,
    customer_mod,
    item_add,
)
from ecom_ledger_desktop.models.ledger import LedgerAddress, LedgerCustomer, LedgerItem


def address(value: LedgerAddress | None) -> Address | None:
    """A ``BillAddress``/``ShipAddress`` within QuickBooks' lengths and characters."""
    if value is None:
        return None
    lines = [limits.fit_text(line, limits.ADDR_MAX, "an address line")
             for line in value.lines if line.strip()][:limits.ADDR_LINES]
    lines += [""] * (limits.ADDR_LINES - len(lines))
    fitted = Address(addr1=lines[0] or None, addr2=lines[1] or None, addr3=lines[2] or None,
                     addr4=lines[3] or None, addr5=lines[4] or None,
                     city=limits.fit_text(value.city, limits.CITY_MAX) or None,
                     state=limits.fit_text(value.region, limits.STATE_MAX) or None,
                     postal_code=limits.fit_text(value.postcode, limits.POSTAL_CODE_MAX) or None,
                     country=limits.fit_text(value.country, limits.COUNTRY_MAX) or None)
    return fitted if any(v is not None for v in fitted.__dict__.values()) else None


def customer_request(request_id: str, customer: LedgerCustomer, name: str,
                     books: QbdBooks) -> Request:
    """``CustomerAddRq`` for a store customer under the QuickBooks ``name`` chosen for it
    (``limits.customer_name``)."""
    currency = customer.currency.upper()
    currency_ref = None
    if books.multicurrency and currency != books.home_currency.upper():
        currency_ref = Ref.named(CURRENCY_NAMES.get(currency, currency))
    email = limits.fit_text(customer.email, limits.EMAIL_MAX)
    return customer_add(request_id, CustomerAdd(
        name=name,
        company_name=limits.fit_text(customer.company, limits.COMPANY_NAME_MAX) or None,
        first_name=limits.fit_text(customer.given_name, limits.FIRST_NAME_MAX) or None,
        last_name=limits.fit_text(customer.family_name, limits.LAST_NAME_MAX) or None,
        bill_address=address(customer.bill_address),
        ship_address=address(customer.ship_address),
        phone=limits.fit_text(customer.phone, limits.PHONE_MAX) or None,
        email=email if "@" in email and " " not in email else None,
        notes=f"Web store customer. ecom-ledger key: {customer.key}",
        currency_ref=currency_ref))


def customer_mod_request(request_id: str, list_id: str, edit_sequence: str,
                         customer: LedgerCustomer) -> Request:
    """``CustomerModRq`` bringing contact details up to date (the name stays as chosen)."""
    email = limits.fit_text(customer.email, limits.EMAIL_MAX)
    return customer_mod(request_id, CustomerMod(
        list_id=list_id, edit_sequence=edit_sequence,
        company_name=limits.fit_text(customer.company, limits.COMPANY_NAME_MAX) or None,
        first_name=limits.fit_text(customer.given_name, limits.FIRST_NAME_MAX) or None,
        last_name=limits.fit_text(customer.family_name, limits.LAST_NAME_MAX) or None,
        bill_address=address(customer.bill_address),
        ship_address=address(customer.ship_address),
        phone=limits.fit_text(customer.phone, limits.PHONE_MAX) or None,
        email=email if "@" in email and " " not in email else None))


def item_request(request_id: str, item: LedgerItem, name: str, books: QbdBooks, *,
                 service: bool = False) -> Request:
    """``ItemNonInventoryAddRq`` (or ``ItemServiceAddRq``) for a store product under the
    QuickBooks ``name`` chosen for it (``limits.item_name``); a shortened name keeps the full
    SKU in the description. Taxable (``Tax``) by default, as the store's lines say per sale."""
    text = item.description or item.name
    if name != item.sku:
        text = f"{text} (SKU {item.sku})"
    sale = SalesOrPurchase(desc=limits.fit_text(text, limits.DESC_MAX, multiline=True) or None,
                           price=item.unit_price, account_ref=Ref.named(books.income_account))
    if service:
        return item_add(request_id, ItemServiceAdd(
            name=name, sales_tax_code_ref=Ref.named(books.taxable_code), sales_or_purchase=sale))
    return item_add(request_id, ItemNonInventoryAdd(
        name=name, sales_tax_code_ref=Ref.named(books.taxable_code), sales_or_purchase=sale))


LINE_ITEM_WORDS = {"gift_card": "Gift cards sold and redeemed (a liability, not revenue)",
                   "redemption": "Gift cards sold and redeemed (a liability, not revenue)",
                   "shipping": "Shipping charged", "rounding": "The store's rounding",
                   "adjustment": "Extra amounts refunded", "fee": "Fees kept back on refunds",
                   "discount": "Discounts given", "tax": "Tax posted as a line item",
                   "unreturned": "Goods refunded but not returned to stock"}


def line_item_request(request_id: str, kind: str, books: QbdBooks) -> Request:
    """``ItemOtherChargeAddRq`` for the item a non-product line kind posts to (the books' name
    for it): gift cards on the gift card liability account, the rest on the income account."""
    name = books.line_items[kind]
    account = books.gift_card_account if kind in ("gift_card", "redemption") \
        else books.income_account
    return item_add(request_id, ItemOtherChargeAdd(
        name=limits.list_name(name, limits.ITEM_NAME_MAX, f"the item '{name}'",
                              fix="Choose a shorter item name in the posting rules"),
        sales_tax_code_ref=Ref.named(books.non_taxable_code),
        sales_or_purchase=SalesOrPurchase(desc=LINE_ITEM_WORDS.get(kind, name),
                                          account_ref=Ref.named(account))))

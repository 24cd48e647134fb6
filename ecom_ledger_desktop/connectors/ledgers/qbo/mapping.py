"""Ledger-neutral models to QuickBooks Online JSON bodies, within QBO's field rules.

Lengths and forbidden characters come from the QBO API reference (digest A2): names may not hold
``:`` (a sub-customer separator), tab or newline; DisplayName ≤500, GivenName/FamilyName ≤100,
email ≤100, phone ≤30, address lines ≤500 (five at most), DocNumber ≤21, PrivateNote ≤4000.
Sales document bodies are built in ``documents``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ecom_ledger_desktop.models.ledger import LedgerAddress, LedgerCustomer, LedgerItem

ENTITY_OF_KIND = {
    "sales_receipt": "SalesReceipt",
    "invoice": "Invoice",
    "refund_receipt": "RefundReceipt",
    "credit_memo": "CreditMemo",
    "payment": "Payment",
}
LABEL_OF_ENTITY = {
    "SalesReceipt": "sales receipt",
    "Invoice": "invoice",
    "RefundReceipt": "refund receipt",
    "CreditMemo": "credit memo",
    "Payment": "payment",
}
DISPLAY_NAME_MAX = 500
PERSON_NAME_MAX = 100
COMPANY_NAME_MAX = 100
EMAIL_MAX = 100
PHONE_MAX = 30
ADDRESS_LINE_MAX = 500
ADDRESS_LINES = 5
POSTCODE_MAX = 30
CITY_MAX = 255
DOC_NUMBER_MAX = 21
PRIVATE_NOTE_MAX = 4000
DESCRIPTION_MAX = 4000
ITEM_NAME_MAX = 100
SKU_MAX = 100
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NAME_FORBIDDEN = re.compile(r"[:\t\r\n]")
_SPACES = re.compile(r"\s+")


def clean_text(value: str, limit: int) -> str:
    """Text without control characters, trimmed to ``limit`` characters."""
    return _CONTROL.sub("", unicodedata.normalize("NFC", value)).strip()[:limit].strip()


def clean_name(value: str, limit: int) -> str:
    """A QBO name: no ``:``/tab/newline (replaced by ``-``), single spaces, within ``limit``."""
    text = _NAME_FORBIDDEN.sub("-", unicodedata.normalize("NFC", value))
    text = _SPACES.sub(" ", _CONTROL.sub("", text)).strip()
    return text[:limit].strip()


def normalise_email(value: str) -> str:
    """The email as QBO should be searched for: trimmed, lower-case."""
    return value.strip().lower()


def valid_email(value: str) -> bool:
    """QBO wants an ``@`` and a ``.`` and at most 100 characters."""
    return "@" in value and "." in value and len(value) <= EMAIL_MAX and " " not in value


def normalise_postcode(value: str) -> str:
    """A postcode for comparison: no spaces or dashes, upper-case."""
    return re.sub(r"[\s-]", "", value).upper()


def address(value: LedgerAddress | None) -> dict[str, str] | None:
    """A PhysicalAddress (Line1..Line5 ≤500 each, City, region, PostalCode, Country)."""
    if value is None:
        return None
    body: dict[str, str] = {}
    lines = [clean_text(line, ADDRESS_LINE_MAX) for line in value.lines]
    for number, line in enumerate([line for line in lines if line][:ADDRESS_LINES], start=1):
        body[f"Line{number}"] = line
    for key, text, limit in (("City", value.city, CITY_MAX),
                             ("CountrySubDivisionCode", value.region, 255),
                             ("PostalCode", value.postcode, POSTCODE_MAX),
                             ("Country", value.country, 255)):
        cleaned = clean_text(text, limit)
        if cleaned:
            body[key] = cleaned
    return body or None


def customer_display_name(customer: LedgerCustomer) -> str:
    """The DisplayName to create: the given one, else person, company or email."""
    person = f"{customer.given_name} {customer.family_name}".strip()
    for candidate in (customer.display_name, person, customer.company, customer.email):
        name = clean_name(candidate, DISPLAY_NAME_MAX)
        if name:
            return name
    return clean_name(customer.key, DISPLAY_NAME_MAX)


def name_in_currency(name: str, currency: str) -> str:
    """The DisplayName of a customer held in a foreign currency: ``Name (EUR)``, within 500.

    QuickBooks fixes a customer's currency at creation, so a buyer paying in two currencies is two
    customers; the suffix tells them apart (and keeps the names unique).
    """
    suffix = f" ({currency.upper()})"
    if name.endswith(suffix):
        return name
    return clean_name(name, DISPLAY_NAME_MAX - len(suffix)) + suffix


def name_with_email(name: str, email: str) -> str:
    """The fallback DisplayName when the name is taken: ``Name (email)``, within 500."""
    suffix = f" ({clean_name(email, EMAIL_MAX)})" if email else " (2)"
    return clean_name(name, DISPLAY_NAME_MAX - len(suffix)) + suffix


def customer_body(customer: LedgerCustomer, display_name: str, home_currency: str
                  ) -> dict[str, Any]:
    """A Customer create body within QBO's limits."""
    body: dict[str, Any] = {"DisplayName": display_name}
    for key, value, limit in (("GivenName", customer.given_name, PERSON_NAME_MAX),
                              ("FamilyName", customer.family_name, PERSON_NAME_MAX),
                              ("CompanyName", customer.company, COMPANY_NAME_MAX)):
        cleaned = clean_name(value, limit)
        if cleaned:
            body[key] = cleaned
    email = normalise_email(customer.email)
    if valid_email(email):
        body["PrimaryEmailAddr"] = {"Address": email}
    phone = clean_text(customer.phone, PHONE_MAX)
    if phone:
        body["PrimaryPhone"] = {"FreeFormNumber": phone}
    bill = address(customer.bill_address)
    if bill is None and customer.postcode:
        bill = {"PostalCode": clean_text(customer.postcode, POSTCODE_MAX)}
    if bill:
        body["BillAddr"] = bill
    ship = address(customer.ship_address)
    if ship:
        body["ShipAddr"] = ship
    if customer.currency and customer.currency.upper() != home_currency.upper():
        body["CurrencyRef"] = {"value": customer.currency.upper()}
    return body


def item_name_with_sku(name: str, sku: str) -> str:
    """The fallback item Name when the name is taken: ``Name (SKU)``, within 100."""
    suffix = f" ({clean_name(sku, 60)})"
    return clean_name(name, ITEM_NAME_MAX - len(suffix)) + suffix


def item_body(item: LedgerItem, name: str, income_account_id: str) -> dict[str, Any]:
    """A NonInventory item create body."""
    body: dict[str, Any] = {
        "Name": name,
        "Sku": clean_text(item.sku, SKU_MAX),
        "Type": "NonInventory",
        "IncomeAccountRef": {"value": income_account_id},
        "UnitPrice": item.unit_price,
    }
    description = clean_text(item.description or item.name, DESCRIPTION_MAX)
    if description:
        body["Description"] = description
    return body

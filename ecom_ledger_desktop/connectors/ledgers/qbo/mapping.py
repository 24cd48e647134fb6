"""Ledger-neutral models to QuickBooks Online JSON bodies, within QBO's field rules.

Lengths and forbidden characters come from the QBO API reference (digest A2): names may not hold
``:`` (a sub-customer separator), tab or newline; DisplayName ≤500, GivenName/FamilyName ≤100,
email ≤100, phone ≤30, address lines ≤500 (five at most), DocNumber ≤21, PrivateNote ≤4000.

Discounts are posted as one ``DiscountLineDetail`` line with a positive, fixed (not percent)
Amount: that is the discount line the QBO reference documents ("discount Amount is positive and
subtracted from the subtotal"), it needs no "Discount" item, and QBO subtracts it as given, so the
total stays exact. A negative-amount line on a Discount item is not documented by the reference
either way, so it is not relied on.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ecom_ledger_desktop.core.errors import Fix, RecordError, RecordProblem
from ecom_ledger_desktop.core.money import round_money
from ecom_ledger_desktop.models.ledger import (
    DocumentLine,
    LedgerAddress,
    LedgerCustomer,
    LedgerItem,
    SalesDocument,
)

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

ItemIdOf = Callable[[DocumentLine], str]
NameId = Callable[[str, str], str]


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


def document_body(document: SalesDocument, customer_id: str, item_id_of: ItemIdOf,
                  name_id: NameId, *, tax_mode: str, default_deposit_account: str
                  ) -> dict[str, Any]:
    """The QBO JSON of a sales document (no Id/SyncToken)."""
    entity = ENTITY_OF_KIND[document.kind]
    if len(document.doc_number) > DOC_NUMBER_MAX:
        raise RecordError(RecordProblem(
            "invalid_data",
            f"The document number '{document.doc_number}' is longer than the "
            f"{DOC_NUMBER_MAX} characters QuickBooks allows.",
            [Fix("edit_field", "Shorten the document number")]))
    body: dict[str, Any] = {
        "DocNumber": document.doc_number,
        "TxnDate": document.txn_date.isoformat(),
        "CustomerRef": {"value": customer_id},
        "CurrencyRef": {"value": document.currency.upper()},
        "Line": document_lines(document, item_id_of, tax_mode),
    }
    if document.tax_code:  # the ledger computes the tax from this code on the taxable lines
        body["TxnTaxDetail"] = {"TxnTaxCodeRef": {"value": name_id("tax_code",
                                                                   document.tax_code)}}
    note = clean_text(document.private_note, PRIVATE_NOTE_MAX)
    if note:
        body["PrivateNote"] = note
    email = normalise_email(document.email)
    if valid_email(email):
        body["BillEmail"] = {"Address": email}
    for key, value in (("BillAddr", document.bill_address), ("ShipAddr", document.ship_address)):
        physical = address(value)
        if physical:
            body[key] = physical
    if entity in ("SalesReceipt", "RefundReceipt"):
        deposit = document.deposit_account
        if entity == "RefundReceipt" and not deposit:
            deposit = default_deposit_account  # RefundReceipt requires one
        if deposit:
            body["DepositToAccountRef"] = {"value": name_id("account", deposit)}
        if document.payment_method:
            body["PaymentMethodRef"] = {"value": name_id("payment_method",
                                                         document.payment_method)}
    return body


def document_lines(document: SalesDocument, item_id_of: ItemIdOf, tax_mode: str
                   ) -> list[dict[str, Any]]:
    """Sales item lines in order, then one fixed-amount discount line for all discounts."""
    lines: list[dict[str, Any]] = []
    discount = Decimal(0)
    for line in document.lines:
        if line.kind == "discount":
            discount -= line.amount  # a discount line takes from the total: amount <= 0
            continue
        lines.append(sales_item_line(line, item_id_of(line), tax_mode, document.currency))
    if discount < 0:
        raise RecordError(RecordProblem(
            "invalid_data",
            f"The discounts on {document.doc_number} add up to more than nothing "
            f"({-discount}); a discount must lower the total.",
            [Fix("edit_field", "Correct the discount")]))
    if discount:
        lines.append({"DetailType": "DiscountLineDetail", "Amount": discount,
                      "DiscountLineDetail": {"PercentBased": False}})
    return lines


def sales_item_line(line: DocumentLine, item_id: str, tax_mode: str, currency: str
                    ) -> dict[str, Any]:
    """One SalesItemLineDetail line; Qty/UnitPrice only when they multiply to the Amount."""
    detail: dict[str, Any] = {"ItemRef": {"value": item_id}}
    if line.qty is not None and line.unit_price is not None:
        # QBO checks Amount == Qty * UnitPrice; when the store's figures don't multiply out
        # exactly (per-line rounding), the amount wins and the pair is left out.
        if round_money(line.qty * line.unit_price, currency) == round_money(line.amount, currency):
            detail["Qty"] = line.qty
            detail["UnitPrice"] = line.unit_price
    elif line.qty is not None and line.amount == 0:
        detail["Qty"] = line.qty
    taxable = tax_mode != "line_item" and line.taxable
    detail["TaxCodeRef"] = {"value": "TAX" if taxable else "NON"}
    body: dict[str, Any] = {"DetailType": "SalesItemLineDetail", "Amount": line.amount,
                            "SalesItemLineDetail": detail}
    description = clean_text(line.description, DESCRIPTION_MAX)
    if description:
        body["Description"] = description
    return body

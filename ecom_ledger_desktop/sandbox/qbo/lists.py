"""Name-list entities: Customer, Item, Account, PaymentMethod, Term.

Each ``build_*`` function validates a writable input (the create body, or the merged body
of an update) and returns the entity as the API returns it, plus the uniqueness key. Nothing
is stored here; :mod:`.operations` stores and stamps.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from . import faults
from .company import Company, Record, num
from .validation import (
    check_address,
    check_currency,
    check_email,
    check_length,
    check_name_chars,
    decimal_field,
    name_key,
    parse_date,
    resolve_ref,
)

CUSTOMER_LIMITS = {"DisplayName": 500, "Title": 16, "GivenName": 100, "MiddleName": 100,
                   "FamilyName": 100, "Suffix": 16, "CompanyName": 100, "PrintOnCheckName": 110,
                   "Notes": 2000, "ResaleNum": 16}
CUSTOMER_NAME_FIELDS = ("DisplayName", "Title", "GivenName", "MiddleName", "FamilyName", "Suffix",
                        "PrintOnCheckName")
PHONES = ("PrimaryPhone", "Mobile", "Fax", "AlternatePhone")
ITEM_TYPES = ("Inventory", "NonInventory", "Service", "Group", "Category")
#: Output keys QBO computes or fills in; everything else comes from the input.
READ_ONLY = {"Id", "SyncToken", "MetaData", "domain", "sparse", "status", "FullyQualifiedName",
             "Balance", "BalanceWithJobs"}

Built = tuple[dict[str, Any], str | None]


def _writable(inp: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in inp.items() if k not in READ_ONLY}


def _unique(company: Company, entity: str, key: str, record: Record | None, what: str) -> None:
    for other in company.all(entity):
        if other.deleted or (record is not None and other.id == record.id):
            continue
        if other.name_key == key:
            raise faults.duplicate_name(what)


def build_customer(company: Company, inp: dict[str, Any], record: Record | None) -> Built:
    """Customer: names, lengths, email, addresses, currency, DisplayName uniqueness (6240)."""
    for element in CUSTOMER_NAME_FIELDS:
        check_name_chars(element, inp.get(element))
    display = inp.get("DisplayName")
    if display is None or (isinstance(display, str) and not display.strip()):
        parts = [inp.get(k) for k in ("Title", "GivenName", "MiddleName", "FamilyName", "Suffix")]
        words = [str(p).strip() for p in parts if isinstance(p, str) and p.strip()]
        if not words:
            raise faults.required("DisplayName")
        display = " ".join(words)
    for element, maximum in CUSTOMER_LIMITS.items():
        value = display if element == "DisplayName" else inp.get(element)
        check_length(element, value, maximum)
    display = str(display).strip()
    check_email("PrimaryEmailAddr", inp.get("PrimaryEmailAddr"))
    for phone in PHONES:
        holder = inp.get(phone)
        if isinstance(holder, dict):
            check_length(f"{phone}.FreeFormNumber", holder.get("FreeFormNumber"), 30)
    if isinstance(inp.get("WebAddr"), dict):
        check_length("WebAddr.URI", inp["WebAddr"].get("URI"), 1000)
    for element in ("BillAddr", "ShipAddr"):
        check_address(element, inp.get(element))
    currency = company.home_currency
    if inp.get("CurrencyRef") is not None:
        currency = str((inp["CurrencyRef"] or {}).get("value") or company.home_currency)
        check_currency(company, currency)
    if record is not None:
        old = record.data.get("CurrencyRef", {}).get("value", company.home_currency)
        if currency != old:
            raise faults.business("You can't change the currency of a customer.",
                                  element="CurrencyRef")
    for ref_key, entity in (("SalesTermRef", "Term"), ("PaymentMethodRef", "PaymentMethod")):
        resolve_ref(company, inp, ref_key, entity)
    key = name_key(display)
    _unique(company, "Customer", key, record, "customer")
    active = inp.get("Active", True) is not False
    shown = display if active else f"{display} (deleted)"
    data: dict[str, Any] = {
        "Taxable": bool(inp.get("Taxable", False)), "Job": bool(inp.get("Job", False)),
        "BillWithParent": bool(inp.get("BillWithParent", False)),
        "Balance": record.data.get("Balance", 0) if record else 0,
        "BalanceWithJobs": record.data.get("BalanceWithJobs", 0) if record else 0,
        "CurrencyRef": company.currency_ref(currency),
        "PreferredDeliveryMethod": inp.get("PreferredDeliveryMethod", "Print"),
    }
    extra = _writable(inp)
    for element in ("BillAddr", "ShipAddr"):
        if isinstance(extra.get(element), dict):
            addr = dict(extra[element])
            addr.setdefault("Id", company.next_address_id())
            extra[element] = addr
    extra.pop("CurrencyRef", None)
    data.update(extra)
    data.update({"FullyQualifiedName": shown, "DisplayName": shown,
                 "PrintOnCheckName": inp.get("PrintOnCheckName") or display, "Active": active})
    return data, key


def build_item(company: Company, inp: dict[str, Any], record: Record | None) -> Built:
    """Item: Type required, Name unique <=100, inventory fields and account references."""
    item_type = inp.get("Type")
    if item_type is None:
        raise faults.required("Type")
    if item_type not in ITEM_TYPES:
        raise faults.invalid_property(f"Type={item_type}")
    if item_type == "Group" and record is None:
        raise faults.business("Group items cannot be created through the API.", element="Type")
    name = inp.get("Name")
    if not isinstance(name, str) or not name.strip():
        raise faults.required("Name")
    check_name_chars("Name", name)
    check_length("Name", name, 100)
    check_length("Sku", inp.get("Sku"), 100)
    check_length("Description", inp.get("Description"), 4000)
    check_length("PurchaseDesc", inp.get("PurchaseDesc"), 1000)
    refs = {"IncomeAccountRef": resolve_ref(company, inp, "IncomeAccountRef", "Account"),
            "ExpenseAccountRef": resolve_ref(company, inp, "ExpenseAccountRef", "Account"),
            "AssetAccountRef": resolve_ref(company, inp, "AssetAccountRef", "Account")}
    data: dict[str, Any] = {}
    if item_type == "Inventory":
        if not company.pref("ProductAndServicesPrefs", "QuantityOnHand", False):
            raise faults.business("Inventory tracking is not turned on for this company.")
        if record is not None and record.data.get("Type") != "Inventory":
            raise faults.business("You can't change an item's type to Inventory.", "Type")
        for required in ("QtyOnHand", "InvStartDate", "AssetAccountRef", "IncomeAccountRef",
                         "ExpenseAccountRef"):
            if inp.get(required) is None:
                raise faults.required(required)
        parse_date("InvStartDate", inp["InvStartDate"])
        if inp.get("TrackQtyOnHand") is False:
            raise faults.business("TrackQtyOnHand must be true for inventory items.",
                                  "TrackQtyOnHand")
        qty: Decimal = decimal_field("QtyOnHand", inp["QtyOnHand"])
        data["TrackQtyOnHand"] = True
        data["QtyOnHand"] = num(qty)
    else:
        if item_type == "Service" and refs["IncomeAccountRef"] is None:
            raise faults.required("IncomeAccountRef")
        data["TrackQtyOnHand"] = False
    for field in ("UnitPrice", "PurchaseCost"):
        if inp.get(field) is not None:
            value = decimal_field(field, inp[field])
            if abs(value) > Decimal("99999999999"):
                raise faults.business(f"{field} is too large.", element=field)
    key = name_key(name)
    _unique(company, "Item", key, record, "product or service")
    out: dict[str, Any] = {k: v for k, v in _writable(inp).items()
                           if k not in ("TrackQtyOnHand", "QtyOnHand")}
    for ref_key, rec in refs.items():
        if rec is not None:
            out[ref_key] = company.ref("Account", rec.id)
    out.update(data)
    out.setdefault("Active", True)
    out.setdefault("Taxable", False)
    out.setdefault("UnitPrice", 0)
    out.setdefault("PurchaseCost", 0)
    out["Name"] = name.strip()
    out["FullyQualifiedName"] = name.strip()
    return out, key


def build_account(company: Company, inp: dict[str, Any], record: Record | None) -> Built:
    """Account: Name unique <=100, no quote or colon, AccountType or AccountSubType."""
    name = inp.get("Name")
    if not isinstance(name, str) or not name.strip():
        raise faults.required("Name")
    check_length("Name", name, 100)
    if '"' in name or ":" in name:
        raise faults.business("Account names can't contain a double quote or colon.", "Name")
    if not inp.get("AccountType") and not inp.get("AccountSubType"):
        raise faults.required("AccountType")
    key = name_key(name)
    _unique(company, "Account", key, record, "account")
    out = _writable(inp)
    out.update({"Name": name.strip(), "FullyQualifiedName": name.strip(),
                "Active": inp.get("Active", True) is not False,
                "CurrentBalance": record.data.get("CurrentBalance", 0) if record else 0,
                "CurrencyRef": company.currency_ref(company.home_currency)})
    out.setdefault("SubAccount", False)
    out.setdefault("Classification", _classification(str(inp.get("AccountType", ""))))
    return out, key


def _classification(account_type: str) -> str:
    if account_type in ("Income", "Other Income"):
        return "Revenue"
    if account_type in ("Expense", "Other Expense", "Cost of Goods Sold"):
        return "Expense"
    if "Liability" in account_type or account_type in ("Credit Card", "Accounts Payable"):
        return "Liability"
    if account_type == "Equity":
        return "Equity"
    return "Asset"


def build_payment_method(company: Company, inp: dict[str, Any], record: Record | None) -> Built:
    """PaymentMethod: Name <=31, unique case-insensitive, Type CREDIT_CARD|NON_CREDIT_CARD."""
    name = inp.get("Name")
    if not isinstance(name, str) or not name.strip():
        raise faults.required("Name")
    check_length("Name", name, 31)
    key = name_key(name)
    _unique(company, "PaymentMethod", key, record, "payment method")
    out = _writable(inp)
    out.update({"Name": name.strip(), "Active": inp.get("Active", True) is not False,
                "Type": inp.get("Type", "NON_CREDIT_CARD")})
    return out, key


def build_term(company: Company, inp: dict[str, Any], record: Record | None) -> Built:
    """Term: Name <=31, unique; STANDARD (DueDays) or DATE_DRIVEN."""
    name = inp.get("Name")
    if not isinstance(name, str) or not name.strip():
        raise faults.required("Name")
    check_length("Name", name, 31)
    key = name_key(name)
    _unique(company, "Term", key, record, "term")
    out = _writable(inp)
    out.update({"Name": name.strip(), "Active": inp.get("Active", True) is not False,
                "Type": "DATE_DRIVEN" if inp.get("DayOfMonthDue") is not None else "STANDARD"})
    return out, key

"""List requests: customers (add, modify, query), items of every type, accounts and the rest.

Customer, vendor, employee and other names share one list (3100 on a clash, without regard to
case); item names share another. A Mod needs the current ``EditSequence`` (3200 otherwise);
references that point nowhere fail with 3140. Queries by ``ListID`` that find nothing fail with
3120; by ``FullName`` they warn with 500 naming what is missing (1 when a filter matches nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from .changes import list_modified_filter
from .outcome import NO_MATCH, Outcome, error, invalid_reference, not_found, number
from .state import ITEM_KINDS, NAME_LISTS, Company, Record, ref

Handler = Callable[[Company, dict[str, Any]], Outcome]
ACCOUNT_KIND = ("Account",)
_CUSTOMER_FIELDS = ("CompanyName", "FirstName", "LastName", "BillAddress", "ShipAddress",
                    "Phone", "Email", "Notes")


def _name_clash(name: str) -> Outcome:
    return error(3100, f'The name "{name}" of the list element is already in use.')


def customer_add(company: Company, body: dict[str, Any]) -> Outcome:
    """``CustomerAdd``: a new customer (top level only)."""
    data = body["CustomerAdd"]
    name = str(data["Name"]).strip()
    if ":" in name or not name:
        return error(3210, f'The "Name" field has an invalid value "{name}".')
    if company.name_in_use(name, NAME_LISTS):
        return _name_clash(name)
    fields: dict[str, Any] = {"Name": name, "FullName": name, "IsActive": "true", "Sublevel": "0"}
    fields.update({k: data[k] for k in _CUSTOMER_FIELDS if k in data})
    fields.update({"Balance": Decimal("0.00"), "TotalBalance": Decimal("0.00"),
                   "JobStatus": "None"})
    if "CurrencyRef" in data:
        fields["CurrencyRef"] = data["CurrencyRef"]
    return Outcome(rets=[("CustomerRet", company.add("Customer", fields))])


def customer_mod(company: Company, body: dict[str, Any]) -> Outcome:
    """``CustomerMod``: needs the current ``EditSequence``."""
    data = body["CustomerMod"]
    record = company.get("Customer", str(data["ListID"]))
    if record is None:
        return not_found(str(data["ListID"]))
    if data["EditSequence"] != record.data["EditSequence"]:
        return error(3200, f'The provided edit sequence "{data["EditSequence"]}" is out-of-date.')
    name = data.get("Name")
    if name is not None:
        if ":" in name:
            return error(3210, f'The "Name" field has an invalid value "{name}".')
        if company.name_in_use(name, NAME_LISTS, other_than=record.id):
            return _name_clash(name)
        record.data["Name"] = record.data["FullName"] = name
    if "IsActive" in data:
        record.data["IsActive"] = data["IsActive"]
    record.data.update({k: data[k] for k in _CUSTOMER_FIELDS if k in data})
    company.touch(record)
    return Outcome(rets=[("CustomerRet", record)])


def _account(company: Company, data: dict[str, Any], key: str, where: str
             ) -> tuple[dict[str, Any] | None, Outcome | None]:
    if key not in data:
        return None, None
    found = company.resolve(ACCOUNT_KIND, data[key])
    if found is None:
        return None, invalid_reference("Account", str(data[key].get("FullName", "")), where)
    return ref(found), None


def item_add(kind: str) -> Handler:
    """``<kind>Add`` for an item type; names are unique across every item type."""
    def handle(company: Company, body: dict[str, Any]) -> Outcome:
        data = body[f"{kind}Add"]
        name = str(data["Name"]).strip()
        if ":" in name or not name:
            return error(3210, f'The "Name" field has an invalid value "{name}".')
        if company.named(ITEM_KINDS, name) is not None:
            return _name_clash(name)
        fields: dict[str, Any] = {"Name": name, "FullName": name, "IsActive": "true",
                                  "Sublevel": "0"}
        if kind != "ItemSalesTax":
            code = data.get("SalesTaxCodeRef") or {"FullName": "Tax"}
            if company.resolve("SalesTaxCode", code) is None:
                return invalid_reference("Sales Tax Code", str(code.get("FullName")), "Item")
            fields["SalesTaxCodeRef"] = code
        if kind == "ItemSalesTax":
            fields.pop("FullName")
            fields.pop("Sublevel")
            fields.update({"ItemDesc": data.get("ItemDesc"),
                           "TaxRate": number(data.get("TaxRate"), Decimal(0))})
            if "TaxVendorRef" in data:
                vendor = company.resolve("Vendor", data["TaxVendorRef"])
                if vendor is None:
                    return invalid_reference("Vendor", str(data["TaxVendorRef"].get(
                        "FullName", "")), "Item")
                fields["TaxVendorRef"] = ref(vendor)
        elif kind == "ItemInventory":
            for key in ("IncomeAccountRef", "COGSAccountRef", "AssetAccountRef"):
                account, failure = _account(company, data, key, "Item")
                if failure:
                    return failure
                fields[key] = account
            fields.update({"SalesDesc": data.get("SalesDesc"),
                           "SalesPrice": number(data.get("SalesPrice"), Decimal(0)),
                           "PurchaseCost": number(data.get("PurchaseCost"), Decimal(0)),
                           "QuantityOnHand": number(data.get("QuantityOnHand"), Decimal(0)),
                           "AverageCost": number(data.get("PurchaseCost"), Decimal(0))})
        else:
            sale = dict(data.get("SalesOrPurchase") or {})
            account, failure = _account(company, sale, "AccountRef", "Item")
            if failure:
                return failure
            if account is None:
                found = company.named(ACCOUNT_KIND, "Sales")
                account = ref(found) if found else None
            sale["AccountRef"] = account
            fields["SalesOrPurchase"] = sale
        return Outcome(rets=[(f"{kind}Ret", company.add(kind, fields))])
    return handle


def list_query(kinds: tuple[str, ...]) -> Handler:
    """A list query over ``kinds``: by ``ListID``, by ``FullName``, or with filters."""
    def handle(company: Company, body: dict[str, Any]) -> Outcome:
        if "ListID" in body:
            found = [r for i in body["ListID"] if (r := company.get(kinds, str(i))) is not None]
            if not found:
                return not_found(str(body["ListID"][0]))
            return _found(found)
        if "FullName" in body:
            names = [str(n) for n in body["FullName"]]
            found = [r for n in names if (r := company.named(kinds, n)) is not None]
            missing = [n for n in names if company.named(kinds, n) is None]
            outcome = _found(found)
            if missing:
                outcome.code, outcome.severity = 500, "Warn"
                outcome.message = ("The query request has not been fully completed. There was "
                                   f'a required element ("{missing[0]}") that could not be found '
                                   "in QuickBooks.")
            return outcome
        status = body.get("ActiveStatus", "ActiveOnly")
        records = [r for r in company.all(*kinds)
                   if status == "All" or (r.data.get("IsActive", "true") == "true") ==
                   (status == "ActiveOnly")]
        records = list_modified_filter(company, records, body)
        name_filter = body.get("NameFilter")
        if name_filter:
            wanted = str(name_filter["Name"]).casefold()
            test = {"StartsWith": str.startswith, "Contains": str.__contains__,
                    "EndsWith": str.endswith}[str(name_filter["MatchCriterion"])]
            records = [r for r in records if test(r.name.casefold(), wanted)]
        return _found(records)
    return handle


def _found(records: list[Record]) -> Outcome:
    rets = [(f"{r.kind}Ret", r) for r in records]
    if not rets:
        return Outcome(1, "Info", NO_MATCH, query=True)
    return Outcome(rets=rets, query=True)


def preferences(company: Company, body: dict[str, Any]) -> Outcome:
    """``PreferencesQuery``: multicurrency, sales tax and the app's access rights."""
    data: dict[str, Any] = {"MultiCurrencyPreferences": {
        "IsMultiCurrencyOn": "true" if company.multicurrency else "false",
        "HomeCurrencyRef": {"FullName": company.home_currency} if company.multicurrency
        else None}}
    tax_item = company.named("ItemSalesTax", company.default_tax_item) \
        if company.default_tax_item else None
    if tax_item is not None:
        data["SalesTaxPreferences"] = {
            "DefaultItemSalesTaxRef": ref(tax_item), "PaySalesTax": "Monthly",
            "DefaultTaxableSalesTaxCodeRef": {"FullName": "Tax"},
            "DefaultNonTaxableSalesTaxCodeRef": {"FullName": "Non"}}
    if company.closing_date is not None:
        data["AccountingPreferences"] = {"IsUsingAccountNumbers": "false",
                                         "IsRequiringAccounts": "true",
                                         "IsUsingClassTracking": "false",
                                         "IsUsingAuditTrail": "true",
                                         "IsAssigningJournalEntryNumbers": "true",
                                         "ClosingDate": company.closing_date.isoformat()}
    data["CurrentAppAccessRights"] = {"IsAutomaticLoginAllowed": "true",
                                      "IsPersonalDataAccessAllowed": "true"}
    now = company.now()
    return Outcome(rets=[("PreferencesRet", Record("Preferences", "", data, now, now))])


HANDLERS: dict[str, Handler] = {
    "PreferencesQueryRq": preferences,
    "CustomerAddRq": customer_add,
    "CustomerModRq": customer_mod,
    "CustomerQueryRq": list_query(("Customer",)),
    "VendorQueryRq": list_query(("Vendor",)),
    "EmployeeQueryRq": list_query(("Employee",)),
    "OtherNameQueryRq": list_query(("OtherName",)),
    "AccountQueryRq": list_query(ACCOUNT_KIND),
    "PaymentMethodQueryRq": list_query(("PaymentMethod",)),
    "SalesTaxCodeQueryRq": list_query(("SalesTaxCode",)),
    "ItemQueryRq": list_query(ITEM_KINDS),
    **{f"{kind}QueryRq": list_query((kind,)) for kind in
       ("ItemInventory", "ItemNonInventory", "ItemService", "ItemOtherCharge", "ItemSalesTax",
        "ItemDiscount")},
    **{f"{kind}AddRq": item_add(kind) for kind in
       ("ItemInventory", "ItemNonInventory", "ItemService", "ItemOtherCharge", "ItemSalesTax")},
}

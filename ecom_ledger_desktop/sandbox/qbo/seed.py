"""A fresh sandbox company: CompanyInfo, Preferences, accounts, payment methods, tax agencies,
rates and codes (from the company profile), terms, a few customers (incl. a same-email pair and
an inactive one) and service items, including the ones correct books need: "Gift Card" and
"Store Credit" on liability accounts, "Rounding" on an Other Income account, "Refund Fees", and
"Returns not restocked" on the product income account (refunds of goods that did not come back).

Seeded objects are dated 60 days before the clock's start so they sit outside CDC's 30-day
look-back until something changes them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from .company import Company, meta_time, num
from .operations import create
from .profiles import US_PSEUDO_CODES, CompanyProfile

TAX_ACCOUNT = "Sales Tax Payable"

ACCOUNTS: list[tuple[str, str, str]] = [
    ("Checking", "Bank", "Checking"),
    ("Undeposited Funds", "Other Current Asset", "UndepositedFunds"),
    ("Accounts Receivable (A/R)", "Accounts Receivable", "AccountsReceivable"),
    ("Inventory Asset", "Other Current Asset", "Inventory"),
    ("Sales of Product Income", "Income", "SalesOfProductIncome"),
    ("Services", "Income", "ServiceFeeIncome"),
    ("Shipping Income", "Income", "OtherPrimaryIncome"),
    ("Discounts given", "Income", "DiscountsRefundsGiven"),
    ("Cost of Goods Sold", "Cost of Goods Sold", "SuppliesMaterialsCogs"),
    ("Sales Tax Payable", "Other Current Liability", "SalesTaxPayable"),
    ("Refunds and Chargebacks", "Income", "DiscountsRefundsGiven"),
    ("Gift Card Liability", "Other Current Liability", "OtherCurrentLiabilities"),
    ("Merchant Fees", "Expense", "BankCharges"),
    ("Old Clearing Account", "Other Current Asset", "OtherCurrentAssets"),
    ("Store Credit Liability", "Other Current Liability", "OtherCurrentLiabilities"),
    ("Rounding", "Other Income", "OtherMiscellaneousIncome"),
    ("Refund Fees", "Income", "ServiceFeeIncome"),
    ("Exchange Gain or Loss", "Other Expense", "ExchangeGainOrLoss"),
]
PAYMENT_METHODS = [("Cash", "NON_CREDIT_CARD"), ("Check", "NON_CREDIT_CARD"),
                   ("Visa", "CREDIT_CARD"), ("MasterCard", "CREDIT_CARD"),
                   ("American Express", "CREDIT_CARD"), ("PayPal", "NON_CREDIT_CARD"),
                   ("Bank Transfer", "NON_CREDIT_CARD")]
CUSTOMERS: list[dict[str, Any]] = [
    {"DisplayName": "Amy's Bird Sanctuary", "GivenName": "Amy", "FamilyName": "Lauterbach",
     "CompanyName": "Amy's Bird Sanctuary", "PrimaryEmailAddr": {"Address": "birds@example.com"},
     "BillAddr": {"Line1": "4581 Finch St.", "City": "Bayshore", "CountrySubDivisionCode": "CA",
                  "PostalCode": "94326"}},
    {"DisplayName": "Jordan Rivera", "GivenName": "Jordan", "FamilyName": "Rivera",
     "PrimaryEmailAddr": {"Address": "jordan.rivera@example.com"}},
    {"DisplayName": "J. Rivera", "GivenName": "J.", "FamilyName": "Rivera",
     "PrimaryEmailAddr": {"Address": "jordan.rivera@example.com"}},
    {"DisplayName": "Old Shop Customer", "PrimaryEmailAddr": {"Address": "old@example.com"},
     "Active": False},
    {"DisplayName": "Euro Client GmbH", "CompanyName": "Euro Client GmbH",
     "CurrencyRef": {"value": "EUR"}, "PrimaryEmailAddr": {"Address": "ap@euroclient.example"}},
]
SERVICE_ITEMS: list[tuple[str, str, str]] = [
    ("Shipping", "Service", "Shipping Income"), ("Discount", "Service", "Discounts given"),
    ("Sales Tax", "Service", TAX_ACCOUNT), ("Gift Card", "Service", "Gift Card Liability"),
    ("Fees", "Service", "Services"), ("Store Credit", "Service", "Store Credit Liability"),
    ("Rounding", "Service", "Rounding"), ("Refund Fees", "Service", "Refund Fees"),
    ("Returns not restocked", "Service", "Sales of Product Income"),
]


def _tax_prefs(prof: CompanyProfile) -> dict[str, Any]:
    prefs: dict[str, Any] = {"UsingSalesTax": prof.using_sales_tax,
                             "PartnerTaxEnabled": prof.automated_sales_tax}
    if prof.default_code:
        prefs["TaxGroupCodeRef"] = {"value": prof.default_code}
    return prefs


def _settings(company: Company, when: datetime, multicurrency: bool) -> None:
    prof = company.profile
    stamp = {"CreateTime": meta_time(when), "LastUpdatedTime": meta_time(when)}
    company.insert("CompanyInfo", {
        "CompanyName": prof.company_name, "LegalName": f"{prof.company_name} Ltd"
        if not prof.is_us else f"{prof.company_name} LLC",
        "CompanyAddr": {"Id": "1", **prof.address},
        "CustomerCommunicationAddr": {"Id": "1", **prof.address},
        "LegalAddr": {"Id": "1", **prof.address},
        "PrimaryPhone": {}, "CompanyStartDate": (when.date() - timedelta(days=365)).isoformat(),
        "FiscalYearStartMonth": "January", "Country": prof.country,
        "Email": {"Address": "owner@example.com"}, "WebAddr": {},
        "SupportedLanguages": "en", "DefaultTimeZone": prof.time_zone,
        "NameValue": [{"Name": "NeoEnabled", "Value": "true"},
                      {"Name": "IndustryType", "Value": "Retail"}],
    }, {}, entity_id="1", when=when)
    company.insert("Preferences", {
        "AccountingInfoPrefs": {"TrackDepartments": False, "DepartmentTerminology": "Location",
                                "ClassTrackingPerTxn": False, "ClassTrackingPerTxnLine": False,
                                "CustomerTerminology": "Customers"},
        "ProductAndServicesPrefs": {"ForSales": True, "ForPurchase": True,
                                    "QuantityWithPriceAndRate": True, "QuantityOnHand": True},
        "SalesFormsPrefs": {"CustomTxnNumbers": True, "AllowDeposit": False,
                            "AllowDiscount": True, "AllowEstimates": True,
                            "IPNSupportEnabled": False, "AllowServiceDate": False,
                            "AllowShipping": False, "DefaultTerms": {"value": "2"},
                            "ETransactionEnabledStatus": "NotApplicable"},
        "TaxPrefs": _tax_prefs(prof),
        "CurrencyPrefs": {"MultiCurrencyEnabled": multicurrency,
                          "HomeCurrency": {"value": company.home_currency}},
        "OtherPrefs": {"NameValue": [{"Name": "SalesFormsPrefs.DefaultCustomerMessage",
                                      "Value": "Thank you for your business."}]},
    }, {}, entity_id="1", when=when)
    company.records["CompanyInfo"]["1"].data["MetaData"] = dict(stamp)


def _tax(company: Company, when: datetime) -> None:
    """Agencies, rates and codes of the profile (and the US pseudo-codes TAX/NON)."""
    prof = company.profile
    if prof.is_us:
        for pseudo, taxable in zip(US_PSEUDO_CODES, (True, False), strict=True):
            company.insert("TaxCode", {"Name": pseudo, "Description": pseudo,
                                       "Taxable": taxable, "TaxGroup": False}, {},
                           entity_id=pseudo, when=when)
    agencies = {}
    for name in prof.agencies:
        agency = company.insert("TaxAgency", {
            "DisplayName": name, "TaxTrackedOnPurchases": not prof.is_us,
            "TaxTrackedOnSales": True, "TaxAgencyConfig": "SYSTEM_GENERATED"}, {}, when=when)
        agency.name_key = name.casefold()
        agencies[name] = agency.id
    rate_ids = {}
    for spec in prof.rates:
        rate = company.insert("TaxRate", {
            "Name": spec.name, "Description": spec.name, "Active": True,
            "RateValue": num(spec.percent),
            "AgencyRef": {"value": agencies[spec.agency], "name": spec.agency},
            "SpecialTaxType": "NONE", "DisplayType": "ReadOnly"}, {}, when=when)
        rate.name_key = spec.name.casefold()
        rate_ids[spec.name] = rate.id
    for code in prof.codes:
        details = [{"TaxRateRef": {"value": rate_ids[name], "name": name},
                    "TaxTypeApplicable": "TaxOnAmount", "TaxOrder": 0} for name in code.rates]
        record = company.insert("TaxCode", {
            "Name": code.name, "Description": code.name, "Active": True,
            "Taxable": code.taxable, "TaxGroup": True,
            "SalesTaxRateList": {"TaxRateDetail": details}, "PurchaseTaxRateList": {}},
            {}, entity_id=code.id, when=when)
        record.name_key = code.name.casefold()


def seed_company(company: Company, when: datetime, *, multicurrency: bool = True) -> None:
    """Fill an empty company."""
    _settings(company, when, multicurrency)
    _tax(company, when)
    tax_account = company.profile.tax_account
    with _backdated(company, when):
        for seeded, account_type, subtype in ACCOUNTS:
            name = tax_account if seeded == TAX_ACCOUNT else seeded
            create(company, "Account", {"Name": name, "AccountType": account_type,
                                        "AccountSubType": subtype,
                                        "Active": name != "Old Clearing Account"}, set())
        for name, kind in PAYMENT_METHODS:
            create(company, "PaymentMethod", {"Name": name, "Type": kind}, set())
        create(company, "Term", {"Name": "Due on receipt", "DueDays": 0}, set())
        create(company, "Term", {"Name": "Net 30", "DueDays": 30}, set())
        for body in CUSTOMERS:
            currency = body.get("CurrencyRef", {}).get("value", company.home_currency)
            if multicurrency or currency == company.home_currency:
                create(company, "Customer", dict(body), set())
        for name, kind, account in SERVICE_ITEMS:
            income = company.find_by_name("Account",
                                          tax_account if account == TAX_ACCOUNT else account)
            assert income is not None
            create(company, "Item", {"Name": name, "Type": kind, "UnitPrice": 0,
                                     "IncomeAccountRef": {"value": income.id}}, set())
        income = company.find_by_name("Account", "Services")
        assert income is not None
        create(company, "Item", {"Name": "Retired Service", "Type": "Service", "Active": False,
                                 "IncomeAccountRef": {"value": income.id}}, set())


def seed_inventory(company: Company, items: list[dict[str, Any]], when: datetime) -> list[str]:
    """Inventory items from ``{sku, name, price, qty}`` (a store catalogue); returns ids."""
    income = company.find_by_name("Account", "Sales of Product Income")
    cogs = company.find_by_name("Account", "Cost of Goods Sold")
    asset = company.find_by_name("Account", "Inventory Asset")
    assert income and cogs and asset
    ids = []
    with _backdated(company, when):
        for entry in items:
            # a store's product names may hold characters QBO refuses; seeding is lenient
            name = " ".join(str(entry.get("name") or entry["sku"]).replace(":", "-").split())
            name = name[:100]
            existing = company.find_by_name("Item", name)
            if existing is not None:
                ids.append(existing.id)
                continue
            body: dict[str, Any] = {
                "Name": name, "Type": "Inventory",
                "TrackQtyOnHand": True, "QtyOnHand": num(Decimal(str(entry.get("qty", 0)))),
                "InvStartDate": when.date().isoformat(),
                "UnitPrice": num(Decimal(str(entry.get("price", 0)))),
                "IncomeAccountRef": {"value": income.id},
                "ExpenseAccountRef": {"value": cogs.id}, "AssetAccountRef": {"value": asset.id},
            }
            if entry.get("sku"):
                body["Sku"] = str(entry["sku"])[:100]
            ids.append(create(company, "Item", body, set())["Id"])
    return ids


class _backdated:  # noqa: N801 - used as a context manager, reads like a function
    """Make ``company.now()`` return ``when`` while seeding."""

    def __init__(self, company: Company, when: datetime) -> None:
        self.company = company
        self.when = when

    def __enter__(self) -> None:
        self.saved = self.company.now
        self.company.now = lambda: self.when  # type: ignore[method-assign]

    def __exit__(self, *exc: object) -> None:
        self.company.now = self.saved  # type: ignore[method-assign]

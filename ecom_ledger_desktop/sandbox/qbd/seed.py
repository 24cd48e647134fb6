"""A seeded company: accounts, tax codes, payment methods, sales tax items and their agency,
the items the sync posts non-product lines to, a store's catalogue as inventory items, and
customers, including two people named Jordan Rivera as in the QuickBooks Online demo (in
QuickBooks Desktop names are unique, so the second one is "Jordan Rivera 2"), a vendor and an
employee whose names a customer may clash with."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .state import Company, ref

ACCOUNTS = (("Checking", "Bank"), ("Undeposited Funds", "OtherCurrentAsset"),
            ("Accounts Receivable", "AccountsReceivable"),
            ("Inventory Asset", "OtherCurrentAsset"),
            ("Sales Tax Payable", "OtherCurrentLiability"),
            ("Gift Card Liability", "OtherCurrentLiability"), ("Sales", "Income"),
            ("Shipping Income", "Income"), ("Discounts Given", "Income"),
            ("Cost of Goods Sold", "CostOfGoodsSold"))
PAYMENT_METHODS = ("Cash", "Check", "Visa", "MasterCard", "American Express", "Discover",
                   "PayPal", "E-Check")
#: (name, rate) of the sales tax items; "Out of State" is the 0 % item forms name
TAX_ITEMS = (("Out of State", Decimal(0)), ("CA Sales Tax", Decimal("8.25")),
             ("NY Sales Tax", Decimal("8.875")), ("TX Sales Tax", Decimal("6.25")))
TAX_AGENCY = "State Board of Equalization"
#: (item name, type, account, tax code) for the lines that are not products
LINE_ITEMS = (("Shipping", "ItemOtherCharge", "Shipping Income", "Non"),
              ("Discount", "ItemOtherCharge", "Discounts Given", "Tax"),
              ("Gift Card", "ItemOtherCharge", "Gift Card Liability", "Non"),
              ("Rounding", "ItemOtherCharge", "Sales", "Non"),
              ("Refund Adjustment", "ItemOtherCharge", "Sales", "Non"),
              ("Restocking Fee", "ItemService", "Sales", "Non"),
              ("Unreturned Goods", "ItemNonInventory", "Sales", "Tax"),
              ("Sales Tax (line)", "ItemOtherCharge", "Sales", "Non"))
CUSTOMERS = (("Amy's Bird Sanctuary", "birds@example.com"),
             ("Jordan Rivera", "jordan.rivera@example.com"),
             ("Jordan Rivera 2", "jordan.rivera@example.com"))
VENDORS = ("Acme Supplies",)
EMPLOYEES = ("Sam Taylor",)


def seed_company(company: Company, catalogue: list[dict[str, Any]] | None = None) -> Company:
    """Fill ``company``; ``catalogue`` holds ``{sku, name, price, qty}`` inventory items."""
    with company.lock:
        for name, kind in ACCOUNTS:
            company.add("Account", {"Name": name, "FullName": name, "IsActive": "true",
                                    "Sublevel": "0", "AccountType": kind})
        for code, taxable in (("Tax", "true"), ("Non", "false")):
            company.add("SalesTaxCode", {"Name": code, "IsActive": "true", "IsTaxable": taxable})
        for method in PAYMENT_METHODS:
            company.add("PaymentMethod", {"Name": method, "IsActive": "true"})
        agency = company.add("Vendor", {"Name": TAX_AGENCY, "IsActive": "true",
                                        "IsTaxAgency": "true"})
        for name in VENDORS:
            company.add("Vendor", {"Name": name, "IsActive": "true"})
        for name in EMPLOYEES:
            company.add("Employee", {"Name": name, "IsActive": "true"})
        for name, rate in TAX_ITEMS:
            company.add("ItemSalesTax", {"Name": name, "IsActive": "true",
                                         "ItemDesc": f"{name} {rate}%", "TaxRate": rate,
                                         "TaxVendorRef": ref(agency)})
        company.default_tax_item = TAX_ITEMS[1][0]
        for name, kind, account, code in LINE_ITEMS:
            acct = company.named("Account", account)
            assert acct is not None
            company.add(kind, {"Name": name, "FullName": name, "IsActive": "true",
                               "Sublevel": "0", "SalesTaxCodeRef": {"FullName": code},
                               "SalesOrPurchase": {"Desc": name, "AccountRef": ref(acct)}})
        for name, email in CUSTOMERS:
            company.add("Customer", {"Name": name, "FullName": name, "IsActive": "true",
                                     "Sublevel": "0", "Email": email,
                                     "Balance": Decimal("0.00"),
                                     "TotalBalance": Decimal("0.00"), "JobStatus": "None"})
        seed_inventory(company, catalogue or [])
    return company


def seed_inventory(company: Company, items: list[dict[str, Any]]) -> None:
    """Inventory items from a store catalogue (``sku`` is the item name, ≤ 31)."""
    refs = {name: company.named("Account", name) for name in
            ("Sales", "Cost of Goods Sold", "Inventory Asset")}
    with company.lock:
        for item in items:
            price = Decimal(str(item.get("price", "0")))
            company.add("ItemInventory", {
                "Name": str(item["sku"])[:31], "FullName": str(item["sku"])[:31],
                "IsActive": "true", "Sublevel": "0", "SalesTaxCodeRef": {"FullName": "Tax"},
                "SalesDesc": item.get("name"), "SalesPrice": price,
                "IncomeAccountRef": ref(refs["Sales"]) if refs["Sales"] else None,
                "PurchaseCost": (price / 2).quantize(Decimal("0.01")),
                "COGSAccountRef": ref(refs["Cost of Goods Sold"])
                if refs["Cost of Goods Sold"] else None,
                "AssetAccountRef": ref(refs["Inventory Asset"])
                if refs["Inventory Asset"] else None,
                "QuantityOnHand": Decimal(str(item.get("qty", 0))),
                "AverageCost": (price / 2).quantize(Decimal("0.01"))})

"""QuickBooks Online items and customers for the mapping editor and the error queue."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ecom_ledger_desktop.connectors.catalog import CatalogCustomer, CatalogItem
from ecom_ledger_desktop.connectors.ledgers.qbo.client import quote
from ecom_ledger_desktop.connectors.ledgers.qbo.faults import QboFault
from ecom_ledger_desktop.connectors.ledgers.qbo.ledger import QboLedger
from ecom_ledger_desktop.core.money import to_decimal
from ecom_ledger_desktop.models.ledger import LedgerItem

_ANY_ACTIVE = "Active IN (true, false)"


class QboCatalog:
    """``connectors.catalog.LedgerCatalog`` over a live ``QboLedger``."""

    def __init__(self, ledger: QboLedger) -> None:
        self._ledger = ledger
        self._client = ledger.client

    def list_items(self) -> list[CatalogItem]:
        """Every active item except categories, sorted by name."""
        rows = self._client.query("SELECT *, Sku FROM Item")
        items = [_item(row) for row in rows if row.get("Type") != "Category"]
        return sorted((i for i in items if i.active), key=lambda i: i.name.casefold())

    def create_item(self, sku: str, name: str, unit_price: Decimal | None,
                    request_id: str) -> CatalogItem:
        """Find the item by SKU (reactivating it) or create it, like the ``create_item`` policy."""
        item = LedgerItem(key=f"sku:{sku}", sku=sku, name=name or sku,
                          unit_price=unit_price if unit_price is not None else Decimal(0))
        item_id = self._ledger.ensure_item(item, "create_item", "", request_id)
        return _item(self._client.get("Item", item_id))

    def customers_by_ids(self, ids: list[str]) -> list[CatalogCustomer]:
        """The customers with these ids, in the order given; unknown ids are left out."""
        found = []
        for customer_id in dict.fromkeys(i for i in ids if i):
            try:
                found.append(_customer(self._client.get("Customer", customer_id)))
            except QboFault:
                continue
        return found

    def find_customers(self, *, email: str = "", display_name: str = "") -> list[CatalogCustomer]:
        """Customers (active or not) whose email or display name is the one given."""
        rows: dict[str, dict[str, Any]] = {}
        for field, value in (("PrimaryEmailAddr", email.strip()), ("DisplayName", display_name)):
            if not value:
                continue
            forms = dict.fromkeys([value, value.lower()] if field == "PrimaryEmailAddr"
                                  else [value])
            for form in forms:
                sql = f"SELECT * FROM Customer WHERE {field} = {quote(form)} AND {_ANY_ACTIVE}"
                for row in self._client.query(sql):
                    rows[str(row.get("Id"))] = row
        return [_customer(row) for row in rows.values()]


def _item(row: dict[str, Any]) -> CatalogItem:
    return CatalogItem(id=str(row.get("Id", "")), name=str(row.get("Name") or ""),
                       sku=str(row.get("Sku") or ""), type=str(row.get("Type") or ""),
                       active=row.get("Active", True) is not False)


def _customer(row: dict[str, Any]) -> CatalogCustomer:
    balance = row.get("Balance")
    try:
        amount = to_decimal(balance) if balance is not None else None
    except ValueError:
        amount = None
    return CatalogCustomer(
        id=str(row.get("Id", "")), display_name=str(row.get("DisplayName") or ""),
        email=str((row.get("PrimaryEmailAddr") or {}).get("Address") or ""),
        phone=str((row.get("PrimaryPhone") or {}).get("FreeFormNumber") or ""),
        postcode=str((row.get("BillAddr") or {}).get("PostalCode") or ""),
        company=str(row.get("CompanyName") or ""), balance=amount,
        currency=str((row.get("CurrencyRef") or {}).get("value") or ""),
        active=row.get("Active", True) is not False)

"""FreshBooks items and clients for the mapping editor and the error queue
(``connectors.catalog.LedgerCatalog``): mixed into ``FreshBooksLedger``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ecom_ledger_desktop.connectors.catalog import CatalogCustomer, CatalogItem
from ecom_ledger_desktop.connectors.ledgers.freshbooks.client import FreshBooksClient
from ecom_ledger_desktop.connectors.ledgers.freshbooks.faults import FreshBooksFault
from ecom_ledger_desktop.connectors.ledgers.freshbooks.lookups import Lookups, norm
from ecom_ledger_desktop.models.ledger import LedgerItem


class FreshBooksCatalog:
    """Items and clients as the merchant sees them."""

    client: FreshBooksClient
    lookups: Lookups

    def list_items(self) -> list[CatalogItem]:
        """Every active item, by name."""
        items = [_item(row) for row in self.client.list("items")]
        return sorted((i for i in items if i.active), key=lambda i: i.name.casefold())

    def create_item(self, sku: str, name: str, unit_price: Decimal | None,
                    request_id: str) -> CatalogItem:
        """Find the item by SKU or create it, like the ``create_item`` policy."""
        item = LedgerItem(key=f"sku:{sku}", sku=sku, name=name or sku,
                          unit_price=unit_price if unit_price is not None else Decimal(0))
        item_id = self.lookups.ensure_item(item, "create_item", "")
        return _item(self.client.get("items", item_id))

    def customers_by_ids(self, ids: list[str]) -> list[CatalogCustomer]:
        """The clients with these ids, in the order given; unknown ids are left out."""
        found = []
        for client_id in dict.fromkeys(i for i in ids if i):
            try:
                found.append(_customer(self.client.get("clients", client_id)))
            except FreshBooksFault:
                continue
        return found

    def find_customers(self, *, email: str = "", display_name: str = "") -> list[CatalogCustomer]:
        """Clients (active or archived) whose email or name is the one given."""
        rows: dict[str, dict[str, Any]] = {}
        for state in ("0", "2"):
            if email.strip():
                for row in self.client.list("clients", {"email": norm(email),
                                                        "vis_state": state}):
                    if norm(str(row.get("email") or "")) == norm(email):
                        rows[str(row["id"])] = row
            if display_name.strip():
                for row in self.client.list("clients", {"organization_like": display_name,
                                                        "vis_state": state}):
                    if norm(_name(row)) == norm(display_name):
                        rows[str(row["id"])] = row
        return [_customer(row) for row in rows.values()]


def _item(row: dict[str, Any]) -> CatalogItem:
    return CatalogItem(id=str(row.get("id", "")), name=str(row.get("name") or ""),
                       sku=str(row.get("sku") or ""), type="item",
                       active=int(row.get("vis_state") or 0) == 0)


def _name(row: dict[str, Any]) -> str:
    person = f"{row.get('fname') or ''} {row.get('lname') or ''}".strip()
    return str(row.get("organization") or person)


def _customer(row: dict[str, Any]) -> CatalogCustomer:
    return CatalogCustomer(
        id=str(row.get("id", "")), display_name=_name(row), email=str(row.get("email") or ""),
        phone=str(row.get("bus_phone") or row.get("mob_phone") or ""),
        postcode=str(row.get("p_code") or ""), company=str(row.get("organization") or ""),
        currency=str(row.get("currency_code") or ""),
        active=int(row.get("vis_state") or 0) == 0)

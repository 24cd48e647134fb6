"""Customers and items of one company, indexed the way the lookups search them (large runs)."""

from __future__ import annotations

from typing import Any

from ecom_ledger_desktop.connectors.ledgers.qbo import mapping


def email_of(row: dict[str, Any]) -> str:
    """A customer row's e-mail, normalised for comparison."""
    return mapping.normalise_email(str((row.get("PrimaryEmailAddr") or {}).get("Address") or ""))


class CompanyIndex:
    """Customers and items of one company, indexed the way the lookups search them."""

    def __init__(self) -> None:
        self.customers_by_email: dict[str, list[dict[str, Any]]] = {}
        self.customers_by_name: dict[str, list[dict[str, Any]]] = {}
        self.items_by_sku: dict[str, list[dict[str, Any]]] = {}
        self.items_by_name: dict[str, list[dict[str, Any]]] = {}

    def add_customer(self, row: dict[str, Any]) -> None:
        """Index a customer by e-mail and DisplayName (case-insensitively)."""
        email = email_of(row)
        if email:
            _add_unique(self.customers_by_email.setdefault(email, []), row)
        name = str(row.get("DisplayName") or "").casefold()
        if name:
            _add_unique(self.customers_by_name.setdefault(name, []), row)

    def add_item(self, row: dict[str, Any]) -> None:
        """Index an item by SKU and Name (case-insensitively)."""
        sku = str(row.get("Sku") or "").casefold()
        if sku:
            _add_unique(self.items_by_sku.setdefault(sku, []), row)
        name = str(row.get("Name") or "").casefold()
        if name:
            _add_unique(self.items_by_name.setdefault(name, []), row)


def _add_unique(rows: list[dict[str, Any]], row: dict[str, Any]) -> None:
    rows[:] = [r for r in rows if r.get("Id") != row.get("Id")] + [row]

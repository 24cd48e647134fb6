"""What the mapping editor and the error queue read from a ledger and a store: their catalogues.

These are small protocols beside (not inside) ``connectors.base``: the engine never needs them,
only the pages where a merchant maps SKUs, creates items and picks the right customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class CatalogItem:
    """A ledger product or service as the merchant sees it."""

    id: str
    name: str
    sku: str = ""
    type: str = ""
    active: bool = True


@dataclass(frozen=True)
class CatalogCustomer:
    """A ledger customer, with what a person compares to tell two customers apart."""

    id: str
    display_name: str
    email: str = ""
    phone: str = ""
    postcode: str = ""
    company: str = ""
    balance: Decimal | None = None
    currency: str = ""
    active: bool = True


@dataclass(frozen=True)
class StoreProduct:
    """A store product (or an order line standing for one)."""

    sku: str
    name: str
    price: Decimal | None = None


@runtime_checkable
class LedgerCatalog(Protocol):
    """Items and customers of a ledger company, for the mapping editor and the error queue."""

    def list_items(self) -> list[CatalogItem]:
        """Every active item (not categories), by name."""
        ...

    def create_item(self, sku: str, name: str, unit_price: Decimal | None,
                    request_id: str) -> CatalogItem:
        """Create (or find, when it exists) the item for a store product."""
        ...

    def customers_by_ids(self, ids: list[str]) -> list[CatalogCustomer]:
        """The customers with these ids (missing ones are left out)."""
        ...

    def find_customers(self, *, email: str = "", display_name: str = "") -> list[CatalogCustomer]:
        """Active and inactive customers with this email or this display name."""
        ...


@runtime_checkable
class StoreCatalog(Protocol):
    """A store that can list its products (optional: order lines are the fallback)."""

    def list_products(self) -> list[StoreProduct]:
        """Every product with its SKU and name."""
        ...


def ledger_catalog(ledger: object) -> LedgerCatalog | None:
    """The catalogue of a live ledger connector, or None when that ledger has none."""
    if isinstance(ledger, LedgerCatalog):
        return ledger
    from ecom_ledger_desktop.connectors.ledgers.qbo.ledger import QboLedger

    if isinstance(ledger, QboLedger):
        from ecom_ledger_desktop.connectors.ledgers.qbo.catalog import QboCatalog

        return QboCatalog(ledger)
    return None


def store_catalog(store: object) -> StoreCatalog | None:
    """The product list of a live store connector, or None when it cannot list products."""
    return store if isinstance(store, StoreCatalog) else None

"""Finding (or creating) the customers, items, accounts and payment methods a posting refers to.

Customers: by e-mail first (case-insensitively: the lower-case form is searched, then the form
given), then by DisplayName with a postcode check, always *in the document's currency* (QuickBooks
fixes a customer's currency, so a customer held in USD is not used for a EUR sale: a second one,
``Name (EUR)``, is found or created); several active matches are the merchant's call
(flagged, never guessed); an inactive exact match is reactivated rather than duplicated. Creation
survives a lost answer (searched again, then resent with the same request id, which QBO replays)
and a DisplayName taken by someone else (``Name (email)``, once, deterministically).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ecom_ledger_desktop.connectors.ledgers.qbo import mapping
from ecom_ledger_desktop.connectors.ledgers.qbo.client import QboClient, quote
from ecom_ledger_desktop.connectors.ledgers.qbo.company_index import CompanyIndex, email_of
from ecom_ledger_desktop.connectors.ledgers.qbo.faults import QboFault
from ecom_ledger_desktop.core.errors import Fix, RecordError, RecordProblem, UncertainOutcome
from ecom_ledger_desktop.core.money import to_decimal
from ecom_ledger_desktop.models.ledger import LedgerCustomer, LedgerItem
from ecom_ledger_desktop.models.rules import UnmappedSkuPolicy

log = logging.getLogger(__name__)

_ANY_ACTIVE = "Active IN (true, false)"
_NAME_QUERIES = {
    "item": ("Item", ("Name", "FullyQualifiedName")),
    "account": ("Account", ("FullyQualifiedName", "Name")),
    "payment_method": ("PaymentMethod", ("Name",)),
    "tax_code": ("TaxCode", ("Name",)),
}
_KIND_WORDS = {"item": "item", "account": "account", "payment_method": "payment method",
               "tax_code": "tax code"}


def _active(row: dict[str, Any]) -> bool:
    return row.get("Active", True) is not False


def _label(row: dict[str, Any]) -> str:
    return f"'{row.get('DisplayName', '')}' (Id {row.get('Id')})"


CustomerKey = tuple[str, str]  # (the customer's local key, its currency)


def customer_key(customer: LedgerCustomer) -> CustomerKey:
    """How a customer is remembered: by key *and* currency."""
    return customer.key, customer.currency.upper()


class QboLookups:
    """Caches and find-or-create logic over one ``QboClient``."""

    def __init__(self, client: QboClient, *, home_currency: str | Callable[[], str] = "USD",
                 income_account: str = "Sales of Product Income") -> None:
        self.client = client
        self._home = home_currency
        self.income_account = income_account
        self.customers: dict[CustomerKey, str] = {}
        self.items: dict[str, str] = {}
        self.names: dict[tuple[str, str], str] = {}
        self.rates: dict[str, Decimal | None] = {}
        self.index: CompanyIndex | None = None  # set by prefetch(): match locally, no queries

    @property
    def home_currency(self) -> str:
        """The company's home currency (read from QuickBooks on first use)."""
        return (self._home() if callable(self._home) else self._home).upper()

    def currency_of(self, row: dict[str, Any]) -> str:
        """A customer's currency (home when QuickBooks shows none)."""
        return str((row.get("CurrencyRef") or {}).get("value") or self.home_currency).upper()

    def tax_code_rate(self, code_id: str) -> Decimal | None:
        """A tax code's combined sales rate in percent (None when QuickBooks does not say)."""
        if code_id in self.rates:
            return self.rates[code_id]
        rate: Decimal | None = None
        try:
            code = self.client.get("TaxCode", code_id)
            details = (code.get("SalesTaxRateList") or {}).get("TaxRateDetail") or []
            values = [self.client.get("TaxRate", str(d["TaxRateRef"]["value"])).get("RateValue")
                      for d in details if (d.get("TaxRateRef") or {}).get("value")]
            if values and all(v is not None for v in values):
                rate = sum((to_decimal(v) for v in values), Decimal(0))
        except (QboFault, KeyError, ValueError):
            rate = None
        self.rates[code_id] = rate
        return rate

    def prefetch(self) -> None:
        """Load every customer and item once (a few paged queries) for a large run.

        Afterwards customer and item matching runs on this local index with the same rules;
        whatever this process creates is added to it.
        """
        if self.index is not None:
            return  # already loaded; it is kept current with what this process creates
        index = CompanyIndex()
        for row in self.client.query(f"SELECT * FROM Customer WHERE {_ANY_ACTIVE}"):
            index.add_customer(row)
        for row in self.client.query(f"SELECT *, Sku FROM Item WHERE {_ANY_ACTIVE}"):
            index.add_item(row)
        self.index = index

    # -- names ----------------------------------------------------------------------------
    def resolve_name(self, kind: str, name: str) -> str:
        """The Id of the item / account / payment method / tax code called ``name`` (cached)."""
        cached = self.names.get((kind, name))
        if cached:
            return cached
        if kind not in _NAME_QUERIES:
            raise ValueError(f"unknown reference kind {kind!r}")
        entity, fields = _NAME_QUERIES[kind]
        for field in fields:
            rows = self.client.query(f"SELECT * FROM {entity} WHERE {field} = {quote(name)}")
            match = self._pick_by_name(rows, field, name)
            if match is not None:
                self.names[(kind, name)] = str(match["Id"])
                return str(match["Id"])
        raise RecordError(RecordProblem(
            "missing_reference",
            f"There is no {_KIND_WORDS[kind]} called '{name}' in QuickBooks; create it or choose "
            "another in the posting rules.",
            [Fix("edit_field", "Choose another in the posting rules"),
             Fix("retry", f"Retry after creating '{name}' in QuickBooks")]))

    @staticmethod
    def _pick_by_name(rows: list[dict[str, Any]], field: str, name: str) -> dict[str, Any] | None:
        live = [row for row in rows if _active(row)]
        exact = [row for row in live if row.get(field) == name]
        if exact:
            return exact[0]
        folded = [row for row in live if str(row.get(field, "")).casefold() == name.casefold()]
        return folded[0] if folded else None

    # -- customers ------------------------------------------------------------------------
    def ensure_customer(self, customer: LedgerCustomer, request_id: str) -> str:
        """Find (email, then name + postcode), reactivate, or create; returns the customer Id."""
        cached = self.customers.get(customer_key(customer))
        if cached:
            return cached
        found = self._find_customer(customer)
        if found is None:
            found = self._create_customer(customer, request_id)
        elif not _active(found):
            found = self._reactivate("Customer", found, request_id,
                                     f"customer '{found.get('DisplayName', '')}'")
        self.remember_customer(customer, found)
        return str(found["Id"])

    def find_customer(self, customer: LedgerCustomer) -> str | None:
        """The Id of an existing *active* match, or None (raises for duplicates); no writes."""
        cached = self.customers.get(customer_key(customer))
        if cached:
            return cached
        found = self._find_customer(customer)
        if found is None or not _active(found):
            return None
        self.remember_customer(customer, found)
        return str(found["Id"])

    def matches_email(self, customer: LedgerCustomer, customer_id: str) -> bool:
        """Whether the customer with this Id carries the customer's email (no writes)."""
        email = mapping.normalise_email(customer.email)
        return bool(email) and any(
            str(row.get("Id")) == customer_id
            for row in self._customers_by_email(email, customer.email.strip()))

    def remember_customer(self, customer: LedgerCustomer, row: dict[str, Any]) -> None:
        """Cache a customer found or created in this process (and index it)."""
        self.customers[customer_key(customer)] = str(row["Id"])
        if self.index is not None:
            self.index.add_customer(row)

    def _find_customer(self, customer: LedgerCustomer) -> dict[str, Any] | None:
        email = mapping.normalise_email(customer.email)
        currency = customer.currency.upper()
        if email:
            rows = [row for row in self._customers_by_email(email, customer.email.strip())
                    if self.currency_of(row) == currency]
            active = [row for row in rows if _active(row)]
            if len(active) > 1:
                names = ", ".join(_label(row) for row in active)
                raise RecordError(RecordProblem(
                    "duplicate_customer",
                    f"Several QuickBooks customers use the email {email}: {names}. Pick the one "
                    "this order belongs to, or merge them in QuickBooks and retry.",
                    [Fix("pick_customer", "Choose the QuickBooks customer to use"),
                     Fix("retry", "Retry after merging them in QuickBooks")],
                    detail=";".join(str(row.get("Id")) for row in active)))
            if active:
                return active[0]
            if rows:
                return rows[0]  # inactive exact match: reactivate, don't duplicate
        return self._customer_by_name(customer, email)

    def _customers_by_email(self, email: str, as_given: str) -> list[dict[str, Any]]:
        if self.index is not None:
            return list(self.index.customers_by_email.get(email, []))
        forms = [email] + ([as_given] if as_given and as_given != email else [])
        for form in forms:
            rows = self.client.query(
                f"SELECT * FROM Customer WHERE PrimaryEmailAddr = {quote(form)} AND {_ANY_ACTIVE}")
            rows = [row for row in rows if email_of(row) == email]
            if rows:
                return rows
        return []

    def _customer_by_name(self, customer: LedgerCustomer, email: str) -> dict[str, Any] | None:
        currency = customer.currency.upper()
        rows: list[dict[str, Any]] = []
        for name in dict.fromkeys([mapping.customer_display_name(customer),
                                   self.display_name(customer)]):
            found = list(self.index.customers_by_name.get(name.casefold(), [])) \
                if self.index is not None else self.client.query(
                    f"SELECT * FROM Customer WHERE DisplayName = {quote(name)} AND {_ANY_ACTIVE}")
            rows += [row for row in found if self.currency_of(row) == currency]
        postcode = mapping.normalise_postcode(customer.postcode or (
            customer.bill_address.postcode if customer.bill_address else ""))
        candidates = []
        for row in rows:
            other_email = email_of(row)
            if email and other_email and other_email != email:
                continue  # same name, another person
            theirs = mapping.normalise_postcode(str((row.get("BillAddr") or {}).get(
                "PostalCode") or ""))
            if postcode and theirs and postcode != theirs:
                continue
            candidates.append(row)
        candidates.sort(key=lambda row: not _active(row))
        return candidates[0] if candidates else None

    def display_name(self, customer: LedgerCustomer) -> str:
        """The DisplayName to create: ``Name (EUR)`` for a customer in a foreign currency."""
        name = mapping.customer_display_name(customer)
        if customer.currency.upper() != self.home_currency:
            return mapping.name_in_currency(name, customer.currency)
        return name

    def _create_customer(self, customer: LedgerCustomer, request_id: str) -> dict[str, Any]:
        name = self.display_name(customer)
        body = mapping.customer_body(customer, name, self.home_currency)
        try:
            return self.create_or_find("Customer", body, request_id,
                                        lambda: self._find_customer(customer))
        except QboFault as fault:
            if fault.code != "6240":
                raise fault.about(f"customer '{name}'") from None
        # The name belongs to someone else (another email, a vendor, an employee...).
        body["DisplayName"] = mapping.name_with_email(name, mapping.normalise_email(
            customer.email))
        try:
            return self.create_or_find("Customer", body, f"{request_id}:n2",
                                        lambda: self._find_customer(customer))
        except QboFault as fault:
            raise fault.about(f"customer '{body['DisplayName']}'") from None

    def _reactivate(self, entity: str, row: dict[str, Any], request_id: str, record: str
                    ) -> dict[str, Any]:
        """Make an inactive customer or item active again (sparse update of ``Active``)."""
        try:
            updated = self.client.update(entity, {"Id": row["Id"], "SyncToken": row["SyncToken"],
                                                  "Active": True}, f"{request_id}:react")
        except QboFault as fault:
            raise fault.about(record) from None
        log.info("reactivated QuickBooks %s %s", entity, updated.get("Id"))
        return updated

    def create_or_find(self, entity: str, body: dict[str, Any], request_id: str,
                       find: Callable[[], dict[str, Any] | None]) -> dict[str, Any]:
        """Create; after a lost answer look first, then resend with the same request id."""
        try:
            return self.client.create(entity, body, request_id)
        except UncertainOutcome:
            log.warning("no answer creating a QuickBooks %s; checking before resending", entity)
            found = find()
            if found is not None:
                return found
            return self.client.create(entity, body, request_id)

    # -- items ----------------------------------------------------------------------------
    def ensure_item(self, item: LedgerItem, policy: UnmappedSkuPolicy, standard_item: str,
                    request_id: str) -> str:
        """The item with this SKU (or name), else what the unmapped-SKU policy says."""
        cached = self.items.get(item.key)
        if cached:
            return cached
        found = self._find_item(item)
        if found is not None and _active(found):
            item_id = str(found["Id"])
        elif policy == "flag":
            raise RecordError(RecordProblem(
                "unmapped_sku",
                f"SKU '{item.sku}' ({item.name}) is not in QuickBooks"
                f"{' (it is inactive there)' if found else ''}: map it to an existing item or "
                "create it.",
                [Fix("map_sku", "Map it to an existing QuickBooks item"),
                 Fix("create_item", "Create it in QuickBooks")], detail=item.sku))
        elif policy == "standard_item":
            item_id = self.resolve_name("item", standard_item)
        elif found is not None:
            item_id = str(self._reactivate("Item", found, request_id, f"item '{item.sku}'")["Id"])
        else:
            created = self._create_item(item, request_id)
            if self.index is not None:
                self.index.add_item(created)
            item_id = str(created["Id"])
        self.items[item.key] = item_id
        return item_id

    def find_item_row(self, item: LedgerItem) -> dict[str, Any] | None:
        """The item row for the SKU (then name), active or not; no writes."""
        return self._find_item(item)

    def _find_item(self, item: LedgerItem) -> dict[str, Any] | None:
        sku = mapping.clean_text(item.sku, mapping.SKU_MAX)
        if self.index is not None:
            rows = list(self.index.items_by_sku.get(sku.casefold(), [])) if sku else []
        else:
            rows = self.client.query(
                f"SELECT *, Sku FROM Item WHERE Sku = {quote(sku)} AND {_ANY_ACTIVE}") if sku else []
        rows = [row for row in rows if str(row.get("Sku", "")).casefold() == sku.casefold()]
        active = [row for row in rows if _active(row)]
        if len(active) > 1:
            raise RecordError(RecordProblem(
                "duplicate_sku",
                f"Several QuickBooks items have SKU '{sku}': "
                + ", ".join(f"'{row.get('Name')}' (Id {row.get('Id')})" for row in active)
                + ". Map the SKU to the one to use.",
                [Fix("map_sku", "Choose the QuickBooks item for this SKU")], detail=sku))
        if active or rows:
            return (active or rows)[0]
        name = mapping.clean_name(item.name, mapping.ITEM_NAME_MAX)
        if not name:
            return None
        named = list(self.index.items_by_name.get(name.casefold(), [])) \
            if self.index is not None else self.client.query(
                f"SELECT *, Sku FROM Item WHERE Name = {quote(name)}")
        # A same-named item with another SKU is another product: creating then hits 6240.
        named = [row for row in named if row.get("Type") != "Category"
                 and str(row.get("Sku") or sku).casefold() == sku.casefold()]
        return named[0] if named else None

    def _create_item(self, item: LedgerItem, request_id: str) -> dict[str, Any]:
        income = self.resolve_name("account", self.income_account)
        name = mapping.clean_name(item.name or item.sku, mapping.ITEM_NAME_MAX)
        body = mapping.item_body(item, name, income)
        try:
            return self.create_or_find("Item", body, request_id, lambda: self._find_item(item))
        except QboFault as fault:
            if fault.code != "6240":
                raise fault.about(f"item '{item.sku}'") from None
        body["Name"] = mapping.item_name_with_sku(name, item.sku)
        try:
            return self.create_or_find("Item", body, f"{request_id}:n2",
                                        lambda: self._find_item(item))
        except QboFault as fault:
            raise fault.about(f"item '{item.sku}'") from None

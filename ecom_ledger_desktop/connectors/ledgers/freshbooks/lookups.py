"""Clients, items and taxes of a FreshBooks business: found, created, cached.

Clients are matched by normalised email, then by organisation or name; several live matches go
to the error queue (``duplicate_customer``), never to a second client. FreshBooks lets anyone
create clients with the same email, and a create whose answer was lost may have landed, so a
search always comes first. Items are found by SKU, then name. Taxes are FreshBooks tax names
with a percent; a store rate with no FreshBooks tax at that percent gets one ("Tax 8.25%").
FreshBooks' searches see only active records: a client or item found nowhere else is looked
for among the archived ones (an undo archives what it no longer needs) and reactivated.
"""

from __future__ import annotations

import logging
import unicodedata
from decimal import Decimal
from typing import Any

from ecom_ledger_desktop.connectors.ledgers.freshbooks.client import FreshBooksClient
from ecom_ledger_desktop.connectors.ledgers.freshbooks.faults import FreshBooksFault
from ecom_ledger_desktop.core.errors import Fix, RecordError, RecordProblem
from ecom_ledger_desktop.core.money import to_decimal
from ecom_ledger_desktop.models.ledger import LedgerAddress, LedgerCustomer, LedgerItem
from ecom_ledger_desktop.models.rules import UnmappedSkuPolicy

log = logging.getLogger(__name__)
ACTIVE, ARCHIVED = 0, 2  # vis_state: FreshBooks' active and archived ("inactive")
NAME_PREFIX = "name:"  # a line that needs no FreshBooks item: its text is the name


def norm(text: str) -> str:
    """Trimmed, NFC, case-folded: how names and emails are compared."""
    return unicodedata.normalize("NFC", " ".join(text.split())).casefold()


def rate_text(rate: Decimal) -> str:
    """A percent as FreshBooks writes it ("8.25", "13")."""
    return format(rate.normalize(), "f")


class Lookups:
    """Finds and creates the references documents need (caches live for one connector)."""

    def __init__(self, client: FreshBooksClient) -> None:
        self.client = client
        self.clients: dict[str, str] = {}  # customer key -> client id
        self.items: dict[str, str] = {}  # item key -> item id
        self.item_names: dict[str, str] = {}  # item id -> name
        self._taxes: list[dict[str, Any]] | None = None

    # -- clients ----------------------------------------------------------------------------
    def find_client(self, customer: LedgerCustomer, archived: bool = False) -> str | None:
        """The one live client matching ``customer`` (None when there is none); ``archived``:
        the one among the archived clients (FreshBooks' searches see only active ones)."""
        if customer.key in self.clients and not archived:
            return self.clients[customer.key]
        shown = {"vis_state": str(ARCHIVED)} if archived else {}
        email = norm(customer.email)
        currency = customer.currency.upper()
        matches: list[dict[str, Any]] = []
        how = ""
        if email:
            # a client has one currency: a buyer paying in two has a client for each
            matches = [c for c in self.client.list("clients", {"email": email, **shown})
                       if norm(str(c.get("email") or "")) == email
                       and str(c.get("currency_code") or currency).upper() == currency]
            how = f"the email {customer.email}"
        if not matches:
            company = norm(customer.company or customer.display_name)
            if company:
                rows = list(self.client.list("clients", {"organization_like": company, **shown}))
                matches = [c for c in rows if norm(str(c.get("organization") or "")) == company
                           and str(c.get("currency_code") or currency).upper() == currency]
                person = norm(f"{customer.given_name} {customer.family_name}")
                if not matches and not customer.email and person.strip():
                    matches = [c for c in self.client.list("clients", shown) if norm(
                        f"{c.get('fname') or ''} {c.get('lname') or ''}") == person]
                how = f"the name '{customer.company or customer.display_name}'"
        if len(matches) > 1:
            ids = [str(c["id"]) for c in matches]
            raise RecordError(RecordProblem(
                "duplicate_customer",
                f"FreshBooks has {len(matches)} {'archived ' if archived else ''}clients with "
                f"{how} (ids {', '.join(ids)}); pick "
                "the one to post to, or merge them in FreshBooks, then retry.",
                [Fix("pick_customer", "Pick the FreshBooks client"), Fix("retry", "Retry")],
                detail=";".join(ids)))  # as every ledger's: the error queue splits on ";"
        if matches:
            found = str(matches[0]["id"])
            if not archived:  # an archived one is remembered once it is active again
                self.clients[customer.key] = found
            return found
        return None

    def client_has_email(self, client_id: str, email: str, archived: bool = False) -> bool:
        """Whether the client (``archived``: an archived one) carries this email (no writes)."""
        wanted = norm(email)
        shown = {"vis_state": str(ARCHIVED)} if archived else {}
        return bool(wanted) and any(
            str(c.get("id")) == client_id and norm(str(c.get("email") or "")) == wanted
            for c in self.client.list("clients", {"email": wanted, **shown}))

    def ensure_client(self, customer: LedgerCustomer) -> str:
        """The matching client, its blank details filled in; else a new client."""
        found = self.find_client(customer)
        if found is None:  # archived (by an undo, or by hand): brought back, never duplicated
            found = self.find_client(customer, archived=True)
            if found is not None:
                self.client.update("clients", found, {"vis_state": ACTIVE})
                self.clients[customer.key] = found
        fields = client_fields(customer)
        if found is not None:
            current = self.client.get("clients", found)
            missing = {k: v for k, v in fields.items()
                       if v and not current.get(k) and k not in ("note", "currency_code")}
            if missing:
                self.client.update("clients", found, missing)
            return found
        try:
            created = self.client.create("clients", fields)
        except FreshBooksFault as fault:
            raise fault.about(f"the client {customer.display_name}",
                              "Correct the customer in the store, then retry.") from None
        self.clients[customer.key] = str(created["id"])
        return str(created["id"])

    # -- items ------------------------------------------------------------------------------
    def find_item(self, sku: str, name: str, archived: bool = False) -> str | None:
        """A live item with this SKU (then this name); ``archived``: an archived one."""
        shown = {"vis_state": str(ARCHIVED)} if archived else {}
        for search, field, want in (({"sku": sku}, "sku", sku), ({}, "name", name)):
            if not want:
                continue
            rows = [r for r in self.client.list("items", {**search, **shown})
                    if norm(str(r.get(field) or "")) == norm(want)]
            if rows:
                self.item_names[str(rows[0]["id"])] = str(rows[0].get("name") or want)
                return str(rows[0]["id"])
        return None

    def ensure_item(self, item: LedgerItem, policy: UnmappedSkuPolicy, standard_item: str,
                    currency: str = "") -> str:
        """The item by SKU, else per the unmapped-SKU policy."""
        if item.key in self.items:
            return self.items[item.key]
        found = self.find_item(item.sku, item.name)
        if found is None:  # archived (by an undo, or the store removed it): sold again
            found = self.find_item(item.sku, item.name, archived=True)
            if found is not None:
                self.client.update("items", found, {"vis_state": ACTIVE})
        if found is None and policy == "create_item":
            fields: dict[str, Any] = {"name": item.name or item.sku, "sku": item.sku,
                                      "description": item.description or None,
                                      "unit_cost": {"amount": str(item.unit_price),
                                                    **({"code": currency} if currency else {})}}
            created = self.client.create("items", fields)
            found = str(created["id"])
            self.item_names[found] = str(created.get("name") or item.name)
        elif found is None and policy == "standard_item":
            return self.item_named(standard_item)
        elif found is None:
            raise RecordError(RecordProblem(
                "unmapped_sku",
                f"SKU '{item.sku}' ({item.name}) is not in FreshBooks: map it to an existing "
                "item or create it.",
                [Fix("map_sku", "Map it to an existing FreshBooks item"),
                 Fix("create_item", "Create it in FreshBooks")], detail=item.sku))
        self.items[item.key] = found
        return found

    def item_named(self, name: str) -> str:
        """An item's id by name; FreshBooks lines need no item, so a missing one is its name."""
        return self.find_item("", name) or NAME_PREFIX + name

    def line_name(self, item_id: str) -> str:
        """The name a line shows for ``item_id``."""
        if item_id.startswith(NAME_PREFIX):
            return item_id.removeprefix(NAME_PREFIX)
        if item_id not in self.item_names:
            self.item_names[item_id] = str(self.client.get("items", item_id).get("name") or "")
        return self.item_names[item_id]

    # -- taxes ------------------------------------------------------------------------------
    def taxes(self, refresh: bool = False) -> list[dict[str, Any]]:
        """The business's taxes (name, percent), read once."""
        if self._taxes is None or refresh:
            self._taxes = list(self.client.list("taxes"))
        return self._taxes

    def line_taxes(self, rate: Decimal, code: str | None, record: str, create: bool = True
                   ) -> list[tuple[str, Decimal]]:
        """The FreshBooks taxes (name, percent) for a line taxed at ``rate`` percent: one, or
        two when the mapped code names two taxes ("GST + QST"; a FreshBooks line carries at most
        two). ``create``: a missing unmapped rate's tax is created (else only named)."""
        if not code or "+" not in code or self._named(code):
            return [(self.tax_name(rate, code, record, create), rate)]
        names = [part.strip() for part in code.split("+") if part.strip()]
        if len(names) > 2:
            raise _tax_refused(
                f"{record} is taxed with '{code}': {len(names)} taxes, but a FreshBooks line "
                f"carries at most two taxes. Map the store's {rate_text(rate)}% rate to one "
                "or two FreshBooks taxes (or to one tax at that percent), then retry.")
        taxes = [(found["name"], to_decimal(found.get("amount") or "0")) for found in
                 (self._mapped(name, rate, record) for name in names)]
        together = sum((percent for _, percent in taxes), Decimal(0))
        if together != rate:
            raise _tax_refused(
                f"{record} is taxed at {rate_text(rate)}% but the FreshBooks taxes "
                f"{' and '.join(repr(str(n)) for n, _ in taxes)} add up to "
                f"{rate_text(together)}%; map the rate to taxes that add up to the same "
                "percent, then retry.")
        return [(str(name), percent) for name, percent in taxes]

    def tax_name(self, rate: Decimal, code: str | None, record: str, create: bool = True) -> str:
        """The FreshBooks tax to put on a line taxed at ``rate`` percent (``create``: a rate
        FreshBooks has no tax for gets one; else its name is only said)."""
        if code:
            named = self._mapped(code, rate, record)
            if to_decimal(named.get("amount") or "0") != rate:
                raise _tax_refused(
                    f"{record} is taxed at {rate_text(rate)}% but the FreshBooks tax '{code}' is "
                    f"{named.get('amount')}%; map the rate to a tax of the same percent.")
            return str(named["name"])
        same = [t for t in self.taxes() if to_decimal(t.get("amount") or "0") == rate]
        if same:
            return str(sorted(same, key=lambda t: int(t["id"]))[0]["name"])
        name = f"Tax {rate_text(rate)}%"
        if create:
            log.info("creating FreshBooks tax %s", name)
            self.client.create("taxes", {"name": name, "amount": rate_text(rate)})
            self.taxes(refresh=True)
        return name

    def _named(self, name: str) -> dict[str, Any] | None:
        return next((t for t in self.taxes() if norm(str(t.get("name"))) == norm(name)), None)

    def _mapped(self, name: str, rate: Decimal, record: str) -> dict[str, Any]:
        """The FreshBooks tax a mapping names (``unmapped_tax_rate`` when there is none)."""
        found = self._named(name)
        if found is None:
            raise _tax_refused(
                f"{record} is taxed with '{name}', which is not a tax in FreshBooks; add it "
                f"(Settings › Taxes) or change the mapping of the store's {rate_text(rate)}% "
                "rate, then retry.")
        return found


def _tax_refused(message: str) -> RecordError:
    """A line FreshBooks cannot tax as the store did: the mapping is to change."""
    return RecordError(RecordProblem("unmapped_tax_rate", message, [
        Fix("edit_field", "Change the tax mapping"), Fix("retry", "Retry")]))


def _address(prefix: str, address: LedgerAddress | None) -> dict[str, str]:
    if address is None:
        return {}
    lines = [line for line in address.lines if line]
    return {f"{prefix}_street": lines[0] if lines else "",
            f"{prefix}_street2": ", ".join(lines[1:]), f"{prefix}_city": address.city,
            f"{prefix}_province": address.region, f"{prefix}_code": address.postcode,
            f"{prefix}_country": address.country}


def client_fields(customer: LedgerCustomer) -> dict[str, Any]:
    """A new client's fields (its key in the note, so people can see where it came from, and
    the mark of the store details it was made with: ``followers``)."""
    from ecom_ledger_desktop.connectors.ledgers.freshbooks.followers import (
        store_details,
        with_mark,
    )

    person = f"{customer.given_name} {customer.family_name}".strip()
    note = with_mark(f"From the web store (ecom-ledger customer {customer.key})",
                     store_details(customer), customer.as_of)
    return {"fname": customer.given_name, "lname": customer.family_name,
            # a person's name alone, unless it says more ("Jane Doe (EUR)")
            "organization": customer.company or (
                "" if customer.display_name == person else customer.display_name),
            "email": customer.email, "bus_phone": customer.phone,
            "currency_code": customer.currency.upper(),
            "note": note,
            **_address("p", customer.bill_address), **_address("s", customer.ship_address)}

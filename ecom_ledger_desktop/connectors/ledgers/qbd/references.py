"""``QbdReferences``: the customers and items a QuickBooks Desktop document names.

List references are by full name: the "ledger id" of a customer or item is its QuickBooks name,
chosen once (``limits``) and kept in the connection's ``NameMemory``; an existing customer is
adopted when its notes carry our key, or its name comes with the same email.
"""

from __future__ import annotations

import dataclasses

from ecom_ledger_desktop.connectors.ledgers.qbd import limits
from ecom_ledger_desktop.connectors.ledgers.qbd.income_accounts import QbdIncomeAccounts
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import entities, lists, parse
from ecom_ledger_desktop.connectors.ledgers.qbd.retire import set_active
from ecom_ledger_desktop.core.errors import Fix, RecordError, RecordProblem
from ecom_ledger_desktop.models.ledger import LedgerCustomer, LedgerItem
from ecom_ledger_desktop.models.rules import UnmappedSkuPolicy


class QbdReferences(QbdIncomeAccounts):
    """Customers, items and line items: found, adopted or added in QuickBooks Desktop."""

    def ensure_customer(self, customer: LedgerCustomer, request_id: str) -> str:
        """The customer's QuickBooks name: the one chosen before, a matching existing customer
        (our key in its notes, or the same name and email), else a new customer."""
        names = self.mailbox.names
        record = f"the customer '{customer.display_name}'"
        chosen = names.get("customer", customer.key)
        if chosen is not None:
            existing = self._named(chosen[0], record)
            if existing is None:
                return self._add_customer(customer, chosen[0], request_id, record)
            if same_customer(existing, customer):
                names.choose("customer", customer.key, chosen[0], existing.list_id)
                return self._active(existing, "customer").full_name
            # the name went to someone else (their add won a race): choose again below
        known, name = self.match([customer], record)[customer.key]
        if known:
            return name
        names.choose("customer", customer.key, name)  # kept before the add is sent
        return self._add_customer(customer, name, request_id, record)

    def _active(self, record: parse.ListRecord, kind: str) -> parse.ListRecord:
        """``record`` made active again if an undo made it inactive (adding it anew would
        fail: QuickBooks keeps an inactive entry's name, 3100)."""
        if record.is_active:
            return record
        return set_active(self._ask, kind, record, True, self._rid(f"{kind}-active"))

    def _named(self, name: str, record: str = "") -> parse.ListRecord | None:
        [found] = self._ask(lists.customers_named(self._rid("cust"), [name]), record=record)
        existing = parse.list_records(found)
        return existing[0] if existing else None

    def _candidates(self, customer: LedgerCustomer) -> tuple[str, str]:
        base = limits.customer_name(customer.display_name, customer.key)
        return base, limits.customer_name(customer.display_name, customer.key, {base})

    def match(self, customers: list[LedgerCustomer], record: str = ""
              ) -> dict[str, tuple[bool, str]]:
        """Per customer key: (True, name) when QuickBooks has it already (our key in its
        notes, or its name with the same email), else (False, the free name to add it under).
        One exchange for all: the names are looked up across customers, vendors, employees and
        other names. Raises ``RecordError`` (duplicate_name) when both forms are taken."""
        wanted = {c.key: self._candidates(c) for c in customers}
        every = sorted({name for pair in wanted.values() for name in pair})
        taken = {r.full_name.casefold(): r for response in self._ask(
            *lists.name_queries(self._rid("names"), every), record=record)
            for r in parse.list_records(response)}
        out: dict[str, tuple[bool, str]] = {}
        given: set[str] = set()  # names handed to an earlier customer of this batch
        for customer in customers:
            for name in wanted[customer.key]:
                other = taken.get(name.casefold())
                if other is None and name.casefold() not in given:
                    out[customer.key] = (False, name)
                    given.add(name.casefold())
                    break
                if other is None:
                    continue
                if other.kind == "Customer" and same_customer(other, customer):
                    self.mailbox.names.choose("customer", customer.key, other.full_name,
                                              other.list_id)
                    out[customer.key] = (True, self._active(other, "customer").full_name)
                    break
            else:
                limits.customer_name(customer.display_name, customer.key,
                                     set(taken) | given)  # raises duplicate_name
        return out

    def _add_customer(self, customer: LedgerCustomer, name: str, request_id: str,
                      record: str) -> str:
        [added] = self._ask(entities.customer_request(request_id, customer, name, self.books()),
                            record=record)
        created = parse.list_records(added)
        list_id = created[0].list_id if created else None
        self.mailbox.names.choose("customer", customer.key, name, list_id)
        return name

    def _item_exists(self, name: str, record: str) -> bool:
        return self._item_named(name, record) is not None

    def _item_named(self, name: str, record: str) -> parse.ListRecord | None:
        [found] = self._ask(lists.items_named(self._rid("item"), [name]), record=record)
        existing = parse.list_records(found)
        return existing[0] if existing else None

    def ensure_item(self, item: LedgerItem, policy: UnmappedSkuPolicy, standard_item: str,
                    request_id: str) -> str:
        """The QuickBooks item of the SKU: the name chosen for it before (kept for good, with its
        ListID), else the SKU's name (shortened past 31 characters); when QuickBooks has neither,
        the unmapped-SKU policy: flag it, post to the standard item, or create it."""
        names = self.mailbox.names
        chosen = names.get("item", item.key)
        name = chosen[0] if chosen is not None else limits.item_name(item.sku)
        record = f"SKU '{item.sku}'"
        existing = self._item_named(name, record)
        if existing is not None:
            names.choose("item", item.key, existing.full_name or name, existing.list_id)
            return self._active(existing, "item").full_name or name
        if policy == "standard_item" and standard_item:
            return standard_item
        if policy != "create_item":
            raise RecordError(RecordProblem(
                "unmapped_sku",
                f"SKU '{item.sku}' ({item.name}) is not in QuickBooks (no item named '{name}'): "
                "map it to an existing item or create it.",
                [Fix("map_sku", "Map it to an existing QuickBooks item"),
                 Fix("create_item", "Create it in QuickBooks")], detail=item.key))
        names.choose("item", item.key, name)  # kept before the add is sent
        [added] = self._ask(entities.item_request(request_id, item, name, self.books()),
                            record=record)
        created = parse.list_records(added)
        if created:
            names.choose("item", item.key, name, created[0].list_id)
        return name

    def resolve_name(self, kind: str, name: str) -> str:
        """QuickBooks Desktop references lists by full name: the name is the reference."""
        return name

    def ensure_line_item(self, kind: str, name: str, policy: UnmappedSkuPolicy,
                         request_id: str) -> str:
        """The item a gift-card / rounding / fee … line posts to; created on its account when
        ``policy`` is ``create_item``, else flagged saying what to create."""
        if self._item_exists(name, f"the item '{name}'"):
            return name
        if policy != "create_item":
            raise RecordError(RecordProblem(
                "missing_reference",
                f"QuickBooks has no item '{name}' for {kind.replace('_', ' ')} lines: create it "
                "(an Other Charge item) or let the app create items, then retry.",
                [Fix("create_item", f"Create '{name}' in QuickBooks"), Fix("retry", "Retry")],
                detail=name))
        books = self.books()
        books = dataclasses.replace(books, line_items={**books.line_items, kind: name})
        self._ask(entities.line_item_request(request_id, kind, books), record=f"the item '{name}'")
        return name


def same_customer(record: parse.ListRecord, customer: LedgerCustomer) -> bool:
    if f"ecom-ledger key: {customer.key}" in record.notes:
        return True
    return bool(customer.email) and record.email.casefold() == customer.email.casefold()

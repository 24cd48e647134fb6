"""``QbdLookups``: QuickBooks Desktop's customers and items found without writing anything, from
the company's copy (``company_copy``) and the names chosen before (``ledger_names``): what the
exact preview needs to say "matched" or "to be created" even between Web Connector updates
(``connectors.base.LookupLedger``), and when the lists it used were read (``AsOfLedger``).
"""

from __future__ import annotations

from ecom_ledger_desktop.connectors.freshness import ReadAsOf
from ecom_ledger_desktop.connectors.ledgers.qbd import limits
from ecom_ledger_desktop.connectors.ledgers.qbd.readback import NEXT_READ, READ_BY
from ecom_ledger_desktop.connectors.ledgers.qbd.references import QbdReferences
from ecom_ledger_desktop.core.errors import LedgerAway
from ecom_ledger_desktop.db.ledger_copy_repo import CopiedListEntry
from ecom_ledger_desktop.models.ledger import LedgerCustomer, LedgerItem

NOT_READ = ("QuickBooks Desktop's customers and items have not been read yet: the next Web "
            "Connector update reads them.")


class QbdLookups(QbdReferences):
    """Look-ups from the copy; the references' own methods still ask QuickBooks live."""

    def read_as_of(self) -> ReadAsOf | None:
        """When the last read-back or look-up answer was read (None: live)."""
        return self._readback.as_of

    def ask_fresh_read(self) -> None:
        """See ``AsOfLedger.ask_fresh_read``."""
        self._readback.ask_fresh_read()

    def _lists_read(self) -> None:
        """Raise ``LedgerAway`` (asking the next update for a read) if the lists never were."""
        copy = self.mailbox.copy
        status = copy.status() if copy is not None else None
        if copy is None or status is None or status.read_at is None:
            if copy is not None:
                copy.want()
            raise LedgerAway(NOT_READ)
        self._readback.as_of = ReadAsOf(status.read_at, READ_BY, NEXT_READ)

    def _listed(self, list_name: str, names: list[str], active_only: bool = False
                ) -> dict[str, CopiedListEntry]:
        """The copy's entries under ``names``; inactive ones too unless ``active_only`` (a run
        makes an entry an undo made inactive active again rather than adding it anew)."""
        assert self.mailbox.copy is not None
        return {entry.full_name.casefold(): entry
                for entry in self.mailbox.copy.named(list_name, names)
                if entry.active or not active_only}

    def match_customer(self, customer: LedgerCustomer) -> tuple[str, str] | None:
        """The customer's QuickBooks name and how it matched (our key in its notes, or its
        email), looked up under the name chosen before and the names it would be added under;
        None when it would be created (``RecordError`` duplicate_name when other customers hold
        both names it could be added under)."""
        self._lists_read()
        chosen = self.mailbox.names.get("customer", customer.key)
        names = [*([chosen[0]] if chosen else []), *self._candidates(customer)]
        found = self._listed("customer", names)
        for name in names:
            entry = found.get(name.casefold())
            if entry is None:
                continue
            again = "" if entry.active else " (inactive: made active again)"
            if f"ecom-ledger key: {customer.key}" in entry.notes:
                return entry.full_name, "our key in its notes" + again
            if customer.email and entry.email.casefold() == customer.email.casefold():
                return entry.full_name, "email" + again
        assert self.mailbox.copy is not None  # both names taken by others: flagged, as a run
        taken = [entry.full_name for entry in self.mailbox.copy.named("customer", names)]
        limits.customer_name(customer.display_name, customer.key, taken)
        return None

    def find_item(self, item: LedgerItem) -> str | None:
        """The item named as the SKU's item is named (the name chosen before, else the SKU
        shortened to QuickBooks' 31 characters; an inactive one is made active again by the
        run), or None."""
        self._lists_read()
        chosen = self.mailbox.names.get("item", item.key)
        name = chosen[0] if chosen is not None else limits.item_name(item.sku)
        entry = self._listed("item", [name]).get(name.casefold())
        return entry.full_name if entry is not None else None

    def _item_exists(self, name: str, record: str) -> bool:
        """Between updates an item the copy holds exists; anything else is asked live (so a
        run never flags a missing item from an old copy: it waits for the next update)."""
        copy = self.mailbox.copy
        if not self.mailbox.open and copy is not None and copy.status().read_at is not None \
                and self._listed("item", [name], active_only=True):
            return True
        return super()._item_exists(name, record)

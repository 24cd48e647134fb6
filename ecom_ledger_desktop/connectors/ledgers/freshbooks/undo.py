"""What an undo asks of FreshBooks: archive the clients and items it no longer needs, and say
which documents it would not take back cleanly.

Archived is FreshBooks' "inactive" (``vis_state`` 2, never deleted). Its default lists, and so
the client and item search that posting does, see only active records: ``Lookups`` therefore
looks among the archived ones before it creates a client or an item, and reactivates the one it
finds (a repost after an undo brings back the same client, never a second one).

A client is ours when its note carries the mark our posting wrote ("ecom-ledger customer …")
and it signed up (``signup_date``, UTC) at or after the undone postings; FreshBooks items carry
no creation time, so an item counts as ours when it has not been changed (``updated``, naive
US/Eastern) since before those postings. Either is kept, and said why, while a live invoice or
credit note uses it (invoice lines name their item: matched by name).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ecom_ledger_desktop.connectors.base import PostedRef, RetireOutcome
from ecom_ledger_desktop.connectors.ledgers.freshbooks.client import FreshBooksClient
from ecom_ledger_desktop.connectors.ledgers.freshbooks.documents import SALE_PAYMENT
from ecom_ledger_desktop.connectors.ledgers.freshbooks.faults import FreshBooksFault
from ecom_ledger_desktop.connectors.ledgers.freshbooks.lookups import Lookups, norm
from ecom_ledger_desktop.core.money import to_decimal

ACTIVE, DELETED, ARCHIVED = 0, 1, 2
EASTERN = ZoneInfo("America/New_York")
OUR_CLIENT_MARK = "ecom-ledger customer"  # in the note of a client our posting created


def _when(value: Any, zone: ZoneInfo | None) -> datetime | None:
    """A FreshBooks stamp ("2026-12-07 10:31:58", naive: UTC when ``zone`` is None)."""
    try:
        naive = datetime.fromisoformat(str(value or "")[:19])
    except ValueError:
        return None
    return naive.replace(tzinfo=zone or UTC).astimezone(UTC)


def client_name(row: dict[str, Any]) -> str:
    """How FreshBooks shows a client: its organisation, else its person, else its email."""
    person = f"{row.get('fname') or ''} {row.get('lname') or ''}".strip()
    return str(row.get("organization") or person or row.get("email") or row.get("id"))


class FreshBooksUndo:
    """``RetiringLedger`` and ``UndoCheckingLedger`` for ``FreshBooksLedger``."""

    client: FreshBooksClient
    lookups: Lookups

    def retire(self, kind: str, ledger_id: str, created_since: datetime,
               request_id: str) -> RetireOutcome:
        """Archive the ``customer`` (client) or ``item`` if ours and unused (module docstring)."""
        resource = "clients" if kind == "customer" else "items"
        try:
            row = self.client.get(resource, ledger_id)
        except FreshBooksFault as fault:
            if fault.not_found:
                return RetireOutcome(True, f"{kind} {ledger_id} is no longer in FreshBooks")
            raise fault.about(f"the {kind} {ledger_id}") from None
        name = client_name(row) if kind == "customer" else str(row.get("name") or ledger_id)
        if int(row.get("vis_state") or 0) != ACTIVE:
            return RetireOutcome(True, f"{kind} {name} is archived")
        if not self._ours(kind, row, created_since):
            return RetireOutcome(False, f"{kind} {name} was in FreshBooks before the sync "
                                        "created its documents; it is kept")
        user = self._used_by(kind, row, created_since)
        if user:
            return RetireOutcome(False, f"{kind} {name} is kept: {user} uses it")
        self.client.update(resource, ledger_id, {"vis_state": ARCHIVED})
        cache = self.lookups.clients if kind == "customer" else self.lookups.items
        for key in [k for k, v in cache.items() if v == str(ledger_id)]:
            del cache[key]  # a later posting looks it up again, and reactivates it
        return RetireOutcome(True, f"{kind} {name} archived")

    @staticmethod
    def _ours(kind: str, row: dict[str, Any], since: datetime) -> bool:
        if kind == "customer":
            signed_up = _when(row.get("signup_date"), None)
            return OUR_CLIENT_MARK in str(row.get("note") or "") and signed_up is not None \
                and signed_up >= since
        changed = _when(row.get("updated"), EASTERN)
        return changed is not None and changed >= since

    def _used_by(self, kind: str, row: dict[str, Any], since: datetime) -> str:
        """A live invoice or credit note using the client or item ("" when none)."""
        if kind == "customer":
            for invoice in self.client.list("invoices", {"customerid": str(row["id"])}):
                return f"invoice {invoice.get('invoice_number') or invoice.get('id')}"
            for credit in self.client.list("credit_notes", {"clientid": str(row["id"])}):
                return f"credit note {credit.get('credit_number') or credit.get('id')}"
            return ""
        name = norm(str(row.get("name") or ""))
        day = since.astimezone(EASTERN).date().isoformat()
        for resource, number in (("invoices", "invoice_number"), ("credit_notes", "credit_number")):
            for doc in self.client.list(resource, {"updated_min": day}, lines=True):
                if any(norm(str(line.get("name") or "")) == name for line in doc.get("lines") or []):
                    label = "invoice" if resource == "invoices" else "credit note"
                    return f"{label} {doc.get(number) or doc.get('id')}"
        return ""

    def undo_obstacles(self, documents: list[tuple[PostedRef, str]]) -> dict[str, str]:
        """Invoices carrying a payment recorded in FreshBooks by hand (deleting the invoice would
        delete that payment too): ledger id -> why, in plain words."""
        found: dict[str, str] = {}
        for ref, kind in documents:
            if kind not in ("sales_receipt", "invoice") or not ref.ledger_id:
                continue
            ours = set(filter(None, str(ref.extra.get("payments") or "").split(",")))
            for pay in self.client.list("payments", {"invoiceid": ref.ledger_id}):
                note = str(pay.get("note") or "")
                if str(pay.get("id")) in ours or note.startswith(SALE_PAYMENT):
                    continue
                amount = to_decimal((pay.get("amount") or {}).get("amount") or "0")
                found[ref.ledger_id] = (
                    f"a payment of {amount} recorded in FreshBooks by hand (payment "
                    f"{pay.get('id')}, {pay.get('date') or 'no date'}) is on invoice "
                    f"{ref.doc_number or ref.ledger_id}; undoing would delete it too. Remove "
                    "or move that payment in FreshBooks first, or leave this order as it is.")
                break
        return found

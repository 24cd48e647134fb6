"""Customers and items in QuickBooks Desktop after an undo: made inactive when nothing else uses
them (``RetiringLedger``), and made active again when a later posting needs one.

QuickBooks Desktop never deletes a list entry that was used; an inactive one keeps its name, so
adding it again fails with 3100 ("name already in use"): a posting that finds its customer or
item inactive reactivates it instead (``set_active``). A query by full name returns inactive
entries too. Every Mod carries the current ``EditSequence``; a stale one (3200: changed in
QuickBooks meanwhile) is read again and the Mod retried once.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from ecom_ledger_desktop.connectors.base import RetireOutcome
from ecom_ledger_desktop.connectors.ledgers.qbd import errors
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import lists, parse, transactions
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.build import Request
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.list_mods import ITEM_MODS, active_mod
from ecom_ledger_desktop.core.errors import Fix, RecordError, RecordProblem

Ask = Callable[..., list[parse.Response]]
FORMS = ("SalesReceipt", "Invoice", "CreditMemo")
CHUNK = 100  # forms per iterator chunk when looking for the ones an item is on
PAYMENTS = ("ReceivePayment",)


def lookup(ask: Ask, kind: str, name: str, request_id: str) -> parse.ListRecord | None:
    """The customer (``kind`` "customer") or item named ``name``, active or not."""
    query = lists.customers_named(request_id, [name]) if kind == "customer" \
        else lists.items_named(request_id, [name])
    [found] = ask(query, record=f"the {kind} '{name}'")
    records = parse.list_records(found)
    return records[0] if records else None


def set_active(ask: Ask, kind: str, record: parse.ListRecord, active: bool,
               request_id: str) -> parse.ListRecord:
    """Make ``record`` active or inactive; its state after (a 3200 reads it again, once)."""
    label = f"the {kind} '{record.full_name}'"
    if record.kind != "Customer" and record.kind not in ITEM_MODS:
        raise RecordError(RecordProblem(
            "invalid_reference",
            f"{label.capitalize()} is inactive in QuickBooks and this app cannot change a "
            f"{record.kind} item: make it active in QuickBooks (Lists > Item List > Include "
            "inactive), then retry.", [Fix("retry", "Retry")], detail=record.full_name))
    current = record
    for attempt in (1, 2):
        if current.is_active == active:
            return current
        try:
            [changed] = ask(active_mod(current.kind, f"{request_id}-{attempt}", current.list_id,
                                       current.edit_sequence, active), record=label)
        except errors.StaleEditSequence:
            if attempt == 2:
                raise
            fresh = lookup(ask, kind, record.full_name, f"{request_id}-fresh")
            if fresh is None:
                raise
            current = fresh
            continue
        return parse.list_records(changed)[0]
    raise AssertionError("unreachable")  # pragma: no cover


def retire(ask: Ask, kind: str, name: str, created_since: datetime,
           request_id: str) -> RetireOutcome:
    """See ``RetiringLedger.retire``; ``name`` is the QuickBooks full name (our ledger id)."""
    record = lookup(ask, kind, name, f"{request_id}-find")
    if record is None:  # renamed or deleted there: nothing of ours to change
        return RetireOutcome(False, f"{kind} {name} is not in QuickBooks under that name "
                                    "(renamed or deleted there?); nothing was changed")
    if not record.is_active:
        return RetireOutcome(True, f"{kind} {name} is inactive")
    created = record.time_created
    if created is not None and created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    if created is None or created < created_since:
        return RetireOutcome(False, f"{kind} {name} was in QuickBooks before the sync created "
                                    "its documents; it is kept")
    user = used_by(ask, kind, record.full_name, created, f"{request_id}-used")
    if user:
        return RetireOutcome(False, f"{kind} {name} is kept: {user} uses it")
    set_active(ask, kind, record, False, request_id)
    return RetireOutcome(True, f"{kind} {name} made inactive")


def stamp(moment: datetime) -> str:
    """A ``DATETIMETYPE`` in UTC, to the second."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def used_by(ask: Ask, kind: str, name: str, since: datetime, request_id: str) -> str:
    """A live (not voided) transaction changed since ``since`` that names the customer or item
    ("" when none). A customer's: one message set, a query per transaction type filtered to it.
    An item's: the sales forms with their lines (no qbXML form query filters by item), read with
    an iterator ``CHUNK`` forms at a time, stopping at the first that uses it."""
    changed = transactions.ModifiedDateRangeFilter(from_modified_date=stamp(since))
    record = f"what uses the {kind} '{name}'"
    if kind == "customer":
        requests: list[Request] = [
            transactions.txn_query(txn, f"{request_id}-{txn}", transactions.TxnQuery(
                modified_date_range_filter=changed,
                entity_filter=transactions.EntityFilter(full_name=name)))
            for txn in (*FORMS, *PAYMENTS)]
        return _first_user(ask(*requests, record=record), kind, name)
    for txn in FORMS:
        iterator_id: str | None = None
        for page in itertools.count(1):
            query = transactions.TxnQuery(max_returned=CHUNK) if iterator_id else \
                transactions.TxnQuery(max_returned=CHUNK, modified_date_range_filter=changed,
                                      include_line_items=True)
            [chunk] = ask(transactions.txn_query(
                txn, f"{request_id}-{txn}-{page}", query,
                iterator="Continue" if iterator_id else "Start", iterator_id=iterator_id),
                record=record)
            user = _first_user([chunk], kind, name)
            if user or not chunk.iterator_remaining or not chunk.iterator_id:
                if user and chunk.iterator_remaining and chunk.iterator_id:
                    ask(transactions.txn_query(txn, f"{request_id}-{txn}-stop",
                                               transactions.TxnQuery(), iterator="Stop",
                                               iterator_id=chunk.iterator_id), record=record)
                if user:
                    return user
                break
            iterator_id = chunk.iterator_id
    return ""


def _first_user(responses: Sequence[parse.Response], kind: str, name: str) -> str:
    folded = name.casefold()
    for response in responses:
        for record in parse.txn_records(response):
            if record.voided:
                continue
            if kind == "customer" or any(item.casefold() == folded for item, _ in record.lines):
                return f"{_words(record.kind)} {record.ref_number or record.txn_id}"
    return ""


def _words(kind: str) -> str:
    return {"SalesReceipt": "sales receipt", "Invoice": "invoice", "CreditMemo": "credit memo",
            "ReceivePayment": "payment"}.get(kind, kind)

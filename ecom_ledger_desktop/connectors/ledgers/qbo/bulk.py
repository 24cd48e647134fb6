"""Batch operations for large runs: up to 30 creates in one QuickBooks batch request.

Batch items are independent (no item sees another's creation) and are answered by ``bId``, not in
order. A batch carries one request id, derived by the engine from the postings it holds, so a lost
answer is replayed rather than applied twice; each document still carries its own posting key in
its PrivateNote, so ``find_posted`` recognises it after a crash.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ecom_ledger_desktop.connectors.base import PostedRef, PostedWithProblem, Resolution
from ecom_ledger_desktop.connectors.ledgers.qbo import mapping
from ecom_ledger_desktop.connectors.ledgers.qbo.client import BATCH_MAX_ITEMS
from ecom_ledger_desktop.core.errors import RecordError, RecordProblem
from ecom_ledger_desktop.models.ledger import LedgerCustomer, SalesDocument

if TYPE_CHECKING:
    from ecom_ledger_desktop.connectors.ledgers.qbo.ledger import QboLedger

BatchOutcome = PostedRef | RecordError


def _bid(index: int) -> str:
    return f"b{index}"


def create_customers(ledger: QboLedger, customers: list[LedgerCustomer], request_id: str
                     ) -> dict[str, str | RecordProblem]:
    """Create customers not found in the company; key -> new Id, or the reason it failed."""
    if len(customers) > BATCH_MAX_ITEMS:
        raise ValueError(f"at most {BATCH_MAX_ITEMS} customers per batch")
    lookups = ledger.lookups
    items = []
    for index, customer in enumerate(customers):
        body = mapping.customer_body(customer, lookups.display_name(customer),
                                     lookups.home_currency)
        items.append({"bId": _bid(index), "operation": "create", "Customer": body})
    results = ledger.client.batch(items, request_id)
    outcome: dict[str, str | RecordProblem] = {}
    for index, customer in enumerate(customers):
        result = results.get(_bid(index))
        if result is not None and result.body is not None and result.fault is None:
            lookups.remember_customer(customer, result.body)
            outcome[customer.key] = str(result.body["Id"])
        elif result is not None and result.fault is not None:
            name = lookups.display_name(customer)
            outcome[customer.key] = result.fault.about(f"customer '{name}'").problem
        else:
            outcome[customer.key] = RecordProblem(
                "ledger_rejected", "QuickBooks did not answer for this customer in a batch")
    return outcome


def create_documents(ledger: QboLedger,
                     documents: list[tuple[str, SalesDocument, Resolution]],
                     request_id: str) -> dict[str, BatchOutcome]:
    """Create sales documents in one batch; posting key -> PostedRef, or the error to flag.

    A document the answer says nothing definite about has no entry: its posting stays
    ``sending`` and the engine looks it up by key before anything is sent again.
    """
    if len(documents) > BATCH_MAX_ITEMS:
        raise ValueError(f"at most {BATCH_MAX_ITEMS} documents per batch")
    items: list[dict[str, Any]] = []
    entities: dict[str, str] = {}
    outcome: dict[str, BatchOutcome] = {}
    for index, (key, document, resolution) in enumerate(documents):
        entity = mapping.ENTITY_OF_KIND[document.kind]
        entities[key] = entity
        try:
            body = ledger.document_body(document, resolution)
        except RecordError as error:
            outcome[key] = error
            continue
        items.append({"bId": _bid(index), "operation": "create", entity: body})
    results = ledger.client.batch(items, request_id) if items else {}
    for index, (key, document, _resolution) in enumerate(documents):
        if key in outcome:
            continue
        result = results.get(_bid(index))
        entity = entities[key]
        if result is None:
            continue  # no answer for it: it may be posted, so it is looked up, never re-sent
        if result.fault is not None:
            outcome[key] = result.fault.about(f"{entity} {document.doc_number}",
                                              document.txn_date.isoformat())
        elif result.body is not None:
            try:
                outcome[key] = ledger.checked(result.body, entity, document)
            except PostedWithProblem as flagged:
                outcome[key] = flagged
    return outcome

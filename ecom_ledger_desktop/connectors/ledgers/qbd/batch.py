"""Batches for QuickBooks Desktop: many adds in one message set, one Web Connector exchange.

``continueOnError``: a request QuickBooks refuses does not stop the others. Each answer is read
by its ``requestID``: a document refused for itself comes back as its ``RecordError``; one
QuickBooks could not take for now (busy, not processed) is left out of the answer, so it stays
unconfirmed in the journal and is looked up by its key before it is sent again, one by one. A
lost answer leaves the whole batch unconfirmed: documents go out with a ``newMessageSetID`` and
are settled from QuickBooks' kept answer (``recovery``), else by their key (``find_posted``).
"""

from __future__ import annotations

import sys

from ecom_ledger_desktop.connectors.base import PostedRef, PostedWithProblem, Resolution
from ecom_ledger_desktop.connectors.ledgers.qbd import errors
from ecom_ledger_desktop.connectors.ledgers.qbd.ledger import LABEL, TXN_KIND, QbdLedger, posted_ref
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import documents as docs
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import entities, parse
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.build import Request, message_set
from ecom_ledger_desktop.core.errors import RecordError, RecordProblem, UncertainOutcome
from ecom_ledger_desktop.models.ledger import LedgerCustomer, SalesDocument


def create_customers(ledger: QbdLedger, customers: list[LedgerCustomer]
                     ) -> dict[str, str | RecordProblem]:
    """Add up to ``batch_size`` customers in one message set (``continueOnError``)."""
    out: dict[str, str | RecordProblem] = {}
    books = ledger.books()
    adds: list[tuple[LedgerCustomer, str, Request]] = []
    matched: dict[str, tuple[bool, str]] = {}
    try:
        matched = ledger.match(customers)
    except RecordError:  # one of them cannot be named: find which, the others go on
        for customer in customers:
            try:
                matched.update(ledger.match([customer]))
            except RecordError as error:
                out[customer.key] = error.problem
    for number, customer in enumerate(c for c in customers if c.key in matched):
        found, name = matched[customer.key]
        if found:
            out[customer.key] = name
            continue
        ledger.mailbox.names.choose("customer", customer.key, name)
        adds.append((customer, name, entities.customer_request(
            f"{number}", customer, name, books)))
    if not adds:
        return out
    answer = _send(ledger, [request for _, _, request in adds])
    for customer, name, request in adds:
        response = answer.get(request.request_id)
        if response is None:
            continue
        problem = errors.classify(response.status_code, response.severity,
                                  response.message, record=f"the customer '{name}'")
        if problem is None:
            created = parse.list_records(response)
            ledger.mailbox.names.choose("customer", customer.key, name,
                                        created[0].list_id if created else None)
            out[customer.key] = name
        elif isinstance(problem, RecordError):
            out[customer.key] = problem.problem
    return out

def create_documents(ledger: QbdLedger, documents: list[tuple[str, SalesDocument, Resolution]]
                     ) -> dict[str, PostedRef | RecordError]:
    """Add up to ``batch_size`` documents in one message set (``continueOnError``).

    A document refused for itself comes back as its ``RecordError``; one QuickBooks could
    not take for now (busy) is left out, so it stays unconfirmed and is looked up by its key
    before it is sent again, one by one.
    """
    out: dict[str, PostedRef | RecordError] = {}
    sent: list[tuple[str, SalesDocument, Request]] = []
    for number, (key, document, resolution) in enumerate(documents):
        try:
            mapped = ledger.books_for(document)
            request = docs.document_request(f"{number}", document, resolution.customer_id,
                                            mapped, ledger.item_names(resolution, mapped))
        except RecordError as error:
            out[key] = error
            continue
        sent.append((key, document, request))
    if not sent:
        return out
    request_ids = {key: request.request_id for key, _, request in sent}
    set_id = ledger.lost_batches.new_id(list(request_ids))
    ledger.lost_batches.sending(set_id, request_ids)
    try:
        answer = _send(ledger, [request for _, _, request in sent], set_id)
    except UncertainOutcome:
        raise  # QuickBooks may have run it: its kept answer settles it (``recovery``)
    finally:
        ledger.lost_batches.answered(request_ids, keep=sys.exc_info()[0] is UncertainOutcome)
    for key, document, request in sent:
        response = answer.get(request.request_id)
        if response is None:
            continue
        kind = TXN_KIND[document.kind]
        problem = errors.classify(response.status_code, response.severity,
                                  response.message,
                                  record=f"{LABEL[kind]} {document.doc_number}")
        if isinstance(problem, RecordError):
            out[key] = problem
        elif problem is None:
            [record] = parse.txn_records(response)
            posted = posted_ref(record, kind)
            mismatch = docs.check_posted(record, document)
            out[key] = PostedWithProblem(mismatch, posted) if mismatch else posted
    return out

def _send(ledger: QbdLedger, requests: list[Request], set_id: str | None = None
          ) -> dict[str, parse.Response]:
    """One message set that goes on past a refused request (kept by QuickBooks under
    ``set_id`` for error recovery); answers by requestID."""
    answer = parse.parse_response(ledger.mailbox.exchange(
        message_set(requests, on_error="continueOnError", new_message_set_id=set_id)))
    failure = errors.classify_message_set(answer.status_code)
    if failure is not None:
        raise failure
    return answer.by_request_id()

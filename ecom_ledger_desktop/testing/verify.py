"""Exactly-once verification shared by the crash trials and the fault soak.

It compares three things: what the store holds (orders and refunds), what the journal says was
posted, and what the ledger really holds. The comparison is ledger-neutral: a ledger or a store is
seen through a small *view* (``LedgerView`` / ``StoreView``) that lists its documents in the
engine's own vocabulary, so a QuickBooks Desktop or FreshBooks simulator only needs a view.

Counted, all of which must be zero:

- ``duplicates``: a record posted twice (two live documents with one number, two documents carrying
  one posting key, two payments with one note);
- ``lost``: a store order or refund the journal neither posted, flagged nor still holds (an
  unpaid order waiting for its payment by the rules is held on purpose, not lost);
- ``mismatches``: the journal and the ledger disagree (a document the journal says it posted is not
  in the ledger, a ledger document the journal does not know, a live document whose total is not
  the total the journal posted last);
- ``unfinished`` (only when asked for): postings still queued or sending for no stated reason;
- ``spurious_flags`` (only when genuine codes are given): open error-queue entries whose code is not
  a genuine per-record problem (a transient failure must never reach a person's queue).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from ecom_ledger_desktop.db.journal_repo import PostingRow
from ecom_ledger_desktop.db.state import State

KEY_IN_NOTE = re.compile(r"ecom-ledger key: (?P<key>\S+)")
#: a ledger whose notes the customer reads keeps only a short reference of the key (FreshBooks)
REF_IN_NOTE = re.compile(r"\b(?P<key>Ref\. EL-[A-Z2-7]{10})\b")
SALE_KINDS = ("sales_receipt", "invoice")
REFUND_KINDS = ("refund_receipt", "credit_memo")
ACCOUNTED_STATES = ("posted", "flagged", "queued", "sending")
# Codes of problems a person really has to look at. Anything else in the queue after a soak is a
# transient failure (an outage, a lost answer, a rejected token) that leaked into the error queue.
GENUINE_CODES = frozenset({
    "unmapped_sku", "duplicate_customer", "duplicate_sku", "duplicate_name", "invalid_data",
    "totals_mismatch", "total_mismatch", "mixed_tax_rates", "unmapped_tax_rate", "unknown_sku",
    "not_found", "closed_period", "inactive_reference", "invalid_reference", "unpaid_order",
    "waiting",  # a posting held up by a record a person must act on (sync/waiting.py)
})


@dataclass(frozen=True)
class LedgerDocument:
    """One document as the ledger holds it, in the engine's vocabulary."""

    doc_kind: str  # sales_receipt | invoice | refund_receipt | credit_memo | payment
    ledger_id: str
    number: str = ""
    note: str = ""
    total: Decimal | None = None
    voided: bool = False

    @property
    def family(self) -> str:
        """sale / refund / payment: documents whose numbers must not repeat."""
        if self.doc_kind in SALE_KINDS:
            return "sale"
        if self.doc_kind in REFUND_KINDS:
            return "refund"
        return self.doc_kind

    @property
    def posting_key(self) -> str | None:
        """The journal key the engine wrote into the note, if any."""
        match = KEY_IN_NOTE.search(self.note) or REF_IN_NOTE.search(self.note)
        return match.group("key") if match else None


@dataclass(frozen=True)
class StoreRecord:
    """An order or refund as the store holds it."""

    record_kind: str  # order | refund
    source_id: str
    number: str
    created: date | None
    canceled: bool = False
    order_source_id: str | None = None  # refunds: their order


class LedgerView(Protocol):
    """Lists every sales, refund and payment document a ledger holds (voided ones included)."""

    def documents(self) -> list[LedgerDocument]:
        """Every document, voided ones included."""
        ...


class StoreView(Protocol):
    """Lists every order and refund a store holds."""

    def records(self) -> list[StoreRecord]:
        """Every order and refund."""
        ...


@dataclass
class Verification:
    """What the verification found; see the module docstring."""

    orders: int = 0
    refunds: int = 0
    posted_documents: int = 0
    flagged_records: int = 0
    flagged_orders: int = 0
    duplicates: int = 0
    lost: int = 0
    mismatches: int = 0
    unfinished: int = 0
    spurious_flags: int = 0
    open_codes: Counter[str] = field(default_factory=Counter)
    flagged: set[tuple[str, str]] = field(default_factory=set)  # (record_kind, source_id)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Nothing duplicated, lost, disagreeing, left unfinished or wrongly flagged."""
        return not (self.duplicates or self.lost or self.mismatches or self.unfinished
                    or self.spurious_flags)

    def problem(self, counter: str, text: str) -> None:
        """Count one finding under ``counter`` and keep its description."""
        setattr(self, counter, getattr(self, counter) + 1)
        self.problems.append(text)


def verify_exactly_once(db_path: Path, pair_id: int, ledger: LedgerView, store: StoreView,
                        start_date: date, *, require_finished: bool = False,
                        genuine_codes: Collection[str] | None = None) -> Verification:
    """Compare store, journal and ledger for one pair; see the module docstring."""
    result = Verification()
    state = State(db_path)
    try:
        postings = state.journal.all(pair_id)
        open_errors = state.errors.entries(pair_id, "open")
        # unpaid orders of a "post when paid" method are held on purpose until the money comes
        waiting = {("order", str(row["source_id"])) for row in state.conn.execute(
            "SELECT source_id FROM store_records WHERE pair_id = ? AND record_kind = 'order' "
            "AND revision LIKE 'awaiting_payment:%'", (pair_id,))}
    finally:
        state.close()
    documents = ledger.documents()
    result.posted_documents = sum(1 for d in documents if not d.voided)
    result.flagged = {(e.record_kind, e.source_id) for e in open_errors}
    result.flagged_records = len(result.flagged)
    result.flagged_orders = sum(1 for kind, _ in result.flagged if kind == "order")
    result.open_codes = Counter(e.code for e in open_errors)
    _duplicates(result, documents)
    _journal_vs_ledger(result, postings, documents)
    _lost(result, postings, store.records(), start_date, waiting)
    if require_finished:
        for row in postings:
            if row.state in ("queued", "sending") and not row.last_error.startswith("waiting for"):
                result.problem("unfinished", f"posting {row.posting_key} is still {row.state} "
                                             f"({row.last_error or 'never sent'})")
    if genuine_codes is not None:
        for entry in open_errors:
            if entry.code not in genuine_codes:
                result.problem("spurious_flags", f"error-queue entry #{entry.id} for "
                               f"{entry.record_kind} {entry.record_ref} is '{entry.code}', not a "
                               f"per-record problem: {entry.message}")
    return result


def _duplicates(result: Verification, documents: list[LedgerDocument]) -> None:
    live_numbers = Counter((d.family, d.number) for d in documents
                           if not d.voided and d.family != "payment" and d.number)
    for (family, number), count in live_numbers.items():
        if count > 1:
            result.duplicates += count - 1
            result.problems.append(f"{family} document {number} is live {count} times in the "
                                   "ledger")
    notes = Counter(d.note for d in documents if d.family == "payment" and d.note)
    for note, count in notes.items():
        if count > 1:
            result.duplicates += count - 1
            result.problems.append(f"payment '{note}' exists {count} times")
    keys = Counter(d.posting_key for d in documents
                   if d.posting_key and d.family != "payment")
    for key, count in keys.items():
        if count > 1:
            result.duplicates += count - 1
            result.problems.append(f"posting {key} reached the ledger {count} times")


def _journal_vs_ledger(result: Verification, postings: list[PostingRow],
                       documents: list[LedgerDocument]) -> None:
    by_id = {(d.family, d.ledger_id): d for d in documents}
    journaled: dict[tuple[str, str], list[PostingRow]] = defaultdict(list)
    for row in postings:
        if row.state == "posted" and row.ledger_id:
            family = LedgerDocument(row.doc_kind, row.ledger_id).family
            journaled[(family, row.ledger_id)].append(row)
    created = {ref for ref, rows in journaled.items()
               if any(r.op in ("create", "payment") for r in rows)}
    for family, ledger_id in sorted(created - set(by_id)):
        result.problem("mismatches", f"the journal says {family} document {ledger_id} was "
                                     "posted; the ledger has no such document")
    for family, ledger_id in sorted(set(by_id) - created):
        result.problem("mismatches", f"ledger {family} document {ledger_id} "
                                     f"({by_id[(family, ledger_id)].number}) is not in the "
                                     "journal as posted")
    for ref in sorted(created & set(by_id)):
        document = by_id[ref]
        last = [r for r in journaled[ref] if r.op in ("create", "update", "payment")]
        if document.voided or document.total is None or not last:
            continue
        if (last[-1].record_kind, last[-1].source_id) in result.flagged:
            continue  # e.g. a total the ledger recalculated: already waiting for a person
        expected = last[-1].amount  # journal order = the order the revisions were posted in
        if expected is not None and document.total != expected:
            result.problem("mismatches", f"{ref[0]} document {ref[1]} ({document.number}) totals "
                                         f"{document.total} in the ledger, the journal posted "
                                         f"{expected}")


def _lost(result: Verification, postings: list[PostingRow], records: Iterable[StoreRecord],
          start_date: date, waiting: set[tuple[str, str]]) -> None:
    accounted = {(p.record_kind, p.source_id) for p in postings
                 if p.state in ACCOUNTED_STATES} | result.flagged | waiting
    records = list(records)
    canceled = {r.source_id for r in records if r.record_kind == "order" and r.canceled}
    for record in records:
        if record.created is not None and record.created < start_date:
            continue
        if record.record_kind == "order":
            if record.canceled:
                continue
            result.orders += 1
        else:
            if record.order_source_id in canceled:
                continue
            result.refunds += 1
        if (record.record_kind, record.source_id) not in accounted:
            result.problem("lost", f"{record.record_kind} {record.number} was neither posted "
                                   "nor flagged")


# -- views of the simulators ------------------------------------------------------------------

QBO_KIND_OF_ENTITY = {"SalesReceipt": "sales_receipt", "Invoice": "invoice",
                      "RefundReceipt": "refund_receipt", "CreditMemo": "credit_memo",
                      "Payment": "payment"}


class QboSimulatorView:
    """``LedgerView`` of the QuickBooks Online simulator (through its in-process accessor)."""

    def __init__(self, sim: Any) -> None:
        self.sim = sim

    def documents(self) -> list[LedgerDocument]:
        """Every sales receipt, invoice, refund receipt, credit memo and payment."""
        out = []
        for entity, kind in QBO_KIND_OF_ENTITY.items():
            for row in self.sim.entities(entity):
                note = str(row.get("PrivateNote") or "")
                total = row.get("TotalAmt")
                out.append(LedgerDocument(
                    doc_kind=kind, ledger_id=str(row["Id"]), number=str(row.get("DocNumber") or ""),
                    note=note, total=Decimal(str(total)) if total is not None else None,
                    voided=note.startswith("Voided")))
        return out


def record_date(value: Any) -> date | None:
    """The date part of a store timestamp ("2026-12-06 23:30:00"); None when there is none."""
    text = str(value or "")[:10]
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None

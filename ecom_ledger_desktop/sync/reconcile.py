"""Reconciliation to the cent: the store's figures per day, payment method and currency against
what the ledger holds now, read back from the ledger (never from our journal).

The store side is the latest revision of every order and refund we hold, as mapped for posting
(its lines give gross sales, discounts, shipping and tax); a cancelled order counts nothing. The
ledger side is every sales, refund and credit document the ledger holds in the period. A ledger
document is matched to its record by the ledger id our journal recorded, and counted in that
record's group, so each group's difference is explained by the records in it. Amounts are
never added across currencies: every line is one currency. A refund's pay-out read back (kind
``refund_payout``) counts nothing; one missing or voided is named (``GroupLine.agrees``).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta, timezone
from decimal import Decimal
from json import loads
from zoneinfo import ZoneInfo

from ecom_ledger_desktop.connectors.base import LedgerRecord, ReadBackLedger
from ecom_ledger_desktop.connectors.freshness import AsOfLedger, ReadAsOf
from ecom_ledger_desktop.core.errors import LedgerAway
from ecom_ledger_desktop.db.journal_repo import PostingRow
from ecom_ledger_desktop.models.ledger import SalesDocument
from ecom_ledger_desktop.models.rules import PostingRules
from ecom_ledger_desktop.sync import approval
from ecom_ledger_desktop.sync.context import PairContext
from ecom_ledger_desktop.sync.ingest import DEAD_STATES, SALE_OPS
from ecom_ledger_desktop.sync.reconcile_reasons import (
    CHANGED,
    DELETED,
    EDITED,
    FLAGGED,
    HAND_MADE,
    HELD,
    IGNORED,
    IN_NEXT_SUMMARY,
    MOVED,
    OFF_NET,
    PAYOUT_DELETED,
    PAYOUT_VOIDED,
    RECALCULATED,
    REPOSTABLE,
    ROUNDED,
    UNDONE_BY_YOU,
    UNREAD,
    UNVOIDED,
    VOID_WAITING,
    VOIDED,
    WAITING,
    payout_reasons,
    why,
)
from ecom_ledger_desktop.sync.refund_payout import PAYOUT_KIND
from ecom_ledger_desktop.sync.summary_journal import MEMBER_STATES, PENDING
from ecom_ledger_desktop.sync.undo_journal import is_undo
from ecom_ledger_desktop.sync.unpaid import UNPAID_CODE

__all__ = [  # the reasons live in ``reconcile_reasons``; importable from here too
    "CHANGED", "DELETED", "EDITED", "FLAGGED", "HAND_MADE", "HELD", "IGNORED", "IN_NEXT_SUMMARY", "MOVED",
    "PAYOUT_DELETED", "PAYOUT_VOIDED", "RECALCULATED", "REPOSTABLE", "ROUNDED", "UNDONE_BY_YOU", "UNREAD",
    "UNVOIDED", "VOIDED", "VOID_WAITING", "WAITING", "Figures", "Finding", "GroupKey", "GroupLine",
    "NotReadable", "Reconciliation", "as_of_words", "compare", "confirmed_totals", "reconcile",
]

ZERO = Decimal("0")
NO_METHOD = "(on account)"
REFUND_KINDS = ("refund_receipt", "credit_memo")
LATEST_ZONE = timezone(timedelta(hours=14))  # the first place on Earth where a day begins

class NotReadable(Exception):
    """The pair's ledger cannot be read back; the message says what the merchant can do."""


@dataclass
class Figures:
    """The store's figures for one group (refunds positive; net = sales - refunds)."""

    gross: Decimal = ZERO
    discounts: Decimal = ZERO
    shipping: Decimal = ZERO
    tax: Decimal = ZERO
    refunds: Decimal = ZERO
    net: Decimal = ZERO
    records: int = 0


@dataclass(frozen=True, order=True)
class GroupKey:
    """One store-local day, payment method and currency."""

    day: date
    method: str
    currency: str


@dataclass(frozen=True)
class Finding:
    """One record (or hand-made ledger document) behind a group's difference."""

    reason: str
    record_kind: str  # order | refund | ledger
    number: str
    source_id: str
    store_amount: Decimal
    ledger_amount: Decimal
    ledger_id: str = ""

    @property
    def difference(self) -> Decimal:
        """Ledger minus store, for this record."""
        return self.ledger_amount - self.store_amount

    @property
    def undone(self) -> bool:
        """The merchant undid it: out of the books on purpose until they post it again."""
        return self.reason.startswith(UNDONE_BY_YOU)

    @property
    def repostable(self) -> bool:
        """Re-posting it through the journal would put the ledger right."""
        return self.reason in REPOSTABLE


@dataclass
class GroupLine:
    """A group's store figures, the ledger's net and tax, and the records behind a difference."""

    key: GroupKey
    store: Figures = field(default_factory=Figures)
    ledger_net: Decimal = ZERO
    ledger_tax: Decimal = ZERO
    ledger_documents: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def difference(self) -> Decimal:
        """Ledger net minus store net, in the group's currency."""
        return self.ledger_net - self.store.net

    @property
    def agrees(self) -> bool:
        """To the cent, and no refund's money paid back is missing (that leaves the net alone
        but a credit open in receivables)."""
        return self.difference == 0 and not any(f.reason in OFF_NET for f in self.findings)


@dataclass
class Reconciliation:
    """The outcome for a period."""

    start: date
    end: date
    lines: list[GroupLine]
    ledger_calls: int = 0
    seconds: float = 0.0
    # store records flagged before they could be mapped (no day, no amount known): each may be
    # a sale missing from the books, whatever the figures say
    unplaced: list[Finding] = field(default_factory=list)
    # when the ledger's side was read, if not live just now (a ledger that calls in)
    as_of: ReadAsOf | None = None
    ledger_label: str = "the books"

    def read_note(self) -> str:
        """"QuickBooks Desktop as read at 14:02 on 7 Dec (the Web Connector's last update); the
        next update reads it again." ("" when the ledger was read just now)."""
        return as_of_words(self.ledger_label, self.as_of)

    def differences(self) -> dict[str, Decimal]:
        """Total difference per currency (never added across currencies)."""
        totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for line in self.lines:
            totals[line.key.currency] += line.difference
        return dict(totals)

    @property
    def reconciled(self) -> bool:
        """Every group agrees (``GroupLine.agrees``)."""
        return all(line.agrees for line in self.lines)

    @property
    def complete(self) -> bool:
        """Every store record we hold was read (none flagged before it could be posted)."""
        return not self.unplaced

    def differing(self) -> list[GroupLine]:
        """The groups that do not agree, oldest first."""
        return [line for line in self.lines if not line.agrees]

    @property
    def days(self) -> int:
        """Days covered."""
        return (self.end - self.start).days + 1


def reconcile(ctx: PairContext, days: int = 30, end: date | None = None,
              fresh: bool = False) -> Reconciliation:
    """Reconcile the last ``days`` days up to ``end`` (the store's today by default);
    ``fresh``: the merchant asked, so a ledger answering from an earlier read reads afresh at its
    next chance however recent that read (an automatic check takes a recent one)."""
    ledger = ctx.ledger
    if not isinstance(ledger, ReadBackLedger):
        raise NotReadable(f"{ctx.ledger_label} cannot be read back by this version, so its books "
                          "cannot be reconciled here; compare its sales report with the store's.")
    if fresh and isinstance(ledger, AsOfLedger):
        ledger.ask_fresh_read()
    end = end or _today(ctx)
    start = end - timedelta(days=max(1, days) - 1)
    began, calls_before = time.monotonic(), ledger.read_calls()
    try:
        held = ledger.documents_between(start, end)
    except LedgerAway as error:
        raise NotReadable(f"waiting for {ctx.ledger_label}: {error} Its books are read back "
                          "while it is connected; reconcile again then.") from None
    as_of = ledger.read_as_of() if isinstance(ledger, AsOfLedger) else None
    postings = ctx.state.journal.all(ctx.pair.id)
    lines = compare(postings, held, start, end, confirmed_totals(ctx), ctx.pair.rules,
                    {row.posting_key for row in approval.held_rows(ctx.state, ctx.pair)},
                    ctx.pair.name)
    return Reconciliation(start, end, lines, ledger.read_calls() - calls_before,
                          time.monotonic() - began, _unplaced(ctx, postings), as_of,
                          ctx.ledger_label)


def as_of_words(label: str, as_of: ReadAsOf | None) -> str:
    """When ``label``'s answers were read, in this computer's local time ("" when live)."""
    if as_of is None:
        return ""
    local = as_of.read_at.astimezone()
    return (f"{label} as read at {local:%H:%M} on {local.day} {local:%b} ({as_of.read_by}); "
            f"{as_of.next_read}.")


def confirmed_totals(ctx: PairContext) -> dict[str, Decimal]:
    """The total the ledger confirmed for each posted document, by posting key."""
    rows = ctx.state.conn.execute(
        "SELECT posting_key, ledger_total FROM postings WHERE pair_id = ? AND state = 'posted' "
        "AND ledger_total IS NOT NULL", (ctx.pair.id,)).fetchall()
    return {str(row["posting_key"]): Decimal(str(row["ledger_total"])) for row in rows}


def _unplaced(ctx: PairContext, postings: list[PostingRow]) -> list[Finding]:
    """Open error-queue entries of orders and refunds the journal never held (not unpaid ones:
    those wait for their money on purpose)."""
    journaled = {(p.record_kind, p.source_id) for p in postings}
    out: dict[tuple[str, str], Finding] = {}
    for entry in ctx.state.errors.entries(ctx.pair.id, "open"):
        key = (entry.record_kind, entry.source_id)
        if entry.record_kind in ("order", "refund") and key not in journaled \
                and entry.code != UNPAID_CODE and key not in out:
            out[key] = Finding(f"{UNREAD} ({entry.code})", entry.record_kind,
                               entry.record_ref or entry.source_id, entry.source_id, ZERO, ZERO)
    return sorted(out.values(), key=lambda f: (f.record_kind, f.number))


def _today(ctx: PairContext) -> date:
    """The store's today: in the pair's time zone rule, or, when it follows the store's own zone
    (which only each order carries), the latest date anywhere (UTC+14), so no local day that
    has begun is left out."""
    now = ctx.clock.now()
    if ctx.pair.rules.timezone:
        try:
            return now.astimezone(ZoneInfo(ctx.pair.rules.timezone)).date()
        except (KeyError, ValueError):
            pass
    return now.astimezone(LATEST_ZONE).date()


def compare(postings: list[PostingRow], held: list[LedgerRecord], start: date, end: date,
            confirmed: dict[str, Decimal] | None = None,
            rules: PostingRules | None = None,
            awaiting_approval: set[str] | None = None, pair_name: str = "") -> list[GroupLine]:
    """Group the journal's records and the ledger's documents; explain every difference.

    ``confirmed``: the totals the ledger answered when each document was posted (by posting
    key), which tell a total the ledger computed itself from one changed by hand later.
    Summary posting (``rules``): an order in a daily summary counts on the store's side in the
    summary's group; the summary document is the ledger's side of them all.
    ``awaiting_approval``: posting keys held for the merchant's approval (the pair holds).
    An order the merchant undid counts on the store's side, its ledger side nothing, until they
    post it again (``pair_name`` goes in the words saying how).
    """
    confirmed = confirmed or {}
    by_record: dict[tuple[str, str], list[PostingRow]] = defaultdict(list)
    for row in postings:
        by_record[(row.record_kind, row.source_id)].append(row)
    payouts = {doc.ledger_id: doc for doc in held if doc.kind == PAYOUT_KIND}  # by its credit
    pool = {(doc.kind, doc.ledger_id): doc for doc in held if doc.kind != PAYOUT_KIND}
    lines: dict[GroupKey, GroupLine] = {}
    for (record_kind, source_id), rows in by_record.items():
        docs = [p for p in rows if p.op in SALE_OPS and p.state != "superseded"]
        if not docs:
            continue
        latest = docs[-1]
        document = SalesDocument.model_validate(loads(latest.payload)["document"])
        if not start <= document.txn_date <= end:
            continue
        member = latest.state in MEMBER_STATES
        method = document.payment_method or NO_METHOD
        if member and rules is not None \
                and rules.mode_on(document.txn_date) != "daily_summary_by_method":
            method = NO_METHOD  # one summary for every method of the day
        key = GroupKey(document.txn_date, method, document.currency.upper())
        line = lines.setdefault(key, GroupLine(key))
        sign = -1 if document.kind in REFUND_KINDS else 1
        cancelled = any(p.op == "void" and p.state not in DEAD_STATES and p.id > latest.id
                        and not is_undo(p)  # an undo takes out, not cancels
                        and p.doc_kind != PAYOUT_KIND for p in rows)  # not its money paid back
        store_amount = ZERO if cancelled else sign * document.total
        if not cancelled and record_kind != "summary":  # a summary's orders count themselves
            _add_store(line.store, document)
        if member:  # its ledger side is its day's summary document
            if latest.state == PENDING and not cancelled:
                line.findings.append(Finding(IN_NEXT_SUMMARY, record_kind, latest.record_number,
                                             source_id, store_amount, ZERO))
            continue
        posted = [p for p in docs if p.state == "posted" and p.ledger_id]
        doc = _take(pool, posted[-1]) if posted else None
        ledger_amount = ZERO
        if doc is not None and not doc.voided and doc.txn_date != document.txn_date:
            _moved(lines, key, latest, doc, sign, store_amount)
            continue
        if doc is not None and not doc.voided:
            ledger_amount = sign * doc.total
            line.ledger_net += ledger_amount
            line.ledger_tax += sign * doc.tax
            line.ledger_documents += 1
            if not cancelled:  # its money paid back, if the ledger lost it (net unchanged)
                line.findings += [Finding(reason, record_kind, latest.record_number, source_id,
                                          payout.amount or ZERO, ZERO, payout.ledger_id or "")
                                  for reason, payout in payout_reasons(rows, payouts)]
        if ledger_amount != store_amount:
            last = posted[-1] if posted else None
            order = by_record.get(("order", latest.depends_on or "")) or [latest]
            reason = why(latest, last, doc, cancelled, rows,
                         confirmed.get(last.posting_key) if last else None, pair_name,
                         order[-1].record_number)
            if reason == WAITING and latest.posting_key in (awaiting_approval or ()):
                reason = HELD  # no run sends it before the merchant approves it
            line.findings.append(Finding(reason, record_kind, latest.record_number, source_id,
                                         store_amount, ledger_amount,
                                         doc.ledger_id if doc else ""))
    for doc in pool.values():  # in the ledger, not ours (or no longer ours)
        if doc.voided or not start <= doc.txn_date <= end:
            continue
        key = GroupKey(doc.txn_date, doc.payment_method or NO_METHOD, doc.currency.upper())
        line = lines.setdefault(key, GroupLine(key))
        amount = -doc.total if doc.refund else doc.total
        line.ledger_net += amount
        line.ledger_tax += -doc.tax if doc.refund else doc.tax
        line.ledger_documents += 1
        line.findings.append(Finding(HAND_MADE, "ledger", doc.number or doc.ledger_id, "",
                                     ZERO, amount, doc.ledger_id))
    return [lines[key] for key in sorted(lines)]


def _moved(lines: dict[GroupKey, GroupLine], key: GroupKey, latest: PostingRow,
           doc: LedgerRecord, sign: int, store_amount: Decimal) -> None:
    """A document redated by hand: it counts on the ledger's day, and both days say why."""
    amount = sign * doc.total
    line = lines[key]
    line.findings.append(Finding(MOVED, latest.record_kind, latest.record_number,
                                 latest.source_id, store_amount, ZERO, doc.ledger_id))
    other = lines.setdefault(GroupKey(doc.txn_date, key.method, key.currency),
                             GroupLine(GroupKey(doc.txn_date, key.method, key.currency)))
    other.ledger_net += amount
    other.ledger_tax += sign * doc.tax
    other.ledger_documents += 1
    other.findings.append(Finding(MOVED, latest.record_kind, latest.record_number,
                                  latest.source_id, ZERO, amount, doc.ledger_id))


def _take(pool: dict[tuple[str, str], LedgerRecord], posted: PostingRow) -> LedgerRecord | None:
    """The ledger document a posting landed as, by kind and id (or family and id)."""
    family = "refund" if posted.doc_kind in REFUND_KINDS else "sale"
    ledger_id = posted.ledger_id or ""
    return pool.pop((posted.doc_kind, ledger_id), None) or pool.pop((family, ledger_id), None)


def _add_store(figures: Figures, document: SalesDocument) -> None:
    figures.records += 1
    if document.kind in REFUND_KINDS:
        figures.refunds += document.total
        figures.net -= document.total
        return
    for doc_line in document.lines:
        if doc_line.kind in ("item", "gift_card"):
            figures.gross += doc_line.amount
        elif doc_line.kind == "discount":
            figures.discounts += -doc_line.amount
        elif doc_line.kind == "shipping":
            figures.shipping += doc_line.amount
        elif doc_line.kind == "tax":
            figures.tax += doc_line.amount
    if document.tax_treatment != "line_item":
        figures.tax += document.tax_total
    figures.net += document.total

"""Read QuickBooks Desktop's sales documents back by date, for the reconciliation.

Inside a Web Connector session the company is read live: the changes since the last read come
into the copy (``refresh.read_changes``, usually one exchange) and the answer is the copy. Between
sessions the answer is the copy as last read (``read_as_of`` says when). A fresh read is asked
of the next update (``CompanyCopy.want``, kept in the database, so a request from the command line
reaches the app's Web Connector service) when the merchant asks (``ask_fresh_read``) or the copy
is ``FRESH_FOR`` old: the dashboard checks the books after every sync, and an update for a copy
read minutes ago would bring QuickBooks up (it may start it in the background) for nothing.
Without a copy (no database at hand) the documents are read by ``TxnDateRangeFilter``, live
only. A refund receipt is posted as a credit memo, so a read-back credit memo is a ``refund``
(matched by its TxnID within the family). A deleted transaction is absent; a voided one is kept
with "VOID:" in its memo.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from ecom_ledger_desktop.connectors.base import LedgerRecord
from ecom_ledger_desktop.connectors.freshness import ReadAsOf
from ecom_ledger_desktop.connectors.ledgers.qbd.mailbox import Mailbox
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import parse, transactions
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.build import Request
from ecom_ledger_desktop.connectors.ledgers.qbd.refresh import KIND_OF_TXN, read_changes
from ecom_ledger_desktop.core.clock import Clock
from ecom_ledger_desktop.core.errors import LedgerAway, UncertainOutcome
from ecom_ledger_desktop.db.ledger_copy_repo import CopiedDocument

Ask = Callable[..., list[parse.Response]]
READ_BY = "the Web Connector's last update"
NEXT_READ = "the next update reads it again"
FRESH_FOR = timedelta(minutes=30)  # a copy younger than this is not read again just for a check
NEXT_READ_LATER = (f"it is read again at the next update with postings, or once it is "
                   f"{FRESH_FOR.seconds // 60} minutes old")


class QbdReadBack:
    """Counts its exchanges (Web Connector round trips)."""

    def __init__(self, ask: Ask, home_currency: Callable[[], str], mailbox: Mailbox,
                 clock: Clock) -> None:
        self._ask = ask
        self._home_currency = home_currency
        self._mailbox = mailbox
        self._clock = clock
        self.calls = 0
        self.as_of: ReadAsOf | None = None  # when the last answer was read, if not live

    def _counted(self, *requests: Request, record: str = "") -> list[parse.Response]:
        self.calls += 1
        return self._ask(*requests, record=record)

    def refresh(self, back_to: date | None = None) -> None:
        """Read what changed into the copy, live (an open session; ``LedgerAway`` otherwise);
        ``back_to``: also the days before the copy's oldest, back to that day."""
        copy = self._mailbox.copy
        if copy is None:
            return
        with self._mailbox.refresh_lock:
            started = self._clock.now()
            status = copy.status()
            wanted = [d for d in (back_to, status.wanted_from) if d is not None]
            changes = read_changes(self._counted, status, started.date(),
                                   self._home_currency(), min(wanted) if wanted else None)
            copy.apply(changes, started)

    def ask_fresh_read(self) -> None:
        """The merchant asked: the next update reads the company afresh, however recent the
        copy (``AsOfLedger``)."""
        if self._mailbox.copy is not None:
            self._mailbox.copy.want()

    def documents_between(self, start: date, end: date) -> list[LedgerRecord]:
        """Every sales receipt, invoice, credit memo and refund of a credit memo (``refund_payout``)
        dated ``start``..``end``."""
        copy = self._mailbox.copy
        if copy is None:
            return self._read_live(start, end)
        if self._mailbox.open:
            try:
                self.refresh(back_to=start)
            except (LedgerAway, UncertainOutcome):
                pass  # the session ended meanwhile: the copy answers, as between sessions
            else:
                self.as_of = None
                return [_record(d) for d in copy.documents_between(start, end)]
        status = copy.status()
        short = status.covered_from is None or start < status.covered_from
        stale = status.read_at is None or self._clock.now() - status.read_at >= FRESH_FOR
        if short or stale:
            copy.want(start if short else None)
            status = copy.status()
        if status.read_at is None:
            raise LedgerAway(f"{self._mailbox.away_reason()} QuickBooks Desktop has not been "
                             "read back yet: the next Web Connector update reads it.")
        if short:
            assert status.covered_from is not None
            raise LedgerAway(f"QuickBooks Desktop has been read back from "
                             f"{status.covered_from:%d %b %Y}; the next Web Connector update "
                             f"reads it back to {start:%d %b %Y}.")
        self.as_of = ReadAsOf(status.read_at, READ_BY,
                              NEXT_READ if status.wanted_at is not None else NEXT_READ_LATER)
        return [_record(d) for d in copy.documents_between(start, end)]

    def _read_live(self, start: date, end: date) -> list[LedgerRecord]:
        span = transactions.TxnDateRangeFilter(start, end)
        requests: list[Request] = [
            transactions.txn_query(kind, f"readback-{kind}", transactions.TxnQuery(
                txn_date_range_filter=span)) for kind in KIND_OF_TXN]
        answers = self._counted(*requests, record="the reconciliation's read-back")
        currency = self._home_currency()
        records: list[LedgerRecord] = []
        for kind, answer in zip(KIND_OF_TXN, answers, strict=True):
            for txn in parse.txn_records(answer):
                total = txn.total_amount if txn.total_amount is not None else Decimal("0")
                records.append(LedgerRecord(
                    kind=KIND_OF_TXN[kind], ledger_id=txn.txn_id,
                    txn_date=txn.txn_date or start, number=txn.ref_number,
                    customer=txn.customer, total=total,
                    tax=txn.sales_tax_total or Decimal("0"), currency=currency,
                    note=txn.memo, voided=txn.voided))
        self.as_of = None
        return records


def _record(doc: CopiedDocument) -> LedgerRecord:
    return LedgerRecord(kind=doc.kind, ledger_id=doc.ledger_id, txn_date=doc.txn_date,
                        number=doc.number, customer=doc.customer, total=doc.total, tax=doc.tax,
                        currency=doc.currency, note=doc.memo, voided=doc.voided)

"""Read what changed in the QuickBooks Desktop company into its copy, in as few Web Connector
exchanges as QuickBooks allows.

The first read takes the reconciliation window (``WINDOW_DAYS``; further back when asked) by
``TxnDateRangeFilter`` and the whole customer and item lists. Every later read is incremental,
QuickBooks' change data capture: the sales queries with ``ModifiedDateRangeFilter``, the list
queries with ``FromModifiedDate`` (``ActiveStatus`` All: a deactivation is a change), and
``TxnDeletedQuery``/``ListDeletedQuery`` for what was deleted by hand, all from the *high-water
mark*: the latest ``TimeModified``/``TimeDeleted`` QuickBooks has shown us, sent back as its
local wall-clock time without the offset (``wall_clock``: QuickBooks' offsets ignore daylight
saving), so no clock but QuickBooks' own is trusted. The filters
include both ends, so the records of that very second come again; keeping them is harmless.
Every query opens an iterator (``MaxReturned`` = ``PAGE``); the first exchange carries all of
them, each later one the next page of every iterator still open.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import changes, lists, parse, transactions
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.build import Request
from ecom_ledger_desktop.db.ledger_copy_repo import (
    CopiedDocument,
    CopiedListEntry,
    CopyChanges,
    CopyStatus,
)

WINDOW_DAYS = 90
PAGE = 500
#: QuickBooks' sales forms as the reconciliation names them (a credit memo is a refund), and the
#: refunds paying a credit memo back (``refund_payout``: not counted, checked to be there)
KIND_OF_TXN = {"SalesReceipt": "sales_receipt", "Invoice": "invoice", "CreditMemo": "refund",
               "ARRefundCreditCard": "refund_payout"}
LISTS = {"CustomerQueryRq": "customer", "ItemQueryRq": "item"}
Ask = Callable[..., list[parse.Response]]


def wall_clock(stamp: str) -> str:
    """QuickBooks' local date-time without its offset: the offset QuickBooks writes does not
    follow daylight saving (its wall-clock time does), and a date-time sent without an offset is
    read as the company computer's local time; so stamps are compared and sent back as this."""
    return stamp.strip()[:19]


class _Reading:
    """What the pages of one read bring, and the iterators still open."""

    def __init__(self, currency: str, today: date, high_water: str | None) -> None:
        self.currency, self.today, self.high_water = currency, today, high_water
        self.documents: dict[str, CopiedDocument] = {}
        self.entries: dict[str, CopiedListEntry] = {}
        self.deleted_documents: set[str] = set()
        self.deleted_entries: set[str] = set()
        self.next_pages: list[Request] = []

    def _seen(self, stamp: str) -> None:
        if stamp and (self.high_water is None
                      or wall_clock(stamp) > wall_clock(self.high_water)):
            self.high_water = stamp

    def take(self, response: parse.Response, sent: Request) -> None:
        """Keep one response's records; queue its iterator's next page."""
        tag = sent.tag
        if tag in ("TxnDeletedQueryRq", "ListDeletedQueryRq"):
            for gone in changes.deleted_records(response):
                self._seen(gone.time_deleted)
                target = self.deleted_documents if tag == "TxnDeletedQueryRq" else \
                    self.deleted_entries
                target.add(gone.ident)
        elif tag in LISTS:
            for record in parse.list_records(response):
                self._seen(record.time_modified)
                self.entries[record.list_id] = CopiedListEntry(
                    record.list_id, LISTS[tag], record.kind, record.name, record.full_name,
                    record.is_active, record.email, record.notes, record.part_number)
        else:
            kind = tag.removesuffix("QueryRq")
            for txn in parse.txn_records(response):
                self._seen(txn.time_modified)
                self.documents[txn.txn_id] = CopiedDocument(
                    txn.txn_id, KIND_OF_TXN[kind], txn.txn_date or self.today, txn.ref_number,
                    txn.customer, txn.total_amount if txn.total_amount is not None
                    else Decimal("0"), txn.sales_tax_total or Decimal("0"), self.currency,
                    txn.memo, txn.voided)
        if response.iterator_remaining and response.iterator_id:
            page = len(self.next_pages) + 1
            rid = f"{sent.request_id.split('~')[0]}~{page}"
            if tag in LISTS:
                self.next_pages.append(lists.iterate(tag, rid, PAGE, response.iterator_id))
            else:
                self.next_pages.append(transactions.txn_query(
                    tag.removesuffix("QueryRq"), rid, transactions.TxnQuery(max_returned=PAGE),
                    iterator="Continue", iterator_id=response.iterator_id))


def _txn_queries(prefix: str, query: transactions.TxnQuery) -> list[Request]:
    return [transactions.txn_query(kind, f"{prefix}-{kind}", query, iterator="Start")
            for kind in KIND_OF_TXN]


def first_requests(status: CopyStatus, today: date, back_to: date | None
                   ) -> tuple[list[Request], date | None]:
    """The requests of the read's first exchange, and the oldest day the copy will cover."""
    window_from = today - timedelta(days=WINDOW_DAYS)
    since = wall_clock(status.high_water) if status.high_water else None
    if since is None:  # the first read: the window, and the whole lists
        first = min(window_from, back_to) if back_to else window_from
        every = lists.ListQuery(active_status="All")
        return [*_txn_queries("copy", transactions.TxnQuery(
                    max_returned=PAGE,
                    txn_date_range_filter=transactions.TxnDateRangeFilter(first))),
                *(lists.iterate(tag, f"copy-{name}", PAGE, query=every)
                  for tag, name in LISTS.items())], first
    changed = lists.ListQuery(active_status="All", from_modified_date=since)
    requests = [
        *_txn_queries("copy", transactions.TxnQuery(
            max_returned=PAGE,
            modified_date_range_filter=transactions.ModifiedDateRangeFilter(since))),
        *(lists.iterate(tag, f"copy-{name}", PAGE, query=changed) for tag, name in LISTS.items()),
        changes.txn_deleted_query("copy-deleted-txns", list(KIND_OF_TXN), since),
        changes.list_deleted_query("copy-deleted-lists", ["Customer", *changes.ITEM_DEL_TYPES],
                                   since)]
    covered: date | None = status.covered_from
    if back_to is not None and (covered is None or back_to < covered):
        until = covered - timedelta(days=1) if covered else None
        requests += _txn_queries("copy-back", transactions.TxnQuery(
            max_returned=PAGE,
            txn_date_range_filter=transactions.TxnDateRangeFilter(back_to, until)))
        covered = back_to
    return requests, covered


def read_changes(ask: Ask, status: CopyStatus, today: date, currency: str,
                 back_to: date | None = None) -> CopyChanges:
    """Everything that changed since the copy's high-water mark (or the first read)."""
    requests, covered = first_requests(status, today, back_to)
    reading = _Reading(currency, today, status.high_water)
    while requests:
        answers = ask(*requests, record="the read-back of QuickBooks Desktop")
        reading.next_pages = []
        for sent, answer in zip(requests, answers, strict=True):
            reading.take(answer, sent)
        requests = reading.next_pages
    return CopyChanges(list(reading.documents.values()), sorted(reading.deleted_documents),
                       list(reading.entries.values()), sorted(reading.deleted_entries),
                       reading.high_water, covered)

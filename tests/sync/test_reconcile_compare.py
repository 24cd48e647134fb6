"""The reconciliation's comparison, from journal rows and read-back documents (no network): each
cent of a day's difference is put on the record that explains it, and two currencies never mix."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from json import dumps

from ecom_ledger_desktop.connectors.base import LedgerRecord, ReadBackLedger
from ecom_ledger_desktop.connectors.ledgers.freshbooks.ledger import FreshBooksLedger
from ecom_ledger_desktop.connectors.ledgers.qbd.ledger import QbdLedger
from ecom_ledger_desktop.connectors.ledgers.qbo.ledger import QboLedger
from ecom_ledger_desktop.db.journal_repo import PostingRow
from ecom_ledger_desktop.sync.reconcile import (
    CHANGED,
    EDITED,
    FLAGGED,
    HAND_MADE,
    RECALCULATED,
    ROUNDED,
    UNVOIDED,
    VOID_WAITING,
    VOIDED,
    WAITING,
    compare,
)

DAY = date(2026, 11, 20)
_ids = iter(range(1, 1000))


def row(source: str, state: str, total: str, *, op: str = "create", ledger_id: str | None = None,
        posted: str | None = None, kind: str = "sales_receipt", record_kind: str = "order",
        currency: str = "USD", method: str | None = "Visa") -> PostingRow:
    document = {"kind": kind, "doc_number": source, "txn_date": DAY.isoformat(),
                "customer_key": "c", "currency": currency, "total": total,
                "payment_method": method, "tax_total": "1.00",
                "lines": [{"kind": "item", "item": {"item_key": "sku:A"}, "amount": "10.00"},
                          {"kind": "shipping", "item": {"ledger_name": "Shipping"},
                           "amount": "2.00"},
                          {"kind": "discount", "item": {"ledger_name": "Discount"},
                           "amount": "-1.00"}]}
    return PostingRow(id=next(_ids), pair_id=1, posting_key=f"k-{source}-{next(_ids)}", op=op,
                      doc_kind=kind, record_kind=record_kind, source_id=source,
                      record_number=source, revision="1",
                      payload=dumps({"document": document}), target_key=None, depends_on=None,
                      state=state, request_id="r", amount=Decimal(posted or total),
                      ledger_id=ledger_id, ledger_doc_number=None, ledger_sync_token=None,
                      attempts=0, last_error="", writeback_done=False)


def doc(ledger_id: str, total: str, *, kind: str = "sales_receipt", voided: bool = False,
        currency: str = "USD") -> LedgerRecord:
    return LedgerRecord(kind=kind, ledger_id=ledger_id, txn_date=DAY, number=ledger_id,
                        total=Decimal(total), currency=currency, payment_method="Visa",
                        voided=voided)


def test_every_cent_of_a_difference_is_put_on_the_record_that_explains_it() -> None:
    postings = [
        row("ok", "posted", "12.00", ledger_id="1"),
        row("flagged", "flagged", "20.00"),
        row("queued", "queued", "30.00"),
        row("edited", "posted", "40.00", ledger_id="4"),
        row("edited", "flagged", "45.00", op="update"),
        row("voided", "posted", "50.00", ledger_id="5"),
        row("cent", "posted", "60.00", ledger_id="6"),
    ]
    held = [doc("1", "12.00"), doc("4", "40.00"), doc("5", "0", voided=True),
            doc("6", "60.01"), doc("99", "7.00")]

    lines = compare(postings, held, DAY, DAY)

    [line] = lines
    reasons = {f.number: f.reason for f in line.findings}
    assert reasons == {"flagged": FLAGGED, "queued": WAITING, "edited": FLAGGED,
                       "voided": VOIDED, "cent": ROUNDED, "99": HAND_MADE}
    assert sum((f.difference for f in line.findings), Decimal(0)) == line.difference
    assert line.store.records == 6 and line.store.gross == Decimal("60.00")
    assert line.store.shipping == Decimal("12.00") and line.store.discounts == Decimal("6.00")
    assert line.store.tax == Decimal("6.00")


def test_an_edit_waiting_to_be_posted_is_named_and_currencies_stay_apart() -> None:
    postings = [row("eur", "posted", "10.00", ledger_id="1", currency="EUR"),
                row("eur", "queued", "11.00", op="update", currency="EUR"),
                row("usd", "posted", "10.00", ledger_id="2")]
    lines = compare(postings, [doc("1", "10.00", currency="EUR"), doc("2", "10.00")], DAY, DAY)
    by_currency = {line.key.currency: line for line in lines}
    assert set(by_currency) == {"EUR", "USD"}
    assert by_currency["USD"].difference == 0
    [finding] = by_currency["EUR"].findings
    assert finding.reason == EDITED and finding.difference == Decimal("-1.00")


def test_a_refund_counts_against_the_day_and_a_family_document_is_matched_by_id() -> None:
    postings = [row("s", "posted", "30.00", ledger_id="7"),
                row("r", "posted", "5.00", ledger_id="8", kind="refund_receipt",
                    record_kind="refund")]
    [line] = compare(postings, [doc("7", "30.00", kind="sale"), doc("8", "5.00", kind="refund")],
                     DAY, DAY)
    assert line.difference == 0 and line.findings == []
    assert line.store.refunds == Decimal("5.00") and line.store.net == Decimal("25.00")
    assert line.ledger_net == Decimal("25.00")


def test_every_ledger_can_be_read_back() -> None:
    for ledger in (QboLedger, FreshBooksLedger, QbdLedger):
        assert all(callable(getattr(ledger, name, None))
                   for name in ("documents_between", "read_calls")), ledger
    assert ReadBackLedger.__name__ == "ReadBackLedger"


def test_a_cancelled_order_voided_in_the_books_counts_nothing_on_either_side() -> None:
    sale = row("c", "posted", "40.00", ledger_id="3")
    void = row("c", "posted", "40.00", op="void")
    [line] = compare([sale, void], [doc("3", "0", voided=True)], DAY, DAY)
    assert line.findings == [] and line.difference == 0 and line.store.records == 0
    [line] = compare([sale, void], [doc("3", "40.00")], DAY, DAY)  # live again, by hand
    assert line.difference == Decimal("40.00") and line.findings[0].reason == UNVOIDED
    waiting = row("c", "queued", "40.00", op="void")
    [line] = compare([sale, waiting], [doc("3", "40.00")], DAY, DAY)
    assert line.findings[0].reason == VOID_WAITING and not line.findings[0].repostable


def test_a_total_the_ledger_computed_itself_is_told_from_one_changed_by_hand() -> None:
    sale = row("t", "posted", "50.00", ledger_id="9")
    [line] = compare([sale], [doc("9", "52.00")], DAY, DAY, {sale.posting_key: Decimal("52.00")})
    assert line.findings[0].reason == RECALCULATED and not line.findings[0].repostable
    [line] = compare([sale], [doc("9", "70.00")], DAY, DAY, {sale.posting_key: Decimal("52.00")})
    assert line.findings[0].reason == CHANGED and line.findings[0].repostable

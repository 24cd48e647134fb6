"""The copy of a QuickBooks Desktop company (SQLite, migration 7) read through qbXML against the
company simulator: the first read takes the window in one exchange, later reads bring only what
changed or was deleted (QuickBooks' own high-water mark, sent back as it wrote it), large reads
page with iterators in the fewest exchanges, and between updates the copy answers, says when it
was read and asks the next update for a fresh read."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from ecom_ledger_desktop.connectors.ledgers.qbd import refresh
from ecom_ledger_desktop.connectors.ledgers.qbd.company_copy import DbCompanyCopy
from ecom_ledger_desktop.connectors.ledgers.qbd.mailbox import Mailbox
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import documents as docs
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import parse
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.build import Request, message_set
from ecom_ledger_desktop.connectors.ledgers.qbd.readback import QbdReadBack
from ecom_ledger_desktop.core.clock import ManualClock
from ecom_ledger_desktop.core.errors import LedgerAway
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.sandbox.qbd import Company, QbdCompanySimulator, seed_company
from tests.support.qbd import BOOKS, CATALOGUE, sale, schema_path

START = datetime(2026, 12, 7, 22, 0, tzinfo=UTC)
TODAY = date(2026, 12, 7)


@dataclass
class Books:
    sim: QbdCompanySimulator
    clock: ManualClock
    copy: DbCompanyCopy
    mailbox: Mailbox
    reader: QbdReadBack
    answers: list[list[parse.Response]]

    def receipt(self, number: str, day: date = TODAY) -> parse.TxnRecord:
        request = docs.document_request(f"add-{number}", sale(number, txn_date=day),
                                        "Amy's Bird Sanctuary", BOOKS,
                                        lambda line: docs.default_item_name(line, BOOKS))
        [added] = parse.parse_response(self.sim.process(message_set([request]))).responses
        assert added.status_code == 0, added.message
        self.clock.advance(1)  # QuickBooks stamps to the second
        return parse.txn_records(added)[0]

    def read(self) -> None:
        self.mailbox.ticket = "session"  # a Web Connector session is open
        try:
            self.reader.refresh()
        finally:
            self.mailbox.ticket = None


@pytest.fixture
def books(tmp_path: Path, reference_dir: Path) -> Iterator[Books]:
    clock = ManualClock(START)
    company = seed_company(Company(now=clock.now), CATALOGUE)
    sim = QbdCompanySimulator(company, schema_path=schema_path(reference_dir))
    clock.advance(1)
    state = State(tmp_path / "ledger.sqlite3", clock)
    with state.tx():
        connection_id = state.connections.add_connection(ConnectionConfig(name="books",
                                                                           kind="qbd"))
    state.close()
    copy = DbCompanyCopy(tmp_path / "ledger.sqlite3", clock, connection_id)
    mailbox = Mailbox("books", copy=copy)
    answers: list[list[parse.Response]] = []

    def ask(*requests: Request, record: str = "") -> list[parse.Response]:
        by_id = parse.parse_response(sim.process(message_set(list(requests)))).by_request_id()
        answers.append([by_id[r.request_id] for r in requests])
        return answers[-1]

    yield Books(sim, clock, copy, mailbox, QbdReadBack(ask, lambda: "USD", mailbox, clock),
                answers)


def _ids(response: parse.Response) -> set[str]:
    return {ret.findtext("TxnID") or ret.findtext("ListID") or "" for ret in response.rets}


def test_the_first_read_takes_the_window_then_each_read_brings_only_what_changed(
        books: Books) -> None:
    old = books.receipt("1", TODAY - timedelta(days=120))  # outside the 90-day window
    r2, r3, r4 = books.receipt("2"), books.receipt("3"), books.receipt("4")
    books.read()
    assert books.reader.calls == 1, "the first read is one exchange"
    kept = {d.ledger_id for d in books.copy.documents_between(TODAY - timedelta(days=365), TODAY)}
    assert kept == {r2.txn_id, r3.txn_id, r4.txn_id} and old.txn_id not in kept
    status = books.copy.status()
    assert status.high_water == r4.time_modified  # QuickBooks' own stamp, as it wrote it
    assert status.covered_from == TODAY - timedelta(days=90)

    books.clock.advance(3600)  # by hand in QuickBooks: changed, deleted, added, deactivated
    company = books.sim.company
    record = company.get("SalesReceipt", r2.txn_id)
    assert record is not None
    record.data["TotalAmount"] = Decimal("99.00")
    company.touch(record)
    company.delete("SalesReceipt", r4.txn_id)
    jordan = company.named("Customer", "Jordan Rivera")
    assert jordan is not None
    jordan.data["IsActive"] = "false"
    company.touch(jordan)
    r5 = books.receipt("5")
    books.read()
    assert books.reader.calls == 2, "an incremental read is one exchange"
    sent = etree.fromstring(books.sim.received[-1].split("?>", 2)[-1].encode())
    assert not sent.findall(".//TxnDateRangeFilter")
    assert {e.text for e in sent.iter("FromModifiedDate", "FromDeletedDate")} == {
        r4.time_modified[:19]}  # QuickBooks' local time, without its unreliable offset
    receipts, invoices, memos, payouts, customers, items, deleted, deleted_lists = \
        books.answers[-1]  # payouts: refunds paying a credit memo back (ARRefundCreditCard)
    assert _ids(receipts) == {r2.txn_id, r5.txn_id}  # only what changed since
    assert not invoices.rets and not memos.rets and not payouts.rets and not deleted_lists.rets
    assert {ret.findtext("FullName") for ret in items.rets} == {"MB-1"}  # its stock moved
    assert _ids(customers) == {jordan.id}
    assert _ids(deleted) == {r4.txn_id}
    held = {d.ledger_id: d for d in books.copy.documents_between(TODAY, TODAY)}
    assert set(held) == {r2.txn_id, r3.txn_id, r5.txn_id}
    assert held[r2.txn_id].total == Decimal("99.00")
    [customer] = books.copy.named("customer", ["JORDAN RIVERA"])
    assert not customer.active


def test_a_large_read_pages_with_iterators_in_the_fewest_exchanges(
        books: Books, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(refresh, "PAGE", 2)
    made = [books.receipt(str(n)).txn_id for n in range(1, 6)]
    items = sum(1 for kind in books.sim.company.records if kind.startswith("Item")
                for _ in books.sim.company.all(kind))
    customers = len(list(books.sim.company.all("Customer")))
    books.read()
    floor = max(math.ceil(n / 2) for n in (len(made), items, customers))
    assert books.reader.calls == floor
    assert {d.ledger_id for d in books.copy.documents_between(TODAY, TODAY)} == set(made)
    assert len(books.copy.named("item", ["Shipping"])) == 1


def test_between_updates_the_copy_answers_says_when_and_asks_for_a_fresh_read(
        books: Books) -> None:
    with pytest.raises(LedgerAway, match="has not been read back yet"):
        books.reader.documents_between(TODAY, TODAY)
    assert books.copy.status().wanted_at is not None  # the next update comes for it
    r1 = books.receipt("1")
    books.read()
    read_at = books.clock.now()
    assert books.copy.status().wanted_at is None, "the read answered the request"
    books.clock.advance(600)
    [held] = books.reader.documents_between(TODAY, TODAY)
    assert held.ledger_id == r1.txn_id and held.total == Decimal("48.30")
    assert books.reader.as_of is not None and books.reader.as_of.read_at == read_at
    assert books.copy.status().wanted_at is None, "a copy 10 minutes old answers a check"
    books.clock.advance(25 * 60)
    books.reader.documents_between(TODAY, TODAY)
    assert books.copy.status().wanted_at == books.clock.now(), "35 minutes old: read again"

    before = TODAY - timedelta(days=100)
    with pytest.raises(LedgerAway, match="reads it back to"):
        books.reader.documents_between(before, TODAY)
    assert books.copy.status().wanted_from == before
    old = books.receipt("2", TODAY - timedelta(days=95))
    books.read()  # the missing days by date, the rest by what changed
    sent = etree.fromstring(books.sim.received[-1].split("?>", 2)[-1].encode())
    assert {e.text for e in sent.iter("ToTxnDate")} == {
        (TODAY - timedelta(days=91)).isoformat()}
    assert books.copy.status().covered_from == before
    assert old.txn_id in {d.ledger_id for d in books.reader.documents_between(before, TODAY)}


def test_customers_and_items_are_looked_up_in_the_copy_as_the_run_would_find_them(
        books: Books) -> None:
    from ecom_ledger_desktop.connectors.base import LookupLedger
    from ecom_ledger_desktop.connectors.ledgers.qbd import limits
    from ecom_ledger_desktop.connectors.ledgers.qbd.ledger import QbdLedger
    from ecom_ledger_desktop.core.errors import RecordError
    from ecom_ledger_desktop.models.ledger import LedgerCustomer, LedgerItem

    ledger = QbdLedger(books.mailbox, BOOKS, books.clock)
    assert isinstance(ledger, LookupLedger)
    pat = LedgerCustomer(key="email:pat@example.com", display_name="Pat Doe",
                         email="pat@example.com")
    with pytest.raises(LedgerAway, match="have not been read yet"):
        ledger.match_customer(pat)
    assert books.copy.status().wanted_at is not None
    company = books.sim.company
    for name, email, notes in (
            ("Pat Doe", "other@example.com", ""),
            (limits.customer_name("Pat Doe", pat.key, {"Pat Doe"}), "third@example.com", ""),
            ("Kim Lo", "", "ecom-ledger key: email:kim@example.com")):
        company.add("Customer", {"Name": name, "FullName": name, "IsActive": "true",
                                 "Email": email, "Notes": notes})
    bolt = company.named("ItemInventory", "WT-09")
    assert bolt is not None
    bolt.data["IsActive"] = "false"
    books.read()
    jordan = LedgerCustomer(key="email:jordan.rivera@example.com", display_name="jordan rivera",
                            email="Jordan.Rivera@example.com")
    assert ledger.match_customer(jordan) == ("Jordan Rivera", "email")
    kim = LedgerCustomer(key="email:kim@example.com", display_name="Kim Lo")
    assert ledger.match_customer(kim) == ("Kim Lo", "our key in its notes")
    kim_record = company.named("Customer", "Kim Lo")
    assert kim_record is not None
    kim_record.data["IsActive"] = "false"  # an undo made Kim inactive: the run reactivates
    company.touch(kim_record)
    books.clock.advance(60)
    books.read()
    assert ledger.match_customer(kim) == (
        "Kim Lo", "our key in its notes (inactive: made active again)")
    new = LedgerCustomer(key="email:new@example.com", display_name="New Buyer",
                         email="new@example.com")
    assert ledger.match_customer(new) is None
    with pytest.raises(RecordError) as both_taken:
        ledger.match_customer(pat)
    assert both_taken.value.problem.code == "duplicate_name"
    assert ledger.find_item(LedgerItem(key="sku:mb-1", sku="mb-1", name="Bag")) == "MB-1"
    # an inactive item is made active again by the run (not added anew): the preview says so
    assert ledger.find_item(LedgerItem(key="sku:WT-09", sku="WT-09", name="Bottle")) == "WT-09"
    assert ledger.find_item(LedgerItem(key="sku:NEW", sku="NEW", name="New")) is None
    books.mailbox.names.choose("item", "sku:NEW", "MB-1")  # a name chosen before is kept
    assert ledger.find_item(LedgerItem(key="sku:NEW", sku="NEW", name="New")) == "MB-1"
    as_of = ledger.read_as_of()
    assert as_of is not None and as_of.read_at == books.copy.status().read_at


def test_in_summer_time_a_change_just_after_the_last_read_is_still_found(
        books: Books) -> None:
    books.clock.set(datetime(2027, 7, 7, 21, 0, tzinfo=UTC))  # 14:00 summer time (PDT, -07:00)
    first = books.receipt("1", date(2027, 7, 7))
    assert first.time_modified == "2027-07-07T14:00:00-08:00", "QuickBooks' offset ignores DST"
    books.read()
    books.clock.advance(600)  # 14:10 PDT: before 15:00, which the stamp's offset would say
    record = books.sim.company.get("SalesReceipt", first.txn_id)
    assert record is not None
    record.data["TotalAmount"] = Decimal("1.00")
    books.sim.company.touch(record)
    books.read()
    [held] = books.copy.documents_between(date(2027, 7, 7), date(2027, 7, 7))
    assert held.total == Decimal("1.00")


def test_a_session_that_ends_during_a_live_read_leaves_the_copy_to_answer(
        books: Books, monkeypatch: pytest.MonkeyPatch) -> None:
    from ecom_ledger_desktop.core.errors import UncertainOutcome

    r1 = books.receipt("1")
    books.read()

    def ended(*requests: Request, record: str = "") -> list[parse.Response]:
        raise UncertainOutcome("The Web Connector session ended before QuickBooks' answer.")

    monkeypatch.setattr(books.reader, "_ask", ended)
    books.mailbox.ticket = "session"
    [held] = books.reader.documents_between(TODAY, TODAY)
    assert held.ledger_id == r1.txn_id
    assert books.reader.as_of is not None, "said to be from the last read, not live"

"""The company simulator's change data capture answers as QuickBooks Desktop does: modified-date
filters include both ends to the second, times are the company's local time with its offset
(a filter without an offset is read as local time), deleted records are listed by type and
deletion date, and a deactivated customer counts as modified."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import changes, lists, parse, transactions
from ecom_ledger_desktop.core.clock import ManualClock
from ecom_ledger_desktop.sandbox.qbd import Company, QbdCompanySimulator, seed_company
from tests.support.qbd import BOOKS, CATALOGUE, message_set, sale, schema_path

START = datetime(2026, 12, 7, 22, 0, 0, 250000, tzinfo=UTC)  # 14:00:00 in Los Angeles


def _company(reference_dir: Path) -> tuple[QbdCompanySimulator, ManualClock]:
    clock = ManualClock(START)
    company = seed_company(Company(now=clock.now, zone="America/Los_Angeles"), CATALOGUE)
    return QbdCompanySimulator(company, schema_path=schema_path(reference_dir)), clock


def _ask(sim: QbdCompanySimulator, *requests):  # type: ignore[no-untyped-def]
    return parse.parse_response(sim.process(message_set(*requests))).responses


def _receipt(sim: QbdCompanySimulator, number: str) -> parse.TxnRecord:
    from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import documents as docs

    request = docs.document_request(f"add-{number}", sale(number), "Amy's Bird Sanctuary",
                                    BOOKS, lambda line: docs.default_item_name(line, BOOKS))
    [added] = _ask(sim, request)
    assert added.status_code == 0, added.message
    return parse.txn_records(added)[0]


def _modified(since: str | None, until: str | None = None) -> transactions.TxnQuery:
    return transactions.TxnQuery(modified_date_range_filter=transactions.ModifiedDateRangeFilter(
        since, until))


def test_modified_filters_include_both_ends_to_the_second_in_the_company_local_time(
        reference_dir: Path) -> None:
    sim, clock = _company(reference_dir)
    first = _receipt(sim, "1")
    assert first.time_modified == "2026-12-07T14:00:00-08:00"  # local, offset, no fraction
    clock.advance(60)
    second = _receipt(sim, "2")
    [found] = _ask(sim, transactions.txn_query("SalesReceipt", "q", _modified(
        first.time_modified)))
    assert [r.txn_id for r in parse.txn_records(found)] == [first.txn_id, second.txn_id]
    [found] = _ask(sim, transactions.txn_query("SalesReceipt", "q", _modified(
        "2026-12-07T14:00:01", "2026-12-07T14:01:00")))  # no offset: the company's local time
    assert [r.txn_id for r in parse.txn_records(found)] == [second.txn_id]
    [found] = _ask(sim, transactions.txn_query("SalesReceipt", "q", _modified(
        "2026-12-07T22:01:01+00:00")))  # an offset is honoured
    assert found.status_code == 1 and not found.rets


def test_deleted_transactions_and_list_elements_are_listed_by_type_and_date(
        reference_dir: Path) -> None:
    sim, clock = _company(reference_dir)
    kept, gone, later = _receipt(sim, "1"), _receipt(sim, "2"), _receipt(sim, "3")
    customer = sim.company.named("Customer", "Jordan Rivera 2")
    assert customer is not None
    clock.advance(3600)
    sim.company.delete("SalesReceipt", gone.txn_id)
    sim.company.delete("Customer", customer.id)
    clock.advance(3600)
    sim.company.delete("SalesReceipt", later.txn_id)
    since, after, customers, none = _ask(
        sim, changes.txn_deleted_query("t", ["SalesReceipt", "Invoice"], "2026-12-07T15:00:00"),
        changes.txn_deleted_query("a", ["SalesReceipt"], "2026-12-07T15:00:01-08:00"),
        changes.list_deleted_query("l", ["Customer", *changes.ITEM_DEL_TYPES]),
        changes.txn_deleted_query("n", ["CreditMemo"]))
    first, second = changes.deleted_records(since)  # the start is included
    assert (first.kind, first.ident, first.label) == ("SalesReceipt", gone.txn_id, "2")
    assert first.time_deleted == "2026-12-07T15:00:00-08:00"
    assert second.ident == later.txn_id
    assert [d.ident for d in changes.deleted_records(after)] == [later.txn_id]
    [person] = changes.deleted_records(customers)
    assert (person.kind, person.label) == ("Customer", "Jordan Rivera 2")
    assert none.status_code == 1 and not none.rets
    assert sim.company.get("SalesReceipt", kept.txn_id) is not None


def test_a_list_query_from_a_modified_date_sees_a_deactivated_customer(
        reference_dir: Path) -> None:
    sim, clock = _company(reference_dir)
    clock.advance(600)
    amy = sim.company.named("Customer", "Amy's Bird Sanctuary")
    assert amy is not None
    amy.data["IsActive"] = "false"
    sim.company.touch(amy)
    since = "2026-12-07T14:10:00"
    active, every = _ask(
        sim, lists.list_query("CustomerQueryRq", "a", lists.ListQuery(from_modified_date=since)),
        lists.list_query("CustomerQueryRq", "e", lists.ListQuery(active_status="All",
                                                                 from_modified_date=since)))
    assert active.status_code == 1
    [record] = parse.list_records(every)
    assert record.full_name == "Amy's Bird Sanctuary" and not record.is_active


def test_in_summer_time_quickbooks_writes_the_wall_clock_with_the_standard_offset(
        reference_dir: Path) -> None:
    sim, clock = _company(reference_dir)
    clock.set(datetime(2027, 7, 7, 21, 0, tzinfo=UTC))  # 14:00 PDT
    receipt = _receipt(sim, "1")
    assert receipt.time_modified == "2027-07-07T14:00:00-08:00"
    [by_wall_clock, by_offset] = _ask(
        sim, transactions.txn_query("SalesReceipt", "w", _modified("2027-07-07T14:00:00")),
        transactions.txn_query("SalesReceipt", "o", _modified(receipt.time_modified)))
    assert len(by_wall_clock.rets) == 1  # read as the company's local time
    assert by_offset.status_code == 1, "its own stamp, offset and all, is an hour later"

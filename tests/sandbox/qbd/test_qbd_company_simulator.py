"""The QuickBooks Desktop company simulator answers our qbXML as QuickBooks does."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import build, entities, lists, parse, transactions
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import documents as docs
from ecom_ledger_desktop.models.ledger import LedgerPayment
from ecom_ledger_desktop.sandbox.qbd import QbxmlParseError
from tests.support.qbd import BOOKS, CUSTOMER, every_request, message_set, sale, simulator

D = Decimal


def _run(sim, *requests, **attrs):
    return parse.parse_response(sim.process(message_set(*requests, **attrs)))


def _add_customer(sim, name="Jane O'Doe & Sons"):
    (rs,) = _run(sim, entities.customer_request("c", CUSTOMER, name, BOOKS)).responses
    assert rs.status_code == 0, rs.message
    return parse.list_records(rs)[0]


def test_every_builder_round_trips_through_the_simulator(reference_dir) -> None:
    sim = simulator(reference_dir)
    answer = _run(sim, *every_request(), on_error="continueOnError")
    by_id = answer.by_request_id()
    assert set(by_id) == {r.request_id for r in every_request()}
    ok = {rid for rid, rs in by_id.items() if rs.ok}
    # the only failures are the ones the fixtures make on purpose: a made-up ListID / TxnID /
    # iterator, and the Mods of a customer and of documents that do not exist
    made_up = {f"active-{kind}" for kind in ("Customer", "ItemNonInventory", "ItemInventory",
                                             "ItemService", "ItemOtherCharge")} | {"inv-links"}
    assert set(by_id) - ok == {"cust-mod", "cust-mod2", "item-it2", "pay-add", "void",
                               "sr-mod", "inv-mod", "cm-mod", "inv-current", *made_up}
    assert {by_id[rid].status_code for rid in made_up} == {3120}
    assert {by_id[rid].status_code for rid in ("sr-mod", "inv-mod", "cm-mod")} == {3120}
    assert parse.list_records(by_id["gc-item"])[0].full_name == "eGift Card"
    assert by_id["item-it2"].status_code == 3391
    assert by_id["pay-add"].status_code == 3120
    receipt = parse.txn_records(by_id["sr-add"])[0]
    assert receipt.total_amount == D("48.30") and receipt.sales_tax_total == D("0.00")
    found = parse.txn_records(by_id["sr-q"])
    assert [r.txn_id for r in found] == [receipt.txn_id]
    assert by_id["st-add"].ok and parse.list_records(by_id["st-add"])[0].tax_rate == D("6.5")


def test_invalid_qbxml_is_refused_whole_with_the_parse_hresult(reference_dir) -> None:
    sim = simulator(reference_dir)
    good = message_set(lists.customers_named("1", ["Jordan Rivera"]))
    misordered = good.replace("<FullName>Jordan Rivera</FullName>",
                              "<FullName>Jordan Rivera</FullName><MaxReturned>1</MaxReturned>")
    for bad in (misordered, good.replace('<?qbxml version="13.0"?>', ""),
                good.replace("Jordan Rivera", "Jordan \u738b"), good.replace("</QBXML>", "")):
        with pytest.raises(QbxmlParseError) as raised:
            sim.process(bad)
        assert raised.value.hresult == "0x80040400"
        assert "parsing the provided XML" in str(raised.value)
    assert sim.processed == 0


def test_without_the_xsd_the_structure_of_known_adds_is_still_checked() -> None:
    sim = simulator()
    receipt = message_set(docs.document_request("1", sale(), "Jordan Rivera", BOOKS))
    swapped = receipt.replace("<TxnDate>2024-05-02</TxnDate>", "").replace(
        "</CustomerRef>", "</CustomerRef>", 1).replace("<Memo>", "<TxnDate>2024-05-02</TxnDate><Memo>")
    with pytest.raises(QbxmlParseError):
        sim.process(swapped)
    too_long = message_set(lists.customer_add("1", lists.CustomerAdd(name="x" * 41))).replace(
        "x" * 41, "x" * 42)
    with pytest.raises(QbxmlParseError):
        sim.process(too_long)
    assert _run(sim, docs.document_request("1", sale(), "Jordan Rivera", BOOKS)).responses[0].ok


def test_names_are_unique_across_customers_vendors_and_employees() -> None:
    sim = simulator()
    for taken in ("Acme Supplies", "sam taylor", "JORDAN RIVERA"):
        add = entities.customer_request("c", CUSTOMER, taken, BOOKS)
        (rs,) = _run(sim, add).responses
        assert rs.status_code == 3100, taken
        assert f'"{taken}"' in rs.message
    assert _run(sim, lists.customers_named("q", ["Jordan Rivera", "Jordan Rivera 2"])
                ).responses[0].ret_count == 2


def test_a_stale_edit_sequence_is_refused_and_the_current_one_works() -> None:
    sim = simulator()
    customer = _add_customer(sim)
    mod = lists.CustomerMod(list_id=customer.list_id, edit_sequence=customer.edit_sequence,
                            phone="555 0199")
    (first,) = _run(sim, lists.customer_mod("m1", mod)).responses
    assert first.ok
    (stale,) = _run(sim, lists.customer_mod("m2", mod)).responses
    assert stale.status_code == 3200 and customer.edit_sequence in stale.message
    fresh = parse.list_records(first)[0]
    assert fresh.edit_sequence != customer.edit_sequence
    again = lists.CustomerMod(list_id=fresh.list_id, edit_sequence=fresh.edit_sequence,
                              name="Jane Doe Ltd")
    assert _run(sim, lists.customer_mod("m3", again)).responses[0].ok


def test_references_that_point_nowhere_are_3140_and_nothing_is_saved() -> None:
    sim = simulator()
    document = sale()
    (rs,) = _run(sim, docs.document_request("1", document, "Nobody Known", BOOKS)).responses
    assert rs.status_code == 3140 and 'Customer "Nobody Known"' in rs.message
    document.lines[0].item = document.lines[0].item.model_copy(update={"item_key": "sku:NOPE"})
    (rs,) = _run(sim, docs.document_request("2", document, "Jordan Rivera", BOOKS)).responses
    assert rs.status_code == 3140 and 'Item "NOPE"' in rs.message
    assert sim.reports.documents() == []


def test_stop_on_error_skips_the_rest_and_continue_runs_it(reference_dir) -> None:
    sim = simulator(reference_dir)
    bad = docs.document_request("bad", sale(), "Nobody Known", BOOKS)
    good = docs.document_request("good", sale("2", key="ord-2"), "Jordan Rivera", BOOKS)
    stopped = _run(sim, bad, good).by_request_id()
    assert stopped["bad"].status_code == 3140
    assert stopped["good"].status_code == 3231 and stopped["good"].severity == "Error"
    assert sim.reports.documents() == []
    went_on = _run(sim, bad, good, on_error="continueOnError").by_request_id()
    assert went_on["good"].ok and len(sim.reports.documents()) == 1


def test_a_kept_message_set_is_answered_again_without_running_twice(reference_dir) -> None:
    sim = simulator(reference_dir)
    document = message_set(docs.document_request("1", sale(), "Jordan Rivera", BOOKS),
                           new_message_set_id="set-1")
    first = sim.process(document)
    assert sim.process(document) == first  # the Web Connector resent it: same answer
    assert len(sim.reports.documents()) == 1 and sim.reports.stock("MB-1") == D(8)
    status = message_set(docs.document_request("1", sale(), "Jordan Rivera", BOOKS),
                         new_message_set_id="set-1", old_message_set_id="set-1")
    assert sim.process(status) == first
    other = message_set(docs.document_request("1", sale("77"), "Jordan Rivera", BOOKS),
                        new_message_set_id="set-1")
    assert parse.parse_response(sim.process(other)).status_code == 9001
    unknown = message_set(lists.customers_named("q", ["x"]), new_message_set_id="set-9",
                          old_message_set_id="set-9")
    assert parse.parse_response(sim.process(unknown)).status_code == 9002
    forget = message_set(lists.customers_named("q", ["x"]), old_message_set_id="nothing")
    assert parse.parse_response(sim.process(forget)).status_code == 600
    assert len(sim.reports.documents()) == 1


def test_query_before_add_settles_an_answer_that_was_lost(reference_dir) -> None:
    """QuickBooks saved the receipt but its answer never reached us; the next session asks by
    RefNumber, finds our key in the memo and does not add it again."""
    sim = simulator(reference_dir)
    document = sale("100000042", key="ord-42")
    sim.process(message_set(docs.document_request("1", document, "Jordan Rivera", BOOKS)))
    # someone typed a receipt with the same number by hand: RefNumber alone would mislead
    typed = sale("100000042", key="hand-typed")
    typed.private_note = "phone order"
    sim.process(message_set(docs.document_request("2", typed, "Jordan Rivera", BOOKS)))
    (found,) = _run(sim, transactions.query_by_ref("SalesReceipt", "q", ["100000042"])).responses
    records = parse.txn_records(found)
    assert len(records) == 2  # QuickBooks does not keep RefNumbers unique
    (ours,) = docs.settle(records, "ord-42")
    assert ours.total_amount == D("48.30")
    (nothing,) = _run(sim, transactions.query_by_ref("SalesReceipt", "q", ["100000043"])
                      ).responses
    assert nothing.no_match and docs.settle(parse.txn_records(nothing), "ord-43") == []
    (across,) = _run(sim, transactions.transaction_query("t", ["100000042"])).responses
    assert len(docs.settle(parse.txn_records(across), "ord-42")) == 1


def test_an_iterator_walks_a_list_longer_than_max_returned(reference_dir) -> None:
    sim = simulator(reference_dir)
    for n in range(23):
        sim.process(message_set(lists.item_add("i", lists.ItemServiceAdd(name=f"SVC-{n:02}"))))
    total = len(list(sim.company.all(*("ItemService", "ItemNonInventory", "ItemOtherCharge",
                                       "ItemInventory", "ItemSalesTax", "ItemDiscount"))))
    seen: list[str] = []
    (rs,) = _run(sim, lists.iterate("ItemQueryRq", "p1", 10)).responses
    remaining = []
    while True:
        seen += [r.full_name for r in parse.list_records(rs)]
        remaining.append(rs.iterator_remaining)
        assert rs.ret_count is not None and rs.ret_count <= 10
        if rs.iterator_remaining == 0:
            break
        (rs,) = _run(sim, lists.iterate("ItemQueryRq", "pn", 10, rs.iterator_id)).responses
    assert len(seen) == total > 30 and len(set(seen)) == total
    assert remaining == sorted(remaining, reverse=True)
    (dead,) = _run(sim, lists.iterate("ItemQueryRq", "x", 10, rs.iterator_id)).responses
    assert dead.status_code == 3391


def test_iterators_die_with_the_web_connector_session() -> None:
    sim = simulator()
    (rs,) = _run(sim, lists.iterate("ItemQueryRq", "p1", 2)).responses
    assert rs.iterator_remaining and rs.iterator_id
    sim.end_session()
    (dead,) = _run(sim, lists.iterate("ItemQueryRq", "p2", 2, rs.iterator_id)).responses
    assert dead.status_code == 3391 and rs.iterator_id in dead.message


def test_stock_moves_with_sales_and_credits_and_reads_back_as_quantity_on_hand() -> None:
    sim = simulator()
    _run(sim, docs.document_request("1", sale(), "Jordan Rivera", BOOKS))
    refund = sale("R-1", kind="credit_memo", key="refund-1")
    _run(sim, docs.document_request("2", refund, "Jordan Rivera", BOOKS))
    unreturned = sale("R-2", kind="credit_memo", key="refund-2")
    unreturned.lines[0].restock = False
    _run(sim, docs.document_request("3", unreturned, "Jordan Rivera", BOOKS))
    (rs,) = _run(sim, lists.list_query("ItemInventoryQueryRq", "s")).responses
    assert parse.stock_levels([rs]) == {"MB-1": D(10), "WT-09": D(3)}
    _run(sim, docs.document_request("4", sale("5", key="ord-5"), "Jordan Rivera", BOOKS))
    assert sim.reports.stock("MB-1") == D(8)


def test_month_end_figures_invoice_payment_and_tax_liability(reference_dir) -> None:
    sim = simulator(reference_dir)
    may, june = date(2024, 5, 2), date(2024, 6, 3)
    _run(sim, docs.document_request("1", sale("1", txn_date=may), "Jordan Rivera", BOOKS))
    invoice = sale("2", kind="invoice", key="ord-2", txn_date=may)
    (rs,) = _run(sim, docs.document_request("2", invoice, "Jordan Rivera", BOOKS)).responses
    txn_id = parse.txn_records(rs)[0].txn_id
    refund = sale("R-3", kind="credit_memo", key="ref-3", txn_date=june)
    _run(sim, docs.document_request("3", refund, "Jordan Rivera", BOOKS))
    assert sim.reports.tax_liability(date(2024, 5, 1), date(2024, 5, 31)) == \
        {"CA Sales Tax": D("6.60")}
    assert sim.reports.tax_liability(date(2024, 6, 1), date(2024, 6, 30), by="agency") == \
        {"State Board of Equalization": D("-3.30")}
    assert [o.balance for o in sim.reports.open_receivables()] == [D("48.30")]
    payment = LedgerPayment(customer_key="k", invoice_posting_key="ord-2",
                                 amount=D("48.30"), txn_date=date(2024, 5, 20), currency="USD",
                                 private_note="Payment for 2. ecom-ledger key: pay-2")
    (paid,) = _run(sim, docs.payment_request("p", payment, "Jordan Rivera", txn_id, "2",
                                             BOOKS)).responses
    assert paid.ok, paid.message
    assert sim.reports.open_receivables() == []
    assert sim.reports.open_receivables(as_of=date(2024, 5, 10))[0].balance == D("48.30")
    assert sim.reports.account_balance("Sales Tax Payable") == D("3.30")
    assert sim.reports.account_balance("Undeposited Funds") == D("96.60")
    assert sim.reports.account_balance("Accounts Receivable") == D("-48.30")  # the credit memo
    over = docs.payment_request("p2", payment, "Jordan Rivera", txn_id, "2", BOOKS)
    (refused,) = _run(sim, over).responses
    assert refused.status_code == 3210 and "more than the amount due" in refused.message


def test_a_form_without_a_sales_tax_item_gets_the_company_default_tax() -> None:
    """The trap our documents avoid: QuickBooks adds its own tax unless told to use 0 %."""
    sim = simulator()
    request = docs.document_request("1", sale(), "Jordan Rivera", BOOKS)
    add = request.body[0]
    tax_ref = add.find("ItemSalesTaxRef")
    assert tax_ref is not None
    add.remove(tax_ref)
    (rs,) = _run(sim, build.Request(request.tag, "1", request.body)).responses
    receipt = parse.txn_records(rs)[0]
    assert receipt.sales_tax_total == D("3.30") and receipt.total_amount == D("51.60")


def test_injected_lock_error_changes_nothing() -> None:
    sim = simulator()
    sim.fail_next("SalesReceiptAddRq", 3180, "There was an error when saving a Sales Receipt. "
                                             "QuickBooks error message: The record is in use.")
    (rs,) = _run(sim, docs.document_request("1", sale(), "Jordan Rivera", BOOKS)).responses
    assert rs.status_code == 3180 and sim.reports.documents() == []
    assert _run(sim, docs.document_request("1", sale(), "Jordan Rivera", BOOKS)).responses[0].ok


def test_name_queries_tell_which_names_are_taken_before_a_customer_is_added(
        reference_dir) -> None:
    from ecom_ledger_desktop.connectors.ledgers.qbd import limits

    sim = simulator(reference_dir)
    answer = _run(sim, *lists.name_queries("n", ["Sam Taylor", "Jane Doe"]),
                  on_error="continueOnError")
    taken = parse.taken_names(answer.responses)
    assert taken == {"Sam Taylor"}  # an employee
    name = limits.customer_name("Sam Taylor", "email:sam@example.com", taken)
    assert name != "Sam Taylor"
    (added,) = _run(sim, entities.customer_request("c", CUSTOMER, name, BOOKS)).responses
    assert added.ok


def test_every_simulator_answer_is_valid_qbxml_13(reference_dir) -> None:
    from lxml import etree

    from tests.support.qbd import load_schema

    schema = load_schema(reference_dir)
    sim = simulator(reference_dir)
    answer = sim.process(message_set(*every_request(), on_error="continueOnError",
                                     new_message_set_id="all"))
    assert schema.validate(etree.fromstring(answer.encode())), schema.error_log
    items = sim.process(message_set(lists.iterate("ItemQueryRq", "i", 100),
                                    transactions.txn_query("SalesReceipt", "s",
                                                           transactions.TxnQuery(
                                                               include_line_items=True))))
    assert schema.validate(etree.fromstring(items.encode())), schema.error_log


def test_auto_finds_the_shared_schema_when_it_is_reachable(reference_dir) -> None:
    from ecom_ledger_desktop.sandbox.qbd import Company, QbdCompanySimulator
    from ecom_ledger_desktop.sandbox.qbd.xmlio import reference_schema

    found = reference_schema()
    assert found is not None and found.name == "qbxmlops130.xsd"
    sim = QbdCompanySimulator(Company(), schema_path="auto")
    assert sim.reader.schema is not None


def test_void_zeroes_the_document_keeps_it_on_file_and_restores_stock(reference_dir) -> None:
    sim = simulator(reference_dir)
    (rs,) = _run(sim, docs.document_request("1", sale(), "Jordan Rivera", BOOKS)).responses
    receipt = parse.txn_records(rs)[0]
    assert sim.reports.stock("MB-1") == D(8)
    (voided,) = _run(sim, transactions.void("v", "SalesReceipt", receipt.txn_id)).responses
    assert voided.ok and voided.element is not None
    assert voided.element.findtext("TxnID") == receipt.txn_id
    assert sim.reports.stock("MB-1") == D(10)
    (found,) = _run(sim, transactions.query_by_ref("SalesReceipt", "q", ["100000001"])).responses
    (again,) = parse.txn_records(found)
    assert again.voided and again.total_amount == D(0)
    assert docs.settle([again], "ord-1") == [again]  # still ours: never re-added blindly
    assert sim.reports.tax_liability(date(2024, 5, 1), date(2024, 5, 31)) == {
        "CA Sales Tax": D(0)}
    (missing,) = _run(sim, transactions.void("v2", "Invoice", receipt.txn_id)).responses
    assert missing.status_code == 3120


def test_voiding_a_payment_makes_the_invoice_owed_again() -> None:
    sim = simulator()
    invoice = sale("2", kind="invoice", key="ord-2")
    (rs,) = _run(sim, docs.document_request("1", invoice, "Jordan Rivera", BOOKS)).responses
    (inv,) = parse.txn_records(rs)
    assert inv.total_amount == D("48.30")  # InvoiceRet has no TotalAmount: subtotal + tax
    payment = LedgerPayment(customer_key="k", invoice_posting_key="ord-2", amount=D("48.30"),
                            txn_date=date(2024, 5, 9), currency="USD")
    (paid,) = _run(sim, docs.payment_request("p", payment, "Jordan Rivera", inv.txn_id, "2",
                                             BOOKS)).responses
    (voided_invoice,) = _run(sim, transactions.void("v", "Invoice", inv.txn_id)).responses
    assert voided_invoice.status_code == 3210  # payments applied: refused
    pay_id = parse.txn_records(paid)[0].txn_id
    assert _run(sim, transactions.void("v", "ReceivePayment", pay_id)).responses[0].ok
    assert [o.balance for o in sim.reports.open_receivables()] == [D("48.30")]


def test_the_posted_total_is_checked_against_the_store(reference_dir) -> None:
    sim = simulator(reference_dir)
    document = sale()
    (rs,) = _run(sim, docs.document_request("1", document, "Jordan Rivera", BOOKS)).responses
    assert docs.check_posted(parse.txn_records(rs)[0], document) is None
    # a company whose form tax item is not 0 %: QuickBooks adds its own tax on top
    request = docs.document_request("2", sale("9"), "Jordan Rivera", BOOKS)
    tax_item = request.body[0].find("ItemSalesTaxRef/FullName")
    assert tax_item is not None
    tax_item.text = "CA Sales Tax"
    (rs,) = _run(sim, request).responses
    problem = docs.check_posted(parse.txn_records(rs)[0], document)
    assert problem is not None and problem.code == "total_mismatch"
    assert "51.60" in problem.message and "48.30" in problem.message
    assert problem.fixes[0].action == "void_and_repost"


def test_preferences_say_what_the_company_is(reference_dir) -> None:
    from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import company

    sim = simulator(reference_dir)
    sim.company.multicurrency = True
    (rs,) = _run(sim, company.preferences_query("p")).responses
    facts = company.company_facts(rs.rets[0])
    assert facts.multicurrency and facts.home_currency == "USD"
    assert facts.sales_tax and facts.default_tax_item == "CA Sales Tax"

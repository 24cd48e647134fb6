"""QuickBooks Desktop end to end: Magento → engine → journal → our SOAP endpoint → the Web
Connector simulator → the company simulator, exactly once, offline-first."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from ecom_ledger_desktop.sandbox.qbwc import KillAt, could_not_start
from tests.sync.qbd_bench import QbdBench, open_bench, order, rules


@pytest.fixture
def bench(tmp_path: Path, reference_if_present: Path | None) -> Iterator[QbdBench]:
    with open_bench(tmp_path, reference_if_present) as opened:
        yield opened


def test_postings_wait_with_the_reason_until_the_web_connector_calls_then_post_once(
        bench: QbdBench) -> None:
    order_id = bench.store.add_order(order())
    placed = bench.store.order_json(order_id)
    summary = bench.sync()
    assert summary.status == "ok" and summary.posted == 0, summary
    assert "has not connected yet" in summary.message
    [waiting] = bench.open_postings()
    assert waiting.state in ("queued", "sending") and "has not connected yet" in waiting.last_error
    assert bench.open_errors() == []  # waiting for the Web Connector is nobody's error

    report = bench.session()
    assert report.outcome == "done", report
    [receipt] = bench.txns("SalesReceipt")
    assert receipt.data["RefNumber"] == placed["increment_id"]
    assert Decimal(str(receipt.data["TotalAmount"])) == Decimal(str(placed["grand_total"]))
    assert bench.open_postings() == [] and bench.open_errors() == []
    # tax the Desktop way: lines Tax / Non by the store's per-line tax, the store's exact tax on
    # the Sales Tax item mapped to its rate, and a 0 % item on the form so QuickBooks adds none
    lines = {line["ItemRef"]["FullName"]: line for line in receipt.data["SalesReceiptLineRet"]}
    assert lines["MB-TOTE-BLK"]["SalesTaxCodeRef"]["FullName"] == "Tax"
    assert lines["24-UG06"]["SalesTaxCodeRef"]["FullName"] == "Non"
    assert Decimal(str(lines["CA Sales Tax"]["Amount"])) == Decimal(str(placed["tax_amount"]))
    assert receipt.data["ItemSalesTaxRef"]["FullName"] == "Out of State"
    [customer] = [c for c in bench.company.company.all("Customer") if c.name == "Jane Doe"]
    assert "jane.doe@example.com" in str(customer.data.get("Email"))

    assert bench.session().outcome in ("done", "no_work")
    assert len(bench.txns("SalesReceipt")) == 1


def _posted_once(bench: QbdBench, placed: dict[str, object]) -> None:
    receipts = [r for r in bench.txns("SalesReceipt") if r.data["RefNumber"] == placed["increment_id"]]
    assert len(receipts) == 1, [r.data.get("Memo") for r in receipts]
    assert Decimal(str(receipts[0].data["TotalAmount"])) == Decimal(str(placed["grand_total"]))
    assert len([c for c in bench.company.company.all("Customer") if c.name == "Jane Doe"]) == 1
    assert bench.open_postings() == []


@pytest.mark.parametrize("kill_at", list(KillAt), ids=lambda k: k.value)
@pytest.mark.parametrize("on_exchange", range(1, 8))
def test_a_session_killed_at_any_point_neither_loses_nor_duplicates(
        bench: QbdBench, kill_at: KillAt, on_exchange: int) -> None:
    placed = bench.store.order_json(bench.store.add_order(order()))
    bench.sync()  # journaled on the app's schedule while QuickBooks is away
    bench.session(kill_at, on_exchange)
    for _ in range(3):  # the Web Connector's next updates
        if not bench.open_postings():
            break
        bench.session()
    _posted_once(bench, placed)
    assert [(e.code, e.message) for e in bench.open_errors()] == []


def test_a_restart_of_the_app_after_quickbooks_applied_a_receipt_posts_it_once(
        bench: QbdBench) -> None:
    placed = bench.store.order_json(bench.store.add_order(order()))
    bench.sync()
    bench.session(KillAt.AFTER_APPLY, 6)  # the sales receipt's answer never reaches us
    assert "SalesReceiptAddRq" in bench.quickbooks.applied[-1]  # QuickBooks saved it
    bench.restart()
    bench.session()
    if bench.open_postings():
        bench.session()
    _posted_once(bench, placed)
    assert "Web Connector last connected" in bench.status()


def test_refunds_become_credit_memos_and_quickbooks_stock_flows_back_to_the_store(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    with open_bench(tmp_path, reference_if_present, pair_rules=rules(inventory_master="ledger")) as bench:
        order_id = bench.store.add_order(order())
        bench.sync()
        assert bench.session().outcome == "done"
        memo_id = bench.store.refund_order(order_id, {
            "lines": [{"sku": "MB-TOTE-BLK", "qty": 1, "back_to_stock": True}], "shipping": 0})
        summary = bench.sync()  # the credit memo and the refund paid out of it wait
        assert summary.posted == 0 and "2 postings wait" in summary.message
        assert bench.session().outcome == "done"
        [credit] = bench.txns("CreditMemo")
        [paid_back] = bench.txns("ARRefundCreditCard")
        assert paid_back.data["RefundAppliedToTxnRet"][0]["TxnID"] == credit.id
        memo = bench.store.state.creditmemos[memo_id]
        assert Decimal(str(credit.data["TotalAmount"])) == Decimal(str(memo["grand_total"]))
        assert "ecom-ledger key:" in str(credit.data.get("Memo"))
        assert [e.message for e in bench.open_errors()] == [] and bench.open_postings() == []
        # QuickBooks is the stock master: 40 totes, 2 sold, 1 back → the store shows 39
        assert bench.company.reports.stock("MB-TOTE-BLK") == 39
        assert bench.store.stock()["MB-TOTE-BLK"] == 39
        assert len(bench.txns("CreditMemo")) == 1 and len(bench.txns("SalesReceipt")) == 1


def test_while_quickbooks_cannot_open_the_company_file_postings_wait_saying_so(
        bench: QbdBench) -> None:
    placed = bench.store.order_json(bench.store.add_order(order()))
    bench.sync()
    bench.quickbooks.open_error = could_not_start()
    assert bench.session().outcome == "connection_error"
    summary = bench.sync()
    assert summary.posted == 0 and "QuickBooks company file not open" in summary.message
    [waiting] = bench.open_postings()
    assert "QuickBooks company file not open" in waiting.last_error
    assert bench.open_errors() == []
    bench.restart()  # the reason is kept across a restart of the app
    assert "QuickBooks company file not open" in bench.status()
    bench.quickbooks.open_error = None
    assert bench.session().outcome == "done"
    _posted_once(bench, placed)


def _buyer(n: int) -> dict[str, str]:
    return {"email": f"buyer{n}@example.com", "firstname": "Buyer", "lastname": f"Number {n}"}


def test_a_backlog_goes_in_batches_one_message_set_per_exchange(bench: QbdBench) -> None:
    placed = [bench.store.order_json(bench.store.add_order(order(customer=_buyer(n))))
              for n in range(45)]
    bench.sync()
    report = bench.session()
    assert report.outcome == "done", report
    assert bench.open_postings() == [] and bench.open_errors() == []
    receipts = {r.data["RefNumber"]: r for r in bench.txns("SalesReceipt")}
    assert sorted(receipts) == sorted(p["increment_id"] for p in placed)
    for sold in placed:
        assert Decimal(str(receipts[sold["increment_id"]].data["TotalAmount"])) == \
            Decimal(str(sold["grand_total"]))
    assert report.exchanges < len(placed)  # customers and documents travel in batches
    batched = [xml for xml in bench.quickbooks.applied if xml.count("SalesReceiptAddRq ") > 1]
    assert batched and all('onError="continueOnError"' in xml for xml in batched)


def test_two_buyers_with_one_name_in_one_batch_become_two_quickbooks_customers(
        bench: QbdBench) -> None:
    twins = [{"email": f"sam{n}@example.com", "firstname": "Sam", "lastname": "Lee"}
             for n in (1, 2)]
    placed = [bench.store.order_json(bench.store.add_order(order(customer=c)))
              for c in [*twins, *(_buyer(n) for n in range(22))]]
    bench.sync()
    assert bench.session().outcome == "done"
    assert bench.open_errors() == [] and bench.open_postings() == []
    sams = {c.name: c for c in bench.company.company.all("Customer") if c.name.startswith("Sam Lee")}
    assert len(sams) == 2 and "Sam Lee" in sams  # the second one: "Sam Lee ~XXXX"
    by_ref = {r.data["RefNumber"]: r.data["CustomerRef"]["FullName"]
              for r in bench.txns("SalesReceipt")}
    first, second = (by_ref[p["increment_id"]] for p in placed[:2])
    assert first != second and {first, second} == set(sams)
    emails = {sams[first].data.get("Email"), sams[second].data.get("Email")}
    assert emails == {"sam1@example.com", "sam2@example.com"}


class _FirstDocumentBatch:
    """Equal to the number of the exchange that carried the first batch of sales receipts (the
    Web Connector simulator compares its exchange count with the kill point after QuickBooks
    has run the request)."""

    def __init__(self, bench: QbdBench) -> None:
        self.seen, self.hit = 0, -1
        self.numbers: set[str] = set()  # the batch's RefNumbers
        process = bench.quickbooks.process

        def watching(xml: str) -> str:
            self.seen += 1
            if self.hit < 0 and xml.count("SalesReceiptAddRq ") > 1:
                self.hit = self.seen
                self.numbers = set(re.findall(r"<RefNumber>(\d+)</RefNumber>", xml))
            return process(xml)

        bench.quickbooks.process = watching

    def __eq__(self, exchange: object) -> bool:
        return exchange == self.hit

    __hash__ = None  # type: ignore[assignment]


@pytest.mark.parametrize("kill_at", [KillAt.AFTER_APPLY, KillAt.ANSWER_LOST],
                         ids=lambda k: k.value)
def test_a_batch_whose_answer_is_lost_is_settled_document_by_document(
        bench: QbdBench, kill_at: KillAt) -> None:
    placed = [bench.store.order_json(bench.store.add_order(order(customer=_buyer(n))))
              for n in range(30)]
    bench.sync()
    batch = _FirstDocumentBatch(bench)
    assert bench.session(kill_at, batch).outcome == "killed"  # type: ignore[arg-type]
    assert batch.hit > 0 and len(bench.txns("SalesReceipt")) >= 2  # QuickBooks saved them
    for _ in range(3):
        if not bench.open_postings():
            break
        bench.session()
    numbers = sorted(r.data["RefNumber"] for r in bench.txns("SalesReceipt"))
    assert numbers == sorted(p["increment_id"] for p in placed)  # each once
    assert bench.open_postings() == [] and bench.open_errors() == []


def test_a_lost_batch_is_settled_from_quickbooks_kept_answer_in_one_exchange(
        bench: QbdBench) -> None:
    """qbXML error recovery: the batch went out with a newMessageSetID; after its answer was
    lost, one message set with oldMessageSetID brings QuickBooks' kept answer back and settles
    every document of the batch (no query per document, none added twice)."""
    placed = [bench.store.order_json(bench.store.add_order(order(customer=_buyer(n))))
              for n in range(30)]
    bench.sync()
    batch = _FirstDocumentBatch(bench)
    assert bench.session(KillAt.AFTER_APPLY, batch).outcome == "killed"  # type: ignore[arg-type]
    seen: list[str] = []
    process = bench.quickbooks.process

    def watching(xml: str) -> str:
        seen.append(xml)
        return process(xml)

    bench.quickbooks.process = watching
    for _ in range(3):
        if not bench.open_postings():
            break
        bench.session()
    numbers = sorted(r.data["RefNumber"] for r in bench.txns("SalesReceipt"))
    assert numbers == sorted(p["increment_id"] for p in placed)  # each once
    assert bench.open_postings() == [] and bench.open_errors() == []
    assert len([xml for xml in seen if "oldMessageSetID" in xml]) == 1
    queried = {number for xml in seen if "SalesReceiptQueryRq" in xml
               for number in re.findall(r"<RefNumber>(\d+)</RefNumber>", xml)}
    assert len(batch.numbers) > 1 and not queried & batch.numbers  # no query per document


def test_a_cancelled_order_voids_its_invoice_and_an_edited_one_updates_its_invoice(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    """As with QuickBooks Online: an order edited in the store after it was posted changes its
    QuickBooks document in place (InvoiceMod with the EditSequence just read), no repost."""
    base = rules()
    invoiced = rules(payment_posting={**base.payment_posting, "purchaseorder": "post_at_order"})
    with open_bench(tmp_path, reference_if_present, pair_rules=invoiced) as bench:
        cancelled = bench.store.add_order(order(payment_method="purchaseorder", paid=False))
        edited = bench.store.add_order(order(customer=_buyer(7), payment_method="purchaseorder",
                                             paid=False))
        bench.sync()
        assert bench.session().outcome == "done"
        assert len(bench.txns("Invoice")) == 2
        number = bench.store.order_json(edited)["increment_id"]
        [before] = [r for r in bench.txns("Invoice") if r.data["RefNumber"] == number]
        sequence = before.data["EditSequence"]
        bench.store.cancel_order(cancelled)
        bench.store.edit_order(edited, {"lines": [{
            "sku": "MB-TOTE-BLK", "name": "Canvas Tote (Black)", "qty": 3, "price": "24.00",
            "tax_percent": "8.25"}]})
        bench.sync()
        # someone edits the invoice in QuickBooks between our query and our Mod: read it again
        bench.company.fail_next("InvoiceModRq", 3200, 'The provided edit sequence "1" is '
                                                      "out-of-date. ")
        assert bench.session().outcome == "done"
        assert bench.company.injected["InvoiceModRq"] == []  # refused once, then sent again
        gone = bench.store.order_json(cancelled)["increment_id"]
        [voided] = [r for r in bench.company.company.all("Invoice")
                    if r.data["RefNumber"] == gone]
        assert str(voided.data.get("Memo", "")).startswith("VOID:")
        changed = bench.store.order_json(edited)
        [after] = [r for r in bench.txns("Invoice")
                   if str(r.data.get("Other", "")).startswith(changed["increment_id"])]
        assert after.id == before.id and after.data["EditSequence"] != sequence
        assert Decimal(str(after.data["Subtotal"])) + Decimal(str(after.data["SalesTaxTotal"])) \
            == Decimal(str(changed["grand_total"]))
        assert [line["Quantity"] for line in after.data["InvoiceLineRet"]
                if line["_kind"] == "ItemInventory"] == [Decimal(3)]
        assert bench.open_errors() == [] and bench.open_postings() == []


def test_the_pairs_tax_code_rules_map_store_rates_to_sales_tax_items_as_for_qbo(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    mapped = rules(tax_codes={"8.25": "CA Sales Tax"})  # no mapping on the connection itself
    with open_bench(tmp_path, reference_if_present, pair_rules=mapped, tax_items="") as bench:
        placed = bench.store.order_json(bench.store.add_order(order()))
        bench.sync()
        assert bench.session().outcome == "done"
        assert bench.open_errors() == []
        [receipt] = bench.txns("SalesReceipt")
        lines = {line["ItemRef"]["FullName"]: line for line in receipt.data["SalesReceiptLineRet"]}
        assert Decimal(str(lines["CA Sales Tax"]["Amount"])) == Decimal(str(placed["tax_amount"]))

"""The company simulator pays a credit memo back as QuickBooks does: ``ARRefundCreditCardAdd``
(schema-valid both ways), over-refunds refused, booked in A/R, the account it is paid from and the
customer's balance, found again by its date, voided or deleted (the credit comes back)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lxml import etree

from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import documents as docs
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import parse, refunds, transactions
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.build import request
from ecom_ledger_desktop.models.ledger import LedgerPayment
from tests.support.qbd import BOOKS, load_schema, message_set, sale, simulator

D = Decimal
JUNE = date(2024, 6, 3)
CUSTOMER = "Jordan Rivera"


def _run(sim, *requests):
    return parse.parse_response(sim.process(message_set(*requests, on_error="continueOnError")))


def _payout(amount: str, key: str = "payout-1") -> LedgerPayment:
    return LedgerPayment(customer_key="k", invoice_posting_key="ref-3", amount=D(amount),
                         txn_date=JUNE, currency="USD", payment_method="Visa",
                         refund_payout=True, private_note=f"Refund R-3 paid back. "
                                                          f"ecom-ledger key: {key}")


def _credit(sim) -> str:
    (rs,) = _run(sim, docs.document_request("cm", sale("R-3", kind="credit_memo", key="ref-3",
                                                       txn_date=JUNE), CUSTOMER, BOOKS)).responses
    assert rs.ok, rs.message
    return parse.txn_records(rs)[0].txn_id


def _customer_balance(sim) -> Decimal:
    return sim.reports.customer_balance(CUSTOMER)


def test_a_credit_memo_paid_back_in_two_parts_leaves_receivables_and_the_customer_at_zero(
        reference_dir) -> None:
    sim = simulator(reference_dir)
    before = _customer_balance(sim)
    memo = _credit(sim)
    assert _customer_balance(sim) == before - D("48.30")
    assert sim.reports.account_balance("Accounts Receivable") == D("-48.30")
    (part,) = _run(sim, refunds.payout_request("p1", _payout("20.00"), CUSTOMER, memo, "R-3",
                                               BOOKS)).responses
    assert part.ok, part.message
    (too_much,) = _run(sim, refunds.payout_request("p2", _payout("28.31", "payout-2"), CUSTOMER,
                                                   memo, "R-3", BOOKS)).responses
    assert too_much.status_code == 3210 and too_much.severity == "Error"
    assert "credit remaining (28.30)" in too_much.message
    (rest,) = _run(sim, refunds.payout_request("p3", _payout("28.30", "payout-2"), CUSTOMER, memo,
                                               "R-3", BOOKS)).responses
    [paid] = parse.txn_records(rest)
    assert paid.kind == "ARRefundCreditCard" and paid.total_amount == D("28.30")
    assert paid.ref_number == "R-3" and docs.settle([paid], "payout-2") == [paid]
    assert sim.reports.account_balance("Accounts Receivable") == 0
    assert sim.reports.account_balance("Undeposited Funds") == D("-48.30")
    assert _customer_balance(sim) == before
    credit = sim.company.get("CreditMemo", memo)
    assert credit is not None and credit.data["CreditRemaining"] == 0
    (found,) = _run(sim, refunds.payouts_on("q", JUNE)).responses
    assert [r.total_amount for r in parse.txn_records(found)] == [D("20.00"), D("28.30")]


def test_a_refund_voided_or_deleted_gives_the_credit_back_and_guards_its_credit_memo(
        reference_dir) -> None:
    sim = simulator(reference_dir)
    memo = _credit(sim)
    (added,) = _run(sim, refunds.payout_request("p", _payout("48.30"), CUSTOMER, memo, "R-3",
                                                BOOKS)).responses
    [paid] = parse.txn_records(added)
    (refused,) = _run(sim, transactions.void("v1", "CreditMemo", memo)).responses
    assert refused.status_code == 3210 and "refund applied" in refused.message
    (voided,) = _run(sim, transactions.void("v2", "ARRefundCreditCard", paid.txn_id)).responses
    assert voided.ok, voided.message
    assert sim.reports.account_balance("Accounts Receivable") == D("-48.30")
    credit = sim.company.get("CreditMemo", memo)
    assert credit is not None and credit.data["CreditRemaining"] == D("48.30")
    (again,) = _run(sim, refunds.payout_request("p4", _payout("48.30", "payout-3"), CUSTOMER,
                                                memo, "R-3", BOOKS)).responses
    [second] = parse.txn_records(again)
    (deleted,) = _run(sim, request("TxnDelRq", "d", _TxnDel("ARRefundCreditCard",
                                                           second.txn_id))).responses
    assert deleted.ok, deleted.message
    assert sim.company.get("ARRefundCreditCard", second.txn_id) is None
    assert [d.id for d in sim.company.deleted] == [second.txn_id]
    assert sim.reports.account_balance("Accounts Receivable") == D("-48.30")
    (memo_void,) = _run(sim, transactions.void("v3", "CreditMemo", memo)).responses
    assert memo_void.ok, memo_void.message


def test_refund_requests_and_answers_are_valid_qbxml_13(reference_dir) -> None:
    schema = load_schema(reference_dir)
    sim = simulator(reference_dir)
    memo = _credit(sim)
    requests = [refunds.payout_request("p", _payout("48.30"), CUSTOMER, memo, "R-3", BOOKS),
                refunds.payouts_on("q", JUNE)]
    sent = message_set(*requests)
    assert schema.validate(etree.fromstring(sent.split("?>", 2)[-1].encode())), schema.error_log
    answer = sim.process(sent)
    assert schema.validate(etree.fromstring(answer.encode())), schema.error_log


@dataclass(frozen=True)
class _TxnDel:
    """``TxnDel`` as a test sends it (a person deleting it in QuickBooks; the app voids)."""

    txn_del_type: str
    txn_id: str

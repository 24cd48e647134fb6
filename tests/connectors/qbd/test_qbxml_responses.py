"""The response parsers read what QuickBooks really returned (captured qbXML in payloads/qbwc)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecom_ledger_desktop.connectors.ledgers.qbd import errors
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import parse
from ecom_ledger_desktop.core.errors import RecordError
from tests.support.qbd import inner_response


@pytest.fixture
def captures(reference_dir):
    return reference_dir / "payloads" / "qbwc"


def test_customer_add_response_gives_list_id_and_edit_sequence(captures) -> None:
    answer = parse.parse_response((captures / "qbxml_CustomerAddRs_ok.xml").read_text())
    (response,) = answer.responses
    assert response.ok and response.status_code == 0 and response.tag == "CustomerAddRs"
    (customer,) = parse.list_records(response)
    assert customer.list_id == "8000001B-1405768916"
    assert customer.edit_sequence == "1405768916"
    assert customer.full_name == "Joseph Customer" and customer.name == "mrjoecustomer"


def test_not_found_error_keeps_the_quoted_id_in_the_message(captures) -> None:
    (response,) = parse.parse_response(
        (captures / "qbxml_CustomerQueryRs_error_3120.xml").read_text()).responses
    assert not response.ok and response.status_code == 3120
    assert '"8000001B-1405768916"' in response.message  # &quot; read as a quote
    problem = errors.classify(response.status_code, response.severity, response.message,
                              record="customer Jane Doe")
    assert isinstance(problem, RecordError) and problem.problem.code == "not_found"


def test_a_warning_is_processed_not_failed(captures) -> None:
    (response,) = parse.parse_response(
        (captures / "qbxml_CustomerQueryRs_warn_500.xml").read_text()).responses
    assert response.ok and response.status_code == 500 and response.severity == "Warn"
    assert errors.classify(response.status_code, response.severity, response.message) is None


def test_invoice_add_response_gives_txn_id_ref_number_and_lines(captures) -> None:
    text = inner_response(captures / "receiveResponseXML_InvoiceAddRs.xml")
    (response,) = parse.parse_response(text).responses
    (invoice,) = parse.txn_records(response)
    assert invoice.kind == "Invoice" and invoice.txn_id == "C5-1417118624"
    assert invoice.ref_number == "R1TT46883" and invoice.edit_sequence == "1417118624"
    assert invoice.subtotal == Decimal("206.00") and invoice.sales_tax_total == Decimal("0.00")
    assert invoice.lines == [("SPREE-T-SHIRT", Decimal("206.00"))]
    assert invoice.customer == "spree@example.com"


def test_payment_response_echoes_the_request_id(captures) -> None:
    text = inner_response(captures / "receiveResponseXML_ReceivePaymentAddRs.xml")
    answer = parse.parse_response(text)
    response = answer.by_request_id()["0bb737ee-2862-4ab7-8d35-f551f84793c9"]
    (payment,) = parse.txn_records(response)
    assert payment.kind == "ReceivePayment" and payment.total_amount == Decimal("210.00")
    assert payment.ref_number == "R154817935"


def test_inventory_query_gives_quantity_on_hand_per_item(captures) -> None:
    text = inner_response(captures / "receiveResponseXML_ItemInventoryQueryRs_16_items.xml")
    answer = parse.parse_response(text)
    levels = parse.stock_levels(answer.responses)
    assert len(levels) == 16
    assert levels["Haskell T-Shirt"] == Decimal(300)
    assert levels["12797"] == Decimal(0)
    assert all(isinstance(v, Decimal) for v in levels.values())


def test_mixed_batch_statuses_in_order_with_the_invalid_reference_explained(captures) -> None:
    text = inner_response(captures / "receiveResponseXML_mixed_statusCode1_3140.xml")
    responses = parse.parse_response(text).responses
    assert [r.status_code for r in responses] == [1, 1, 0, 3140]
    assert responses[0].no_match and responses[0].ok
    failed = responses[3]
    problem = errors.classify(failed.status_code, failed.severity, failed.message,
                              record="order 1001")
    assert isinstance(problem, errors.QbdStatusError)
    assert problem.problem.code == "invalid_reference"
    assert "nononononoImNotThereAlrightDylan" in problem.problem.message
    assert "customer" in problem.problem.message


def test_garbage_is_reported_not_crashed_on() -> None:
    with pytest.raises(parse.ResponseUnreadable):
        parse.parse_response("<html>proxy error</html>")
    with pytest.raises(parse.ResponseUnreadable):
        parse.parse_response("not xml")


def test_entity_expansion_is_refused() -> None:
    bomb = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            "<QBXML><QBXMLMsgsRs/></QBXML>")
    with pytest.raises(Exception):  # defusedxml refuses DTD entities  # noqa: B017
        parse.parse_response(bomb)


def test_company_facts_from_the_preferences_the_web_connector_hands_over(captures) -> None:
    import re
    import xml.etree.ElementTree as ET

    from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import company

    text = (captures / "strHCPResponse_first_sendRequestXML.xml").read_text()
    # the capture as a whole is not well formed (its publisher's anonymisation); this part is
    match = re.search(r"<PreferencesRet>.*</PreferencesRet>", text, re.S)
    assert match is not None
    facts = company.company_facts(ET.fromstring(match.group(0)))  # noqa: S314 (test fixture)
    assert facts.multicurrency is False and facts.home_currency == "USD"
    assert facts.sales_tax is False and facts.default_tax_item == ""
    assert facts.personal_data_allowed is False  # the app must be allowed to read names

"""QBO fault classification against real captured fault bodies (../shared/reference)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from ecom_ledger_desktop.connectors.ledgers.qbo.faults import (
    THROTTLE_WAIT_SECONDS,
    FaultError,
    QboFault,
    TokenExpired,
    UnclearAnswer,
    classify,
    describe,
    fault_from_json,
)
from ecom_ledger_desktop.core.errors import FatalError, RecordError, RetriableError
from ecom_ledger_desktop.core.money import loads


def _response(status: int, body: str | bytes, headers: dict[str, str] | None = None
              ) -> httpx.Response:
    request = httpx.Request("GET", "https://quickbooks.api.intuit.com/v3/company/1/customer/1")
    content = body.encode() if isinstance(body, str) else body
    return httpx.Response(status, content=content, headers=headers, request=request)


def _captured(reference_dir: Path, name: str) -> bytes:
    return (reference_dir / "payloads" / "qbo" / name).read_bytes()


@pytest.mark.parametrize(("name", "status"), [
    ("error_400_duplicate_name_6240.json", 400),
    ("error_duplicate_customer_6240.xml", 400),
    ("error_taxservice_duplicate_6240.json", 400),
])
def test_duplicate_name_is_a_record_fault_in_json_and_xml(reference_dir: Path, name: str,
                                                          status: int) -> None:
    error = classify(_response(status, _captured(reference_dir, name)))
    assert isinstance(error, QboFault) and isinstance(error, RecordError)
    assert error.code == "6240"
    assert error.problem.code == "duplicate_name"
    assert error.problem.fixes[0].action == "pick_customer"


def test_token_expired_uses_the_lowercase_gateway_shape(reference_dir: Path) -> None:
    error = classify(_response(401, _captured(reference_dir, "error_401_token_expired_3200.json"),
                               {"WWW-Authenticate": 'Bearer realm="Intuit"'}))
    assert isinstance(error, TokenExpired)
    assert isinstance(error, RetriableError)


@pytest.mark.parametrize("name", ["error_throttle_3001_status429.xml",
                                  "error_throttle_3001_status403.xml"])
def test_throttle_is_retriable_after_sixty_seconds(reference_dir: Path, name: str) -> None:
    status = 429 if "429" in name else 403  # the old flavour came back as HTTP 403
    error = classify(_response(status, _captured(reference_dir, name)))
    assert type(error) is RetriableError
    assert error.retry_after == THROTTLE_WAIT_SECONDS


def test_throttle_honours_retry_after_when_present(reference_dir: Path) -> None:
    body = _captured(reference_dir, "error_throttle_3001_status429.xml")
    error = classify(_response(429, body, {"Retry-After": "7"}))
    assert isinstance(error, RetriableError)
    assert error.retry_after == 7.0


def test_system_fault_10000_is_retriable(reference_dir: Path) -> None:
    error = classify(_response(500, _captured(reference_dir, "error_systemfault_10000.xml")))
    assert type(error) is RetriableError


def test_code_500_inside_a_400_is_a_record_fault_not_an_outage(reference_dir: Path) -> None:
    body = _captured(reference_dir, "error_400_unsupported_operation_code500.json")
    error = classify(_response(400, body))
    assert isinstance(error, QboFault)
    assert error.code == "500"
    assert error.problem.code == "ledger_rejected"


@pytest.mark.parametrize(("name", "code", "problem"), [
    ("error_400_invalid_id_2030.json", "2030", "invalid_data"),
    ("error_400_unsupported_property_2010.json", "2010", "invalid_data"),
    ("error_400_query_validation_4001.json", "4001", "invalid_query"),
])
def test_validation_faults_carry_code_detail_and_element(reference_dir: Path, name: str,
                                                         code: str, problem: str) -> None:
    error = classify(_response(400, _captured(reference_dir, name)))
    assert isinstance(error, QboFault)
    assert error.code == code
    assert error.problem.code == problem
    assert error.detail
    if code == "2030":
        assert error.element == "Id"
        assert "Id" in error.problem.message


def test_batch_items_faults_are_read_per_item(reference_dir: Path) -> None:
    payload = loads(_captured(reference_dir, "batch_response_mixed.json"))
    by_bid = {item["bId"]: fault_from_json(item) for item in payload["BatchItemResponse"]}
    assert by_bid["bid1"] is None and by_bid["bid4"] is None
    assert by_bid["bid2"] is not None and by_bid["bid2"].first.code == "610"
    assert by_bid["bid3"] is not None and by_bid["bid3"].first.code == "5010"
    inactive = QboFault(by_bid["bid2"].first).about("sales receipt 1001")
    assert "has been made inactive" in inactive.problem.message
    assert "sales receipt 1001" in inactive.problem.message
    assert QboFault(by_bid["bid3"].first).problem.code == "stale_object"


def test_batch_envelope_itself_is_a_success(reference_dir: Path) -> None:
    assert classify(_response(200, _captured(reference_dir, "batch_response_mixed.json"))) is None


def test_a_created_entity_is_a_success(reference_dir: Path) -> None:
    body = _captured(reference_dir, "invoice_create_response.json")
    assert classify(_response(200, body)) is None


def test_application_not_authorised_3100_needs_reauthorisation() -> None:
    body = ('{"fault":{"error":[{"message":"message=ApplicationAuthorizationFailed; '
            'errorCode=003100; statusCode=403","detail":null,"code":"3100"}],"type":"SERVICE"}}')
    error = classify(_response(403, body))
    assert isinstance(error, FatalError)
    assert error.needs_reauthorisation


def test_user_lost_access_120_is_fatal_not_a_refresh() -> None:
    body = ('{"Fault":{"Error":[{"Message":"Authorization Failure","Detail":"-11014-You do '
            'not have access","code":"120"}],"type":"AuthorizationFault"}}')
    error = classify(_response(401, body))
    assert isinstance(error, FatalError)
    assert not isinstance(error, RetriableError)


def test_matching_is_on_code_not_on_localised_text() -> None:
    body = ('{"Fault":{"Error":[{"Message":"Numéro de document en double","Detail":'
            '"Numéro de document en double : DocNumber=1001 is assigned to TxnType=Facture with '
            'TxnId=6254","code":"6140"}],"type":"ValidationFault"}}')
    error = classify(_response(400, body))
    assert isinstance(error, QboFault)
    assert error.problem.code == "duplicate_doc_number"
    assert error.existing_txn_id == "6254"
    assert "1001" in error.problem.message


def test_closed_period_offers_void_and_repost() -> None:
    problem = describe(FaultError(code="6210", message="Account Period Closed"),
                       record="sales receipt 1001", txn_date="2026-01-15")
    assert problem.code == "closed_period"
    assert problem.message.startswith("The books are closed for 2026-01-15;")
    assert [fix.action for fix in problem.fixes][:2] == ["void_and_repost", "edit_field"]


def test_unknown_4xx_without_a_fault_body_is_unclear_not_a_rejection() -> None:
    # a proxy's page is not QuickBooks refusing the request: a write behind it may have landed
    error = classify(_response(400, "not json"))
    assert isinstance(error, UnclearAnswer) and not isinstance(error, RecordError)


def test_a_fault_without_a_code_is_unclear_not_a_rejection() -> None:
    body = '{"Fault":{"Error":[{"Message":"Something went wrong"}],"type":"SystemFault"}}'
    assert isinstance(classify(_response(200, body)), UnclearAnswer)
    assert isinstance(classify(_response(400, body)), UnclearAnswer)


def test_plain_5xx_without_a_body_is_retriable() -> None:
    assert type(classify(_response(503, b""))) is RetriableError

"""Magento 2 error classification, pure (built responses, no network): placeholders filled from the
parameters, statuses to retriable / fatal / not-found errors with actionable words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from ecom_ledger_desktop.connectors.stores.magento2.errors import (
    AuthRefusedError,
    MagentoRequestError,
    NotFoundError,
    PageSizeTooLargeError,
    classify,
    render_message,
)
from ecom_ledger_desktop.core.errors import RetriableError
from tests.connectors.magento2_orders import captured_payload

# --- error classification (pure: built responses, no network) --------------------------------

def _response(status: int, body: Any = None, text: str | None = None) -> httpx.Response:
    if text is not None:
        return httpx.Response(status, content=text.encode())
    return httpx.Response(status, json=body)


def test_placeholders_filled_from_named_and_positional_parameters(reference_dir: Path) -> None:
    named = captured_payload(reference_dir, "error_404_no_such_entity_named_params.json")
    positional = captured_payload(reference_dir, "error_400_invalid_product_data_positional_params.json")
    assert render_message(named) == "No such entity with id = 333"
    assert render_message(positional) == "Invalid product data: Invalid attribute set entity type"


def test_classify_401_is_fatal_and_actionable(reference_dir: Path) -> None:
    body = {"message": "The consumer isn't authorized to access %resources.",
            "parameters": {"resources": "Magento_Sales::sales"}}
    error = classify(_response(401, body))
    assert isinstance(error, AuthRefusedError) and error.needs_reauthorisation
    assert "Allow OAuth Access Tokens to be used as standalone Bearer tokens" in str(error)
    assert "Magento_Sales::sales" in str(error)
    assert isinstance(classify(_response(401, captured_payload(reference_dir,
                                                       "error_401_consumer_not_authorized.json"))),
                      AuthRefusedError)


def test_classify_other_statuses(reference_dir: Path) -> None:
    assert classify(_response(200, {"items": []})) is None
    assert isinstance(classify(_response(200, text='{"items": [{"entity_id": 1')), RetriableError)
    assert isinstance(classify(_response(429, captured_payload(reference_dir,
                                                       "error_429_too_many_requests.json"))),
                      RetriableError)
    assert isinstance(classify(_response(503, text="<html>down</html>")), RetriableError)
    assert isinstance(classify(_response(404, {"message": "x"})), NotFoundError)
    limit = classify(_response(400, {"message": "Maximum SearchCriteria pageSize is 300"}))
    assert isinstance(limit, PageSizeTooLargeError) and limit.limit == 300
    refused = classify(_response(400, {"message": '"%fieldName" is required. Enter and try again.',
                                       "parameters": {"fieldName": "searchCriteria"}}))
    assert isinstance(refused, MagentoRequestError)
    assert '"searchCriteria" is required' in str(refused)
    assert isinstance(classify(_response(400, text='{"message": "Invalid')), RetriableError)

"""QuickBooks' error text can quote what was sent (an email, a name): it stays out of the log at
INFO and above, where a support bundle or a shared log file would carry it (issue 10)."""

from __future__ import annotations

import logging

import httpx
import pytest

from ecom_ledger_desktop.core.errors import RecordError
from ecom_ledger_desktop.models.ledger import LedgerCustomer
from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from tests.connectors.qbo_support import make_ledger, new_store

EMAIL, NAME = "jane.private@example.com", "Jane Private"


class QuotingFault(httpx.HTTPTransport):
    """Answers customer creates as QuickBooks does for a value it refuses, quoting it back."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/customer"):
            fault = {"Fault": {"type": "ValidationFault", "Error": [{
                "code": "6000", "Message": "A business validation error has occurred",
                "Detail": f"Business Validation Error: Supplied value:{EMAIL} for {NAME} "
                          "does not conform to the syntax rules"}]},
                "time": "2026-12-06T10:00:00.000-08:00"}
            return httpx.Response(400, json=fault, headers={"intuit_tid": "1-abc"})
        return super().handle_request(request)




def test_a_fault_quoting_a_customer_is_logged_without_them_below_debug(
        sim: QboSimulator, caplog: pytest.LogCaptureFixture) -> None:
    ledger = make_ledger(sim, new_store(sim), transport=QuotingFault())
    caplog.set_level(logging.INFO)
    customer = LedgerCustomer(key=f"email:{EMAIL}", display_name=NAME, email=EMAIL,
                              given_name="Jane", family_name="Private")
    try:
        with pytest.raises(RecordError) as refused:
            ledger.ensure_customer(customer, "rid-1")
    finally:
        ledger.close()
    assert EMAIL in refused.value.problem.message, "the error queue keeps QuickBooks' words"
    logged = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert any("customer" in r.getMessage() for r in logged), "the failure is still logged"
    for record in logged:
        text = record.getMessage()
        assert EMAIL not in text and NAME not in text, text

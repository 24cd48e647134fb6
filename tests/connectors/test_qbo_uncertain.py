"""Only a definitive QuickBooks rejection is a rejection; any other odd answer is uncertain.

A write whose answer does not say what happened (a 2xx without the entity, a Fault without a
code, a 4xx that is not a Fault) may have been applied: it is an ``UncertainOutcome``, settled by
a look-up, never flagged (which would rotate the request id and let a retry post it twice).
Query string literals escape backslashes as well as apostrophes, and the simulator's parser
reads them back the same way.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from ecom_ledger_desktop.connectors.ledgers.qbo.client import QboClient, quote
from ecom_ledger_desktop.connectors.ledgers.qbo.faults import QboFault
from ecom_ledger_desktop.core.errors import RetriableError, UncertainOutcome
from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from tests.connectors.qbo_support import (
    ONE_SHOT,
    make_ledger,
    make_tokens,
    new_store,
    resolve,
    sale,
)

Answer = Callable[[httpx.Request], httpx.Response]




def _client(sim: QboSimulator, answer: Answer | None = None) -> QboClient:
    """A client on the simulator; ``answer`` replaces the simulator's answer to every write."""
    real = httpx.HTTPTransport()

    def handle(request: httpx.Request) -> httpx.Response:
        if answer is not None and request.method == "POST" and "/v3/company/" in str(request.url):
            return answer(request)
        return real.handle_request(request)

    tokens = make_tokens(sim, new_store(sim))
    return QboClient(sim.base_url, sim.realm_id, tokens, policy=ONE_SHOT,
                     transport=httpx.MockTransport(handle))


def test_quote_escapes_backslashes_then_apostrophes() -> None:
    assert quote("a\\") == "'a\\\\'"
    assert quote("Bill's \\ shop") == "'Bill\\'s \\\\ shop'"


@pytest.mark.parametrize("name", ["Ends with a backslash\\", "O'Brien \\ Sons", "\\'", "plain"])
def test_a_name_with_backslashes_and_apostrophes_is_found_by_its_exact_name(
        sim: QboSimulator, name: str) -> None:
    client = _client(sim)
    created = client.create("Customer", {"DisplayName": name}, f"rid-{len(name)}-{name[:2]}")
    rows = client.query(f"SELECT * FROM Customer WHERE DisplayName = {quote(name)}")
    assert [row["Id"] for row in rows] == [created["Id"]]


@pytest.mark.parametrize(("status", "body", "content_type"), [
    (200, '{"time": "2026-02-03T10:00:00-08:00"}', "application/json"),  # no entity
    (200, '{"Fault": {"Error": [{"Message": "odd"}], "type": "SystemFault"}}',
     "application/json"),  # a Fault without a code
    (200, '{"Fault": {"type": "ValidationFault"}}', "application/json"),  # no errors at all
    (400, "<html><body>Bad Request</body></html>", "text/html"),  # a 4xx that is not a Fault
    (404, "", "text/plain"),
])
def test_a_write_answer_that_does_not_say_what_happened_is_uncertain(
        sim: QboSimulator, status: int, body: str, content_type: str) -> None:
    client = _client(sim, lambda request: httpx.Response(
        status, content=body.encode(), headers={"Content-Type": content_type}))
    with pytest.raises(UncertainOutcome):
        client.create("Customer", {"DisplayName": "Jane Doe"}, "rid-1")


def test_a_read_answer_that_does_not_say_anything_is_retriable_not_a_record_problem(
        sim: QboSimulator) -> None:
    real = httpx.HTTPTransport()

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/query"):
            return httpx.Response(400, content=b"<html>proxy</html>",
                                  headers={"Content-Type": "text/html"})
        return real.handle_request(request)

    client = QboClient(sim.base_url, sim.realm_id, make_tokens(sim, new_store(sim)),
                       policy=ONE_SHOT, transport=httpx.MockTransport(handle))
    with pytest.raises(RetriableError) as raised:
        client.query("SELECT * FROM Customer")
    assert not isinstance(raised.value, QboFault)


def test_a_fault_with_a_code_is_still_a_definitive_rejection(sim: QboSimulator) -> None:
    client = _client(sim, lambda request: httpx.Response(400, json={"Fault": {"Error": [
        {"Message": "Business Validation Error", "Detail": "no", "code": "6000"}],
        "type": "ValidationFault"}}))
    with pytest.raises(QboFault) as raised:
        client.create("Customer", {"DisplayName": "Jane Doe"}, "rid-1")
    assert raised.value.code == "6000"


def test_a_batch_item_without_a_definite_answer_is_left_to_the_look_up(
        sim: QboSimulator) -> None:
    """No answer for one document, a code-less Fault for another: neither is a rejection."""
    real = httpx.HTTPTransport()

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/batch"):
            return httpx.Response(200, json={"BatchItemResponse": [
                {"bId": "b1", "Fault": {"Error": [{"Message": "?"}], "type": "SystemFault"}},
                {"bId": "b2", "Fault": {"Error": [{"Message": "Business Validation Error",
                                                   "code": "6000", "Detail": "no"}],
                                        "type": "ValidationFault"}}]})
        return real.handle_request(request)

    ledger = make_ledger(sim, new_store(sim), transport=httpx.MockTransport(handle))
    resolution = resolve(ledger, sim)
    outcomes = ledger.create_documents(
        [(f"pk:{n}", sale(str(n), key=f"pk:{n}"), resolution) for n in (1, 2, 3)], "batch-1")
    assert "pk:1" not in outcomes and "pk:2" not in outcomes, "unclear: looked up later"
    assert isinstance(outcomes["pk:3"], QboFault) and outcomes["pk:3"].code == "6000"

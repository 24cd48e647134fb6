"""Any text a store sends reaches the QuickBooks company as the client cleaned it, or is refused
with a message: never a parse error that would fail a whole Web Connector batch."""

from __future__ import annotations

import functools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecom_ledger_desktop.connectors.ledgers.qbd import limits
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import documents as docs
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import entities, parse
from ecom_ledger_desktop.core.errors import RecordError
from tests.support.qbd import BOOKS, CUSTOMER, message_set, sale, simulator

TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=80)


@functools.cache
def _sim(reference_dir):
    return simulator(reference_dir)


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=TEXT, note=TEXT, description=TEXT)
def test_names_memos_and_descriptions_round_trip(reference_dir, name, note, description) -> None:
    sim = _sim(reference_dir)
    try:
        customer = limits.customer_name(name, f"key:{name!r}",
                                        [r.name for r in sim.company.all("Customer", "Vendor",
                                                                         "Employee")])
    except RecordError as refused:
        assert refused.problem.fixes and refused.problem.message
        customer = "Jordan Rivera"
    else:
        (added,) = parse.parse_response(sim.process(message_set(
            entities.customer_request("c", CUSTOMER, customer, BOOKS)))).responses
        assert added.ok, added.message
        assert parse.list_records(added)[0].name == customer
    document = sale()
    document.private_note = f"{note} ecom-ledger key: ord-77"
    document.lines[0].description = description
    answer = parse.parse_response(sim.process(message_set(
        docs.document_request("d", document, customer, BOOKS))))
    (response,) = answer.responses
    assert response.ok, response.message
    (receipt,) = parse.txn_records(response)
    assert receipt.customer == customer
    assert receipt.memo == docs.memo(document.private_note)
    assert docs.settle([receipt], "ord-77") == [receipt]

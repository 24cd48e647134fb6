"""The QBO client voids each entity the way Intuit documents it (reference A1), and deletes
refund receipts and credit memos, which QuickBooks Online cannot void."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from ecom_ledger_desktop.connectors.base import PostedRef
from ecom_ledger_desktop.connectors.ledgers.qbo import QboLedger
from ecom_ledger_desktop.models.ledger import DocumentKind
from ecom_ledger_desktop.sandbox.qbo import QboSimulator
from ecom_ledger_desktop.secrets.store import MemorySecretStore
from tests.connectors.qbo_support import make_ledger, resolve, sale


class Recorder(httpx.HTTPTransport):
    """Keeps the path and query of every write sent to QuickBooks."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[tuple[str, dict[str, str]]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and "/oauth2/" not in request.url.path:
            params = dict(request.url.params)
            params.pop("minorversion", None)
            params.pop("requestid", None)
            self.writes.append((request.url.path.rsplit("/", 1)[-1], params))
        return super().handle_request(request)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def recorded(sim: QboSimulator, store: MemorySecretStore, recorder: Recorder
             ) -> Iterator[QboLedger]:
    connector = make_ledger(sim, store, transport=recorder)
    try:
        yield connector
    finally:
        connector.close()


def stored(sim: QboSimulator, entity: str, ledger_id: str) -> dict[str, object]:
    return next(r for r in sim.entities(entity) if r["Id"] == ledger_id)


def post(ledger: QboLedger, sim: QboSimulator, kind: DocumentKind) -> PostedRef:
    return ledger.create_document(sale(kind=kind), resolve(ledger, sim), f"post:{kind}")


def test_sales_receipt_is_voided_with_include_void(recorded: QboLedger, sim: QboSimulator,
                                                   recorder: Recorder) -> None:
    posted = post(recorded, sim, "sales_receipt")
    voided = recorded.void_document(posted, "sales_receipt", "void:1001")
    assert voided.ledger_id == posted.ledger_id and voided.total == 0
    row = stored(sim, "SalesReceipt", posted.ledger_id)
    assert row["TotalAmt"] == 0 and str(row["PrivateNote"]).startswith("Voided")
    assert recorder.writes[-1] == ("salesreceipt", {"operation": "update", "include": "void"})


def test_invoice_is_voided_with_operation_void(recorded: QboLedger, sim: QboSimulator,
                                               recorder: Recorder) -> None:
    posted = post(recorded, sim, "invoice")
    voided = recorded.void_document(posted, "invoice", "void:1001")
    assert voided.total == 0 and stored(sim, "Invoice", posted.ledger_id)["TotalAmt"] == 0
    assert recorder.writes[-1] == ("invoice", {"operation": "void"})


def test_payment_is_voided_with_include_void(recorded: QboLedger, sim: QboSimulator) -> None:
    invoice = post(recorded, sim, "invoice")
    customer = str(stored(sim, "Invoice", invoice.ledger_id)["CustomerRef"]["value"])  # type: ignore[index]
    payment = recorded.client.create("Payment", {
        "CustomerRef": {"value": customer}, "TotalAmt": Decimal("30.46"),
        "Line": [{"Amount": Decimal("30.46"),
                  "LinkedTxn": [{"TxnId": invoice.ledger_id, "TxnType": "Invoice"}]}]}, "pay:1")
    assert stored(sim, "Invoice", invoice.ledger_id)["Balance"] == 0
    voided = recorded.client.void("Payment", str(payment["Id"]), str(payment["SyncToken"]),
                                  "void:pay:1")
    assert voided["TotalAmt"] == 0
    assert stored(sim, "Invoice", invoice.ledger_id)["Balance"] == 30.46


@pytest.mark.parametrize(("kind", "entity"), [("refund_receipt", "RefundReceipt"),
                                              ("credit_memo", "CreditMemo")])
def test_refund_documents_are_deleted_not_voided(recorded: QboLedger, sim: QboSimulator,
                                                 recorder: Recorder, kind: DocumentKind,
                                                 entity: str) -> None:
    posted = post(recorded, sim, kind)
    gone = recorded.void_document(posted, kind, f"void:{kind}")
    assert gone.ledger_id == posted.ledger_id and gone.total == 0
    assert gone.extra.get("deleted") == "1"
    assert stored(sim, entity, posted.ledger_id).get("status") == "Deleted"
    assert recorder.writes[-1] == (entity.lower(), {"operation": "delete"})


def test_repeated_delete_after_a_lost_answer_is_done_not_an_error(
        recorded: QboLedger, sim: QboSimulator) -> None:
    posted = post(recorded, sim, "refund_receipt")
    recorded.void_document(posted, "refund_receipt", "void:first")
    again = recorded.void_document(posted, "refund_receipt", "void:second")
    assert again.ledger_id == posted.ledger_id and again.total == 0

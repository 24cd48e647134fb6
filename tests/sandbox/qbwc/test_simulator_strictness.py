"""The simulated Web Connector is as picky as the real one about the service's replies."""

from __future__ import annotations

import pytest

from ecom_ledger_desktop.sandbox.qbwc import WebConnectorSimulator
from ecom_ledger_desktop.sandbox.server import SimRequest, SimResponse, SimulatorServer

INTUIT = "http://developer.intuit.com/"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
WCF_ARRAYS = "http://schemas.microsoft.com/2003/10/Serialization/Arrays"


def _reply(operation: str, inner: str) -> bytes:
    return (f'<s:Envelope xmlns:s="{SOAP}"><s:Body><{operation}Response xmlns="{INTUIT}">'
            f"<{operation}Result>{inner}</{operation}Result></{operation}Response></s:Body></s:Envelope>").encode()


def _service(auth_inner: str, receive_inner: str = "100"):
    def handle(request: SimRequest) -> SimResponse:
        operation = request.header("soapaction").strip('"').rsplit("/", 1)[-1]
        inner = {"authenticate": auth_inner, "receiveResponseXML": receive_inner,
                 "sendRequestXML": "&lt;QBXML/&gt;"}.get(operation, "")
        return SimResponse(200, _reply(operation, inner), {"Content-Type": "text/xml; charset=utf-8"})

    return SimulatorServer(handle, lambda request: SimResponse.json({}))


@pytest.mark.parametrize(("auth", "receive", "words"), [
    (f'<a:string xmlns:a="{WCF_ARRAYS}">t</a:string><a:string xmlns:a="{WCF_ARRAYS}"></a:string>', "100",
     "fewer than two <string>"),  # the WCF mistake behind QBWC1012
    ("<string>t</string><string></string>", "33.3", "not an integer"),  # a decimal percent breaks QBWC
])
def test_replies_the_real_web_connector_rejects_are_rejected(auth, receive, words):
    server = _service(auth, receive).start()
    try:
        with WebConnectorSimulator(f"{server.base_url}/qbwc", "u", "p") as sim:
            report = sim.run_session()
        assert report.outcome == "error" and words in report.last_error
    finally:
        server.stop()

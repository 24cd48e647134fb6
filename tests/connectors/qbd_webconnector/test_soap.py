"""The SOAP endpoint over loopback HTTP: a standard SOAP client built from the Web Connector WSDL,
the captured requests posted verbatim, faults that reveal nothing."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from lxml import etree

from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector import WebConnectorServer
from tests.connectors.qbd_webconnector.support import COMPANY_FILE, CONNECTION, PASSWORD, USER, Rig, request

INTUIT = "http://developer.intuit.com/"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"


def _wsdl(reference_dir: Path, name: str = "qbws.wsdl") -> Path:
    path = reference_dir / "specs" / "qbwc" / name
    if not path.exists():
        pytest.skip(f"the Web Connector WSDL is not at {path}: the SOAP conformance test needs it")
    return path


def _zeep_service(wsdl: Path, binding: str, url: str):
    zeep = pytest.importorskip("zeep", reason="zeep (a test extra) drives the endpoint like a SOAP stack")
    client = zeep.Client(str(wsdl))
    return client, client.create_service(f"{{{INTUIT}}}{binding}", url)


@pytest.mark.conformance
@pytest.mark.parametrize(("wsdl_name", "binding"), [
    ("qbws.wsdl", "QBWebConnectorSvcSoap"),
    ("TroubleshootWebServiceFS.wsdl", "TroubleshootWebServiceFSSoap"),  # Intuit's own service description
    ("TroubleshootWebServiceFS.wsdl", "TroubleshootWebServiceFSSoap12"),  # and its SOAP 1.2 binding
])
def test_zeep_from_the_wsdl_drives_every_operation(reference_dir, rig: Rig, server: WebConnectorServer,
                                                  wsdl_name, binding):
    client, svc = _zeep_service(_wsdl(reference_dir, wsdl_name), binding,
                                f"http://127.0.0.1:{server.port}/qbwc")
    rig.source.add(CONNECTION, request(1), request(2))
    try:
        assert svc.serverVersion() if wsdl_name != "qbws.wsdl" else svc.serverVersion(None)
        assert svc.clientVersion("2.3.0.215") in (None, "")
        assert list(svc.authenticate("nobody", "x"))[1] == "nvu"
        ticket, status = list(svc.authenticate(USER, PASSWORD))[:2]
        assert status in (None, "")
        first = svc.sendRequestXML(ticket, "<QBXML/>", COMPANY_FILE, "US", 13, 0)
        assert first == request(1)
        assert svc.receiveResponseXML(ticket, "<QBXML><ok/></QBXML>", "", "") == 50
        assert svc.sendRequestXML(ticket, "", COMPANY_FILE, "US", 13, 0) == request(2)
        assert svc.receiveResponseXML(ticket, "", "0x80040400", "parse error") == -1
        assert "could not read a request" in svc.getLastError(ticket)
        assert svc.closeConnection(ticket).startswith("Stopped:")
        assert svc.connectionError("no-such-ticket", "0x80040408", "Could not start QuickBooks.") == "done"
    finally:
        client.transport.session.close()


CAPTURES = ["serverVersion", "clientVersion", "authenticate", "sendRequestXML", "receiveResponseXML",
            "closeConnection"]


@pytest.mark.conformance
@pytest.mark.parametrize("operation", CAPTURES)
def test_captured_requests_get_well_formed_answers(reference_dir, server: WebConnectorServer, operation):
    capture = reference_dir / "payloads" / "qbwc" / f"soap_request_{operation}.xml"
    if not capture.exists():
        pytest.skip(f"capture {capture} is absent")
    reply = httpx.post(f"http://127.0.0.1:{server.port}/qbwc", content=capture.read_bytes(),
                       headers={"Content-Type": "text/xml; charset=utf-8",
                                "SOAPAction": f'"{INTUIT}{operation}"'})
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/xml")
    assert reply.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = etree.fromstring(reply.content)
    result = root.find(f"{{{SOAP}}}Body/{{{INTUIT}}}{operation}Response/{{{INTUIT}}}{operation}Result")
    assert result is not None
    if operation == "authenticate":
        strings = result.findall(f"{{{INTUIT}}}string")
        assert [s.text for s in strings][1] == "nvu"  # the capture's foo/bar is not our user
    if operation == "receiveResponseXML":
        assert result.text == "-1"  # its ticket is not one of ours


def test_authenticate_result_strings_are_in_the_intuit_namespace(rig: Rig, server: WebConnectorServer):
    rig.source.add(CONNECTION, request(1))
    body = (f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{SOAP}"><soap:Body>'
            f'<authenticate xmlns="{INTUIT}"><strUserName>{USER}</strUserName>'
            f"<strPassword>{PASSWORD}</strPassword></authenticate></soap:Body></soap:Envelope>")
    reply = httpx.post(f"http://127.0.0.1:{server.port}/qbwc", content=body.encode())
    strings = etree.fromstring(reply.content).findall(f".//{{{INTUIT}}}authenticateResult/{{{INTUIT}}}string")
    assert len(strings) == 2
    assert re.fullmatch(r"[0-9a-f-]{36}", strings[0].text or "")


@pytest.mark.parametrize("body", [
    b"not xml at all",
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
    f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body><dropTables xmlns="{INTUIT}"/></soap:Body>'
    "</soap:Envelope>".encode(),
])
def test_bad_requests_get_a_soap_fault_that_reveals_nothing(server: WebConnectorServer, body):
    reply = httpx.post(f"http://127.0.0.1:{server.port}/qbwc", content=body)
    assert reply.status_code == 500
    fault = etree.fromstring(reply.content).find(f"{{{SOAP}}}Body/{{{SOAP}}}Fault")
    assert fault is not None and fault.findtext("faultcode") == "soap:Client"
    assert "Traceback" not in reply.text and "ecom_ledger_desktop" not in reply.text


def test_escaped_qbxml_round_trips_exactly(rig: Rig, server: WebConnectorServer):
    tricky = request(7).replace("Jane &amp; Co 7", "Zoë &amp; \"Bob's\" &lt;Tools&gt; ]]&gt;")
    rig.source.add(CONNECTION, tricky)
    url = f"http://127.0.0.1:{server.port}/qbwc"

    def call(op, **params):
        inner = "".join(f"<{k}>{_escape(v)}</{k}>" for k, v in params.items())
        body = (f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{SOAP}"><soap:Body>'
                f'<{op} xmlns="{INTUIT}">{inner}</{op}></soap:Body></soap:Envelope>')
        root = etree.fromstring(httpx.post(url, content=body.encode("utf-8")).content)
        return root.find(f".//{{{INTUIT}}}{op}Result")

    ticket = call("authenticate", strUserName=USER, strPassword=PASSWORD)[0].text
    sent = call("sendRequestXML", ticket=ticket, strHCPResponse="", strCompanyFileName=COMPANY_FILE,
                qbXMLCountry="US", qbXMLMajorVers="13", qbXMLMinorVers="0").text
    assert sent == tricky
    answer = '<?xml version="1.0" ?><QBXML><QBXMLMsgsRs><Name>Zoë &amp; Co</Name></QBXMLMsgsRs></QBXML>'
    assert call("receiveResponseXML", ticket=ticket, response=answer, hresult="", message="").text == "100"
    assert rig.source.exchanges[0].response == answer


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_get_and_unknown_paths(server: WebConnectorServer):
    base = f"http://127.0.0.1:{server.port}"
    assert httpx.get(f"{base}/qbwc").status_code == 200
    support = httpx.get(f"{base}/qbwc/support")
    assert support.status_code == 200 and "Web Connector" in support.text
    assert httpx.post(f"{base}/elsewhere", content=b"x").status_code == 404

"""SOAP 1.1 envelopes as the QuickBooks Web Connector (.NET) writes and reads them.

Written from the Web Connector WSDL and captured requests, independently of the app's service.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

INTUIT = "http://developer.intuit.com/"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, load_dtd=False)


class SoapFaultReceived(Exception):
    """The service answered with a SOAP fault."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(f"{code}: {text}")
        self.code = code
        self.text = text


class MalformedReply(Exception):
    """The service's reply is not what the Web Connector can read (QBWC1042 in the real thing)."""


def request_body(operation: str, params: list[tuple[str, str]]) -> bytes:
    """``<soap:Envelope><soap:Body><operation xmlns="http://developer.intuit.com/">…``."""
    envelope = etree.Element(f"{{{SOAP}}}Envelope", nsmap={"soap": SOAP, "xsi": XSI, "xsd": XSD})
    body = etree.SubElement(envelope, f"{{{SOAP}}}Body")
    call = etree.SubElement(body, f"{{{INTUIT}}}{operation}", nsmap={None: INTUIT})  # type: ignore[dict-item]
    for name, value in params:
        etree.SubElement(call, f"{{{INTUIT}}}{name}").text = value
    return bytes(etree.tostring(envelope, xml_declaration=True, encoding="utf-8"))


def read_result(operation: str, payload: bytes) -> Any:
    """The ``{operation}Result`` value: str, int (receiveResponseXML) or list of str (authenticate)."""
    try:
        root = etree.fromstring(payload, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise MalformedReply(f"{operation}: response is not well-formed XML ({exc})") from None
    fault = root.find(f"{{{SOAP}}}Body/{{{SOAP}}}Fault")
    if fault is not None:
        raise SoapFaultReceived(fault.findtext("faultcode") or "", fault.findtext("faultstring") or "")
    holder = root.find(f"{{{SOAP}}}Body/{{{INTUIT}}}{operation}Response/{{{INTUIT}}}{operation}Result")
    if holder is None:
        raise MalformedReply(f"{operation}: no {operation}Result in the Intuit namespace")
    if operation == "authenticate":
        strings = holder.findall(f"{{{INTUIT}}}string")
        if len(strings) < 2:  # QBWC1012 "Index out of range" in the real Web Connector
            raise MalformedReply("authenticate: fewer than two <string> elements in the Intuit namespace")
        return [s.text or "" for s in strings]
    text = holder.text or ""
    if operation == "receiveResponseXML":
        try:
            return int(text)
        except ValueError:
            raise MalformedReply(f"receiveResponseXML: {text!r} is not an integer") from None
    return text

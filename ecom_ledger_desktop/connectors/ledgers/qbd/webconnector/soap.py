"""SOAP envelopes of the Web Connector service (document/literal, ``http://developer.intuit.com/``).

Why a small endpoint on defusedxml + lxml rather than a SOAP server library: the service has eight
operations whose parameters are strings and ints; spyne (the only complete Python SOAP server) has
had no release since 2022, and zeep is a client only. A hand-sized endpoint keeps exact control of
what the Web Connector is picky about (every ``<string>`` of ``authenticateResult`` in the Intuit
namespace, an integer ``receiveResponseXMLResult``) and parses without DTDs or entity expansion.
Tests drive it with zeep built from the Web Connector WSDL, so it speaks standard SOAP.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from lxml import etree

from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.service import WebConnectorService

INTUIT_NS = "http://developer.intuit.com/"
SOAP11_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_NS = "http://www.w3.org/2003/05/soap-envelope"
# written out, in the double quotes .NET writes (lxml's own declaration uses single quotes)
_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'
_CONTENT_TYPES = {SOAP11_NS: "text/xml; charset=utf-8", SOAP12_NS: "application/soap+xml; charset=utf-8"}

# operation -> (its parameters in WSDL order, which are ints)
OPERATIONS: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {
    "serverVersion": ((), frozenset()),
    "clientVersion": (("strVersion",), frozenset()),
    "authenticate": (("strUserName", "strPassword"), frozenset()),
    "sendRequestXML": (("ticket", "strHCPResponse", "strCompanyFileName", "qbXMLCountry",
                        "qbXMLMajorVers", "qbXMLMinorVers"), frozenset({"qbXMLMajorVers", "qbXMLMinorVers"})),
    "receiveResponseXML": (("ticket", "response", "hresult", "message"), frozenset()),
    "connectionError": (("ticket", "hresult", "message"), frozenset()),
    "getLastError": (("ticket",), frozenset()),
    "closeConnection": (("ticket",), frozenset()),
}


class SoapFault(Exception):
    """A request we cannot answer; ``str()`` is safe to send back (no data, no secrets)."""

    def __init__(self, message: str, code: str = "Client") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class SoapCall:
    """One parsed operation call."""

    operation: str
    params: dict[str, Any]
    envelope_ns: str = SOAP11_NS


@dataclass(frozen=True)
class SoapReply:
    """What goes back over HTTP."""

    status: int
    content_type: str
    body: bytes


def parse_call(body: bytes) -> SoapCall:
    """The operation and its parameters from a request envelope; raise ``SoapFault`` otherwise."""
    try:
        root = SafeET.fromstring(body, forbid_dtd=True)
    except (DefusedXmlException, SafeET.ParseError, ValueError):
        raise SoapFault("The request is not a well-formed SOAP envelope.") from None
    envelope_ns = _namespace(root.tag)
    if _local(root.tag) != "Envelope" or envelope_ns not in _CONTENT_TYPES:
        raise SoapFault("The request is not a SOAP 1.1 or 1.2 envelope.")
    body_el = root.find(f"{{{envelope_ns}}}Body")
    if body_el is None or len(body_el) == 0:
        raise SoapFault("The SOAP envelope has no body.")
    call = body_el[0]
    operation = _local(call.tag)
    if _namespace(call.tag) != INTUIT_NS or operation not in OPERATIONS:
        raise SoapFault("Unknown operation: this service implements the QuickBooks Web Connector "
                        "operations only.")
    names, ints = OPERATIONS[operation]
    given = {_local(child.tag): child for child in call if _namespace(child.tag) in (INTUIT_NS, "")}
    params: dict[str, Any] = {}
    for name in names:
        params[name] = _value(given.get(name), name in ints)
    return SoapCall(operation, params, envelope_ns)


def _value(element: Element | None, as_int: bool) -> Any:
    text = "" if element is None else "".join(element.itertext())
    if not as_int:
        return text
    try:
        return int(text.strip() or 0)
    except ValueError:
        raise SoapFault("A version number in the request is not an integer.") from None


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def invoke(service: WebConnectorService, call: SoapCall, client: str = "") -> Any:
    """Run the operation on the service; returns its result (str, int or list of str)."""
    p = call.params
    handlers: dict[str, Callable[[], Any]] = {
        "serverVersion": service.server_version,
        "clientVersion": lambda: service.client_version(p["strVersion"]),
        "authenticate": lambda: service.authenticate(p["strUserName"], p["strPassword"], client),
        "sendRequestXML": lambda: service.send_request_xml(
            p["ticket"], p["strHCPResponse"], p["strCompanyFileName"], p["qbXMLCountry"],
            p["qbXMLMajorVers"], p["qbXMLMinorVers"]),
        "receiveResponseXML": lambda: service.receive_response_xml(
            p["ticket"], p["response"], p["hresult"], p["message"]),
        "connectionError": lambda: service.connection_error(p["ticket"], p["hresult"], p["message"]),
        "getLastError": lambda: service.get_last_error(p["ticket"]),
        "closeConnection": lambda: service.close_connection(p["ticket"]),
    }
    return handlers[call.operation]()


def result_envelope(call: SoapCall, result: Any) -> bytes:
    """``<{op}Response><{op}Result>…`` in the Intuit namespace, inside the caller's envelope kind."""
    env = call.envelope_ns
    envelope = etree.Element(f"{{{env}}}Envelope", nsmap={"soap": env})
    body = etree.SubElement(envelope, f"{{{env}}}Body")
    response = etree.SubElement(body, f"{{{INTUIT_NS}}}{call.operation}Response",
                                nsmap={None: INTUIT_NS})  # type: ignore[dict-item]  # lxml: default ns
    holder = etree.SubElement(response, f"{{{INTUIT_NS}}}{call.operation}Result")
    if isinstance(result, list):
        for item in result:
            etree.SubElement(holder, f"{{{INTUIT_NS}}}string").text = str(item)
    else:
        holder.text = str(result)
    return _DECLARATION + bytes(etree.tostring(envelope, encoding="utf-8"))


def fault_envelope(fault: SoapFault, envelope_ns: str = SOAP11_NS) -> bytes:
    """A SOAP fault carrying only ``fault``'s safe text."""
    envelope = etree.Element(f"{{{envelope_ns}}}Envelope", nsmap={"soap": envelope_ns})
    body = etree.SubElement(envelope, f"{{{envelope_ns}}}Body")
    node = etree.SubElement(body, f"{{{envelope_ns}}}Fault")
    if envelope_ns == SOAP12_NS:
        code = etree.SubElement(node, f"{{{envelope_ns}}}Code")
        etree.SubElement(code, f"{{{envelope_ns}}}Value").text = (
            "soap:Sender" if fault.code == "Client" else "soap:Receiver")
        reason = etree.SubElement(node, f"{{{envelope_ns}}}Reason")
        text = etree.SubElement(reason, f"{{{envelope_ns}}}Text")
        text.text = str(fault)
        text.set("{http://www.w3.org/XML/1998/namespace}lang", "en")
    else:
        etree.SubElement(node, "faultcode").text = f"soap:{fault.code}"
        etree.SubElement(node, "faultstring").text = str(fault)
    return _DECLARATION + bytes(etree.tostring(envelope, encoding="utf-8"))


def handle(service: WebConnectorService, body: bytes, client: str = "") -> SoapReply:
    """One HTTP POST body in (from the network address ``client``), the reply out; an internal
    failure becomes a bare Server fault."""
    try:
        call = parse_call(body)
    except SoapFault as fault:
        return SoapReply(500, _CONTENT_TYPES[SOAP11_NS], fault_envelope(fault))
    try:
        result = invoke(service, call, client)
    except Exception:
        internal = SoapFault("The service could not answer; try again later.", "Server")
        return SoapReply(500, _CONTENT_TYPES[call.envelope_ns], fault_envelope(internal, call.envelope_ns))
    return SoapReply(200, _CONTENT_TYPES[call.envelope_ns], result_envelope(call, result))

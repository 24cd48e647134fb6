"""Any text the Web Connector can carry survives our envelopes unchanged, both ways."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.soap import parse_call, result_envelope
from ecom_ledger_desktop.sandbox.qbwc.envelopes import read_result, request_body

# XML 1.0 characters (no other control characters, no surrogates, no U+FFFE/U+FFFF)
xml_text = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\ufffe\uffff")
                   .filter(lambda c: c in "\t\n\r" or ord(c) >= 0x20))


@settings(max_examples=150, deadline=None)
@given(response=xml_text, message=xml_text)
def test_a_response_reaches_the_service_exactly(response, message):
    call = parse_call(request_body("receiveResponseXML", [("ticket", "t"), ("response", response),
                                                          ("hresult", ""), ("message", message)]))
    assert call.params["response"] == response and call.params["message"] == message


@settings(max_examples=150, deadline=None)
@given(request=xml_text)
def test_a_request_reaches_the_web_connector_exactly(request):
    call = parse_call(request_body("sendRequestXML", [("ticket", "t"), ("strHCPResponse", ""),
                                                      ("strCompanyFileName", ""), ("qbXMLCountry", "US"),
                                                      ("qbXMLMajorVers", "13"), ("qbXMLMinorVers", "0")]))
    assert read_result("sendRequestXML", result_envelope(call, request)) == request

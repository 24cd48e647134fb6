"""Reading request documents and writing responses the way QuickBooks does.

A request document must be well formed, carry ``<?qbxml version="…"?>`` (≤ 13.0), hold only
characters QuickBooks' code page keeps, and follow the schema: validated against the qbXML 13.0
XSD when ``schema_path`` points at it (tests), else checked structurally for the requests this
simulator knows (element order and lengths of their Adds). Any failure rejects the *whole*
document before a single request runs, as ``QBXMLRP2`` does: :class:`QbxmlParseError`, which the
Web Connector reports as HRESULT ``0x80040400`` with an empty response.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from lxml import etree

from .schema_order import KNOWN_REQUESTS, ORDER, QbxmlParseError, check_structure

_VERSION = re.compile(r'<\?qbxml\s+version\s*=\s*"(?P<v>[0-9.]+)"\s*\?>')
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False, remove_blank_text=True)
REPEATED_IN_QUERY = {"ListID", "FullName", "RefNumber", "TxnID", "IncludeRetElement", "OwnerID",
                     "RefNumberCaseSensitive", "TxnDelType", "ListDelType"}
REPEATED = {"SalesReceiptLineAdd", "InvoiceLineAdd", "CreditMemoLineAdd", "AppliedToTxnAdd",
            "RefundAppliedToTxnAdd",
            "TxnTypeFilter", "SalesReceiptLineMod", "InvoiceLineMod", "CreditMemoLineMod"}


REFERENCE_SCHEMA = Path("shared") / "reference" / "specs" / "qbxml" / "qbxmlops130.xsd"


def reference_schema(start: Path | None = None) -> Path | None:
    """The qbXML 13.0 XSD in ``../shared/reference`` beside the project (or any parent of
    ``start``), when it is reachable; None otherwise (a shipped app has no copy of it)."""
    here = (start or Path(__file__)).resolve()
    for folder in here.parents:
        candidate = folder / REFERENCE_SCHEMA
        if candidate.is_file():
            return candidate
    return None


def _cp1252_ok(text: str) -> bool:
    return all(ord(c) <= 0xFF and (ord(c) >= 0x20 or c in "\t\n\r") for c in text)


class Reader:
    """Parses and validates request documents (one XSD load per simulator)."""

    def __init__(self, schema_path: str | Path | None = None) -> None:
        self.schema: etree.XMLSchema | None = None
        if schema_path == "auto":
            schema_path = reference_schema()
        if schema_path is not None:
            self.schema = etree.XMLSchema(etree.parse(str(schema_path)))

    def read(self, text: str) -> etree._Element:
        """The ``QBXMLMsgsRq`` element of a valid request document."""
        match = _VERSION.search(text[:400])
        if match is None:
            raise QbxmlParseError("missing <?qbxml version?>")
        if tuple(int(p) for p in match.group("v").split(".")[:2]) > (13, 0):
            raise QbxmlParseError(f"qbXML version {match.group('v')} is not supported")
        body = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
        if "<!DOCTYPE" in body or "<!ENTITY" in body:
            raise QbxmlParseError("DTDs are not accepted")
        try:
            root = etree.fromstring(body.encode("utf-8"), _PARSER)
        except etree.XMLSyntaxError as exc:
            raise QbxmlParseError(str(exc)) from None
        for el in root.iter():
            if not _cp1252_ok(el.text or "") or any(not _cp1252_ok(str(v)) for v in el.attrib.values()):
                raise QbxmlParseError(f"{el.tag}: characters outside the code page")
        if self.schema is not None:
            if not self.schema.validate(root):
                raise QbxmlParseError(str(self.schema.error_log))
        else:
            check_structure(root)
        msgs = root.find("QBXMLMsgsRq")
        if root.tag != "QBXML" or msgs is None:
            raise QbxmlParseError("no QBXML/QBXMLMsgsRq")
        for request in msgs:
            if request.tag not in KNOWN_REQUESTS:
                raise QbxmlParseError(f"{request.tag} is not supported by this simulator")
        return msgs


def to_dict(el: etree._Element) -> dict[str, Any]:
    """An element's children as a dict; repeatable tags (lines; ids and names directly in a
    query) as lists, leaves as text."""
    out: dict[str, Any] = {}
    for child in el:
        if not isinstance(child.tag, str):
            continue
        value: Any = to_dict(child) if len(child) else (child.text or "")
        if child.tag in REPEATED or (el.tag.endswith("Rq") and child.tag in REPEATED_IN_QUERY):
            out.setdefault(child.tag, []).append(value)
        else:
            out[child.tag] = value
    return out


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def write(parent: etree._Element, tag: str, value: Any, order_key: str | None = None) -> None:
    """Append ``value`` as ``<tag>``: dicts in ``ORDER[order_key]`` order (else insertion)."""
    if value is None or value in ("", []):
        return
    if isinstance(value, list):
        for item in value:
            write(parent, tag, item, order_key)
        return
    child = etree.SubElement(parent, tag)
    if isinstance(value, dict):
        keys = ORDER.get(order_key or tag)
        names = [k for k in keys if k in value] if keys else list(value)
        for key in names:
            write(child, key, value[key], key if key in ORDER else None)
    else:
        child.text = _text(value)


def response_document(responses: list[etree._Element], attributes: dict[str, str]) -> str:
    """The response document QuickBooks returns (``<?xml version="1.0" ?>``, no encoding)."""
    root = etree.Element("QBXML")
    msgs = etree.SubElement(root, "QBXMLMsgsRs")
    for name, value in attributes.items():
        msgs.set(name, value)
    for response in responses:
        msgs.append(response)
    return '<?xml version="1.0" ?>\n' + etree.tostring(root, encoding="unicode")

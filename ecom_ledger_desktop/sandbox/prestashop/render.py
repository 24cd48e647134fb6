"""The Webservice's two output formats, and reading the XML bodies of writes.

XML: every scalar in ``<![CDATA[...]]>`` (an empty value is an empty element), foreign keys with
``xlink:href``, associations as nested lists. JSON (``WebserviceOutputJSON``): ``{"order":{...}}``
for one record, ``{"orders":[...]}`` for a list, a bare ``[]`` for an empty list; 1.7 prints every
value as a string but the top ``id``; 8.x prints integer fields as numbers.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeTree

from .resources import I18N, INT_FIELDS, RESOURCES, Resource

XLINK = "http://www.w3.org/1999/xlink"
HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'
Row = dict[str, Any]


class BodyError(Exception):
    """A write body the Webservice cannot read (code 127, HTTP 500)."""


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _esc(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def _scalar(name: str, value: Any, href: str | None, indent: str) -> str:
    text = "" if value is None else str(value)
    attrs = f' xlink:href="{_esc(href)}"' if href and text not in ("", "0") else ""
    if name == "shipping_number" and not text:
        attrs += ' notFilterable="true"'
    return f"{indent}<{name}{attrs}>{_cdata(text) if text else ''}</{name}>\n"


def xml_record(resource: Resource, row: Row, base: str, fields: list[str] | None,
               languages: int = 1) -> str:
    """One record's element, fields in schema order (``fields``: a ``display`` selection)."""
    out = [f"<{resource.singular}>\n"]
    for name in ["id", *resource.fields]:
        if (fields is not None and name not in fields) or name not in row:
            continue
        if languages > 1 and name in I18N.get(resource.name, ()):
            text = "" if row[name] is None else str(row[name])
            out.append(f"\t<{name}>" + "".join(
                f'<language id="{n}" xlink:href="{base}/api/languages/{n}">{_cdata(text)}'
                "</language>" for n in range(1, languages + 1)) + f"</{name}>\n")
            continue
        link = resource.links.get(name)
        href = f"{base}/api/{link}/{row.get(name)}" if link else None
        out.append(_scalar(name, row.get(name, ""), href, "\t"))
    assoc = row.get("associations") or {}
    if resource.associations and (fields is None or "associations" in fields):
        out.append("<associations>\n")
        for name, (node, _cols) in resource.associations.items():
            items = assoc.get(name, [])
            if not items:
                out.append(f'<{name} nodeType="{node}" api="{name}"/>\n')
                continue
            out.append(f'<{name} nodeType="{node}" virtualEntity="true">\n')
            for item in items:
                out.append(f"\t<{node}>\n")
                for key, value in item.items():
                    out.append(_scalar(key, value, None, "\t"))
                out.append(f"\t</{node}>\n")
            out.append(f"</{name}>\n")
        out.append("</associations>\n")
    out.append(f"</{resource.singular}>\n")
    return "".join(out)


def xml_document(inner: str) -> bytes:
    """``inner`` inside the ``<prestashop>`` envelope."""
    return (HEADER + f'<prestashop xmlns:xlink="{XLINK}">\n' + inner + "</prestashop>\n").encode()


def xml_list(resource: Resource, rows: list[Row], base: str, fields: list[str] | None,
             full: bool, languages: int = 1) -> bytes:
    """A listing: ids with hrefs only, or whole records when ``display`` was given."""
    out = [f"<{resource.name}>\n"]
    for row in rows:
        if full:
            out.append(xml_record(resource, row, base, fields, languages))
        else:
            out.append(f'<{resource.singular} id="{row["id"]}" '
                       f'xlink:href="{base}/api/{resource.name}/{row["id"]}"/>\n')
    out.append(f"</{resource.name}>\n")
    return xml_document("".join(out))


def xml_errors(errors: list[tuple[int, str]]) -> bytes:
    """The ``<errors>`` envelope."""
    inner = "".join(f"<error>\n<code>{_cdata(str(code))}</code>\n<message>{_cdata(message)}"
                    "</message>\n</error>\n" for code, message in errors)
    return xml_document(f"<errors>\n{inner}</errors>\n")


def _typed(name: str, value: Any, ints: bool) -> Any:
    if ints and name in INT_FIELDS and isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return value


def json_record(resource: Resource, row: Row, fields: list[str] | None, ints: bool,
                languages: int = 1) -> dict[str, Any]:
    """One record as JSON: the top ``id`` a number, the rest as the version prints them."""
    out: dict[str, Any] = {}
    for name in ["id", *resource.fields]:
        if (fields is not None and name not in fields) or name not in row:
            continue  # a key a broken row lacks is not printed
        value = row[name]
        if languages > 1 and name in I18N.get(resource.name, ()):
            out[name] = [{"id": str(n), "value": value} for n in range(1, languages + 1)]
            continue
        out[name] = int(value) if name == "id" and str(value).isdigit() else _typed(name, value, ints)
    assoc = row.get("associations") or {}
    if resource.associations and (fields is None or "associations" in fields):
        rendered = {name: [{k: _typed(k, v, ints) for k, v in item.items()} for item in items]
                    for name, items in assoc.items() if items}
        if rendered:
            out["associations"] = rendered
    return out


def json_bytes(payload: Any) -> bytes:
    """Compact JSON, non-ASCII kept, ``/`` escaped as PHP's ``json_encode`` does."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).replace(
        "/", "\\/").encode()


def json_errors(errors: list[tuple[int, str]]) -> bytes:
    """``{"errors":[{"code":N,"message":"..."}]}``."""
    return json_bytes({"errors": [{"code": c, "message": m} for c, m in errors]})


def parse_body(body: bytes, resource: Resource) -> list[dict[str, Any]]:
    """The records of a write body ``<prestashop><singular>...``; scalars only, plus
    associations as lists of dicts."""
    try:
        root = SafeTree.fromstring(body)
    except Exception as exc:  # defusedxml raises several kinds
        raise BodyError(str(exc)) from None
    if root.tag != "prestashop":
        raise BodyError("the root element must be <prestashop>")
    records = []
    for element in root:
        if element.tag != resource.singular:
            raise BodyError(f"expected <{resource.singular}>, got <{element.tag}>")
        records.append(_element_dict(element))
    if not records:
        raise BodyError(f"no <{resource.singular}> in the body")
    return records


def _element_dict(element: Element) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for child in element:
        if child.tag == "associations":
            out["associations"] = {a.tag: [_element_dict(i) for i in a] for a in child}
        elif len(child):  # an i18n field: <name><language id="1">..</language></name>
            out[child.tag] = (child[0].text or "").strip()
        else:
            out[child.tag] = (child.text or "").strip()
    return out


RESOURCE_NAMES = sorted(RESOURCES)

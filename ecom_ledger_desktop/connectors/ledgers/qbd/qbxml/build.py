"""Typed qbXML elements: a dataclass's fields, in declaration order, are the element's children.

A field ``ref_number`` becomes ``<RefNumber>`` (acronyms kept: ``txn_id`` → ``TxnID``,
``ar_account_ref`` → ``ARAccountRef``); ``None`` and empty lists are left out, a list repeats
its element, a nested dataclass is a child element. Values are formatted the qbXML way: amounts
``AMTTYPE`` with exactly two decimals, prices and quantities up to five, booleans ``true``/
``false``, dates ``YYYY-MM-DD``. A field's ``max`` metadata is the schema's ``maxLength``; a longer
value is a programming error (the document layer fits values first) and raises ``ValueError``.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from lxml import etree

from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import QBXML_VERSION

_ACRONYMS = {"id": "ID", "guid": "GUID", "ar": "AR", "po": "PO", "cogs": "COGS", "fob": "FOB"}
_CENT = Decimal("0.01")
_AMOUNT_LIMIT = Decimal(10) ** 13
_PRICE_LIMIT = Decimal(10) ** 10
ON_ERROR = ("stopOnError", "continueOnError", "rollbackOnError")
PROLOG = f'<?xml version="1.0" encoding="utf-8"?>\n<?qbxml version="{QBXML_VERSION}"?>\n'


def amount(max_digits: int = 13) -> Any:
    """A field holding an ``AMTTYPE`` (two decimals)."""
    return field(default=None, metadata={"fmt": "amount", "digits": max_digits})


def price() -> Any:
    """A field holding a ``PRICETYPE``/``QUANTYPE``/``PERCENTTYPE`` (up to five decimals)."""
    return field(default=None, metadata={"fmt": "price"})


def text(max_length: int | None = None) -> Any:
    """An optional text field with the schema's ``maxLength``."""
    return field(default=None, metadata={"max": max_length})


def many() -> Any:
    """A repeated child element."""
    return field(default_factory=list)


def tag_of(name: str) -> str:
    """``ref_number`` → ``RefNumber``; ``txn_id`` → ``TxnID``; ``addr1`` → ``Addr1``."""
    return "".join(_ACRONYMS.get(part, part[:1].upper() + part[1:]) for part in name.split("_"))


def format_amount(value: Decimal) -> str:
    """An ``AMTTYPE``: rounded half-up to cents, always two decimals (``5`` → ``5.00``)."""
    rounded = value.quantize(_CENT, rounding=ROUND_HALF_UP)
    if abs(rounded) >= _AMOUNT_LIMIT:
        raise ValueError(f"amount {value} is too large for QuickBooks")
    return format(rounded, "f")


def format_price(value: Decimal) -> str:
    """A ``PRICETYPE``/``QUANTYPE``: up to five decimals, no exponent, no trailing zeros."""
    rounded = value.quantize(Decimal("0.00001"), rounding=ROUND_HALF_UP).normalize()
    if abs(rounded) >= _PRICE_LIMIT:
        raise ValueError(f"price or quantity {value} is too large for QuickBooks")
    text_value = format(rounded, "f")
    return "0" if text_value in ("-0", "") else text_value


def _format(value: Any, meta: Any, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        kind = meta.get("fmt")
        if kind == "amount":
            return format_amount(value)
        if kind == "price":
            return format_price(value)
        return format(value.normalize(), "f")  # FLOATTYPE (ExchangeRate)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        limit = meta.get("max")
        if limit is not None and len(value) > limit:
            raise ValueError(f"{where} is {len(value)} characters; QuickBooks allows {limit}")
        return value
    raise TypeError(f"{where}: cannot write {type(value).__name__} as qbXML")


def element(tag: str, node: Any) -> etree._Element:
    """The element ``tag`` holding ``node``'s fields as children, in declaration order."""
    root = etree.Element(tag)
    fill(root, node)
    return root


def fill(parent: etree._Element, node: Any) -> None:
    """Append ``node``'s fields to ``parent`` (see the module docstring)."""
    for spec in dataclasses.fields(node):
        value = getattr(node, spec.name)
        tag = spec.metadata.get("tag") or tag_of(spec.name)
        values: Sequence[Any] = value if isinstance(value, list) else [value]
        for item in values:
            if item is None:
                continue
            if dataclasses.is_dataclass(item):
                parent.append(element(tag, item))
            else:
                child = etree.SubElement(parent, tag)
                child.text = _format(item, spec.metadata, f"{parent.tag}/{tag}")


@dataclass(frozen=True)
class Ref:
    """A list reference (``CustomerRef``, ``ItemRef``, …): by ``ListID`` or by ``FullName``."""

    list_id: str | None = text(36)
    full_name: str | None = text(209)

    @classmethod
    def named(cls, name: str) -> Ref:
        """A reference by full name."""
        return cls(full_name=name)


@dataclass(frozen=True)
class Request:
    """One request of a message set: ``tag`` (``…Rq``), its ``requestID`` and its element."""

    tag: str
    request_id: str
    body: etree._Element

    def xml(self) -> str:
        """The request alone (for logs)."""
        return etree.tostring(self.body, encoding="unicode")


def request(tag: str, request_id: str, node: Any, *, wrap: str | None = None,
            attributes: dict[str, str] | None = None) -> Request:
    """A ``tag`` request: ``node``'s fields directly inside it, or inside ``<wrap>`` (Adds, Mods)."""
    root = etree.Element(tag, requestID=request_id)
    for name, value in (attributes or {}).items():
        root.set(name, value)
    if wrap is None:
        fill(root, node)
    else:
        root.append(element(wrap, node))
    return Request(tag, request_id, root)


def message_set(requests: Iterable[Request], *, on_error: str = "stopOnError",
                new_message_set_id: str | None = None,
                old_message_set_id: str | None = None) -> str:
    """A whole qbXML document: prolog, ``<?qbxml version?>``, ``QBXML/QBXMLMsgsRq``.

    ``newMessageSetID`` asks QuickBooks to keep this set's outcome so that, when the answer is
    lost, the same set sent again (or ``oldMessageSetID`` = ``newMessageSetID``) returns the kept
    answer instead of running twice. IDs are at most 24 characters.
    """
    if on_error not in ON_ERROR:
        raise ValueError(f"onError must be one of {ON_ERROR}")
    root = etree.Element("QBXML")
    msgs = etree.SubElement(root, "QBXMLMsgsRq")
    for name, value in (("newMessageSetID", new_message_set_id),
                        ("oldMessageSetID", old_message_set_id)):
        if value is not None:
            if not 0 < len(value) <= 24:
                raise ValueError(f"{name} must be 1 to 24 characters")
            msgs.set(name, value)
    msgs.set("onError", on_error)
    for item in requests:
        msgs.append(copy.deepcopy(item.body))
    return PROLOG + etree.tostring(root, encoding="unicode")

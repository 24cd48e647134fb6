"""QuickBooks Desktop's change data capture in qbXML: what was deleted since a moment.

``TxnDeletedQuery`` names one or more ``TxnDelType``s and ``ListDeletedQuery`` one or more
``ListDelType``s, each optionally within a ``DeletedDateRangeFilter`` (both ends included);
neither takes an iterator. What was *changed* is asked with the ordinary queries:
``ModifiedDateRangeFilter`` on transaction queries (``transactions.TxnQuery``) and
``FromModifiedDate`` on list queries (``lists.ListQuery``).
"""
# ruff: noqa: RUF009  (many() is a dataclasses.field())

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.build import Request, many, request
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.parse import Response

#: the list types whose deletions matter to the read-back: customers, and the items we post to
ITEM_DEL_TYPES = ("ItemDiscount", "ItemFixedAsset", "ItemGroup", "ItemInventory",
                  "ItemInventoryAssembly", "ItemNonInventory", "ItemOtherCharge", "ItemPayment",
                  "ItemSalesTax", "ItemSalesTaxGroup", "ItemService", "ItemSubtotal")


@dataclass(frozen=True)
class DeletedDateRangeFilter:
    """Deleted in [from, to] (QuickBooks' local date-times)."""

    from_deleted_date: str | None = None
    to_deleted_date: str | None = None


@dataclass(frozen=True)
class TxnDeletedQuery:
    """``TxnDeletedQuery``: ``TxnDelType+`` then the range."""

    txn_del_type: list[str] = many()
    deleted_date_range_filter: DeletedDateRangeFilter | None = None


@dataclass(frozen=True)
class ListDeletedQuery:
    """``ListDeletedQuery``: ``ListDelType+`` then the range."""

    list_del_type: list[str] = many()
    deleted_date_range_filter: DeletedDateRangeFilter | None = None


@dataclass(frozen=True)
class DeletedRecord:
    """A ``TxnDeletedRet``/``ListDeletedRet``: what was deleted, when, and its number/name."""

    kind: str  # the TxnDelType / ListDelType
    ident: str  # TxnID / ListID
    time_deleted: str  # as QuickBooks wrote it
    label: str = ""  # RefNumber / FullName


def _since(since: str | None) -> DeletedDateRangeFilter | None:
    return DeletedDateRangeFilter(from_deleted_date=since) if since else None


def txn_deleted_query(request_id: str, kinds: list[str], since: str | None = None) -> Request:
    """``TxnDeletedQueryRq``: transactions of ``kinds`` deleted since ``since`` (inclusive)."""
    return request("TxnDeletedQueryRq", request_id, TxnDeletedQuery(list(kinds), _since(since)))


def list_deleted_query(request_id: str, kinds: list[str], since: str | None = None) -> Request:
    """``ListDeletedQueryRq``: list elements of ``kinds`` deleted since ``since`` (inclusive)."""
    return request("ListDeletedQueryRq", request_id, ListDeletedQuery(list(kinds),
                                                                       _since(since)))


def _text(el: ET.Element, tag: str) -> str:
    found = el.find(tag)
    return (found.text or "") if found is not None else ""


def deleted_records(response: Response) -> list[DeletedRecord]:
    """Every ``TxnDeletedRet``/``ListDeletedRet`` of a deleted query's response."""
    out = []
    for ret in response.rets:
        if ret.tag == "TxnDeletedRet":
            out.append(DeletedRecord(_text(ret, "TxnDelType"), _text(ret, "TxnID"),
                                     _text(ret, "TimeDeleted"), _text(ret, "RefNumber")))
        elif ret.tag == "ListDeletedRet":
            out.append(DeletedRecord(_text(ret, "ListDelType"), _text(ret, "ListID"),
                                     _text(ret, "TimeDeleted"), _text(ret, "FullName")))
    return out

"""What changed in the company since a moment: QuickBooks Desktop's change data capture.

- ``ModifiedDateRangeFilter`` (transaction queries) and ``FromModifiedDate``/``ToModifiedDate``
  (list queries) keep the records whose ``TimeModified`` lies in the range, *both ends
  included*, compared to the second (QuickBooks keeps no finer time).
- ``TxnDeletedQuery`` (by ``TxnDelType``, one or more) and ``ListDeletedQuery`` (by
  ``ListDelType``) list the records deleted by hand, optionally within
  ``DeletedDateRangeFilter``; they take no iterator. A query that finds nothing is status 1.
- Date-times in a request without an offset are the company computer's local time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .outcome import NO_MATCH, Outcome
from .state import Company, Deleted, Record


def _second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def within(company: Company, moment: datetime, start: Any, end: Any) -> bool:
    """``start`` <= ``moment`` <= ``end`` to the second (either bound may be absent)."""
    at = _second(moment)
    if start not in (None, "") and at < _second(company.read_time(str(start))):
        return False
    return not (end not in (None, "") and at > _second(company.read_time(str(end))))


def modified_filter(company: Company, records: list[Record], body: dict[str, Any]
                    ) -> list[Record]:
    """A transaction query's ``ModifiedDateRangeFilter``, if any."""
    span = body.get("ModifiedDateRangeFilter")
    if not span:
        return records
    return [r for r in records if within(company, r.modified, span.get("FromModifiedDate"),
                                         span.get("ToModifiedDate"))]


def list_modified_filter(company: Company, records: list[Record], body: dict[str, Any]
                         ) -> list[Record]:
    """A list query's ``FromModifiedDate``/``ToModifiedDate``, if any."""
    start, end = body.get("FromModifiedDate"), body.get("ToModifiedDate")
    if start in (None, "") and end in (None, ""):
        return records
    return [r for r in records if within(company, r.modified, start, end)]


def _deleted(company: Company, body: dict[str, Any], type_tag: str, ret_tag: str
             ) -> Outcome:
    kinds = set(body.get(type_tag, []))
    span = body.get("DeletedDateRangeFilter") or {}
    found: list[Deleted] = [d for d in company.deleted if d.kind in kinds and within(
        company, d.deleted, span.get("FromDeletedDate"), span.get("ToDeletedDate"))]
    rets = []
    for gone in found:
        data: dict[str, Any] = {type_tag: gone.kind,
                                "TimeDeleted": company.local(gone.deleted)}
        if type_tag == "TxnDelType":
            data.update({"TxnID": gone.id, "RefNumber": gone.ref_number or None})
        else:
            data.update({"ListID": gone.id, "FullName": gone.full_name or None})
        rets.append((ret_tag, Record(ret_tag.removesuffix("Ret"), gone.id, data, gone.created,
                                     gone.deleted)))
    if not rets:
        return Outcome(1, "Info", NO_MATCH, query=True)
    return Outcome(rets=rets, query=True)


def txn_deleted_query(company: Company, body: dict[str, Any]) -> Outcome:
    """``TxnDeletedQuery``: transactions of the ``TxnDelType``s deleted (in the range)."""
    return _deleted(company, body, "TxnDelType", "TxnDeletedRet")


def list_deleted_query(company: Company, body: dict[str, Any]) -> Outcome:
    """``ListDeletedQuery``: list elements of the ``ListDelType``s deleted (in the range)."""
    return _deleted(company, body, "ListDelType", "ListDeletedRet")


HANDLERS = {"TxnDeletedQueryRq": txn_deleted_query, "ListDeletedQueryRq": list_deleted_query}

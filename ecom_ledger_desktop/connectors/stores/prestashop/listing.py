"""The skip-proof listing of records changed since T (``filter[date_upd]`` with ``date=1``).

PrestaShop has no total count and no cursor token; offset paging over a moving set skips rows
(PART 0.1, failure 3). So every query asks for the *first* page of "everything from the highest
row seen so far on", sorted ``[date_upd_ASC,id_ASC]``:

1. ``filter[date_upd]=[L,U]`` (BETWEEN: inclusive both ends, shop-local times), ``limit=0,N``.
   Rows already yielded in this call are dropped by id, so the seam rows sharing the last
   second are harmless.
2. A page shorter than N ends the walk (PrestaShop never says how many there are).
3. Otherwise L becomes the last row's ``date_upd`` (inclusive again).
4. Ties: a full page of one second T would come back forever, so the walk finishes T with
   ``filter[date_upd]=[T,T]&filter[id]=>[last id]`` and resumes at T + 1 s (stamps are whole
   seconds).

``date_upd`` only moves forward, so a row changed during the walk moves to where the walk has
not been yet. Filters compare the shop's local wall time: on a DST fall-back night the lower
bound is taken two hours earlier, so the repeated hour cannot hide a row behind the cursor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ecom_ledger_desktop.connectors.stores.prestashop.context import rows
from ecom_ledger_desktop.connectors.stores.prestashop.fields import WIRE, to_local
from ecom_ledger_desktop.core.errors import RetriableError

FAR = "2999-12-31 23:59:59"
Fetch = Callable[[dict[str, str]], Any]


def lower_bound(since: datetime, zone: ZoneInfo) -> str:
    """``since`` as the shop's wall time, two hours earlier around a DST change."""
    before, after = since - timedelta(hours=2), since + timedelta(hours=2)
    if before.astimezone(zone).utcoffset() != after.astimezone(zone).utcoffset():
        return to_local(before, zone)
    return to_local(since, zone)


def _key(row: Any) -> tuple[str, str] | None:
    if not isinstance(row, Mapping):
        return None
    stamp, rid = row.get("date_upd"), row.get("id")
    if not isinstance(stamp, str) or rid is None or not str(rid).isdigit():
        return None
    return stamp, str(rid)


def walk_changed(fetch: Fetch, resource: str, since: datetime, until: datetime | None,
                 zone: ZoneInfo, page_size: int, extra: dict[str, str] | None = None,
                 on_page: Callable[[list[Mapping[str, Any]]], None] | None = None,
                 ) -> Iterator[Mapping[str, Any]]:
    """Every row with ``since <= date_upd <= until``, once, ascending (see module docstring).

    ``on_page`` sees each page's rows before they are yielded (to read their related records in
    one request per page); raw rows are yielded even when malformed, so the caller reports them.
    """
    upper = to_local(until, zone) if until else FAR
    lower = lower_bound(since, zone)
    tie: tuple[str, str] | None = None  # (second, last id) while finishing a crowded second
    seen: set[str] = set()
    asked: set[tuple[tuple[str, str], ...]] = set()
    base = {"display": "full", "date": "1", "sort": "[date_upd_ASC,id_ASC]",
            "limit": f"0,{page_size}", **(extra or {})}
    while True:
        query = dict(base)
        if tie is not None:
            query["filter[date_upd]"] = f"[{tie[0]},{tie[0]}]"
            query["filter[id]"] = f">[{tie[1]}]"
        elif lower > upper:  # PrestaShop sorts the bounds: [later,earlier] would match again
            return
        else:
            query["filter[date_upd]"] = f"[{lower},{upper}]"
        signature = tuple(sorted(query.items()))
        if signature in asked:
            raise RetriableError(f"PrestaShop's {resource} listing did not move forward; will "
                                 "retry")
        asked.add(signature)
        page = rows(fetch(query), resource)
        if on_page is not None:
            on_page([r for r in page if str(r.get("id")) not in seen])
        for row in page:
            rid = str(row.get("id"))
            if rid in seen:
                continue
            seen.add(rid)
            yield row
        keys = [k for k in (_key(r) for r in page) if k is not None]
        if len(page) < page_size:
            if tie is None:
                return
            lower, tie = _next_second(tie[0]), None
            continue
        if not keys:
            raise RetriableError(f"PrestaShop sent a full page of {resource} without usable "
                                 "dates; will retry")
        last_stamp, last_id = keys[-1]
        if tie is not None or keys[0][0] == last_stamp:
            tie = (last_stamp, last_id)
        else:
            lower = last_stamp


def _next_second(stamp: str) -> str:
    try:
        moment = datetime.strptime(stamp, WIRE).replace(tzinfo=UTC)  # wall time: any zone does
        return (moment + timedelta(seconds=1)).strftime(WIRE)
    except ValueError:
        return stamp

"""Listing orders changed since T, skip-proof, for both APIs.

5.x add-on: there is no update-time condition, so the walk sorts by ``o.lastRenewDate`` *desc*
and pages with ``_cnd[limit]`` until a page is short or reaches below ``since``. Offset paging
downwards is safe over a moving set: an order saved during the walk jumps to the head (already
read) and a new one pushes rows down, so a row is at worst read twice (de-duplicated by id), never
skipped. The kept rows are then yielded ascending ``(lastRenewDate, order_id)``.

5.5: ``order[lastRenewDate]=asc`` with ``lastRenewDate[after]`` (inclusive) from the last stamp
read, always page 1 (no offset over a moving set); when a whole page shares one stamp, that second
is finished with ``after=before=T`` paged by number, then the walk resumes ``strictly_after`` T.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from ecom_ledger_desktop.connectors.stores.xcart.fields import parse_stamp
from ecom_ledger_desktop.core.errors import RetriableError

Pairs = list[tuple[str, str]]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def row_id(row: Any, key: str = "order_id") -> str:
    if isinstance(row, Mapping):
        value = row.get(key)
        if isinstance(value, int | str) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
    return ""


def row_stamp(row: Any, updated: str = "lastRenewDate", created: str = "date"
              ) -> datetime | None:
    if not isinstance(row, Mapping):
        return None
    return parse_stamp(row.get(updated)) or parse_stamp(row.get(created))


def _in(stamp: datetime | None, since: datetime, until: datetime | None) -> bool:
    return stamp is None or (stamp >= since and (until is None or stamp <= until))


#: rows of one walk kept whole in memory; beyond it only (stamp, id), read again one by one
IN_MEMORY = 2000
FetchOne = Callable[[str], Any]


class Kept:
    """The rows a 5.x walk selected, yielded ascending ``(lastRenewDate, order_id)``.

    A walk must see the whole window before it can yield the oldest row, so a first sync of a
    big shop would hold every order; past ``IN_MEMORY`` rows only the stamp and id are kept and
    the order is read again when its turn comes. One whose stamp moved since (saved meanwhile)
    is left to the next poll, where its new stamp places it: yielding it now, out of order,
    could carry the cursor past rows not yet journaled.
    """

    def __init__(self, limit: int = IN_MEMORY) -> None:
        self.limit = limit
        self.rows: dict[str, tuple[datetime | None, Any]] = {}
        self.whole = 0

    def keep(self, ident: str, stamp: datetime | None, row: Any) -> None:
        if ident in self.rows:
            return
        refetchable = ident.isdigit() and stamp is not None
        if self.whole >= self.limit and refetchable:
            row = None
        else:
            self.whole += 1
        self.rows[ident] = (stamp, row)

    def ascending(self, fetch_one: FetchOne | None) -> Iterator[Any]:
        def key(item: tuple[str, tuple[datetime | None, Any]]) -> tuple[datetime, int, str]:
            ident, (stamp, _) = item
            return (stamp or EPOCH, int(ident) if ident.isdigit() else 0, ident)
        for ident, (stamp, kept) in sorted(self.rows.items(), key=key):
            row = kept
            if row is None and fetch_one is not None:
                row = fetch_one(ident)
                if row is None or row_stamp(row) != stamp:
                    continue  # deleted, or saved since: the next poll reads it in its place
            if row is not None:
                yield row


def walk_rest(get: Callable[[Pairs], Any], since: datetime, until: datetime | None,
              size: int, *, by_change: bool = True, fetch_one: FetchOne | None = None,
              kept: Kept | None = None) -> Iterator[Any]:
    """5.x: every order with ``since <= lastRenewDate <= until`` once, ascending.

    ``by_change=False`` (a shop whose add-on refuses ``_cnd[orderBy]`` on ``o.lastRenewDate``,
    reference part H #5) reads every order by ``order_id`` (new orders only append, so offsets
    are stable) and keeps the changed ones: slower, but nothing is missed.
    """
    kept = kept or Kept()
    if not by_change:
        yield from _walk_all(get, since, until, size, kept, fetch_one)
        return
    offset = 0
    while True:
        page = get([("_cnd[orderBy][0]", "o.lastRenewDate"), ("_cnd[orderBy][1]", "desc"),
                    ("_cnd[limit][0]", str(offset)), ("_cnd[limit][1]", str(size))])
        if not isinstance(page, list):
            raise RetriableError("X-Cart's order list is not a list; reading it again")
        oldest: datetime | None = None
        for n, row in enumerate(page):
            stamp = row_stamp(row)
            ident = row_id(row) or f"unnamed:{offset + n}"
            if _in(stamp, since, until):
                kept.keep(ident, stamp, row)
            if stamp is not None and isinstance(row, Mapping) and \
                    parse_stamp(row.get("lastRenewDate")) is not None:
                oldest = stamp if oldest is None else min(oldest, stamp)
        if len(page) < size or (oldest is not None and oldest < since):
            break
        offset += size
    yield from kept.ascending(fetch_one)


def _walk_all(get: Callable[[Pairs], Any], since: datetime, until: datetime | None,
              size: int, kept: Kept, fetch_one: FetchOne | None) -> Iterator[Any]:
    offset = 0
    while True:
        page = get([("_cnd[orderBy][0]", "o.order_id"), ("_cnd[orderBy][1]", "asc"),
                    ("_cnd[limit][0]", str(offset)), ("_cnd[limit][1]", str(size))])
        if not isinstance(page, list):
            raise RetriableError("X-Cart's order list is not a list; reading it again")
        for n, row in enumerate(page):
            stamp = row_stamp(row)
            if _in(stamp, since, until):
                kept.keep(row_id(row) or f"unnamed:{offset + n}", stamp, row)
        if len(page) < size:
            break
        offset += size
    yield from kept.ascending(fetch_one)


def walk_api55(get: Callable[[Pairs], Any], since: datetime, until: datetime | None,
               size: int, on_total: Callable[[int], None] | None = None) -> Iterator[Any]:
    """5.5: every order with ``since <= update_date <= until`` once, ascending."""
    upper = [("lastRenewDate[before]", until.isoformat())] if until else []
    lower: Pairs = [("lastRenewDate[after]", since.isoformat())]
    seen: set[str] = set()
    first = True
    while True:
        page = _members(get([*lower, *upper, ("order[lastRenewDate]", "asc"),
                             ("itemsPerPage", str(size)), ("page", "1")]), on_total if first
                        else None)
        first = False
        fresh = [r for r in page if row_id(r, "id") not in seen]
        for row in fresh:
            seen.add(row_id(row, "id"))
            yield row
        if len(page) < size:
            return
        stamps = [s for s in (parse_stamp(r.get("update_date")) for r in page
                              if isinstance(r, Mapping)) if s is not None]
        if not stamps:
            raise RetriableError("X-Cart sent a full page of orders without change dates; "
                                 "will retry")
        last = max(stamps)
        if stamps[0] == last:  # a whole page in one second: finish that second by page number
            yield from _one_second(get, last, size, seen)
            lower = [("lastRenewDate[strictly_after]", last.isoformat())]
        else:
            lower = [("lastRenewDate[after]", last.isoformat())]


def _one_second(get: Callable[[Pairs], Any], second: datetime, size: int,
                seen: set[str]) -> Iterator[Any]:
    number = 1
    while True:
        page = _members(get([("lastRenewDate[after]", second.isoformat()),
                             ("lastRenewDate[before]", second.isoformat()),
                             ("order[lastRenewDate]", "asc"), ("itemsPerPage", str(size)),
                             ("page", str(number))]), None)
        for row in page:
            if row_id(row, "id") not in seen:
                seen.add(row_id(row, "id"))
                yield row
        if len(page) < size:
            return
        number += 1


def _members(body: Any, on_total: Callable[[int], None] | None) -> list[Any]:
    if isinstance(body, Mapping) and isinstance(body.get("hydra:member"), list):
        total = body.get("hydra:totalItems")
        if on_total is not None and isinstance(total, int):
            on_total(total)
        return list(body["hydra:member"])
    if isinstance(body, list):
        return body
    raise RetriableError("X-Cart's order list is neither a list nor a Hydra collection; "
                         "reading it again")

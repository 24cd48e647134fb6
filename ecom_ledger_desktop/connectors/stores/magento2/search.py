"""``searchCriteria`` query building and the skip-proof listing of records changed since T.

Why not plain offset paging: ``/V1/orders`` sorted by ``updated_at`` is a moving set. When an
order on page 1 is updated while we read, it jumps to the tail and every row behind it moves
up one position, so the row at the next page boundary is never read (PART 0.1, failure 3);
Magento also repeats the last page for pages past the end (A3.4).

Strategy (a keyset walk over ``(updated_at, entity_id)``, every query asking for page 1 of
"everything from the highest row seen so far on", sorted ``updated_at ASC, entity_id ASC`` with
explicit directions):

1. ``updated_at >= since`` (``AND updated_at <= until`` in a *separate* group; filters in one
   group are ORed). Rows already yielded in this call are dropped (de-duplication by
   ``entity_id``), so the seam row(s) sharing the last timestamp are harmless.
2. Stop when ``current_page * page_size >= total_count`` — here always page 1, i.e. when what
   remains fits on the page just read. Never on an empty page.
3. Otherwise continue from the last row's ``updated_at`` (``>=`` again: that is the "re-check
   from the max seen with the same sort", done on every step, not only at the end).
4. Ties: when a whole page shares one timestamp T (bulk updates; more than ``page_size`` rows
   in one second) ``>= T`` would return the same page forever, so the walk finishes second T
   with ``updated_at = T AND entity_id > last id`` and then resumes with ``updated_at > T``.

Because ``updated_at`` only ever moves forward, a row that moves during the walk moves to a
place the walk has not reached yet, and no query ever depends on an offset: nothing can be
skipped. Rows written late with an old timestamp (commit lag) are the caller's overlap window's
job. A row without ``updated_at`` matches no ``updated_at`` filter, so ``walk_undated`` lists
those separately (normally one request answering ``total_count: 0``). A page size refused with
``Maximum SearchCriteria pageSize is N`` is halved (never above N) and the same query is asked
again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ecom_ledger_desktop.connectors.stores.magento2.errors import PageSizeTooLargeError
from ecom_ledger_desktop.core.errors import RetriableError

WIRE_FORMAT = "%Y-%m-%d %H:%M:%S"

Filter = tuple[str, str, str]  # field, value, condition_type
"""One ``filters[F]`` entry."""


def wire_time(when: datetime) -> str:
    """An aware datetime in Magento's UTC wire form ``YYYY-MM-DD HH:MM:SS``."""
    if when.tzinfo is None:
        raise ValueError("Magento filters need an aware datetime (UTC or with an offset)")
    return when.astimezone(UTC).strftime(WIRE_FORMAT)


def criteria(groups: list[list[Filter]], *, sort: list[tuple[str, str]] | None = None,
             page_size: int | None = None, current_page: int | None = None,
             ) -> list[tuple[str, str]]:
    """PHP-style bracketed query parameters for a ``searchCriteria``.

    Each inner list of ``groups`` is one filter group (its filters ORed); groups are ANDed.
    Every sort order is sent with its direction (Magento defaults to DESC).
    """
    params: list[tuple[str, str]] = []
    for g, group in enumerate(groups):
        for f, (field, value, condition) in enumerate(group):
            prefix = f"searchCriteria[filter_groups][{g}][filters][{f}]"
            params += [(f"{prefix}[field]", field), (f"{prefix}[value]", value),
                       (f"{prefix}[condition_type]", condition)]
    for s, (field, direction) in enumerate(sort or []):
        params += [(f"searchCriteria[sortOrders][{s}][field]", field),
                   (f"searchCriteria[sortOrders][{s}][direction]", direction)]
    if page_size is not None:
        params.append(("searchCriteria[pageSize]", str(page_size)))
    if current_page is not None:
        params.append(("searchCriteria[currentPage]", str(current_page)))
    return params


@dataclass
class Page:
    """One search answer: the rows and Magento's unpaged ``total_count``."""

    items: list[Any]
    total_count: int


def read_page(body: Any) -> Page:
    """``{"items": [...], "total_count": N}`` -> ``Page``; a malformed answer is retriable."""
    if not isinstance(body, Mapping):
        raise RetriableError("Magento's search answer is not an object; reading it again")
    items = body.get("items")
    total = body.get("total_count")
    if items is None:
        items = []
    if not isinstance(items, list) or isinstance(total, bool) or not isinstance(total, int):
        raise RetriableError("Magento's search answer lacks items or total_count; reading it again")
    return Page(items, total)


Fetch = Callable[[list[tuple[str, str]]], Page]
"""Runs one search with the given query parameters."""


class PageSize:
    """The page size of one connection; shrinks when the shop enforces input limits."""

    def __init__(self, size: int) -> None:
        self.size = max(1, size)

    def shrink(self, error: PageSizeTooLargeError) -> None:
        """Halve (never above the shop's stated maximum); re-raise when already at 1."""
        if self.size <= 1:
            raise error
        half = max(1, self.size // 2)
        self.size = min(half, error.limit) if error.limit else half


def fetch_sized(fetch: Fetch, groups: list[list[Filter]], sort: list[tuple[str, str]],
                page_size: PageSize) -> Page:
    """Page 1 of the query, halving the page size while the shop refuses it."""
    while True:
        try:
            return fetch(criteria(groups, sort=sort, page_size=page_size.size, current_page=1))
        except PageSizeTooLargeError as error:
            page_size.shrink(error)


def _entity(row: Any) -> str | None:
    """A row's ``entity_id`` as text, or None."""
    if not isinstance(row, Mapping):
        return None
    entity = row.get("entity_id")
    if isinstance(entity, bool) or not isinstance(entity, int | str) or not str(entity).strip():
        return None
    return str(entity).strip()


def _row_key(row: Any) -> tuple[str, str] | None:
    """``(updated_at, entity_id)`` of a row as sent, or None when unusable for the walk."""
    entity = _entity(row)
    if entity is None or not isinstance(row, Mapping):
        return None
    updated = row.get("updated_at")
    return (updated, entity) if isinstance(updated, str) else None


def walk_changed(fetch: Fetch, since: datetime, until: datetime | None,
                 page_size: PageSize, on_total: Callable[[int], None] | None = None,
                 ) -> Iterator[Any]:
    """Every row with ``since <= updated_at <= until``, once, ascending (see module docstring).

    Yields the raw row objects (even malformed ones, so the caller can report them); ``on_total``
    hears the first page's ``total_count``: how many rows the whole window holds.
    """
    sort = [("updated_at", "ASC"), ("entity_id", "ASC")]
    upper: list[list[Filter]] = [[("updated_at", wire_time(until), "lteq")]] if until else []
    lower: list[Filter] = [("updated_at", wire_time(since), "gteq")]
    tie_groups: list[list[Filter]] | None = None  # set while finishing one crowded second
    seen: set[str] = set()
    last_query: list[list[Filter]] | None = None
    while True:
        groups = tie_groups if tie_groups is not None else [lower, *upper]
        if groups == last_query:
            raise RetriableError("Magento's listing did not move forward; will retry")
        last_query = groups
        page = fetch_sized(fetch, groups, sort, page_size)
        if on_total is not None and not seen:  # the first page counts the whole window
            on_total(page.total_count)
        for row in page.items:
            entity = _entity(row)
            if entity is not None:
                if entity in seen:
                    continue
                seen.add(entity)
            yield row
        if page_size.size >= page.total_count:  # page 1: current_page * size >= total_count
            if tie_groups is None:
                return
            stamp = tie_groups[0][0][1]
            tie_groups = None
            lower = [("updated_at", stamp, "gt")]
            continue
        keys = [k for k in (_row_key(r) for r in page.items) if k is not None]
        if not keys:
            raise RetriableError(
                f"Magento reported {page.total_count} matching records but sent none usable; "
                "will retry")
        last_stamp, last_id = keys[-1]
        if tie_groups is not None or keys[0][0] == last_stamp:
            # The whole page is one second: ">= that second" would return it again.
            tie_groups = [[("updated_at", last_stamp, "eq")], [("entity_id", last_id, "gt")],
                          *upper]
        else:
            lower = [("updated_at", last_stamp, "gteq")]


def walk_undated(fetch: Fetch, page_size: PageSize) -> Iterator[Any]:
    """Every row whose ``updated_at`` is empty, ascending ``entity_id``, once.

    ``walk_changed`` filters on ``updated_at``, so such a row would never be read at all: not
    posted, not flagged, silently missing. Magento's schema keeps ``updated_at`` NOT NULL, so
    this is one small request that finds nothing; when a broken import or extension does leave
    it empty, the row is still read (and posted or reported) on every run.
    """
    sort = [("entity_id", "ASC")]
    undated: Filter = ("updated_at", "1", "null")  # Magento ignores the value of ``null``
    after: str | None = None
    while True:
        groups = [[undated]] + ([[("entity_id", after, "gt")]] if after is not None else [])
        page = fetch_sized(fetch, groups, sort, page_size)
        yield from page.items
        if page_size.size >= page.total_count:
            return
        ids = [entity for entity in map(_entity, page.items) if entity is not None]
        if not ids or ids[-1] == after:
            raise RetriableError("Magento's listing of records without a change date did not "
                                 "move forward; will retry")
        after = ids[-1]

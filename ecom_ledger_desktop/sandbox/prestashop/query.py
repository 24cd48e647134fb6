"""List parameters as ``WebserviceRequest::manageFilters`` and ``SQLUtils`` apply them.

``filter[f]=[a|b]`` OR list, ``[a,b]`` inclusive BETWEEN with sorted bounds, ``>[v]`` / ``<[v]``
strict, ``![a|b]`` not equal, ``[v]%`` LIKE; ``date_add`` / ``date_upd`` only with ``date=1``
(code 32 otherwise); ``sort=[f_ASC,g_DESC]`` split on the last ``_`` (37 bad form, 38 unknown
field); ``limit=N`` or ``offset,N`` (39 beyond two parts); ``display=full`` or ``[a,b]`` (35).
No total count anywhere.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .resources import DATE_FIELDS, Resource

_FILTER = re.compile(r"^filter\[(?P<field>[^\]]+)\]$")
_INTERVAL = re.compile(r"^[0-9.: -]+$")


class QueryError(Exception):
    """A refused list parameter: HTTP 400 with the Webservice's code."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass
class ListQuery:
    """The parsed parameters of one listing."""

    filters: list[tuple[str, Callable[[str], bool]]]
    sort: list[tuple[str, bool]]  # field, descending
    offset: int
    count: int | None
    display: list[str] | None  # None: ids only
    full: bool


def _fields(resource: Resource, dates: bool) -> list[str]:
    names = ["id", *resource.fields]
    return [n for n in names if dates or n not in DATE_FIELDS]


def _key(value: str) -> tuple[int, Any]:
    text = str(value)
    return (0, float(text)) if re.fullmatch(r"-?\d+(\.\d+)?", text) else (1, text)


def _cmp(a: str, b: str) -> int:
    ka, kb = _key(a), _key(b)
    if ka[0] != kb[0]:
        ka, kb = (1, str(a)), (1, str(b))
    return (ka > kb) - (ka < kb)


def _predicate(raw: str) -> Callable[[str], bool]:
    if raw.startswith((">[", "<[")) and raw.endswith("]"):
        bound, greater = raw[2:-1], raw[0] == ">"
        return lambda v: _cmp(v, bound) > 0 if greater else _cmp(v, bound) < 0
    if raw.startswith("![") and raw.endswith("]"):
        values = raw[2:-1].split("|")
        return lambda v: all(_cmp(v, x) != 0 for x in values)
    like = re.fullmatch(r"(%?)\[(.*)\](%?)", raw)
    if like and (like.group(1) or like.group(3)):
        needle, left, right = like.group(2).lower(), bool(like.group(1)), bool(like.group(3))

        def match(v: str) -> bool:
            text = str(v).lower()
            if left and right:
                return needle in text
            return text.endswith(needle) if left else text.startswith(needle)
        return match
    if raw.startswith("[") and raw.endswith("]"):
        inner = raw[1:-1]
        if "," in inner and _INTERVAL.match(inner.replace(",", "")):
            low, high = sorted(inner.split(",", 1), key=_key)
            return lambda v: _cmp(v, low) >= 0 and _cmp(v, high) <= 0
        values = inner.split("|")
        return lambda v: any(_cmp(v, x) == 0 for x in values)
    return lambda v: _cmp(v, raw) == 0


def _unknown(kind: str, name: str, known: list[str], code: int) -> QueryError:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" Did you mean: \"{close[0]}\"?" if close else ""
    return QueryError(code, f'This {kind} does not exist for this linked table.{hint} The full '
                            f'list is: "{", ".join(known)}"')


def parse(query: dict[str, list[str]], resource: Resource, *, dates_need_flag: bool = True,
          ) -> ListQuery:
    """The listing parameters of ``query`` (``QueryError`` as the shop refuses them)."""
    dates = query.get("date", ["0"])[0] == "1" or not dates_need_flag
    known = _fields(resource, dates)
    filters = []
    for key, values in query.items():
        found = _FILTER.match(key)
        if not found:
            continue
        name = found.group("field")
        if name not in known:
            raise QueryError(32, f'This filter does not exist. Did you mean: "{name}"? The full '
                                 f'list is: "{", ".join(known)}"'
                             if name in DATE_FIELDS else _unknown("filter", name, known, 32).message)
        filters.append((name, _predicate(values[0])))
    sort: list[tuple[str, bool]] = []
    raw_sort = query.get("sort", [""])[0]
    if raw_sort:
        inner = raw_sort[1:-1] if raw_sort.startswith("[") and raw_sort.endswith("]") else raw_sort
        for part in inner.split(","):
            name, _, direction = part.rpartition("_")
            if not name or direction not in ("ASC", "DESC"):
                raise QueryError(37, 'The "sort" value has to be formed as this example: '
                                     '"field_ASC" or \'[field_1_DESC,field_2_ASC,...]\'')
            if name not in known:
                raise QueryError(38, f'Unable to filter by this field "{name}". However, these '
                                     f'are available: {", ".join(known)}')
            sort.append((name, direction == "DESC"))
    offset, count = 0, None
    raw_limit = query.get("limit", [""])[0]
    if raw_limit:
        parts = raw_limit.split(",")
        if len(parts) > 2 or not all(p.strip().isdigit() for p in parts):
            raise QueryError(39, 'The "limit" value has to be formed as this example: "5,25" '
                                 'or "10"')
        offset, count = (0, int(parts[0])) if len(parts) == 1 else (int(parts[0]), int(parts[1]))
    display, full = None, False
    raw_display = query.get("display", [""])[0]
    if raw_display:
        full = True
        if raw_display != "full":
            inner = raw_display.strip("[]")
            display = [d.strip() for d in re.split(r",(?![^\[]*\])", inner) if d.strip()]
            for name in display:
                base = name.split("[", 1)[0]
                if base not in ["id", *resource.fields, *resource.associations]:
                    raise QueryError(35, f'Unable to display this field "{base}". However, '
                                         f'these are available: {", ".join(known)}')
            display = [d.split("[", 1)[0] for d in display]
            if any(d in resource.associations for d in display):
                display.append("associations")
    return ListQuery(filters, sort, offset, count, display, full)


def apply(rows: list[dict[str, Any]], q: ListQuery) -> list[dict[str, Any]]:
    """Filter, sort (default: by id), then ``LIMIT offset, count``."""
    out = [r for r in rows if all(test(str(r.get(name, ""))) for name, test in q.filters)]
    out.sort(key=lambda r: _key(str(r["id"])))
    for name, descending in reversed(q.sort):
        out.sort(key=lambda r, n=name: _key(str(r.get(n, ""))), reverse=descending)  # type: ignore[misc]
    end = None if q.count is None else q.offset + q.count
    return out[q.offset:end]

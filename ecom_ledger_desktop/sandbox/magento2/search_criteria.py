"""Magento ``searchCriteria`` parsing and evaluation, plus ``fields=`` response trimming.

Follows the reference (A3): filters inside one group are ORed, groups are ANDed, 17 condition
types, several sort orders (a missing ``direction`` sorts DESC), no ``pageSize`` returns every
row, ``currentPage`` 0 is page 1 and a page past the end repeats the last page (switchable).
String comparisons are case-insensitive, like MySQL's default ``*_general_ci`` collations.
Both the snake_case keys of the docs and the camelCase keys of the Swagger file are accepted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

CONDITIONS = frozenset(
    {
        "eq",
        "finset",
        "from",
        "gt",
        "gteq",
        "in",
        "like",
        "lt",
        "lteq",
        "moreq",
        "neq",
        "nfinset",
        "nin",
        "nlike",
        "notnull",
        "null",
        "to",
    }
)
_ALIASES = {
    "filterGroups": "filter_groups",
    "sortOrders": "sort_orders",
    "sort_orders": "sort_orders",
    "pageSize": "page_size",
    "currentPage": "current_page",
    "conditionType": "condition_type",
}
MAX_PAGE_SIZE = 300
DEFAULT_LIMITED_PAGE_SIZE = 20


class CriteriaError(ValueError):
    """A request the real service answers with HTTP 400; ``body`` is the error JSON."""

    def __init__(self, body: dict[str, Any]) -> None:
        super().__init__(body.get("message", ""))
        self.body = body


@dataclass
class Filter:
    """One ``filters[F]`` entry."""

    field: str
    value: str
    condition_type: str = "eq"


@dataclass
class SearchCriteria:
    """A parsed ``searchCriteria``; ``page_size``/``current_page`` None when not sent."""

    filter_groups: list[list[Filter]] = field(default_factory=list)
    sort_orders: list[tuple[str, str]] = field(default_factory=list)
    page_size: int | None = None
    current_page: int | None = None

    def echo(self) -> dict[str, Any]:
        """The ``search_criteria`` object Magento echoes back in list responses."""
        out: dict[str, Any] = {
            "filter_groups": [
                {
                    "filters": [
                        {"field": f.field, "value": f.value, "condition_type": f.condition_type}
                        for f in group
                    ]
                }
                for group in self.filter_groups
            ]
        }
        if self.sort_orders:
            out["sort_orders"] = [{"field": f, "direction": d} for f, d in self.sort_orders]
        if self.page_size is not None:
            out["page_size"] = self.page_size
        if self.current_page is not None:
            out["current_page"] = self.current_page
        return out


_KEY = re.compile(r"^searchCriteria((?:\[[^\]]*\])+)$")


def _nest(query: dict[str, list[str]]) -> dict[str, Any] | None:
    """Turn ``searchCriteria[a][0][b]=v`` keys into nested dicts; None if absent."""
    root: dict[str, Any] = {}
    found = False
    for key, values in query.items():
        if key == "searchCriteria":
            found = True
            continue
        match = _KEY.match(key)
        if not match:
            continue
        found = True
        parts = [_ALIASES.get(p, p) for p in re.findall(r"\[([^\]]*)\]", match.group(1))]
        node = root
        for part in parts[:-1]:
            nxt = node.setdefault(part, {})
            if not isinstance(nxt, dict):
                nxt = node[part] = {}
            node = nxt
        node[parts[-1]] = values[-1]
    return root if found else None


def _int(raw: Any, name: str) -> int:
    try:
        return int(str(raw))
    except ValueError:
        raise CriteriaError({"message": f'"{name}" has invalid value of "{raw}".'}) from None


def _ordered(node: Any) -> list[Any]:
    if not isinstance(node, dict):
        return []
    return [node[k] for k in sorted(node, key=lambda k: (not k.isdigit(), int(k) if k.isdigit() else 0, k))]


def parse(query: dict[str, list[str]], *, required: bool = True) -> SearchCriteria:
    """Parse the bracketed query; raises ``CriteriaError`` when required and missing."""
    nested = _nest(query)
    if nested is None:
        if required:
            raise CriteriaError(
                {
                    "message": '"%fieldName" is required. Enter and try again.',
                    "parameters": {"fieldName": "searchCriteria"},
                }
            )
        return SearchCriteria()
    criteria = SearchCriteria()
    for group in _ordered(nested.get("filter_groups")):
        filters = []
        for raw in _ordered(group.get("filters") if isinstance(group, dict) else None):
            if not isinstance(raw, dict) or "field" not in raw:
                continue
            cond = (raw.get("condition_type") or "eq").lower()
            if cond not in CONDITIONS:
                raise CriteriaError(
                    {
                        "message": 'Invalid value of "%value" provided for the %fieldName field.',
                        "parameters": {"value": cond, "fieldName": "condition_type"},
                    }
                )
            filters.append(Filter(raw["field"], raw.get("value", ""), cond))
        if filters:
            criteria.filter_groups.append(filters)
    for raw in _ordered(nested.get("sort_orders")):
        if isinstance(raw, dict) and raw.get("field"):
            direction = str(raw.get("direction") or "DESC").upper()
            criteria.sort_orders.append((raw["field"], "ASC" if direction == "ASC" else "DESC"))
    if "page_size" in nested:
        criteria.page_size = _int(nested["page_size"], "pageSize")
    if "current_page" in nested:
        criteria.current_page = _int(nested["current_page"], "currentPage")
    return criteria


# --- evaluation -------------------------------------------------------------------------------


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            return None
    return None


def _compare(row_value: Any, wanted: str) -> int | None:
    """-1/0/1 comparing a row value with a filter value (numeric when both are numbers)."""
    if row_value is None:
        return None
    left, right = _number(row_value), _number(wanted)
    if left is not None and right is not None and not isinstance(row_value, str):
        return (left > right) - (left < right)
    a, b = str(row_value).casefold().rstrip(), wanted.casefold().rstrip()
    return (a > b) - (a < b)


def _like(row_value: Any, pattern: str) -> bool:
    if row_value is None:
        return False
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, str(row_value), re.IGNORECASE | re.DOTALL) is not None


def _set(value: str) -> list[str]:
    return [v.strip() for v in value.split(",")]


def matches(row: dict[str, Any], flt: Filter) -> bool:
    """Whether one row passes one filter."""
    value = row.get(flt.field)
    cond = flt.condition_type
    if cond == "null":
        return value is None
    if cond == "notnull":
        return value is not None
    if cond in ("in", "nin"):
        hit = any(_compare(value, v) == 0 for v in _set(flt.value))
        return hit if cond == "in" else (value is not None and not hit)
    if cond in ("finset", "nfinset"):
        members = [m.casefold() for m in _set(str(value))] if value is not None else []
        hit = flt.value.strip().casefold() in members
        return hit if cond == "finset" else (value is not None and not hit)
    if cond in ("like", "nlike"):
        hit = _like(value, flt.value)
        return hit if cond == "like" else (value is not None and not hit)
    order = _compare(value, flt.value)
    if order is None:
        return False
    return {
        "eq": order == 0,
        "neq": order != 0,
        "gt": order > 0,
        "lt": order < 0,
        "gteq": order >= 0,
        "moreq": order >= 0,
        "from": order >= 0,
        "lteq": order <= 0,
        "to": order <= 0,
    }[cond]


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, 0)  # NULLs first in ASC, like MySQL
    number = _number(value) if not isinstance(value, str) else None
    if number is not None:
        return (1, number)
    return (2, str(value).casefold())


def _sorter(name: str) -> Callable[[dict[str, Any]], tuple[int, Any]]:
    return lambda row: _sort_key(row.get(name))


def apply(
    rows: list[dict[str, Any]],
    criteria: SearchCriteria,
    *,
    repeat_last_page: bool,
    input_limits: bool,
) -> tuple[list[dict[str, Any]], int]:
    """Filter, sort and page ``rows``; returns (page, total_count)."""
    page_size = criteria.page_size
    if input_limits:
        if page_size is not None and page_size > MAX_PAGE_SIZE:
            raise CriteriaError({"message": f"Maximum SearchCriteria pageSize is {MAX_PAGE_SIZE}"})
        if page_size is None:
            page_size = DEFAULT_LIMITED_PAGE_SIZE
    selected = [r for r in rows if all(any(matches(r, f) for f in group) for group in criteria.filter_groups)]
    for name, direction in reversed(criteria.sort_orders):
        selected.sort(key=_sorter(name), reverse=direction == "DESC")
    total = len(selected)
    if not page_size or page_size <= 0:
        return selected, total
    page = max(criteria.current_page or 1, 1)
    last = max((total + page_size - 1) // page_size, 1)
    if page > last:
        if not repeat_last_page:
            return [], total
        page = last
    start = (page - 1) * page_size
    return selected[start : start + page_size], total


# --- fields= trimming ----------------------------------------------------------------------------

FieldSpec = dict[str, "FieldSpec | None"]


def parse_fields(text: str) -> FieldSpec:
    """Parse ``items[entity_id,increment_id],total_count`` into a nested spec."""
    spec, _ = _parse_fields(text, 0)
    return spec


def _parse_fields(text: str, pos: int) -> tuple[FieldSpec, int]:
    spec: FieldSpec = {}
    name = ""
    while pos < len(text):
        char = text[pos]
        if char == "[":
            sub, pos = _parse_fields(text, pos + 1)
            spec[name.strip()] = sub
            name = ""
        elif char == "]":
            if name.strip():
                spec[name.strip()] = None
            return spec, pos + 1
        elif char == ",":
            if name.strip():
                spec[name.strip()] = None
            name = ""
            pos += 1
            continue
        else:
            name += char
            pos += 1
            continue
        continue
    if name.strip():
        spec[name.strip()] = None
    return spec, pos


def trim(value: Any, spec: FieldSpec) -> Any:
    """Keep only the requested keys (lists are trimmed element by element)."""
    if isinstance(value, list):
        return [trim(v, spec) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, sub in spec.items():
        if key in value:
            out[key] = value[key] if sub is None else trim(value[key], sub)
    return out

"""The QBO query language (reference A3).

``SELECT * | SELECT *, Sku | SELECT COUNT(*) | SELECT f1, f2 FROM <Entity>
[WHERE f op v [AND ...]] [ORDERBY f [ASC|DESC][, ...]] [STARTPOSITION n] [MAXRESULTS n]``

Operators ``= < > <= >= IN LIKE`` (``%`` wildcards), strings in single quotes with ``\\'`` for an
apostrophe, no OR/JOIN. STARTPOSITION is 1-based, MAXRESULTS defaults to 100 and is capped at
1000. No match gives ``{}``; COUNT gives ``totalCount``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from . import faults
from .company import COMPANY_TZ, ENTITIES, Company, Record

META = ("MetaData.CreateTime", "MetaData.LastUpdatedTime")
TXN_FIELDS = ("Id", "DocNumber", "TxnDate", "CustomerRef", "TotalAmt", *META)
FILTERABLE: dict[str, tuple[str, ...]] = {
    "Customer": ("Id", "DisplayName", "GivenName", "MiddleName", "FamilyName",
                 "FullyQualifiedName", "CompanyName", "PrimaryEmailAddr", "PrintOnCheckName",
                 "Active", "Balance", *META),
    "Item": ("Id", "Name", "Type", "Sku", "Active", "FullyQualifiedName", *META),
    "SalesReceipt": TXN_FIELDS, "RefundReceipt": TXN_FIELDS, "CreditMemo": TXN_FIELDS,
    "Invoice": (*TXN_FIELDS, "Balance", "DueDate"),
    "Payment": ("Id", "TxnDate", "CustomerRef", "TotalAmt", *META),
    "Account": ("Id", "Name", "AccountType", "AccountSubType", "Classification", "Active",
                "FullyQualifiedName", "CurrentBalance", *META),
    "PaymentMethod": ("Id", "Name", "Type", "Active", *META),
    "TaxCode": ("Id", "Name", "Active", "Taxable", "TaxGroup", *META),
    "TaxRate": ("Id", "Name", "Active", *META),
    "TaxAgency": ("Id", "DisplayName", *META),
    "Term": ("Id", "Name", "Active", *META),
    "CompanyInfo": ("Id", *META),
    "Preferences": ("Id", *META),
}
NAME_LISTS = {"Customer": "DisplayName", "Item": "Name", "Account": "Name",
              "PaymentMethod": "Name", "Term": "Name", "TaxCode": "Name", "TaxRate": "Name",
              "TaxAgency": "DisplayName"}
TOKEN = re.compile(r"""\s*(?:(?P<str>'(?:\\.|[^'\\])*')|(?P<op><=|>=|!=|<>|[=<>(),*])|"""
                   r"""(?P<word>[A-Za-z_][\w.]*)|(?P<num>-?\d+(?:\.\d+)?))""")
KEYWORDS = {"SELECT", "FROM", "WHERE", "AND", "ORDERBY", "ORDER", "ASC", "DESC", "STARTPOSITION",
            "MAXRESULTS", "IN", "LIKE", "COUNT", "OR"}
MAX_RESULTS = 1000


@dataclass
class Condition:
    """One ``field op value`` term."""

    field: str
    op: str
    value: Any


@dataclass
class Query:
    """A parsed statement."""

    entity: str
    count: bool = False
    fields: list[str] | None = None
    where: list[Condition] = field(default_factory=list)
    order: list[tuple[str, bool]] = field(default_factory=list)
    start: int = 1
    max_results: int = 100


class _Tokens:
    def __init__(self, text: str) -> None:
        self.items: list[tuple[str, str, int]] = []
        pos = 0
        text = text.strip().rstrip(";")
        while pos < len(text):
            match = TOKEN.match(text, pos)
            if not match or match.end() == pos:
                raise faults.query_parser(
                    f'Encountered " "{text[pos:pos + 1]}" "" at line 1, column {pos + 1}.')
            kind = match.lastgroup or ""
            self.items.append((kind, match.group(kind), match.start(kind) + 1))
            pos = match.end()
        self.pos = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.items[self.pos] if self.pos < len(self.items) else None

    def next(self, expected: str = "") -> tuple[str, str, int]:
        tok = self.peek()
        if tok is None:
            raise faults.query_parser(f"Encountered \"<EOF>\" at line 1. Was expecting {expected}")
        self.pos += 1
        return tok

    def keyword(self, word: str) -> bool:
        tok = self.peek()
        if tok and tok[0] == "word" and tok[1].upper() == word:
            self.pos += 1
            return True
        return False

    def expect(self, text: str) -> None:
        tok = self.next(text)
        if tok[1].upper() != text:
            raise faults.query_parser(
                f'Encountered " "{tok[1]}" "" at line 1, column {tok[2]}. Was expecting "{text}"')


def _literal(tok: tuple[str, str, int]) -> Any:
    kind, text, col = tok
    if kind == "str":
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    if kind == "num":
        return Decimal(text)
    if kind == "word" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    raise faults.query_parser(f'Encountered " "{text}" "" at line 1, column {col}.')


def parse(text: str) -> Query:
    """Parse a statement (4000 on syntax errors, 4001 on invalid entity/property/paging)."""
    toks = _Tokens(text)
    toks.expect("SELECT")
    count = False
    fields: list[str] | None = None
    if toks.keyword("COUNT"):
        toks.expect("(")
        toks.expect("*")
        toks.expect(")")
        count = True
    else:
        names: list[str] = []
        while True:
            tok = toks.next("*")
            names.append(tok[1])
            if not (toks.peek() and toks.peek()[1] == ","):  # type: ignore[index]
                break
            toks.next()
        fields = None if "*" in names else names
    toks.expect("FROM")
    raw_entity = toks.next("entity")[1]
    entity = ENTITIES.get(raw_entity.lower())
    if entity is None:
        raise faults.query_validation(f"invalid context declaration: {raw_entity}")
    query = Query(entity=entity, count=count, fields=fields)
    if toks.keyword("WHERE"):
        while True:
            query.where.append(_condition(toks, entity))
            if toks.keyword("AND"):
                continue
            if toks.keyword("OR"):
                raise faults.query_parser("OR is not supported in a WHERE clause.")
            break
    while toks.peek() is not None:
        if toks.keyword("ORDERBY") or (toks.keyword("ORDER") and toks.keyword("BY")):
            while True:
                name = _field(toks.next("field")[1], entity)
                desc = toks.keyword("DESC")
                if not desc:
                    toks.keyword("ASC")
                query.order.append((name, desc))
                if not (toks.peek() and toks.peek()[1] == ","):  # type: ignore[index]
                    break
                toks.next()
        elif toks.keyword("STARTPOSITION"):
            query.start = _paging(toks)
        elif toks.keyword("MAXRESULTS"):
            query.max_results = min(_paging(toks), MAX_RESULTS)
        else:
            _kind, word, col = toks.next()
            raise faults.query_parser(f'Encountered " "{word}" "" at line 1, column {col}.')
    return query


def _paging(toks: _Tokens) -> int:
    kind, text, col = toks.next("number")
    if kind != "num" or "." in text:
        raise faults.query_parser(f'Encountered " "{text}" "" at line 1, column {col}.')
    value = int(text)
    if value < 1:
        raise faults.query_validation(f"value {value} is too small. Min allowed value is 1")
    return value


def _field(name: str, entity: str) -> str:
    if name.upper() in KEYWORDS:
        raise faults.query_parser(f'Encountered " "{name}" "" at line 1.')
    for candidate in FILTERABLE[entity]:
        if candidate.lower() == name.lower():
            return candidate
    raise faults.query_validation(f"property '{name}' is not queryable for entity {entity}")


def _condition(toks: _Tokens, entity: str) -> Condition:
    name = _field(toks.next("field")[1], entity)
    op_tok = toks.next("operator")
    op = op_tok[1].upper()
    if op not in ("=", "<", ">", "<=", ">=", "IN", "LIKE"):
        raise faults.query_parser(
            f'Encountered " "{op_tok[1]}" "" at line 1, column {op_tok[2]}.')
    if op == "IN":
        toks.expect("(")
        values = [_literal(toks.next("value"))]
        while toks.peek() and toks.peek()[1] == ",":  # type: ignore[index]
            toks.next()
            values.append(_literal(toks.next("value")))
        toks.expect(")")
        return Condition(name, op, values)
    return Condition(name, op, _literal(toks.next("value")))


def _value(data: dict[str, Any], name: str) -> Any:
    if name.startswith("MetaData."):
        return data.get("MetaData", {}).get(name.split(".", 1)[1])
    value = data.get(name)
    if isinstance(value, dict):
        return value.get("Address", value.get("value"))
    return value


def _coerce(actual: Any, literal: Any, name: str) -> tuple[Any, Any]:
    if isinstance(actual, bool) or isinstance(literal, bool):
        return actual, literal if isinstance(literal, bool) else str(literal).lower() == "true"
    if name.startswith("MetaData."):
        try:
            return _aware(str(actual)), _aware(str(literal))
        except ValueError as exc:
            raise faults.query_validation(f"invalid date time value {literal}") from exc
    if isinstance(actual, int | float) or (name == "Id" and str(actual).isdigit() \
            and str(literal).isdigit()):
        try:
            return Decimal(str(actual)), Decimal(str(literal))
        except InvalidOperation as exc:
            raise faults.query_validation(f"invalid number {literal}") from exc
    return str(actual).casefold(), str(literal).casefold()


def _aware(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=COMPANY_TZ)


def _matches(data: dict[str, Any], cond: Condition) -> bool:
    actual = _value(data, cond.field)
    if actual is None:
        return False
    if cond.op == "IN":
        return any(_compare(actual, "=", v, cond.field) for v in cond.value)
    if cond.op == "LIKE":
        pattern = "".join(".*" if ch == "%" else re.escape(ch) for ch in str(cond.value))
        return re.fullmatch(pattern, str(actual), flags=re.IGNORECASE | re.DOTALL) is not None
    return _compare(actual, cond.op, cond.value, cond.field)


def _compare(actual: Any, op: str, literal: Any, name: str) -> bool:
    left, right = _coerce(actual, literal, name)
    try:
        if op == "=":
            return bool(left == right)
        if op == "<":
            return bool(left < right)
        if op == ">":
            return bool(left > right)
        if op == "<=":
            return bool(left <= right)
        return bool(left >= right)
    except TypeError:
        return False


def _sort_key(rec: Record, name: str) -> tuple[int, Any]:
    value = _value(rec.data, name)
    if value is None:
        return (1, "")
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, int | float) or (name == "Id" and str(value).isdigit()):
        return (0, Decimal(str(value)))
    return (0, str(value).casefold())


def execute(company: Company, text: str) -> dict[str, Any]:
    """Run a statement; returns the ``QueryResponse`` object."""
    query = parse(text)
    records = company.live(query.entity)
    if query.entity in NAME_LISTS and not any(c.field == "Active" for c in query.where):
        records = [r for r in records if r.data.get("Active", True) is not False]
    records = [r for r in records if all(_matches(r.data, c) for c in query.where)]
    if query.count:
        return {"totalCount": len(records)}
    if query.order:
        for name, desc in reversed(query.order):
            records.sort(key=lambda r, n=name: _sort_key(r, n), reverse=desc)  # type: ignore[misc]
    elif query.entity in NAME_LISTS:
        records.sort(key=lambda r: _sort_key(r, NAME_LISTS[query.entity]))
    else:  # transactions come back most recently changed first, like the captures
        records.sort(key=lambda r: r.updated, reverse=True)
    page = records[query.start - 1: query.start - 1 + query.max_results]
    if not page:
        return {}
    entities = [_project(r.data, query.fields) for r in page]
    return {query.entity: entities, "startPosition": query.start, "maxResults": len(page)}


def _project(data: dict[str, Any], fields: list[str] | None) -> dict[str, Any]:
    if fields is None:
        return data
    keep = {"Id", "SyncToken", "MetaData", "domain"} | set(fields)
    out = {k: v for k, v in data.items() if k in keep}
    out["sparse"] = True
    return out

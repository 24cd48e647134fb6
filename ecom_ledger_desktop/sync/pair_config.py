"""A pair's whole configuration as a file, and its posting rules as form fields.

Export writes the posting rules, SKU mappings, customer mappings and schedule to a versioned JSON
document, without secrets or connection addresses, so a setup tested against a sandbox company
can be copied to production. Import checks every field first and names each bad one; nothing is
changed unless the whole file is good. Rules refer to ledger names, so they carry over; customer
mappings hold ledger customer ids, which belong to one company, so they are imported only when
asked for.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, ValidationError

from ecom_ledger_desktop.connectors.registry import KINDS
from ecom_ledger_desktop.db.connections_repo import Pair
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.rules import PostingRules, offline_posting

FORMAT = "ecom-ledger-pair-config"
VERSION = 1
MAX_SCHEDULE_MINUTES = 24 * 60
_TOP_LEVEL = {"format", "version", "exported_at", "source", "rules", "schedule_minutes",
              "enabled", "sku_mappings", "customer_mappings"}


def new_pair_rules(store_kind: str, start_date: date) -> PostingRules:
    """A new pair's posting rules: the defaults, with the store kind's offline payment methods
    (its own codes) posted only once paid."""
    kind = KINDS.get(store_kind)
    return PostingRules(start_date=start_date, payment_posting=offline_posting(
        kind.offline_payments if kind is not None else ()))


@dataclass(frozen=True)
class FieldProblem:
    """One bad field: where (a dotted path) and why."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class PairConfigError(ValueError):
    """The file or form cannot be used; ``problems`` names every bad field."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class PairDocument:
    """A validated configuration file."""

    rules: PostingRules
    schedule_minutes: int
    enabled: bool
    sku_mappings: dict[str, str]
    customer_mappings: dict[str, str]
    source: dict[str, str] = field(default_factory=dict)


@dataclass
class ImportReport:
    """What an import changed, and anything the merchant should check."""

    skus_set: int = 0
    skus_removed: int = 0
    customers_set: int = 0
    notes: list[str] = field(default_factory=list)


def _pair(state: State, ref: int | str) -> Pair:
    pair = state.connections.pair(ref)
    if pair is None:
        raise KeyError(f"there is no pair '{ref}'")
    return pair


# -- export ---------------------------------------------------------------------------------
def export_pair(state: State, pair_ref: int | str, now: datetime | None = None) -> dict[str, Any]:
    """The pair's configuration as a JSON-able document (no secrets, no addresses)."""
    pair = _pair(state, pair_ref)
    store = state.connections.connection(pair.store_id)
    ledger = state.connections.connection(pair.ledger_id)
    return {
        "format": FORMAT, "version": VERSION,
        "exported_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "source": {"pair": pair.name, "store_kind": store.kind if store else "",
                   "ledger_kind": ledger.kind if ledger else "",
                   "ledger_environment": (ledger.settings.get("environment", "production")
                                          if ledger else "")},
        "rules": pair.rules.model_dump(mode="json"),
        "schedule_minutes": pair.schedule_minutes,
        "enabled": pair.enabled,
        "sku_mappings": [{"sku": s, "ledger_item": i}
                         for s, i in sorted(state.mappings.skus(pair.id).items())],
        "customer_mappings": [{"customer_key": k, "ledger_customer_id": v}
                              for k, v in sorted(state.mappings.customers(pair.id).items())],
    }


def export_pair_json(state: State, pair_ref: int | str, now: datetime | None = None) -> str:
    """``export_pair`` as indented JSON text."""
    return json.dumps(export_pair(state, pair_ref, now), indent=2, ensure_ascii=False) + "\n"


# -- parse and validate ---------------------------------------------------------------------
def parse_document(text: str) -> PairDocument:
    """Validate a configuration file; ``PairConfigError`` lists every bad field."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise PairConfigError([FieldProblem("file", f"this is not a configuration file "
                                                    f"(not JSON: {error})")]) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PairConfigError([FieldProblem("format", "this is not an ecom-ledger pair "
                                                      "configuration file")])
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise PairConfigError([FieldProblem("version", "the file has no valid version")])
    if version > VERSION:
        raise PairConfigError([FieldProblem("version", f"the file was written by a newer "
                                                       f"version (format {version}); update "
                                                       "ecom-ledger first")])
    problems = [FieldProblem(k, "is not part of a pair configuration")
                for k in sorted(set(data) - _TOP_LEVEL)]
    rules = _rules(data.get("rules"), problems)
    schedule = data.get("schedule_minutes", 15)
    if (not isinstance(schedule, int) or isinstance(schedule, bool)
            or not 1 <= schedule <= MAX_SCHEDULE_MINUTES):
        problems.append(FieldProblem("schedule_minutes", f"must be a whole number of minutes "
                                                         f"from 1 to {MAX_SCHEDULE_MINUTES}"))
    enabled = data.get("enabled", True)
    if not isinstance(enabled, bool):
        problems.append(FieldProblem("enabled", "must be true or false"))
    skus = _pairs_list(data.get("sku_mappings", []), "sku_mappings", "sku", "ledger_item",
                       problems)
    customers = _pairs_list(data.get("customer_mappings", []), "customer_mappings",
                            "customer_key", "ledger_customer_id", problems)
    if problems or rules is None:
        raise PairConfigError(problems)
    source = data.get("source") if isinstance(data.get("source"), dict) else {}
    return PairDocument(rules, schedule, enabled, skus, customers,
                        {str(k): str(v) for k, v in (source or {}).items()})


def _rules(raw: Any, problems: list[FieldProblem]) -> PostingRules | None:
    if not isinstance(raw, dict):
        problems.append(FieldProblem("rules", "the posting rules are missing"))
        return None
    try:
        return PostingRules.model_validate(raw)
    except ValidationError as error:
        problems.extend(_pydantic_problems(error, "rules"))
        return None


def _pydantic_problems(error: ValidationError, prefix: str) -> list[FieldProblem]:
    out = []
    for item in error.errors():
        where = ".".join([prefix, *(str(part) for part in item["loc"])]).strip(".")
        message = "is not a setting" if item["type"] == "extra_forbidden" else item["msg"]
        out.append(FieldProblem(where, message))
    return out


def _pairs_list(raw: Any, name: str, key: str, value: str,
                problems: list[FieldProblem]) -> dict[str, str]:
    if not isinstance(raw, list):
        problems.append(FieldProblem(name, "must be a list"))
        return {}
    found: dict[str, str] = {}
    first_row: dict[str, int] = {}
    for number, row in enumerate(raw, start=1):
        where = f"{name}[{number}]"
        if not isinstance(row, dict):
            problems.append(FieldProblem(where, f"must have '{key}' and '{value}'"))
            continue
        left, right = row.get(key), row.get(value)
        bad = False
        for label, text in ((key, left), (value, right)):
            if not isinstance(text, str) or not text.strip():
                problems.append(FieldProblem(f"{where}.{label}", "is empty"))
                bad = True
        if bad:
            continue
        assert isinstance(left, str) and isinstance(right, str)
        if left in first_row:
            problems.append(FieldProblem(f"{where}.{key}", f"'{left}' is already in entry "
                                                           f"{first_row[left]}"))
            continue
        first_row[left] = number
        found[left.strip()] = right.strip()
    return found


# -- import ---------------------------------------------------------------------------------
def import_pair(state: State, pair_ref: int | str, text: str, *, replace_mappings: bool = False,
                include_customer_mappings: bool = False) -> ImportReport:
    """Apply a configuration file to a pair (all or nothing)."""
    document = parse_document(text)
    pair = _pair(state, pair_ref)
    report = ImportReport()
    current = state.mappings.skus(pair.id)
    with state.tx():
        state.connections.save_rules(pair.id, document.rules)
        _save_schedule(state, pair.id, document.schedule_minutes, document.enabled)
        if replace_mappings:
            for sku in sorted(set(current) - set(document.sku_mappings)):
                state.mappings.remove_sku(pair.id, sku)
                report.skus_removed += 1
        for sku, item in document.sku_mappings.items():
            state.mappings.set_sku(pair.id, sku, item, source="import")
            report.skus_set += 1
        if include_customer_mappings:
            for key, customer_id in document.customer_mappings.items():
                state.mappings.set_customer(pair.id, key, customer_id)
                report.customers_set += 1
    if document.customer_mappings and not include_customer_mappings:
        report.notes.append(
            f"{len(document.customer_mappings)} customer choices were not imported: they name "
            "customers of the company the file came from. Import them only when both pairs "
            "post to the same company.")
    if document.rules.start_date != pair.rules.start_date:
        report.notes.append(f"The start date is now {document.rules.start_date.isoformat()}; "
                            "orders created before it are never imported.")
    return report


def _save_schedule(state: State, pair_id: int, minutes: int, enabled: bool) -> None:
    state.connections.set_schedule(pair_id, minutes, enabled)


def set_schedule(state: State, pair_ref: int | str, minutes: int,
                 enabled: bool | None = None) -> None:
    """Change how often a pair syncs (and whether it is switched on)."""
    if isinstance(minutes, bool) or not 1 <= minutes <= MAX_SCHEDULE_MINUTES:
        raise PairConfigError([FieldProblem("schedule_minutes", "must be from 1 to "
                                                                f"{MAX_SCHEDULE_MINUTES} minutes")])
    pair = _pair(state, pair_ref)
    with state.tx():
        _save_schedule(state, pair.id, minutes, pair.enabled if enabled is None else enabled)


# -- rules as a form ------------------------------------------------------------------------
@dataclass(frozen=True)
class RuleField:
    """One posting-rule field as a form shows it."""

    name: str
    kind: str  # text | choice | date | bool | routes | mapping | route
    choices: tuple[str, ...] = ()
    description: str = ""


def rule_fields() -> list[RuleField]:
    """The editable posting-rule fields, in declaration order."""
    fields = []
    for name, info in PostingRules.model_fields.items():
        if name == "earlier_modes":  # history kept by a switch of posting_mode, not edited
            continue
        annotation = info.annotation
        args = typing.get_args(annotation)
        if typing.get_origin(annotation) is typing.Literal:
            fields.append(RuleField(name, "choice", tuple(str(a) for a in args)))
        elif annotation is bool:
            fields.append(RuleField(name, "bool"))
        elif name == "start_date":
            fields.append(RuleField(name, "date"))
        elif name == "payment_routes":
            fields.append(RuleField(name, "routes"))
        elif typing.get_origin(annotation) is dict:
            fields.append(RuleField(name, "mapping"))
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            fields.append(RuleField(name, "route"))
        else:
            fields.append(RuleField(name, "text"))
    return fields


def rule_path(key: str) -> list[str]:
    """Split a dotted rule key by the rules' own shape, so map keys may contain dots.

    ``tax_codes.8.25`` → ``["tax_codes", "8.25"]`` (a rate), ``payment_routes.pay.pal.
    deposit_account`` → ``["payment_routes", "pay.pal", "deposit_account"]``; a plain field, or
    a field of a group such as ``default_payment_route.deposit_account``, splits as written.
    """
    head, _, rest = key.partition(".")
    info = PostingRules.model_fields.get(head)
    if info is None or not rest:
        return key.split(".")
    annotation = info.annotation
    if typing.get_origin(annotation) is dict:
        value_type = typing.get_args(annotation)[1]
        if isinstance(value_type, type) and issubclass(value_type, BaseModel):
            entry, dot, field_name = rest.rpartition(".")
            if dot and field_name in value_type.model_fields:
                return [head, entry, field_name]
        return [head, rest]
    return key.split(".")


def set_rule(data: dict[str, Any], key: str, value: Any) -> FieldProblem | None:
    """Set one dotted rule key in the rules' JSON form; ``None`` removes a map entry."""
    parts = rule_path(key)
    node = data
    for part in parts[:-1]:
        child = node.get(part) if isinstance(node, dict) else None
        if child is None and isinstance(node, dict) and parts[0] == "payment_routes":
            child = node.setdefault(part, {})
        if not isinstance(child, dict):
            return FieldProblem(key, "is not a setting")
        node = child
    if value is None and len(parts) > 1:
        node.pop(parts[-1], None)
    else:
        node[parts[-1]] = value
    return None


def update_rules(state: State, pair_ref: int | str, changes: Mapping[str, Any]) -> PostingRules:
    """Apply form edits (dotted keys, e.g. ``payment_routes.checkmo.deposit_account`` or
    ``tax_codes.8.25``: see ``rule_path``).

    ``None`` as a value removes a key from a mapping. Nothing is saved unless every field is
    valid; ``PairConfigError`` names each bad one.
    """
    pair = _pair(state, pair_ref)
    data = pair.rules.model_dump(mode="json")
    problems = []
    for path, value in changes.items():
        problem = set_rule(data, path, value)
        if problem is not None:
            problems.append(problem)
    if data.get("posting_mode_from") == "":
        data["posting_mode_from"] = None  # an empty cut-over: from the start
    try:
        if data.get("posting_mode") != pair.rules.posting_mode:  # a switch keeps the old mode
            switched = pair.rules.switch_mode(data["posting_mode"], PostingRules.model_validate(
                data).posting_mode_from)  # before its cut-over date
            data["earlier_modes"] = switched.model_dump(mode="json")["earlier_modes"]
        rules = PostingRules.model_validate(data)
    except ValidationError as error:
        problems.extend(_pydantic_problems(error, ""))
    if problems:
        raise PairConfigError(problems)
    with state.tx():
        state.connections.save_rules(pair.id, rules)
    return rules

"""The bad-input corpus's case files: where they are, their format and schema, loading one, and
building its order.

The runner is the same for every store: it drives the store's simulator through its contract
harness (``tests/contract/harness.py``). A case file is data, not code (the schema is
``CASE_SCHEMA``); ``base``, ``raw_changes``, ``raw`` and a step's ``changes`` / ``spec``
are in the store's own terms (its simulator's order spec and its wire document):

``base``
    changes to the store's default case order (``StoreHarness.case_order``; for Magento
    ``tests.sync.conftest.order_spec``: a paid two-line order, 2 × 24.00 taxed at 8.25 % + 18.50
    + 5.00 shipping = 75.46 USD), bought by ``bad.buyer@example.com``;
``raw_changes``
    ``{"dotted.path": value}`` written into the wire document the simulator built, which is then
    served verbatim; list indexes are numbers (``items.0.price``) and the value
    ``{"$delete": true}`` removes the key;
``raw``
    instead of the two above, a whole order document of the store;
``store_fault``
    ``{"corrupt_next": n, "mode": "truncate" | "garbage"}``: the store's next n answers break;
``steps``
    what happens, in order (default: one sync): ``{"do": "sync"}``, ``{"do": "edit", "changes":
    {...}}``, ``{"do": "refund", "spec": {...}, "memo_changes": {...}}``, ``{"do": "cancel"}``,
    ``{"do": "invoice"}``, ``{"do": "add_order", "base": {...}, "raw_changes": {...}}`` (another
    case order), ``{"do": "raw_changes", "changes": {...}}`` (rewrite the case order again);
``expect``
    ``posts`` (the document every case order must have, equal to the store's total) and/or
    ``flag`` (the one open error-queue entry the case must leave), or ``skipped`` (a cancelled
    order that is rightly never posted);
``good_order_still_posts``
    always true: a good order synced next to the bad one posts whatever happens;
``xfail``
    a known bug outside ``connectors/stores``: what is wrong and the exact fix.

Every case also checks that no run fails, that nothing is dropped silently (each case order
and credit memo is posted or has exactly one open entry naming it, with a fix), and that one
more sync posts nothing and changes nothing.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]

from tests.contract.conftest import HARNESSES
from tests.contract.harness import CORPUS_ROOT, StoreHarness

CORPUS = CORPUS_ROOT
STORES = tuple(sorted(HARNESSES))
MIN_CASES_PER_STORE = 40
GOOD_EMAIL = "good.buyer@example.com"
SALES_ENTITIES = ("SalesReceipt", "Invoice")
REFUND_ENTITIES = ("RefundReceipt", "CreditMemo")

_CHANGES: dict[str, Any] = {"type": "object", "minProperties": 1,
                            "propertyNames": {"pattern": r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$"}}
_POSTS: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["entity", "total_equals_store"],
    "properties": {
        "entity": {"enum": [*SALES_ENTITIES, *REFUND_ENTITIES]},
        "total_equals_store": {"const": True},
        "count": {"type": "integer", "minimum": 1},
        "doc_number": {"type": "string", "maxLength": 21},
        "doc_numbers_distinct": {"type": "boolean"},
        "customer_display_name": {"type": "string"},
        "customer_display_name_length": {"type": "integer"},
        "customer_has_email": {"type": "boolean"},
        "txn_date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "total": {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"},
        "updated": {"type": "boolean"},
        "line_descriptions": {"type": "array", "items": {"type": "string"}},
        "line_qty": {"type": "object", "additionalProperties": {"type": "string"}},
        "rounding_line": {"type": "string"},
        "discount_line": {"type": "string"},
        "private_note_contains": {"type": "array", "items": {"type": "string"}},
        "refund": {"$ref": "#/$defs/refund_posts"},
    },
}
_FLAG: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "required": ["code", "message_contains", "fix_actions"],
    "properties": {
        "code": {"type": "string", "minLength": 1},
        "record_kind": {"enum": ["order", "refund"]},
        "message_contains": {"type": "array", "minItems": 1, "items": {"type": "string"}},
        "fix_actions": {"type": "array", "minItems": 1, "items": {"type": "string"}},
        "raw_kept": {"type": "boolean"},
    },
}
_STEP: dict[str, Any] = {
    "type": "object", "required": ["do"],
    "oneOf": [
        {"properties": {"do": {"enum": ["sync", "cancel", "invoice"]}},
         "additionalProperties": False},
        {"properties": {"do": {"const": "edit"}, "changes": {"type": "object"}},
         "required": ["changes"], "additionalProperties": False},
        {"properties": {"do": {"const": "refund"}, "spec": {"type": "object"},
                        "memo_changes": _CHANGES},
         "required": ["spec"], "additionalProperties": False},
        {"properties": {"do": {"const": "add_order"}, "base": {"type": "object"},
                        "raw_changes": _CHANGES},
         "additionalProperties": False},
        {"properties": {"do": {"const": "raw_changes"}, "changes": _CHANGES},
         "required": ["changes"], "additionalProperties": False},
    ],
}
CASE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["description", "expect", "good_order_still_posts"],
    "properties": {
        "description": {"type": "string", "minLength": 10},
        "base": {"type": "object"},
        "raw_changes": _CHANGES,
        "raw": {"type": "object", "required": ["increment_id"]},
        "store_fault": {"type": "object", "additionalProperties": False,
                        "required": ["corrupt_next", "mode"],
                        "properties": {"corrupt_next": {"type": "integer", "minimum": 1},
                                       "mode": {"enum": ["truncate", "garbage"]}}},
        "steps": {"type": "array", "minItems": 1, "items": _STEP},
        "expect": {
            "type": "object", "additionalProperties": False, "minProperties": 1,
            "properties": {"posts": _POSTS, "flag": _FLAG,
                           "skipped": {"type": "string", "minLength": 3}},
            "not": {"required": ["posts", "skipped"]},
        },
        "good_order_still_posts": {"const": True},
        "xfail": {"type": "string", "minLength": 20},
    },
    "not": {"anyOf": [{"required": ["raw", "base"]}, {"required": ["raw", "raw_changes"]}]},
    "$defs": {"refund_posts": {
        "type": "object", "additionalProperties": False, "required": ["entity"],
        "properties": {"entity": {"enum": list(REFUND_ENTITIES)},
                       "count": {"type": "integer", "minimum": 1}}}},
}
VALIDATOR = jsonschema.Draft202012Validator(CASE_SCHEMA)


def case_files() -> list[Path]:
    return sorted(p for store in STORES for p in (CORPUS / store).glob("*.json"))


def load(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return case


def amount(value: object) -> Decimal:
    return Decimal(str(value))


# -- building the case -------------------------------------------------------------------------

def bad_order(store: StoreHarness, case: dict[str, Any]) -> str:
    """The case's order: a whole wire document, or the default order changed."""
    if "raw" in case:
        return store.case_raw_order(case["raw"])
    return store.case_order(case.get("base"), case.get("raw_changes"),
                            email="bad.buyer@example.com", first_name="Bad", last_name="Buyer")

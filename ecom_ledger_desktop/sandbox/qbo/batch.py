"""``POST /batch`` (reference A4).

At most 30 items. Each item is independent: it is executed on its own (an item's fault does not
affect the others), items run in a shuffled order and are answered in a shuffled order, keyed by
``bId``. The HTTP status is 200 even when every item failed.
"""

from __future__ import annotations

import random
from typing import Any

from . import faults, operations, query
from .company import ENTITIES, Company

MAX_ITEMS = 30
OPERATIONS = ("create", "update", "delete", "void")


def run(company: Company, body: Any, options: set[str], rng: random.Random
        ) -> tuple[list[dict[str, Any]], int]:
    """Execute a batch; returns (BatchItemResponse list, number of items)."""
    if not isinstance(body, dict) or not isinstance(body.get("BatchItemRequest"), list):
        raise faults.required("BatchItemRequest")
    items = body["BatchItemRequest"]
    if len(items) > MAX_ITEMS:
        raise faults.QboFault(
            "2010", "Request has invalid or unsupported property",
            f"The maximum number of payloads in a single BatchItemRequest is {MAX_ITEMS}. "
            f"Supplied:{len(items)}", element=None)
    seen: set[str] = set()
    for item in items:
        bid = item.get("bId") if isinstance(item, dict) else None
        if not isinstance(bid, str) or not bid:
            raise faults.required("bId")
        if bid in seen:
            raise faults.invalid_property(f"bId={bid} (duplicate)")
        seen.add(bid)
    order = list(range(len(items)))
    rng.shuffle(order)
    answers: list[dict[str, Any]] = []
    for index in order:
        answers.append(_one(company, items[index], options))
    rng.shuffle(answers)
    return answers, len(items)


def _one(company: Company, item: dict[str, Any], options: set[str]) -> dict[str, Any]:
    bid = item["bId"]
    try:
        if "Query" in item:
            return {"QueryResponse": query.execute(company, str(item["Query"])), "bId": bid}
        entity_keys = [k for k in item if k in ENTITIES.values()]
        if len(entity_keys) != 1:
            raise faults.invalid_property("BatchItemRequest entity")
        entity = entity_keys[0]
        operation = str(item.get("operation", "create")).lower()
        if operation not in OPERATIONS:
            raise faults.unsupported_operation(operation)
        item_options = set(options)
        extra = item.get("optionsData")
        if isinstance(extra, str):
            item_options |= {o.strip().lower() for o in extra.split(",")}
        payload = operations.write(company, entity, operation, item[entity], item_options)
        return {entity: payload, "bId": bid}
    except faults.QboFault as fault:
        return {"Fault": fault.fault(), "bId": bid}

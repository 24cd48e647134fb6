"""Change Data Capture: ``GET /cdc?entities=A,B&changedSince=<ISO8601>`` (reference A5).

One ``QueryResponse`` per requested entity (``{}`` when nothing changed), full payloads for
created/updated objects, ``{"domain","status":"Deleted","Id","MetaData":{"LastUpdatedTime"}}``
stubs for deleted ones; at most 30 days back and 1000 objects in total.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

from . import faults
from .company import COMPANY_TZ, ENTITIES, Company, meta_time

MAX_OBJECTS = 1000
LOOK_BACK = timedelta(days=30)
CDC_ENTITIES = ("Customer", "Item", "SalesReceipt", "Invoice", "Payment", "RefundReceipt",
                "CreditMemo", "Account", "PaymentMethod", "Term", "TaxCode", "TaxRate")


def parse_since(text: str | None) -> datetime:
    """``changedSince`` as an aware datetime (naive values are company local time)."""
    if not text:
        raise faults.required("changedSince")
    try:
        value = datetime.fromisoformat(text.strip().replace(" ", "+").replace("Z", "+00:00"))
    except ValueError as exc:
        raise faults.invalid_property(f"changedSince={text}") from exc
    return value if value.tzinfo else value.replace(tzinfo=COMPANY_TZ)


def changes(company: Company, entities_param: str | None, since_param: str | None
            ) -> dict[str, Any]:
    """The ``CDCResponse`` array member for one CDC call."""
    if not entities_param:
        raise faults.required("entities")
    names: list[str] = []
    for raw in entities_param.split(","):
        name = ENTITIES.get(raw.strip().lower())
        if name is None or name not in CDC_ENTITIES:
            raise faults.invalid_property(f"entities={raw.strip()}")
        names.append(name)
    since = parse_since(since_param)
    if company.now() - since > LOOK_BACK:
        raise faults.invalid_property(
            f"changedSince={since_param}: the look-back is limited to 30 days")
    budget = MAX_OBJECTS
    responses: list[dict[str, Any]] = []
    for name in names:
        changed = [r for r in company.all(name) if r.updated >= since]
        changed.sort(key=lambda r: r.updated)
        changed = changed[:budget]
        budget -= len(changed)
        if not changed:
            responses.append({})
            continue
        out = []
        for rec in changed:
            if rec.deleted:
                out.append({"domain": "QBO", "status": "Deleted", "Id": rec.id,
                            "MetaData": {"LastUpdatedTime": meta_time(rec.updated)}})
            else:
                out.append(copy.deepcopy(rec.data))
        responses.append({name: out, "startPosition": 1, "maxResults": len(out)})
    return {"QueryResponse": responses}

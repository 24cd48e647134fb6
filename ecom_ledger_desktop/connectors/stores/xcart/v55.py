"""X-Cart 5.5+ orders as the default-schema shape ``parse.py`` reads (one parser for both)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ecom_ledger_desktop.connectors.stores.xcart.fields import parse_stamp

OFFSET_ZONE = "_offset_zone"  # added key: the zone of the order's own UTC offset


def offset_zone(value: Any) -> str | None:
    """``Etc/GMT+5`` for ``...-05:00``: the fixed zone of one ISO-8601 stamp's offset, which
    dates that moment exactly as the shop did (None for offsets that are not whole hours)."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    offset = moment.utcoffset()
    if offset is None or offset.total_seconds() % 3600:
        return None
    hours = int(offset.total_seconds() // 3600)
    return "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"


def _unix(value: Any) -> Any:
    moment = parse_stamp(value)
    return int(moment.timestamp()) if moment is not None else value


def _profile(doc: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    who: Mapping[str, Any] = doc["profile"] if isinstance(doc.get("profile"), Mapping) else {}
    billing: Mapping[str, Any] = doc["billing_address"] \
        if isinstance(doc.get("billing_address"), Mapping) else {}
    fields = [{"value": v, "addressField": {"serviceName": k}} for k, v in billing.items()
              if k not in ("country_code", "state_code")]
    address = {"is_billing": True, "addressFields": fields,
               "country": {"code": billing.get("country_code")},
               "state": {"code": billing.get("state_code")}}
    copy = {"login": who.get("login") or "", "addresses": [address]}
    orig = None if who.get("anonymous", True) else {
        "profile_id": who.get("id"), "login": who.get("login"), "anonymous": False}
    return copy, orig


def normalise(doc: Any) -> Any:
    """A 5.5 ``/api/orders`` member in the 5.x default-schema field names."""
    if not isinstance(doc, Mapping):
        return doc
    copy, orig = _profile(doc)
    currency = doc.get("currency")
    return {
        OFFSET_ZONE: offset_zone(doc.get("create_date")),
        "order_id": doc.get("id"), "orderNumber": doc.get("order_number"),
        "date": _unix(doc.get("create_date")), "lastRenewDate": _unix(doc.get("update_date")),
        "total": doc.get("total"), "subtotal": doc.get("sub_total"),
        "currency": {"code": currency} if isinstance(currency, str) else currency,
        "paymentStatus": {"code": doc.get("payment_status")},
        "shippingStatus": {"code": doc.get("shipping_status")},
        "payment_method_name": doc.get("payment_method_name"),
        "adminNotes": doc.get("admin_notes"), "profile": copy, "orig_profile": orig,
        "usedCoupons": doc.get("used_coupons") or [],
        "items": [{"item_id": i.get("id"), "sku": i.get("sku"), "name": i.get("name"),
                   "price": i.get("price"), "amount": i.get("amount"),
                   "subtotal": i.get("subtotal"), "surcharges": i.get("surcharges") or []}
                  if isinstance(i, Mapping) else i for i in doc.get("items") or []]
        if isinstance(doc.get("items"), list) else doc.get("items"),
        "surcharges": doc.get("surcharges"),
        "events": [{**e, "date": _unix(e.get("date"))} if isinstance(e, Mapping) else e
                   for e in doc.get("history") or []],
        "payment_transactions": [
            {**t, "date": _unix(t.get("date")), "backend_transactions": [
                {**b, "date": _unix(b.get("date"))} if isinstance(b, Mapping) else b
                for b in t.get("backend_transactions") or []]}
            if isinstance(t, Mapping) else t for t in doc.get("payment_transactions") or []],
    }

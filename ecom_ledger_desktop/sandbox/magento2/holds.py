"""Order hold and unhold (``POST /V1/orders/{id}/hold`` and ``/unhold``), as Magento's
``Order::hold()`` / ``unhold()`` do it: the state before the hold is kept on the order and put
back when it is released; anything else is refused with Magento's own message."""

from __future__ import annotations

from typing import Any

from .lifecycle import LifecycleError

NOT_HOLDABLE = frozenset({"canceled", "payment_review", "complete", "closed", "holded"})
HOLD_REFUSED = "A hold action is not available."
UNHOLD_REFUSED = "You cannot remove the hold."


def apply_hold(order: dict[str, Any], now: str) -> None:
    """Put an open order on hold (``holded``), remembering its state and status."""
    if order.get("state") in NOT_HOLDABLE:
        raise LifecycleError(HOLD_REFUSED)
    order["hold_before_state"] = order.get("state")
    order["hold_before_status"] = order.get("status")
    order.update({"state": "holded", "status": "holded", "updated_at": now})


def apply_unhold(order: dict[str, Any], now: str) -> None:
    """Release a held order back to the state and status it had before the hold."""
    if order.get("state") != "holded":
        raise LifecycleError(UNHOLD_REFUSED)
    order["state"] = order.pop("hold_before_state", None)
    order["status"] = order.pop("hold_before_status", None)
    order["updated_at"] = now

"""Which order states make an order paid (ready to post) or cancelled: a rule the merchant edits.

Order state ids are per shop, so the default rule reads the states' own flags (``order_states``):
a state flagged ``paid`` (Payment accepted, Remote payment accepted, Processing in progress,
Shipped, Delivered, On backorder (paid), Refunded) makes the order paid; a state whose template is
``order_canceled`` (install default: 6 Canceled) cancels it. A connection setting replaces either
set with a list of state ids or names, e.g. ``2, 11, Shipped``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ecom_ledger_desktop.models.commerce import OrderState


def parse_states(value: str) -> frozenset[str] | None:
    """``"2, 11, Shipped"`` -> {"2", "11", "shipped"}; "" -> None (use the states' flags)."""
    parts = frozenset(p.strip().lower() for p in value.split(",") if p.strip())
    return parts or None


def states_problem(value: str) -> str:
    """Why a state list setting cannot be used ("" when it can)."""
    if any(not p.strip() for p in value.split(",")) and value.strip():
        return "list state ids or names separated by commas, e.g. 2, 11, Shipped"
    return ""


@dataclass(frozen=True)
class StatusRule:
    """Maps an order state row to (canonical state, paid)."""

    paid: frozenset[str] | None = None
    canceled: frozenset[str] | None = None

    def _listed(self, chosen: frozenset[str], state: Mapping[str, Any]) -> bool:
        return str(state.get("id")) in chosen or str(state.get("name", "")).strip().lower() in chosen

    def is_paid(self, state: Mapping[str, Any]) -> bool:
        """The order's money is in (by the setting, else the state's ``paid`` flag)."""
        if self.paid is not None:
            return self._listed(self.paid, state)
        return str(state.get("paid")) == "1"

    def is_canceled(self, state: Mapping[str, Any]) -> bool:
        """The order is cancelled (by the setting, else the ``order_canceled`` template)."""
        if self.canceled is not None:
            return self._listed(self.canceled, state)
        template = str(state.get("template", "")).strip()
        return template == "order_canceled" or (not template and str(state.get("id")) == "6")

    def state(self, state: Mapping[str, Any]) -> tuple[OrderState, bool]:
        """(canonical state, paid) of an order in ``state``."""
        if self.is_canceled(state):
            return "canceled", False
        paid = self.is_paid(state)
        if str(state.get("template", "")) == "refund":
            return "closed", paid
        if str(state.get("shipped")) == "1" or str(state.get("delivery")) == "1":
            return ("complete" if paid else "processing"), paid
        return ("processing" if paid else "pending"), paid

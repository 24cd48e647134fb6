"""Making a customer or item inactive, or active again: ``CustomerMod`` / ``Item…Mod`` with
``IsActive`` (qbXML 13.0). Every list Mod opens with ``ListID`` and the current ``EditSequence``
(a stale one is refused with 3200); ``Name`` and ``BarCode`` (items) come before ``IsActive``
and are left out, so only the status changes."""

from __future__ import annotations

from dataclasses import dataclass

from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.build import Request, request
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.lists import CustomerMod, customer_mod

#: item types whose Mod carries IsActive right after ListID/EditSequence/Name/BarCode
ITEM_MODS = ("ItemNonInventory", "ItemInventory", "ItemService", "ItemOtherCharge")


@dataclass(frozen=True)
class ItemActiveMod:
    """The head of every ``Item…Mod`` this app sends: which item, its version, active or not."""

    list_id: str
    edit_sequence: str
    is_active: bool


def active_mod(kind: str, request_id: str, list_id: str, edit_sequence: str,
               active: bool) -> Request:
    """``CustomerModRq`` or ``<Item type>ModRq`` setting ``IsActive``; ``kind`` is the record's
    type as QuickBooks returns it (``Customer``, ``ItemNonInventory``, …)."""
    if kind == "Customer":
        return customer_mod(request_id, CustomerMod(list_id=list_id, edit_sequence=edit_sequence,
                                                    is_active=active))
    if kind not in ITEM_MODS:
        raise ValueError(f"{kind} items are not made inactive by this app")
    return request(f"{kind}ModRq", request_id, ItemActiveMod(list_id, edit_sequence, active),
                   wrap=f"{kind}Mod")

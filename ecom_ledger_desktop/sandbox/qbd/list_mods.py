"""Item Mods: ``ItemNonInventoryMod``, ``ItemInventoryMod``, ``ItemServiceMod``,
``ItemOtherChargeMod`` (what an undo needs: ``IsActive``, and a new ``Name``).

As QuickBooks: the request names the item (``ListID``) and its current ``EditSequence`` (3200
when stale); a new name must be free among every item type (3100). An inactive item stays on
file and in reports; a new transaction naming it is refused with 3140 (``sales._resolve``).
QuickBooks lets an item or a customer still used by open transactions be made inactive (they
stay on A/R and sales reports): the reference is silent on a refusal, so none is simulated.
"""

from __future__ import annotations

from typing import Any

from .lists import Handler, _name_clash
from .outcome import Outcome, error, not_found
from .state import ITEM_KINDS, Company

MODIFIABLE = ("ItemNonInventory", "ItemInventory", "ItemService", "ItemOtherCharge")


def item_mod(kind: str) -> Handler:
    """``<kind>Mod``: the item's name and active status."""
    def handle(company: Company, body: dict[str, Any]) -> Outcome:
        data = body[f"{kind}Mod"]
        record = company.get(kind, str(data["ListID"]))
        if record is None:
            return not_found(str(data["ListID"]))
        if str(data["EditSequence"]) != record.data["EditSequence"]:
            return error(3200, f'The provided edit sequence "{data["EditSequence"]}" is '
                               "out-of-date.")
        name = data.get("Name")
        if name is not None:
            if ":" in name or not name.strip():
                return error(3210, f'The "Name" field has an invalid value "{name}".')
            other = company.named(ITEM_KINDS, name)
            if other is not None and other.id != record.id:
                return _name_clash(name)
            record.data["Name"] = record.data["FullName"] = name
        if "IsActive" in data:
            record.data["IsActive"] = "false" if data["IsActive"] == "false" else "true"
        company.touch(record)
        return Outcome(rets=[(f"{kind}Ret", record)])
    return handle


HANDLERS: dict[str, Handler] = {f"{kind}ModRq": item_mod(kind) for kind in MODIFIABLE}

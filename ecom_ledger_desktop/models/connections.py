"""Connection and pair settings (never secrets: those live in the keyring)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ConnectionRole = Literal["store", "ledger"]


class ConnectionConfig(BaseModel):
    """A store or ledger connection: URLs and identifiers, every URL overridable."""

    model_config = ConfigDict(extra="forbid")

    id: int | None = None
    name: str
    # a kind declared in ``connectors.registry`` (which says whether it is a store or a ledger)
    kind: str = Field(min_length=1)
    settings: dict[str, str] = Field(default_factory=dict)
    status: str = "ok"  # ok | needs_reauthorisation | error
    demo: bool = False

"""Connection and pair settings (never secrets: those live in the keyring)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ConnectionKind = Literal["magento2", "qbo"]
ConnectionRole = Literal["store", "ledger"]

ROLE_OF_KIND: dict[str, ConnectionRole] = {"magento2": "store", "qbo": "ledger"}


class ConnectionConfig(BaseModel):
    """A store or ledger connection: URLs and identifiers, every URL overridable."""

    model_config = ConfigDict(extra="forbid")

    id: int | None = None
    name: str
    kind: ConnectionKind
    settings: dict[str, str] = Field(default_factory=dict)
    status: str = "ok"  # ok | needs_reauthorisation | error
    demo: bool = False

    @property
    def role(self) -> ConnectionRole:
        """Whether this is a store or a ledger."""
        return ROLE_OF_KIND[self.kind]

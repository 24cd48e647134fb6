"""The connections data layer as the pages use it: one ``ConnectionsAdmin`` over the app's service,
and plain-words names for kinds and statuses (no widgets here)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecom_ledger_desktop.connectors.registry import KINDS
from ecom_ledger_desktop.secrets.store import ENABLE_HINT, RefusingSecretStore, SecretStore

if TYPE_CHECKING:  # the connections admin loads the connectors (httpx): only when used
    from ecom_ledger_desktop.sync.connections_admin import ConnectionsAdmin
    from ecom_ledger_desktop.sync.service import SyncService

STATUS_CHIPS = {  # status -> (chip text, chip kind)
    "ok": ("Works", "ok"),
    "needs_reauthorisation": ("Needs signing in", "attention"),
    "error": ("Not working", "error"),
}
ENVIRONMENT_LABELS = {"sandbox": "Sandbox (for testing)", "production": "Production (real data)"}


def kind_label(kind: str) -> str:
    """A kind in plain words ("Magento 2 store"); its code name if this version lacks it."""
    known = KINDS.get(kind)
    return known.display_name if known else kind


def signs_in_with_browser(kind: str) -> bool:
    """Whether connections of ``kind`` connect by signing in in the browser (QuickBooks)."""
    known = KINDS.get(kind)
    return bool(known and known.connects == "oauth_browser")


def admin_for(service: SyncService) -> ConnectionsAdmin:
    """Connection CRUD over the service's database, secret store and connector factories.

    The factories are the service's own, so tests and the demo (which give the service
    simulator-ready factories with short retries) test connections the same way syncs use them.
    """
    from ecom_ledger_desktop.sync.connections_admin import ConnectionsAdmin

    return ConnectionsAdmin(service.open_state, service.secrets,
                            store_factory=service.store_factory,
                            ledger_factory=service.ledger_factory)


def keyring_refuses(secrets: SecretStore) -> bool:
    """Whether secrets cannot be saved at all (no safe keyring on this computer)."""
    return isinstance(secrets, RefusingSecretStore) or secrets.description == ENABLE_HINT


def chip_for(status: str) -> tuple[str, str]:
    """The status chip's text and colour kind."""
    return STATUS_CHIPS.get(status, (status.replace("_", " ").capitalize(), "neutral"))

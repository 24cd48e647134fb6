"""The Web Connector's status as kept in the database (``ledger_presence``), read without
starting anything: what ``ecom-ledger status`` and the app say about a QuickBooks Desktop
connection while the service runs elsewhere (or not at all)."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import datetime
from typing import Any

from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.status import WebConnectorStatus
from ecom_ledger_desktop.core.clock import Clock
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.connections import ConnectionConfig


def status_facts(status: WebConnectorStatus) -> dict[str, Any]:
    """A status as JSON-ready facts."""
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in asdict(status).items()}


def status_from(facts: dict[str, Any]) -> WebConnectorStatus:
    """The inverse of :func:`status_facts` (unknown keys ignored)."""
    values: dict[str, Any] = {}
    for spec in fields(WebConnectorStatus):
        if spec.name in facts:
            value = facts[spec.name]
            if spec.name.endswith(("_contact", "_end", "_at")) and value:
                value = datetime.fromisoformat(value)
            values[spec.name] = value
    return WebConnectorStatus(**values)


def status_line(config: ConnectionConfig, state: State, clock: Clock) -> str:
    """"Web Connector last connected 3 h ago" (with the reason when something is wrong)."""
    if config.id is None:
        return ""
    return status_from(state.ledger_names.presence(config.id)).describe(clock.now())

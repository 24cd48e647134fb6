"""``ecom-ledger status``: each pair's last run, what waits to be posted and why, and a line from
every connection whose kind can say more (QuickBooks Desktop: the Web Connector's last call)."""

from __future__ import annotations

import argparse
from collections import Counter

from ecom_ledger_desktop.cli.context import CliContext
from ecom_ledger_desktop.cli.output import EXIT_OK
from ecom_ledger_desktop.connectors.kinds import load
from ecom_ledger_desktop.connectors.registry import KINDS
from ecom_ledger_desktop.sync.approval import held_by_kind, held_rows, waiting_line


def status(ctx: CliContext, args: argparse.Namespace) -> int:
    """Print the state of every pair and connection in plain words."""
    state = ctx.state()
    lines: list[str] = []
    data: dict[str, list[dict[str, object]]] = {"pairs": [], "connections": []}
    try:
        for config in state.connections.connections():
            kind = KINDS.get(config.kind)
            if kind is None or not kind.status_line:
                continue
            said = str(load(kind.status_line)(config, state, state.clock))
            data["connections"].append({"name": config.name, "kind": config.kind, "status": said})
            lines.append(f"{config.name} ({kind.system}): {said}")
        for pair in state.connections.pairs():
            recent = state.runs.recent(pair.id, limit=1)
            waiting = state.journal.open_postings(pair.id)
            held = len(held_rows(state, pair))
            reasons = Counter(row.last_error for row in waiting if row.last_error)
            if held:  # held for approval: the commonest reason when most are held
                reasons[f"{held} held for your approval ('ecom-ledger preview {pair.name}')"] = held
            why = reasons.most_common(1)[0][0] if reasons else ""
            last = recent[0] if recent else None
            data["pairs"].append({
                "name": pair.name, "last_run": last.as_dict() if last else None,
                "waiting": len(waiting), "why": why, "held": held,
                "open_errors": state.errors.open_count(pair.id)})
            lines.append(f"{pair.name}: " + (f"last sync {last.status} at {last.started_at[:16]}"
                                             if last else "never synced"))
            if waiting:
                lines.append(f"  {len(waiting)} posting{'s wait' if len(waiting) > 1 else ' waits'}"
                             + (f": {why}" if why else ""))
            if held:  # said on its own line: nothing of it goes before the merchant approves
                lines.append(f"  {waiting_line(held_by_kind(state, pair))}: review them with "
                             f"'ecom-ledger preview {pair.name}', then 'ecom-ledger approve "
                             f"{pair.name} --all' (or name the orders)")
            open_errors = state.errors.open_count(pair.id)
            if open_errors:
                lines.append(f"  {open_errors} in the error queue: 'ecom-ledger errors list'")
    finally:
        state.close()
    ctx.out.emit(data, lines or ["Nothing configured yet: add connections and a pair."])
    return EXIT_OK

"""Commands that run and inspect: sync, errors, history, demo."""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from ecom_ledger_desktop.cli.context import CliContext, UsageError
from ecom_ledger_desktop.cli.output import EXIT_FAILURE, EXIT_FLAGGED, EXIT_OK
from ecom_ledger_desktop.cli.pair_commands import pair_by_ref
from ecom_ledger_desktop.db.connections_repo import Pair
from ecom_ledger_desktop.db.state import State

if TYPE_CHECKING:  # imported when used: commands that only read the database start faster
    from ecom_ledger_desktop.core.events import RunFinished
    from ecom_ledger_desktop.sync.engine import RunSummary
    from ecom_ledger_desktop.sync.service import SyncService


def _exit_for(summaries: list[RunSummary]) -> int:
    if any(s.status == "failed" for s in summaries):
        return EXIT_FAILURE
    if any(s.status == "flagged" for s in summaries):
        return EXIT_FLAGGED
    return EXIT_OK


def _summary_lines(name: str, s: RunSummary) -> list[str]:
    lines = [f"{name}: {s.status} — fetched {s.fetched}, posted {s.posted}, "
             f"flagged {s.flagged}, skipped {s.skipped}"
             + (f", awaiting payment {s.awaiting_payment} (posted once the store records it)"
                if s.awaiting_payment else "")
             + (f", waiting {s.waiting} (for another record to post first)" if s.waiting else "")
             + (f", held {s.held} (for your approval: 'ecom-ledger preview')" if s.held else "")]
    if s.message:
        lines.append(f"  {s.message}")
    if s.open_errors:
        lines.append(f"  {s.open_errors} records wait in the error queue: "
                     "'ecom-ledger errors list'")
    return lines


def sync(ctx: CliContext, args: argparse.Namespace) -> int:
    """Run one pair or all pairs once (``--dry-run``: show what would be posted, keep nothing)."""
    service = ctx.service()
    pairs = service.pairs()
    if args.pair:
        state = ctx.state()
        try:
            pairs = [pair_by_ref(state, args.pair)]
        finally:
            state.close()
    if not pairs:
        raise UsageError("no pairs configured: add one with 'ecom-ledger pairs add'")
    if args.dry_run:
        return _preview(ctx, service, pairs)
    summaries, lines, data = [], [], []
    for pair in pairs:
        summary = service.run_pair(pair.id, "manual")
        summaries.append(summary)
        lines += _summary_lines(pair.name, summary)
        data.append({"pair": pair.name, **summary.__dict__})
    ctx.out.emit(data, lines)
    return _exit_for(summaries)


def _preview(ctx: CliContext, service: SyncService, pairs: list[Pair]) -> int:
    from ecom_ledger_desktop.sync.engine import SyncEngine

    data, lines = [], []
    for pair in pairs:
        with service.context(pair.id) as pctx:
            summary, postings = SyncEngine(pctx).preview()
        data.append({"pair": pctx.pair.name, "would_post": postings,
                     "fetched": summary.fetched, "flagged": summary.flagged})
        lines.append(f"{pctx.pair.name}: would post {len(postings)} documents "
                     f"({summary.fetched} records fetched, {summary.flagged} would be flagged); "
                     "nothing was changed.")
        lines += [f"  {p['op']:<7} {p['kind']:<15} {p['record']:<12} {p['amount']}"
                  for p in postings[:50]]
    ctx.out.emit(data, lines)
    return EXIT_OK


def errors_list(ctx: CliContext, args: argparse.Namespace) -> int:
    """The error queue (open entries unless ``--all``)."""
    state = ctx.state()
    try:
        pair_id = pair_by_ref(state, args.pair).id if args.pair else None
        entries = state.errors.entries(pair_id, None if args.all else "open")
    finally:
        state.close()
    rows = [{"id": e.id, "record": f"{e.record_kind} {e.record_ref}", "problem": e.code,
             "status": e.status, "message": e.message} for e in entries]
    if ctx.out.as_json:
        ctx.out.emit([e.as_dict() for e in entries], "")
        return EXIT_OK
    ctx.out.table(rows, ["id", "record", "problem", "status", "message"],
                  "Nothing waits in the error queue.")
    return EXIT_OK


def errors_show(ctx: CliContext, args: argparse.Namespace) -> int:
    """One entry in full, with the fixes that apply."""
    state = ctx.state()
    try:
        entry = state.errors.get(args.id)
        timeline = state.runs.timeline(entry.pair_id, entry.record_kind, entry.source_id) \
            if entry else []
    finally:
        state.close()
    if entry is None:
        raise UsageError(f"there is no error-queue entry {args.id}")
    lines = [f"#{entry.id} {entry.record_kind} {entry.record_ref} — {entry.code} ({entry.status})",
             f"  {entry.message}"]
    if entry.detail:
        lines.append(f"  detail: {entry.detail}")
    lines += [f"  fix: {fix.label}  [{fix.action}]" for fix in entry.fixes]
    lines += [f"  {t['at'][:19]} {t['event']}: {t['detail']}" for t in timeline]
    ctx.out.emit({**entry.as_dict(), "timeline": timeline}, lines)
    return EXIT_OK


def _require_entry(ctx: CliContext, entry_id: int) -> None:
    state = ctx.state()
    try:
        if state.errors.get(entry_id) is None:
            raise UsageError(f"there is no error-queue entry {entry_id}; see "
                             "'ecom-ledger errors list --all'")
    finally:
        state.close()


def errors_retry(ctx: CliContext, args: argparse.Namespace) -> int:
    """Re-drive the record behind an entry (after fixing the cause)."""
    _require_entry(ctx, args.id)
    outcome = ctx.service().retry(args.id)
    ctx.out.emit({"id": args.id, "outcome": outcome}, f"#{args.id}: {outcome}")
    return EXIT_OK if outcome == "posted" else EXIT_FLAGGED


def errors_fix(ctx: CliContext, args: argparse.Namespace) -> int:
    """Apply one of an entry's fixes (map_sku ITEM, create_item, pick_customer ID, …)."""
    result = ctx.service().fix(args.id, args.action, args.value or "")
    ctx.out.emit({"id": args.id, "fix": args.action, "outcome": result.outcome,
                  "message": result.message, "others": result.others,
                  "others_posted": result.others_posted},
                 f"#{args.id}: {args.action} → {result.message}")
    return EXIT_OK if result.outcome in ("posted", "ignored") else EXIT_FLAGGED


def errors_ignore(ctx: CliContext, args: argparse.Namespace) -> int:
    """Close an entry without posting, with a reason kept in the audit log."""
    _require_entry(ctx, args.id)
    ctx.service().ignore(args.id, args.reason)
    ctx.out.emit({"id": args.id, "ignored": True}, f"#{args.id} ignored: {args.reason}")
    return EXIT_OK


def history_runs(ctx: CliContext, args: argparse.Namespace) -> int:
    """Recent runs, newest first."""
    state = ctx.state()
    try:
        pair_id = pair_by_ref(state, args.pair).id if args.pair else None
        runs = state.runs.recent(pair_id, args.limit)
    finally:
        state.close()
    rows = [r.as_dict() for r in runs]
    for row in rows:
        row["started_at"] = str(row["started_at"])[:19]
    ctx.out.table(rows, ["id", "trigger", "status", "started_at", "fetched", "posted", "flagged",
                         "skipped", "message"], "No runs yet: 'ecom-ledger sync'.")
    return EXIT_OK


def history_run(ctx: CliContext, args: argparse.Namespace) -> int:
    """One run with every event it recorded."""
    state = ctx.state()
    try:
        run = state.runs.get(args.run_id)
        events = state.runs.run_events(args.run_id) if run else []
    finally:
        state.close()
    if run is None:
        raise UsageError(f"there is no run {args.run_id}")
    lines = [f"Run {run.id} ({run.trigger}) {run.status}: posted {run.posted}, flagged "
             f"{run.flagged}, skipped {run.skipped}. {run.message}"]
    lines += [f"  {e['at'][:19]} {e['record_kind'] or ''} {e['source_id'] or ''} {e['event']}: "
              f"{e['detail']}" for e in events]
    ctx.out.emit({**run.as_dict(), "events": events}, lines)
    return EXIT_OK


def history_order(ctx: CliContext, args: argparse.Namespace) -> int:
    """An order's timeline from download to posted document."""
    state = ctx.state()
    try:
        pair = pair_by_ref(state, args.pair)
        source_id = state.cursors.find_record(pair.id, "order", args.order)
        if source_id is None:
            raise UsageError(f"order '{args.order}' has not been downloaded for '{pair.name}'")
        timeline = state.runs.timeline(pair.id, "order", source_id)
        postings = [{"key": p.posting_key, "op": p.op, "kind": p.doc_kind, "state": p.state,
                     "ledger_doc_number": p.ledger_doc_number, "ledger_id": p.ledger_id}
                    for p in state.journal.for_record(pair.id, "order", source_id)]
    finally:
        state.close()
    lines = [f"Order {args.order} (store id {source_id}):"]
    lines += [f"  {t['at'][:19]} {t['event']}: {t['detail']}" for t in timeline]
    ctx.out.emit({"source_id": source_id, "timeline": timeline, "postings": postings}, lines)
    return EXIT_OK


def _refuse_real_data(data_dir: Path) -> None:
    """The demo starts from an empty folder: never wipe one that holds real connections."""
    if not data_dir.exists():
        return
    database = data_dir / "ledger-sync.sqlite3"
    if database.exists():
        state = State(database)
        try:
            real = [c.name for c in state.connections.connections() if not c.demo]
        finally:
            state.close()
        if not real:
            return
        raise UsageError(f"{data_dir} holds real connections ({', '.join(real)}); the demo "
                         "starts from an empty folder, so give it another --data-dir (or none)")
    if any(data_dir.iterdir()):
        raise UsageError(f"{data_dir} is not empty; the demo starts from an empty folder, so "
                         "give it another --data-dir (or none)")


def _with_runs(summary: RunSummary, finished: list[RunFinished]) -> RunSummary:
    """The demo's first run (which left the postings waiting for the books' client) and the
    runs that client started, as one summary: the message is the last run's."""
    if not finished:
        return summary
    posted = summary.posted + sum(run.posted for run in finished)
    flagged = summary.flagged + sum(run.flagged for run in finished)
    statuses = [summary.status, *(run.status for run in finished)]
    status = "failed" if "failed" in statuses else "flagged" if flagged else "ok"
    return dataclasses.replace(summary, status=status, posted=posted, flagged=flagged,
                               waiting=0, message=finished[-1].message)  # what waits is flagged


def demo(ctx: CliContext, args: argparse.Namespace) -> int:
    """Start the simulators with seeded data, configure a pair, sync, print a summary."""
    from ecom_ledger_desktop.connectors.registry import kind_of
    from ecom_ledger_desktop.demo import start_demo

    data_dir = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(prefix="ecom-demo-"))
    _refuse_real_data(data_dir)
    books = kind_of(args.ledger)
    ctx.out.note(f"Starting the demo: simulated {kind_of(args.store).brand} shop and "
                 f"{books.brand} {books.noun}, {args.orders} seeded orders; data in {data_dir}")
    env = start_demo(data_dir, orders=args.orders, store=args.store, ledger=args.ledger)
    try:
        for notice in env.notices:
            ctx.out.note(notice)
        summary = env.service.run_pair(1, "demo")
        if env.calls_in:  # the postings wait for the books' own client: it calls in now
            ctx.out.note(f"The {books.brand} {books.noun}'s simulated client calls in "
                         "(the postings waited for it)")
            summary = _with_runs(summary, env.call_in())
        state = env.service.open_state()
        try:
            entries = state.errors.entries(None, "open")
            by_code: dict[str, int] = {}
            for entry in entries:
                by_code[entry.code] = by_code.get(entry.code, 0) + 1
        finally:
            state.close()
        lines = _summary_lines("Demo", summary)
        lines += [f"  flagged for a person: {n} × {code}" for code, n in sorted(by_code.items())]
        lines += [f"  e.g. #{e.id}: {e.message}" for e in entries[:5]]
        lines.append(f"Explore it: ecom-ledger --data-dir {data_dir} errors list | history runs")
        ctx.out.emit({"summary": summary.__dict__, "flagged_by_problem": by_code,
                      "books": env.book_rules, "data_dir": str(data_dir),
                      "store": env.store_kind, "ledger": env.ledger_kind}, lines)
        return EXIT_OK if summary.status in ("ok", "flagged") else EXIT_FAILURE
    finally:
        env.close()


def schedule(ctx: CliContext, args: argparse.Namespace) -> int:
    """Run every pair on its schedule until interrupted (Ctrl-C or SIGTERM)."""
    import signal
    import threading

    from ecom_ledger_desktop.core.events import RunFinished
    from ecom_ledger_desktop.sync.background import Background

    service = ctx.service()
    if not service.pairs():
        raise UsageError("no pairs configured: add one with 'ecom-ledger pairs add'")
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())

    def report(event: object) -> None:
        if isinstance(event, RunFinished):
            ctx.out.emit(event.__dict__, f"run {event.run_id}: {event.status} — posted "
                         f"{event.posted}, flagged {event.flagged}. {event.message}")

    service.events.subscribe(report)
    background = Background(service)
    background.start()
    for pair in service.pairs():
        ctx.out.note(f"{pair.name}: every {pair.schedule_minutes} min, next at "
                     f"{background.next_run(pair.id)}")
        if args.now:
            background.sync_now(pair.id)
    stop.wait()
    ctx.out.note("stopping: waiting for running syncs to finish")
    background.stop()
    return EXIT_OK

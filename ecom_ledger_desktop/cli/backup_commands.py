"""``ecom-ledger restore-backup``: list the copies of the database the app keeps, put one back.

Works on a damaged database: nothing here opens it through the normal (migrating) path.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from ecom_ledger_desktop.cli.context import CliContext, UsageError
from ecom_ledger_desktop.cli.output import EXIT_FAILURE, EXIT_OK
from ecom_ledger_desktop.db.backups import Backup, RestoreError, check_file, list_backups, restore


def _status(ctx: CliContext) -> str:
    if not ctx.db_path.exists():
        return "missing"
    problem = check_file(ctx.db_path)
    return "sound" if problem == "ok" else f"damaged ({problem})"


def _choose(backups: list[Backup], args: argparse.Namespace) -> Backup:
    if args.latest:
        for backup in backups:
            if check_file(backup.path) == "ok":
                return backup
        raise UsageError("every copy is damaged: send the data folder and the logs to support")
    text = str(args.backup)
    if text.isdigit() and 1 <= int(text) <= len(backups):
        return backups[int(text) - 1]
    for backup in backups:
        if text in (backup.path.name, str(backup.path)):
            return backup
    raise UsageError(f"there is no copy '{text}': run 'ecom-ledger restore-backup' to list them")


def restore_backup(ctx: CliContext, args: argparse.Namespace) -> int:
    """Without a choice, list the copies; with one (``--latest``, a number or a file), restore."""
    backups = list_backups(ctx.db_path)
    status = _status(ctx)
    if args.backup is None and not args.latest:
        rows = [{"number": i, "made": b.label, "file": str(b.path)}
                for i, b in enumerate(backups, start=1)]
        lines = [f"The database {ctx.db_path} is {status}."]
        lines += [f"  {r['number']}. {r['made']}: {r['file']}" for r in rows] or [
            "  No copy has been made yet (one is made each day the app runs)."]
        if rows:
            lines.append("Quit the app, then restore one with 'ecom-ledger restore-backup "
                         "--latest' (the newest good copy) or 'ecom-ledger restore-backup N'.")
        ctx.out.emit({"database": str(ctx.db_path), "status": status, "backups": rows}, lines)
        return EXIT_OK
    if not backups:
        raise UsageError("the app has no copy of the database to restore")
    chosen = _choose(backups, args)
    if status == "sound" and not args.force:
        raise UsageError("the database is sound: restoring would forget everything since "
                         f"{chosen.label}. Add --force if that is what you want")
    try:
        aside = restore(ctx.db_path, chosen.path, datetime.now(UTC))
    except RestoreError as error:
        ctx.out.note(f"ecom-ledger: {error}")
        return EXIT_FAILURE
    ctx.out.emit({"restored": str(chosen.path), "replaced_files": str(aside)}, [
        f"Restored the copy from {chosen.label}.",
        f"The replaced files are kept in {aside}.",
        "The next sync reads again what changed since that copy; check the error queue after "
        "it for anything QuickBooks already has."])
    return EXIT_OK


def add_parser(groups: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """``restore-backup [N | FILE | --latest] [--force]``."""
    parser = groups.add_parser(
        "restore-backup", allow_abbrev=False,
        help="list the copies of the database the app keeps, or put one back",
        description="Without arguments, list the copies of the database (daily, and before each "
                    "upgrade) and whether the database is sound; with a number, a file or "
                    "--latest, put that copy back. The replaced files are kept. Quit the app "
                    "first.")
    parser.add_argument("backup", nargs="?", help="the copy's number in the list, or its file")
    parser.add_argument("--latest", action="store_true", help="the newest copy that is sound")
    parser.add_argument("--force", action="store_true",
                        help="restore even though the database is sound")
    parser.set_defaults(command=restore_backup)

"""``ecom-ledger``: configure and run everything without a display.

Exit codes: 0 success, 1 failure (a run failed, a connection did not work), 2 usage error,
3 records were flagged for a person (see ``ecom-ledger errors list``).
"""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from ecom_ledger_desktop import __version__
from ecom_ledger_desktop.cli import (
    backup_commands,
    preview_commands,
    reconcile_commands,
    status_commands,
    undo_commands,
)
from ecom_ledger_desktop.cli import config_commands as cfg
from ecom_ledger_desktop.cli import pair_commands as pairs_cmd
from ecom_ledger_desktop.cli import sync_commands as run
from ecom_ledger_desktop.cli.context import CliContext, UsageError
from ecom_ledger_desktop.cli.kind_flags import add_kind_options
from ecom_ledger_desktop.cli.output import EXIT_FAILURE, EXIT_USAGE, Output
from ecom_ledger_desktop.connectors.registry import (
    DEFAULT_DEMO_LEDGER,
    DEFAULT_DEMO_STORE,
    KINDS,
    demo_ledgers,
    demo_stores,
)
from ecom_ledger_desktop.core import paths
from ecom_ledger_desktop.core.errors import SyncError
from ecom_ledger_desktop.core.logging_setup import configure_logging
from ecom_ledger_desktop.core.redaction import redact
from ecom_ledger_desktop.db.health import storage_problem

Command = Callable[[CliContext, argparse.Namespace], int]


def _sub(parent: argparse._SubParsersAction,  # type: ignore[type-arg]
         name: str, command: Command, help_text: str,
         aliases: Sequence[str] = ()) -> argparse.ArgumentParser:
    # no abbreviations: '--token SECRET' must not be taken for '--token-env' (and echoed back)
    parser: argparse.ArgumentParser = parent.add_parser(name, help=help_text,
                                                        description=help_text,
                                                        aliases=list(aliases), allow_abbrev=False)
    parser.set_defaults(command=command)
    return parser


def _iso_date(text: str) -> str:
    """An argparse type: a YYYY-MM-DD date, refused in plain words otherwise."""
    try:
        date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: write it as YYYY-MM-DD, "
                                         "e.g. 2026-01-31") from None
    return text


def build_parser() -> argparse.ArgumentParser:
    """The full command tree."""
    parser = argparse.ArgumentParser(
        prog="ecom-ledger",
        description="Keep a web store and its books in step: exactly once, to the cent.",
        epilog="Exit codes: 0 ok, 1 failure, 2 usage error, 3 records flagged.",
        allow_abbrev=False)
    parser.add_argument("--version", action="version", version=f"ecom-ledger {__version__}")
    parser.add_argument("--data-dir", help=f"state folder (default: ${paths.HOME_ENV} or the "
                        "platform data folder)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("-v", "--verbose", action="store_true", help="log to stderr too")
    groups = parser.add_subparsers(dest="group", required=True, metavar="COMMAND")

    conns = groups.add_parser("connections", help="stores and ledgers").add_subparsers(
        dest="action", required=True, metavar="ACTION")
    add = _sub(conns, "add", cfg.connections_add,
               "add a connection (secrets from stdin or an environment variable, never argv)")
    add.add_argument("name")
    add.add_argument("--kind", choices=list(KINDS), required=True)
    add_kind_options(add)
    _sub(conns, "list", cfg.connections_list, "list connections")
    _sub(conns, "test", cfg.connections_test, "check a connection in plain words").add_argument(
        "name")
    _sub(conns, "remove", cfg.connections_remove, "remove a connection and its secrets"
         ).add_argument("name")
    action = _sub(conns, "action", cfg.connections_action,
                  "what a kind offers besides add/test/remove, e.g. 'save-qwc PATH' (QuickBooks "
                  "Desktop: the Web Connector's .qwc file)")
    action.add_argument("name")
    action.add_argument("action")
    action.add_argument("value", nargs="?", default="")
    auth = _sub(conns, "authorize", cfg.connections_authorize,
                "connect books that sign in in a browser ("
                + " or ".join(k.system for k in KINDS.values() if k.connects == "oauth_browser")
                + "): sign in, paste the address it is sent to", aliases=["authorise"])
    auth.add_argument("name")
    auth.add_argument("--redirect-uri",
                      help="the redirect URI registered for the app (default: the connection's)")
    reauth = _sub(conns, "reauthorise", cfg.connections_reauthorise,
                  "store a new secret from stdin or an environment variable ("
                  + "; ".join(f"{k.brand}: {k.renewed_secret.words}" for k in KINDS.values())
                  + ") and mark the connection ok",
                  aliases=["reauthorize"])
    reauth.add_argument("name")
    add_kind_options(reauth, renewed_only=True)

    pairs = groups.add_parser("pairs", help="store → ledger pairs").add_subparsers(
        dest="action", required=True, metavar="ACTION")
    padd = _sub(pairs, "add", pairs_cmd.pairs_add, "pair a store with a ledger")
    padd.add_argument("name")
    padd.add_argument("--store", required=True)
    padd.add_argument("--ledger", required=True)
    padd.add_argument("--start-date", required=True, type=_iso_date,
                      help="YYYY-MM-DD: older orders are never imported")
    padd.add_argument("--schedule-minutes", type=int, default=15)
    _sub(pairs, "list", pairs_cmd.pairs_list, "list pairs")

    rules = groups.add_parser("rules", help="posting rules of a pair").add_subparsers(
        dest="action", required=True, metavar="ACTION")
    _sub(rules, "show", pairs_cmd.rules_show, "print a pair's rules").add_argument("pair")
    rset = _sub(rules, "set", pairs_cmd.rules_set, "set a rule, e.g. unmapped_sku_policy create_item")
    rset.add_argument("pair")
    rset.add_argument("key", help="dotted path, e.g. payment_routes.checkmo.deposit_account")
    rset.add_argument("value")
    rset.add_argument("--from", dest="from_date", type=_iso_date, default=None,
                      help="posting_mode only: YYYY-MM-DD, the first store-local day of the new "
                           "mode (orders of earlier days stay as they were posted)")

    maps = groups.add_parser("mappings", help="SKU → ledger item mappings").add_subparsers(
        dest="action", required=True, metavar="ACTION")
    _sub(maps, "list", pairs_cmd.mappings_list, "list mappings").add_argument("pair")
    mset = _sub(maps, "set", pairs_cmd.mappings_set, "map a SKU to a ledger item")
    mset.add_argument("pair")
    mset.add_argument("sku")
    mset.add_argument("item", help="the ledger item's name")
    mrm = _sub(maps, "remove", pairs_cmd.mappings_remove, "remove a mapping")
    mrm.add_argument("pair")
    mrm.add_argument("sku")

    sync = _sub(groups, "sync", run.sync, "run one pair (or all) once")
    sync.add_argument("pair", nargs="?")
    sync.add_argument("--dry-run", action="store_true",
                      help="show what would be posted; change nothing")

    prev = _sub(groups, "preview", preview_commands.preview,
                "exactly what the next run of a pair would post, document by document")
    prev.add_argument("pair")
    prev.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                      help="machine-readable output")
    appr = _sub(groups, "approve", preview_commands.approve,
                "approve held orders of a pair that holds its runs for approval")
    appr.add_argument("pair")
    appr.add_argument("orders", nargs="*",
                      help="order numbers (their refunds too); refund:NUMBER for a refund alone")
    appr.add_argument("--all", action="store_true", help="approve everything held")

    _sub(groups, "status", status_commands.status,
         "every pair's last sync, what waits to be posted and why (e.g. the Web Connector)")

    sched = _sub(groups, "schedule", run.schedule,
                 "run every pair on its schedule until stopped (headless service)")
    sched.add_argument("--now", action="store_true", help="also sync every pair right away")

    errs = groups.add_parser("errors", help="the error queue").add_subparsers(
        dest="action", required=True, metavar="ACTION")
    elist = _sub(errs, "list", run.errors_list, "flagged records")
    elist.add_argument("--pair")
    elist.add_argument("--all", action="store_true", help="include resolved and ignored")
    _sub(errs, "show", run.errors_show, "one entry with its fixes").add_argument("id", type=int)
    _sub(errs, "retry", run.errors_retry, "re-drive the record now").add_argument("id", type=int)
    _sub(errs, "resolve", run.errors_retry, "mark fixed and re-drive the record"
         ).add_argument("id", type=int)
    efix = _sub(errs, "fix", run.errors_fix, "apply one of the fixes 'errors show' lists")
    efix.add_argument("id", type=int)
    efix.add_argument("action", help="map_sku, create_item, pick_customer, void_and_repost, "
                      "import_order, post_refund_alone, snooze (keep waiting for a payment), retry or ignore")
    efix.add_argument("value", nargs="?", help="map_sku: the QuickBooks item name; "
                      "pick_customer: the QuickBooks customer id")
    eign = _sub(errs, "ignore", run.errors_ignore, "close without posting")
    eign.add_argument("id", type=int)
    eign.add_argument("--reason", default="ignored by the merchant")

    hist = groups.add_parser("history", help="runs and order timelines").add_subparsers(
        dest="action", required=True, metavar="ACTION")
    hruns = _sub(hist, "runs", run.history_runs, "recent runs")
    hruns.add_argument("--pair")
    hruns.add_argument("--limit", type=int, default=20)
    _sub(hist, "run", run.history_run, "one run's events").add_argument("run_id", type=int)
    horder = _sub(hist, "order", run.history_order, "an order's timeline")
    horder.add_argument("pair")
    horder.add_argument("order", help="order number or store id")

    demo = _sub(groups, "demo", run.demo, "run a sync on the embedded simulators")
    demo.add_argument("--orders", type=int, default=300)
    stores = demo_stores()
    demo.add_argument("--store", choices=[kind.name for kind in stores],
                      default=DEFAULT_DEMO_STORE, metavar="KIND",
                      help="the demo shop: " + ", ".join(f"{kind.name} ({kind.system})"
                                                         for kind in stores)
                           + f"; default {DEFAULT_DEMO_STORE}")
    ledgers = demo_ledgers()
    demo.add_argument("--ledger", choices=[kind.name for kind in ledgers],
                      default=DEFAULT_DEMO_LEDGER, metavar="KIND",
                      help="the demo books: " + ", ".join(f"{kind.name} ({kind.system})"
                                                          for kind in ledgers)
                           + f"; default {DEFAULT_DEMO_LEDGER}")
    backup_commands.add_parser(groups)
    reconcile_commands.add_parser(groups)
    undo_commands.add_parser(groups)
    return parser


def _inside(filename: object, folder: Path) -> bool:
    if not filename:
        return False
    try:
        return Path(str(filename)).resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


def _folder_message(chosen: str | None, error: OSError) -> str:
    folder = chosen or os.environ.get(paths.HOME_ENV) or "the platform data folder"
    where = f" ({error.filename})" if error.filename and str(error.filename) != folder else ""
    return (f"ecom-ledger cannot use its data folder {folder}: {error.strerror or error}{where}. "
            "Check that it is a folder that belongs to you and can be written to, or choose "
            "another with --data-dir. Nothing was changed.")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``ecom-ledger`` and ``python -m ecom_ledger_desktop``."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        data_dir = paths.data_dir(args.data_dir) if args.group != "demo" else None
        if data_dir is not None:
            configure_logging(paths.log_dir(data_dir), console=args.verbose)
    except OSError as error:  # a read-only folder, a file in its place, a full disk
        Output.note(_folder_message(args.data_dir, error))
        return EXIT_FAILURE
    ctx = CliContext(data_dir=data_dir or Path("."), out=Output(args.json))
    try:
        return int(args.command(ctx, args))
    except sqlite3.DatabaseError as error:  # damaged or unwritable: no traceback, what to do
        problem = storage_problem(error, ctx.db_path)
        if problem is None:
            raise
        logging.getLogger(__name__).error("command failed: %s", error)
        Output.note(f"ecom-ledger: {problem}")
        return EXIT_FAILURE
    except OSError as error:  # a file of the data folder cannot be written (read-only, full)
        if not _inside(error.filename, ctx.data_dir):
            raise
        logging.getLogger(__name__).error("command failed: %s", error)
        Output.note(_folder_message(str(ctx.data_dir), error))
        return EXIT_FAILURE
    except UsageError as error:
        Output.note(f"ecom-ledger: {error}")
        return EXIT_USAGE
    except (SyncError, KeyError) as error:
        Output.note(f"ecom-ledger: {redact(str(error).strip(chr(39)))}")
        logging.getLogger(__name__).exception("command failed")
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())

"""``ecom-ledger undo PAIR --run N | --order ID… [--yes]`` and ``ecom-ledger post-again``."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from ecom_ledger_desktop.cli.context import CliContext, UsageError
from ecom_ledger_desktop.cli.output import EXIT_FLAGGED, EXIT_OK

if TYPE_CHECKING:
    from ecom_ledger_desktop.sync.undo import UndoPlan, UndoResult


def _plan_data(plan: UndoPlan) -> dict[str, Any]:
    return {"will_void": [{"document": s.label, "kind": s.doc_kind, "number": s.doc_number,
                           "record": s.record_number, "amount": s.amount} for s in plan.steps],
            "summaries": [{"change": c.label, "day": c.day.isoformat(), "number": c.doc_number,
                           "before": c.before, "after": c.after} for c in plan.summaries],
            "cannot_undo": [{"order": b.record_number, "why": b.reason} for b in plan.blocked]}


def _ask(ctx: CliContext, plan: UndoPlan) -> bool:
    ctx.out.emit(_plan_data(plan), plan.lines())
    if not sys.stdin.isatty():
        ctx.out.note("ecom-ledger: nothing was changed; run again with --yes to void these "
                     "documents.")
        return False
    question = f"Void these {len(plan.steps)} documents?" if plan.steps else "Go on?"
    answer = input(f"{question} [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def undo(ctx: CliContext, args: argparse.Namespace) -> int:
    """Preview an undo, ask, then void the documents a run or some orders created."""
    from ecom_ledger_desktop.sync.undo_run import undo as run_undo

    if args.run is None and not args.order:
        raise UsageError("say what to undo: --run N (see 'ecom-ledger history runs') or "
                         "--order NUMBER …")
    asked: list[bool] = []

    def confirm(plan: UndoPlan) -> bool:
        asked.append(True)
        return True if args.yes else _ask(ctx, plan)

    plan, result = run_undo(ctx.service(), args.pair, run_id=args.run, orders=args.order or (),
                            confirm=confirm)
    if result is None:
        if not asked:  # nothing to void: the preview says why
            ctx.out.emit(_plan_data(plan), plan.lines())
        return EXIT_FLAGGED if plan.blocked else EXIT_OK
    return _report(ctx, plan, result)


def _report(ctx: CliContext, plan: UndoPlan, result: UndoResult) -> int:
    lines = result.lines()
    lines += [f"NOT undone: order {b.record_number}: {b.reason}" for b in plan.blocked]
    if result.undone:
        lines.append("Post them again (once each) with: ecom-ledger post-again PAIR --order …")
    ctx.out.emit({"voided": result.undone,
                  "refused": [{"document": d, "why": w} for d, w in result.refused],
                  "waiting": [{"document": d, "why": w} for d, w in result.waiting],
                  "cannot_undo": _plan_data(plan)["cannot_undo"]}, lines)
    return EXIT_FLAGGED if (result.refused or result.waiting or plan.blocked) else EXIT_OK


def post_again(ctx: CliContext, args: argparse.Namespace) -> int:
    """Post undone orders again, each exactly once."""
    from ecom_ledger_desktop.sync.undo_run import post_again as run_post_again

    outcomes = run_post_again(ctx.service(), args.pair, args.order)
    ctx.out.emit(outcomes, [f"order {ref}: {outcome}" for ref, outcome in outcomes.items()])
    return EXIT_OK if all(o == "posted" or o.startswith("posted,") for o in outcomes.values()) \
        else EXIT_FLAGGED


def add_parser(groups: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """``undo`` and ``post-again``."""
    parser = groups.add_parser(
        "undo", allow_abbrev=False, help="void what a run or some orders put in the books",
        description="Show what would be voided (payments before invoices, refunds before their "
                    "sale) and what cannot be undone and why, ask, then void. Afterwards the "
                    "orders are out of the books until 'post-again'.")
    parser.set_defaults(command=undo)
    parser.add_argument("pair")
    parser.add_argument("--run", type=int, help="a run id from 'ecom-ledger history runs'")
    parser.add_argument("--order", nargs="+", help="order numbers (or store ids)")
    parser.add_argument("--yes", action="store_true", help="do not ask (scripts)")
    again = groups.add_parser("post-again", allow_abbrev=False,
                              help="post undone orders again, each exactly once")
    again.set_defaults(command=post_again)
    again.add_argument("pair")
    again.add_argument("--order", nargs="+", required=True)

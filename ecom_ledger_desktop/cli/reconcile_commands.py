"""``ecom-ledger reconcile PAIR``: are the books right? The store's figures against what the
ledger holds, per day, payment method and currency; ``--repost ORDER`` puts one right."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from ecom_ledger_desktop.cli.context import CliContext, UsageError
from ecom_ledger_desktop.cli.output import EXIT_FAILURE, EXIT_FLAGGED, EXIT_OK
from ecom_ledger_desktop.cli.pair_commands import pair_by_ref


def add_parser(groups: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The ``reconcile`` command."""
    parser = groups.add_parser(
        "reconcile", allow_abbrev=False,
        help="compare the store's sales with what the ledger holds, to the cent",
        description="Per store-local day, payment method and currency: the store's gross, "
                    "discounts, shipping, tax, refunds and net against the ledger's documents "
                    "read back from the ledger, with the orders behind any difference.")
    parser.set_defaults(command=reconcile_command)
    parser.add_argument("pair")
    parser.add_argument("--days", type=int, default=30, help="days to reconcile (default 30)")
    parser.add_argument("--end", type=date.fromisoformat, default=None,
                        help="last day, YYYY-MM-DD (default: today)")
    parser.add_argument("--csv", type=Path, help="also write the figures for the accountant")
    parser.add_argument("--repost", metavar="ORDER",
                        help="re-post an order (a refund: refund:NUMBER) whose document was "
                             "deleted or changed by hand in the ledger (never a duplicate)")


def reconcile_command(ctx: CliContext, args: argparse.Namespace) -> int:
    """Reconcile a pair, or re-post one order."""
    from ecom_ledger_desktop.sync.reconcile import NotReadable, reconcile
    from ecom_ledger_desktop.sync.reconcile_actions import RepostRefused, repost, write_csv

    if args.days < 1:
        raise UsageError("--days must be 1 or more")
    state = ctx.state()
    try:
        pair = pair_by_ref(state, args.pair)
    finally:
        state.close()
    with ctx.service().context(pair.id) as pctx:
        if args.repost:
            try:
                said = repost(pctx, args.repost)
            except RepostRefused as error:
                raise UsageError(str(error)) from None
            ctx.out.emit({"pair": pair.name, "order": args.repost, "result": said}, said)
            return EXIT_OK
        try:
            result = reconcile(pctx, days=args.days, end=args.end, fresh=True)
        except NotReadable as error:
            ctx.out.emit({"pair": pair.name, "error": str(error)}, str(error))
            return EXIT_FAILURE
    if args.csv:
        write_csv(result, args.csv)
    ctx.out.emit(_data(pair.name, result), _lines(pair.name, result, args.csv))
    return EXIT_OK if result.reconciled and result.complete else EXIT_FLAGGED


def _data(name: str, result: object) -> dict[str, object]:
    from ecom_ledger_desktop.sync.reconcile import Reconciliation

    assert isinstance(result, Reconciliation)
    return {
        "pair": name, "start": result.start, "end": result.end, "reconciled": result.reconciled,
        "differences": {cur: str(amount) for cur, amount in result.differences().items()},
        "ledger_calls": result.ledger_calls,
        "ledger_read_at": result.as_of.read_at if result.as_of else None,
        "ledger_read": result.read_note(),
        "unplaced": [{"kind": f.record_kind, "number": f.number, "reason": f.reason}
                     for f in result.unplaced],
        "days": [{"day": line.key.day, "payment_method": line.key.method,
                  "currency": line.key.currency, "records": line.store.records,
                  "gross": str(line.store.gross), "discounts": str(line.store.discounts),
                  "shipping": str(line.store.shipping), "tax": str(line.store.tax),
                  "refunds": str(line.store.refunds), "store_net": str(line.store.net),
                  "ledger_net": str(line.ledger_net), "difference": str(line.difference),
                  "orders": [{"kind": f.record_kind, "number": f.number, "reason": f.reason,
                              "store": str(f.store_amount), "ledger": str(f.ledger_amount),
                              "repost": f.repostable} for f in line.findings]}
                 for line in result.lines]}


def _lines(name: str, result: object, csv_path: Path | None) -> list[str]:
    from ecom_ledger_desktop.sync.reconcile import Reconciliation
    from ecom_ledger_desktop.sync.reconcile_actions import repost_ref

    assert isinstance(result, Reconciliation)
    period = f"{result.start.isoformat()} to {result.end.isoformat()}"
    if result.reconciled:
        lines = [f"{name}: the books reconcile to 0.00 from {period} "
                 f"({sum(line.store.records for line in result.lines)} records)."]
    else:
        per_currency = ", ".join(f"{amount:+} {cur}" for cur, amount in
                                 sorted(result.differences().items()) if amount)
        lines = [f"{name}: the ledger differs from the store by {per_currency} "
                 f"from {period}." if per_currency else
                 f"{name}: the sales agree from {period}, but refunds' money paid back is "
                 "missing in the ledger:"]
        for line in result.differing():
            lines.append(f"  {line.key.day.isoformat()} {line.key.method} {line.key.currency}: "
                         f"store {line.store.net}, ledger {line.ledger_net}, "
                         f"difference {line.difference:+}")
            for f in line.findings:
                hint = (f"  (ecom-ledger reconcile {name} --repost "
                        f"{repost_ref(f.record_kind, f.number)})" if f.repostable else "")
                lines.append(f"    {f.record_kind} {f.number}: {f.reason}; store "
                             f"{f.store_amount}, ledger {f.ledger_amount}{hint}")
    if result.as_of is not None:
        lines.insert(1, f"  {result.read_note()}")
    if result.unplaced:
        lines.append(f"{len(result.unplaced)} records are not in these figures (see "
                     "'ecom-ledger errors list'):")
        lines += [f"  {f.record_kind} {f.number}: {f.reason}" for f in result.unplaced]
    if csv_path:
        lines.append(f"Written for the accountant: {csv_path}")
    return lines

"""``preview`` (the exact preview of a pair's next run) and ``approve`` (release held orders)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ecom_ledger_desktop.cli.context import CliContext, UsageError
from ecom_ledger_desktop.cli.output import EXIT_OK
from ecom_ledger_desktop.cli.pair_commands import pair_by_ref

if TYPE_CHECKING:
    from ecom_ledger_desktop.sync.preview_model import DayTotal, Preview


def preview(ctx: CliContext, args: argparse.Namespace) -> int:
    """What the pair's next run would post, document by document; changes nothing."""
    from ecom_ledger_desktop.sync.preview import run_preview

    state = ctx.state()
    try:
        pair = pair_by_ref(state, args.pair)
    finally:
        state.close()
    with ctx.service().context(pair.id) as pctx:
        seen = run_preview(pctx)
    ctx.out.emit(seen.to_json(), preview_lines(seen))
    return EXIT_OK


def approve(ctx: CliContext, args: argparse.Namespace) -> int:
    """Approve held orders (or all) of a pair that holds its runs for approval."""
    from ecom_ledger_desktop.sync import approval

    if not args.orders and not args.all:
        raise UsageError("name the orders to approve, or give --all")
    state = ctx.state()
    try:
        pair = pair_by_ref(state, args.pair)
        approved, missing = approval.approve(state, pair, None if args.all else args.orders)
        holding = approval.holding(pair)
    finally:
        state.close()
    if missing:
        raise UsageError(f"nothing waits to be posted for {', '.join(missing)} in {pair.name}: "
                         f"see 'ecom-ledger preview {pair.name}'")
    lines = [f"{pair.name}: approved {len(approved)} record{'s' if len(approved) != 1 else ''}"
             + (f" ({', '.join(approved)})" if approved else "")
             + "; they post on the next run ('ecom-ledger sync "
             + f"{pair.name}' posts them now)."]
    if not holding:
        lines.append("  This pair posts automatically; approvals matter only when its rule "
                     "posting_approval is 'hold'.")
    ctx.out.emit({"pair": pair.name, "approved": approved}, lines)
    return EXIT_OK


def preview_lines(seen: Preview) -> list[str]:
    """The preview as a person reads it."""
    lines = [f"{seen.pair_name}: the next run would make {len(seen.documents)} "
             f"change{'s' if len(seen.documents) != 1 else ''} in the books "
             f"({seen.scope()}); nothing was changed."]
    if seen.ledger_read:
        lines.append(f"  Customers and items matched against {seen.ledger_read}")
    if seen.holding:
        held = seen.held()
        lines.append(f"  This pair holds its runs for your approval: {len(held)} held"
                     + (f" ({', '.join(held[:20])})" if held else "")
                     + "; approve with 'ecom-ledger approve'.")
    for doc in seen.documents:
        who = (f"{doc.customer.display_name} <{doc.customer.email}> — {doc.customer.reason}"
               if doc.customer else "")
        mark = "" if not seen.holding else ("  [approved]" if doc.approved else "  [held]")
        record = doc.record_number if doc.record_kind == "order" else (
            f"{doc.record_kind} {doc.record_number}")
        lines.append(f"\n{record}: {doc.op} {doc.doc_kind.replace('_', ' ')} "
                     f"{doc.doc_number} dated {doc.txn_date}, {doc.total} {doc.currency}"
                     f" (tax {doc.tax_total} {doc.currency}){mark}")
        if who:
            lines.append(f"  customer: {who}")
        if doc.doc_kind == "refund_payout":  # money going back, out of where it came in
            lines.append(f"  paid back by: {doc.payment_method or '-'} out of "
                         f"{doc.deposit_account or 'the default account'}")
        elif doc.payment_method or doc.deposit_account:
            lines.append(f"  paid by: {doc.payment_method or '-'} into "
                         f"{doc.deposit_account or 'the default account'}")
        for line in doc.lines:
            qty = f"{line.qty} x {line.unit_price}" if line.qty is not None else ""
            tax = f"tax {line.tax_amount} {doc.currency}" + (
                f" ({line.tax_code})" if line.tax_code else "")
            lines.append(f"    {line.kind:<10} {line.item[:28]:<28} {qty:>16} "
                         f"{line.amount:>10} {doc.currency} {tax}")
    if seen.customers_to_create:
        lines.append("\nCustomers to create:")
        lines += [f"  {c.display_name} <{c.email}> — {c.reason}"
                  for c in seen.customers_to_create]
    if seen.items_to_create:
        lines.append("\nItems to create:")
        lines += [f"  {i.sku or i.name} ({i.name}) — {i.reason}" for i in seen.items_to_create]
    if seen.flags:
        lines.append("\nWould be flagged:")
        for flag in seen.flags:
            lines.append(f"  {flag.record_kind} {flag.record_ref}: {flag.message}"
                         + (" (already in the error queue)" if flag.already_open else ""))
            if flag.fixes:
                lines.append(f"    fix: {' / '.join(flag.fixes)}")
    if seen.waiting:
        lines.append("\nWould wait:")
        lines += [f"  {why}" for why in seen.waiting]
    totals = seen.totals()
    if totals:
        lines.append("\nTotals per day and payment method: what the run changes in the books "
                     "(each currency apart)")
        lines += [_total_line(row) for row in totals]
    flagged = seen.flagged_totals()
    if flagged or seen.unpriced_flags():
        lines.append("\nWould be flagged, so not posted:")
        lines += [_total_line(row) for row in flagged]
        if seen.unpriced_flags():
            lines.append(f"  and {seen.unpriced_flags()} record(s) with no document to total "
                         "(see 'Would be flagged' above)")
    return lines


def _total_line(row: DayTotal) -> str:
    parts = [f"sales {row.sales}"]
    parts += [f"{name} {value}" for name, value in (
        ("changes to posted documents", row.changes), ("refunds", row.refunds),
        ("payments received", row.payments)) if value]
    return (f"  {row.day}  {row.payment_method:<20} {row.currency}  {row.documents:>4} docs  "
            f"{'  '.join(parts)}  tax {row.tax}  net {row.net} {row.currency}")

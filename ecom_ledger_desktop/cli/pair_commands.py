"""Commands that configure a pair: pairs, posting rules, SKU mappings."""

from __future__ import annotations

import argparse
import json
from datetime import date

from ecom_ledger_desktop.cli.context import CliContext, UsageError
from ecom_ledger_desktop.cli.output import EXIT_OK
from ecom_ledger_desktop.connectors.registry import KINDS
from ecom_ledger_desktop.db.connections_repo import Pair
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.rules import LINE_ITEM_TAX_WARNING, PostingRules
from ecom_ledger_desktop.sync.pair_config import new_pair_rules, rule_path, set_rule
from ecom_ledger_desktop.sync.summary import POSTING_MODES, SUMMARY_LINES_WORDS, mode_words

TEXT_MAPS = ("tax_codes",)  # maps whose values are names, even when they look like numbers


def pair_by_ref(state: State, ref: str) -> Pair:
    """The pair named ``ref`` (its name or id), or a usage error naming it."""
    pair = state.connections.pair(int(ref) if ref.isdigit() else ref)
    if pair is None:
        raise UsageError(f"there is no pair '{ref}'; see 'ecom-ledger pairs list'")
    return pair


def _role(kind: str) -> str:
    return KINDS[kind].role if kind in KINDS else "unknown"


def pairs_add(ctx: CliContext, args: argparse.Namespace) -> int:
    """Pair a store with a ledger from a start date (older history is never imported)."""
    state = ctx.state()
    try:
        store = state.connections.connection(args.store)
        ledger = state.connections.connection(args.ledger)
        if store is None or _role(store.kind) != "store" or store.id is None:
            raise UsageError(f"'{args.store}' is not a store connection")
        if ledger is None or _role(ledger.kind) != "ledger" or ledger.id is None:
            raise UsageError(f"'{args.ledger}' is not a ledger connection")
        rules = new_pair_rules(store.kind, date.fromisoformat(args.start_date))
        with state.tx():
            pair_id = state.connections.add_pair(args.name, store.id, ledger.id, rules,
                                                 args.schedule_minutes)
    finally:
        state.close()
    ctx.out.emit({"id": pair_id, "name": args.name},
                 f"Paired '{args.store}' → '{args.ledger}' as '{args.name}', from {args.start_date}.")
    return EXIT_OK


def pairs_list(ctx: CliContext, args: argparse.Namespace) -> int:
    """List pairs with their start date and schedule."""
    state = ctx.state()
    try:
        rows = []
        for p in state.connections.pairs():
            store = state.connections.connection(p.store_id)
            ledger = state.connections.connection(p.ledger_id)
            rows.append({"id": p.id, "name": p.name, "store": store.name if store else "?",
                         "ledger": ledger.name if ledger else "?",
                         "start_date": p.rules.start_date.isoformat(),
                         "every_minutes": p.schedule_minutes,
                         "open_errors": state.errors.open_count(p.id)})
    finally:
        state.close()
    ctx.out.table(rows, ["id", "name", "store", "ledger", "start_date", "every_minutes",
                         "open_errors"], "No pairs yet: add one with 'ecom-ledger pairs add'.")
    return EXIT_OK


def rules_show(ctx: CliContext, args: argparse.Namespace) -> int:
    """Print a pair's posting rules."""
    state = ctx.state()
    try:
        pair = pair_by_ref(state, args.pair)
    finally:
        state.close()
    data = pair.rules.model_dump(mode="json")
    ctx.out.emit(data, json.dumps(data, indent=2, ensure_ascii=False))
    return EXIT_OK


def lines_words(ledger_kind: str, value: str) -> str:
    """A summary's lines (rule ``summary_lines``) in the words of the pair's ledger."""
    kind = KINDS.get(ledger_kind)
    own = kind.rule_words.get(("summary_lines", value)) if kind is not None else None
    return own or SUMMARY_LINES_WORDS.get(value, value)


def rules_set(ctx: CliContext, args: argparse.Namespace) -> int:
    """Set one rule by dotted path, e.g. ``payment_routes.checkmo.deposit_account Checking`` or
    ``tax_codes.8.25 "NY Sales Tax"`` (map keys may contain dots); ``null`` removes a map entry."""
    state = ctx.state()
    try:
        pair = pair_by_ref(state, args.pair)
        data = pair.rules.model_dump(mode="json")
        try:
            value: object = json.loads(args.value)
        except json.JSONDecodeError:
            value = args.value
        if isinstance(value, int | float) and not isinstance(value, bool) \
                and rule_path(args.key)[0] in TEXT_MAPS:
            value = args.value  # a tax code or item name that looks like a number stays text
        from_date = getattr(args, "from_date", None)
        if from_date is not None and args.key != "posting_mode":
            raise UsageError("--from goes only with posting_mode (the cut-over date)")
        if args.key == "posting_mode":  # a switch keeps the earlier mode before its cut-over
            if value not in POSTING_MODES:
                raise UsageError(f"posting_mode is one of {', '.join(POSTING_MODES)}")
            data = pair.rules.switch_mode(value, from_date).model_dump(mode="json")  # type: ignore[arg-type]
            problem = None
        else:
            problem = set_rule(data, args.key, value)
        if problem is not None:
            raise UsageError(f"'{args.key}' is not a rule; see 'ecom-ledger rules show "
                             f"{args.pair}'")
        try:
            rules = PostingRules.model_validate(data)
        except ValueError as error:
            raise UsageError(f"that rule value is not valid: {error}") from None
        with state.tx():
            state.connections.save_rules(pair.id, rules)
        ledger = state.connections.connection(pair.ledger_id)
        ledger_kind = ledger.kind if ledger is not None else ""
    finally:
        state.close()
    text = f"Rule {args.key} of '{pair.name}' set to {value!r}."
    if args.key == "posting_mode":
        text += " " + mode_words(rules)
    if args.key == "summary_lines":
        text += f" A daily summary has {lines_words(ledger_kind, rules.summary_lines)}."
    warning = LINE_ITEM_TAX_WARNING if rules.tax_mode == "line_item" \
        and args.key == "tax_mode" else ""
    ctx.out.emit({"pair": pair.name, "key": args.key, "value": value,
                  **({"warning": warning} if warning else {})},
                 f"{text}\n{warning}" if warning else text)
    return EXIT_OK


def mappings_list(ctx: CliContext, args: argparse.Namespace) -> int:
    """List SKU → ledger item mappings."""
    state = ctx.state()
    try:
        pair = pair_by_ref(state, args.pair)
        rows = [{"sku": k, "ledger_item": v} for k, v in state.mappings.skus(pair.id).items()]
    finally:
        state.close()
    ctx.out.table(rows, ["sku", "ledger_item"], "No SKU mappings: SKUs are matched by SKU.")
    return EXIT_OK


def mappings_set(ctx: CliContext, args: argparse.Namespace) -> int:
    """Map a store SKU to a ledger item by name."""
    state = ctx.state()
    try:
        pair = pair_by_ref(state, args.pair)
        with state.tx():
            state.mappings.set_sku(pair.id, args.sku, args.item)
    finally:
        state.close()
    ctx.out.emit({"sku": args.sku, "ledger_item": args.item},
                 f"SKU '{args.sku}' now posts to '{args.item}'. Retry its flagged orders with "
                 "'ecom-ledger errors retry ID'.")
    return EXIT_OK


def mappings_remove(ctx: CliContext, args: argparse.Namespace) -> int:
    """Forget a SKU mapping."""
    state = ctx.state()
    try:
        pair = pair_by_ref(state, args.pair)
        with state.tx():
            state.mappings.remove_sku(pair.id, args.sku)
    finally:
        state.close()
    ctx.out.emit({"removed": args.sku}, f"Mapping for SKU '{args.sku}' removed.")
    return EXIT_OK

"""Commands that configure connections (pairs, rules and mappings: ``pair_commands``)."""

from __future__ import annotations

import argparse
import secrets
import sys
from typing import Any

from ecom_ledger_desktop.cli.context import CliContext, UsageError
from ecom_ledger_desktop.cli.kind_flags import (
    renewed_secret_from_args,
    secrets_from_args,
    settings_from_args,
)
from ecom_ledger_desktop.cli.output import EXIT_FAILURE, EXIT_OK
from ecom_ledger_desktop.connectors.kinds import load
from ecom_ledger_desktop.connectors.registry import KINDS, kind_of
from ecom_ledger_desktop.core.errors import ChoiceNeeded, FatalError, SyncError
from ecom_ledger_desktop.core.redaction import redact, register_secret
from ecom_ledger_desktop.core.safe_text import escape_controls
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.secrets.store import RefusingSecretStore, SecretUnavailable


def connections_add(ctx: CliContext, args: argparse.Namespace) -> int:
    """Add a store or ledger connection; secrets go to the keyring, never to the database."""
    state = ctx.state()
    try:
        # before any secret is saved: saving would overwrite the existing connection's secrets
        if state.connections.connection(args.name):
            raise UsageError(f"a connection called '{args.name}' exists already; pick another "
                             "name, or remove it first with 'ecom-ledger connections remove'")
    finally:
        state.close()
    kind = kind_of(args.kind)
    settings = settings_from_args(kind, args)
    store = ctx.secret_store()
    if isinstance(store, RefusingSecretStore):  # say so before asking for any secret
        ctx.out.note(f"Not saved: {store.description}")
        return EXIT_FAILURE
    values = secrets_from_args(kind, args)
    issued: list[str] = []
    try:
        for key, value in values.items():
            store.set(args.name, key, value)
        for spec in kind.secrets:
            if spec.issued_by and spec.name not in values:  # made here, shown this once
                issued.append(f"{spec.label} (shown once; type it where it is asked): "
                              + str(load(spec.issued_by)(store, args.name)))
    except SecretUnavailable as error:
        ctx.out.note(f"Not saved: {error}")
        return EXIT_FAILURE
    state = ctx.state()
    try:
        if state.connections.connection(args.name):
            raise UsageError(f"a connection called '{args.name}' exists already")
        with state.tx():
            conn_id = state.connections.add_connection(
                ConnectionConfig(name=args.name, kind=args.kind, settings=settings))
    finally:
        state.close()
    ctx.out.emit({"id": conn_id, "name": args.name, "kind": args.kind},
                 "\n".join([f"Added {args.kind} connection '{args.name}' (secrets in "
                            f"{store.description}).", *issued]))
    return EXIT_OK


def connections_list(ctx: CliContext, args: argparse.Namespace) -> int:
    """List connections (never their secrets)."""
    state = ctx.state()
    try:
        rows = [{"id": c.id, "name": c.name, "kind": c.kind,
                 "role": KINDS[c.kind].role if c.kind in KINDS else "unknown", "status": c.status,
                 "status_message": state.connections.connection_status(c.id)[1] if c.id else "",
                 "demo": c.demo, **{f"setting.{k}": v for k, v in c.settings.items()}}
                for c in state.connections.connections()]
    finally:
        state.close()
    ctx.out.table(rows, ["id", "name", "kind", "role", "status"],
                  "No connections yet: add one with 'ecom-ledger connections add'.")
    return EXIT_OK


def connections_action(ctx: CliContext, args: argparse.Namespace) -> int:
    """Run one of the actions the connection's kind declares (e.g. save-qwc PATH)."""
    state = ctx.state()
    try:
        config = state.connections.connection(args.name)
    finally:
        state.close()
    if config is None:
        raise UsageError(f"there is no connection '{args.name}'")
    kind = kind_of(config.kind)
    if args.action not in kind.actions:
        offered = ", ".join(f"{name} ({words})" for name, (words, _) in kind.actions.items())
        raise UsageError(f"a {kind.display_name} connection has no action '{args.action}'"
                         + (f"; it offers: {offered}" if offered else ""))
    message = str(load(kind.actions[args.action][1])(config, args.value))
    ctx.out.emit({"name": args.name, "action": args.action, "message": message}, message)
    return EXIT_OK


def connections_test(ctx: CliContext, args: argparse.Namespace) -> int:
    """Say in plain words what works and what does not."""
    state = ctx.state()
    try:
        config = state.connections.connection(args.name)
    finally:
        state.close()
    if config is None:
        raise UsageError(f"there is no connection '{args.name}'")
    from ecom_ledger_desktop.connectors.registry import ConnectorFactory

    factory = ConnectorFactory(lock_dir=ctx.data_dir)
    try:
        connector = factory.connector(config, ctx.secret_store())
        results = connector.check()
        connector.close()
    except SyncError as error:
        message = redact(str(error))
        ctx.out.emit({"ok": False, "checks": [], "error": message}, f"✗ {message}")
        return EXIT_FAILURE
    ok = all(r.ok for r in results)
    ctx.out.emit({"ok": ok, "checks": [r.__dict__ for r in results]},
                 [f"{'✓' if r.ok else '✗'} {r.label}{': ' + r.detail if r.detail else ''}"
                  for r in results])
    return EXIT_OK if ok else EXIT_FAILURE


def connections_remove(ctx: CliContext, args: argparse.Namespace) -> int:
    """Remove a connection and its secrets."""
    state = ctx.state()
    try:
        config = state.connections.connection(args.name)
        if config is None or config.id is None:
            raise UsageError(f"there is no connection '{args.name}'")
        try:
            with state.tx():
                state.connections.remove_connection(config.id)
        except ValueError as error:
            raise UsageError(str(error)) from None
    finally:
        state.close()
    kind = KINDS.get(config.kind)
    for spec in kind.secrets if kind else ():
        ctx.secret_store().delete(args.name, spec.name)
    ctx.out.emit({"removed": args.name}, f"Removed connection '{args.name}'.")
    return EXIT_OK


def _connection(ctx: CliContext, name: str) -> ConnectionConfig:
    state = ctx.state()
    try:
        config = state.connections.connection(name)
    finally:
        state.close()
    if config is None or config.id is None:
        raise UsageError(f"there is no connection '{name}'; see 'ecom-ledger connections list'")
    return config


def _mark_connected(ctx: CliContext, config: ConnectionConfig,
                    settings: dict[str, str] | None = None) -> None:
    assert config.id is not None
    state = ctx.state()
    try:
        with state.tx():
            if settings is not None:
                state.connections.update_settings(config.id, settings)
            state.connections.set_connection_status(config.id, "ok", "")
    finally:
        state.close()


class _PasteRefused(Exception):
    """The pasted redirect cannot be used; the message says why, in plain words."""


def connections_authorize(ctx: CliContext, args: argparse.Namespace) -> int:
    """Connect (or reconnect) a connection that signs in in a browser (QuickBooks Online,
    FreshBooks: the kind says how, which company its redirect names, and whether the user picks
    one of several businesses after signing in)."""
    config = _connection(ctx, args.name)
    kind = kind_of(config.kind)
    if kind.connects != "oauth_browser":
        browser = " or ".join(k.system for k in KINDS.values() if k.connects == "oauth_browser")
        raise UsageError(f"'{args.name}' is a {kind.display_name} connection: only {browser} "
                         "connections sign in through the browser; give it a new "
                         f"{kind.renewed_secret.words} with "
                         f"'ecom-ledger connections reauthorise {args.name}'")
    settings = kind.effective(config.settings)
    redirect_uri = args.redirect_uri or settings.get("redirect_uri", "")
    if not redirect_uri:
        raise UsageError("no redirect URI: pass --redirect-uri with the address registered for "
                         f"your {kind.brand} app")
    if not settings.get("client_id"):
        raise UsageError(f"'{args.name}' has no client id; add the connection again")
    store = ctx.secret_store()
    if isinstance(store, RefusingSecretStore):
        ctx.out.note(f"Not connected: {store.description}")
        return EXIT_FAILURE
    if not store.get(args.name, "client_secret"):
        ctx.out.note(f"Not connected: the {kind.brand} app client secret of '{args.name}' is not "
                     f"in {store.description}; remove the connection and add it again.")
        return EXIT_FAILURE
    tokens = load(kind.sign_in)(config, store, redirect_uri=redirect_uri)
    expected_state = secrets.token_urlsafe(24)
    prompt = [
        f"To connect '{args.name}' to {kind.system}, open this address in a browser and sign in:",
        "",
        tokens.authorization_url(expected_state, redirect_uri),
        "",
        "After you approve, the browser is sent to an address starting with "
        f"{redirect_uri} (the page itself may fail to load; that is fine).",
        "Paste that whole address here (or just its code) and press Enter:",
    ]
    stream = sys.stderr if ctx.out.as_json else sys.stdout
    print(escape_controls("\n".join(prompt), keep_newlines=True), file=stream, flush=True)
    pasted = sys.stdin.readline().strip()
    try:
        if not pasted:
            raise _PasteRefused("nothing was pasted, so nothing changed. Run the command again.")
        from ecom_ledger_desktop.sync.oauth_callback import ConnectError, parse_pasted_redirect

        try:
            result = parse_pasted_redirect(pasted, expected_state, provider=kind.brand,
                                           company_param=kind.redirect_company)
        except ConnectError as refused:
            raise _PasteRefused(str(refused)) from None
        code, company = result.code, result.realm_id
    except _PasteRefused as refused:
        ctx.out.note(f"Not connected: {refused}")
        return EXIT_FAILURE
    register_secret(code)
    where = kind.where_setting
    known = config.settings.get(where, "")
    if company and known and company != known:
        state = ctx.state()
        try:
            used_by = [p.name for p in state.connections.pairs() if p.ledger_id == config.id]
        finally:
            state.close()
        if used_by:
            ctx.out.note(f"Not connected: you signed in to a different {kind.brand} {kind.noun} "
                         f"({company}) from the one '{args.name}' posts to ({known}), and pair "
                         f"'{used_by[0]}' already posts there. Run the command again and pick "
                         f"the same {kind.noun}, or add a new connection for the other one.")
            return EXIT_FAILURE
    try:
        tokens.exchange_code(code, redirect_uri)
    except SyncError as error:
        ctx.out.note(f"Not connected: {redact(str(error))} If the code expired (codes last 10 "
                     "minutes) or was used already, run "
                     f"'ecom-ledger connections authorize {args.name}' again.")
        return EXIT_FAILURE
    new_settings = dict(config.settings)
    if company:
        new_settings[where] = company
    if args.redirect_uri:
        new_settings["redirect_uri"] = args.redirect_uri
    after = getattr(tokens, "signed_in_settings", None)
    if after is not None:  # the provider says which company after signing in
        try:
            new_settings.update(_signed_in(ctx, after, new_settings, kind.noun, stream))
        except SyncError as error:
            ctx.out.note(f"Not connected: {redact(str(error))}")
            return EXIT_FAILURE
    _mark_connected(ctx, config, new_settings)
    value = new_settings.get(where, "?")
    ctx.out.emit({"name": args.name, "connected": True, where: value, "status": "ok"},
                 f"Connected '{args.name}' to {kind.brand} {kind.noun} {value}; the "
                 f"authorisation is kept in the keyring ({store.description}).")
    return EXIT_OK


def _signed_in(ctx: CliContext, after: Any, current: dict[str, str], noun: str,
               stream: Any) -> dict[str, str]:
    """The settings the signed-in user's company fills; a user of several picks one by number
    (read from stdin)."""
    try:
        return dict(after(current))
    except ChoiceNeeded as needed:
        lines = [str(needed), *[f"  {n}. {label}" for n, (label, _) in
                                enumerate(needed.choices, 1)],
                 f"Type the number of the {noun} to post to and press Enter:"]
        print(escape_controls("\n".join(lines), keep_newlines=True), file=stream, flush=True)
        answer = sys.stdin.readline().strip()
        if not answer.isdigit() or not 1 <= int(answer) <= len(needed.choices):
            raise FatalError(f"'{answer}' is not one of the numbers 1 to "
                             f"{len(needed.choices)}; run the command again (signing in again "
                             "is needed: the authorisation was not saved as connected).") from None
        chosen = needed.choices[int(answer) - 1][1]
        return dict(after({**current, **chosen}))


def connections_reauthorise(ctx: CliContext, args: argparse.Namespace) -> int:
    """Store a new refresh token (QuickBooks) or access token (a store); status back to ok."""
    config = _connection(ctx, args.name)
    kind = kind_of(config.kind)
    store = ctx.secret_store()
    if isinstance(store, RefusingSecretStore):
        ctx.out.note(f"Not saved: {store.description}")
        return EXIT_FAILURE
    spec, value = renewed_secret_from_args(kind, args)
    label = f"{kind.brand} {spec.words}"
    try:
        store.set(args.name, spec.name, value)
    except SecretUnavailable as error:
        ctx.out.note(f"Not saved: {error}")
        return EXIT_FAILURE
    _mark_connected(ctx, config)
    ctx.out.emit({"name": args.name, "status": "ok"},
                 f"New {label} saved for '{args.name}'; its status is ok again. Check it with "
                 f"'ecom-ledger connections test {args.name}'; the next sync posts what waited.")
    return EXIT_OK

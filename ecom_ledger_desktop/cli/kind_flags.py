"""``connections add`` / ``reauthorise`` options, generated from the connection kinds' declarations.

Every setting of every kind is one option (``--url``, ``--client-id``; a secret only names the
environment variable holding it: ``--token-env``); kinds that share a setting share its option.
An option given for another kind is refused, so a typo never silently drops a setting.
"""

from __future__ import annotations

import argparse

from ecom_ledger_desktop.cli.context import UsageError, read_secret
from ecom_ledger_desktop.connectors.kinds import ConnectionKind, Setting
from ecom_ledger_desktop.connectors.registry import KINDS


def dest(spec: Setting) -> str:
    """The argparse destination of a setting's option (``--token-env`` -> ``token_env``)."""
    return spec.flag.removeprefix("--").replace("-", "_")


def _options(renewed_only: bool = False) -> dict[str, list[tuple[ConnectionKind, Setting]]]:
    """Each option and the kinds' settings it carries, in declaration order (``renewed_only``:
    only the secret each kind replaces when access stops working)."""
    options: dict[str, list[tuple[ConnectionKind, Setting]]] = {}
    for kind in KINDS.values():
        for spec in (kind.renewed_secret,) if renewed_only else kind.settings:
            options.setdefault(spec.flag, []).append((kind, spec))
    return options


def _metavar(spec: Setting) -> str:
    if spec.secret:
        return "VAR"
    if spec.choices:
        return "|".join(spec.choices)
    return "URL" if spec.url else spec.name.upper()


def add_kind_options(parser: argparse.ArgumentParser, renewed_only: bool = False) -> None:
    """One option per declared setting (secrets: per environment variable)."""
    for flag, users in _options(renewed_only).items():
        helps = dict.fromkeys(f"{kind.brand}: {spec.help or spec.words}" for kind, spec in users)
        parser.add_argument(flag, dest=dest(users[0][1]), metavar=_metavar(users[0][1]),
                            help="; ".join(helps))


def _refuse_foreign(kind: ConnectionKind, args: argparse.Namespace) -> None:
    mine = {spec.flag for spec in kind.settings}
    foreign = [flag for flag, users in _options().items()
               if flag not in mine and getattr(args, dest(users[0][1]), None)]
    if foreign:
        raise UsageError(f"a {kind.system} connection does not take {', '.join(foreign)}; "
                         f"it takes {', '.join(sorted(mine))}")


def settings_from_args(kind: ConnectionKind, args: argparse.Namespace) -> dict[str, str]:
    """The settings of a new connection as given on the command line, checked.

    What signing in would fill (a QuickBooks company id) is needed too: ``add`` takes a
    refresh token instead of opening a browser.
    """
    _refuse_foreign(kind, args)
    settings: dict[str, str] = {}
    for spec in kind.plain_settings:
        value = (getattr(args, dest(spec), None) or "").strip()
        if not value and spec.save_default:
            value = spec.default
        if value:
            settings[spec.name] = value.rstrip("/") if spec.name == "base_url" else value
    missing = [spec for spec in kind.plain_settings
               if (spec.required or spec.signed_in) and not settings.get(spec.name)]
    if missing:
        raise UsageError(f"a {kind.system} connection needs "
                         + " and ".join(f"{spec.flag} ({spec.words})" for spec in missing))
    problems = kind.problems(settings)
    if problems:
        flags = {spec.name: spec.flag for spec in kind.settings}
        raise UsageError("; ".join(f"{flags.get(key, key)}: {why}" for key, why in problems.items()))
    return settings


def secrets_from_args(kind: ConnectionKind, args: argparse.Namespace) -> dict[str, str]:
    """Every secret of the kind, from its environment variable or stdin, in declared order."""
    return {spec.name: read_secret(f"{kind.brand} {spec.words}", getattr(args, dest(spec), None))
            for spec in kind.secrets if not spec.issued_by or getattr(args, dest(spec), None)}


def renewed_secret_from_args(kind: ConnectionKind, args: argparse.Namespace) -> tuple[Setting, str]:
    """The secret ``reauthorise`` replaces, and its new value."""
    spec = kind.renewed_secret
    given = [flag for flag, users in _options(renewed_only=True).items()
             if flag != spec.flag and getattr(args, dest(users[0][1]), None)]
    if given:
        raise UsageError(f"a {kind.system} connection takes {spec.flag}, not {given[0]}")
    return spec, read_secret(f"{kind.brand} {spec.words}", getattr(args, dest(spec), None))

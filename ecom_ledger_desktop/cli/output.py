"""Printing for the CLI: plain text for people, ``--json`` for scripts."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from typing import Any

from ecom_ledger_desktop.core.safe_text import escape_controls, escape_json_controls

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_FLAGGED = 3


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "__dict__"):
        return value.__dict__
    return str(value)


class Output:
    """Writes either human text or one JSON document per command.

    Everything printed goes through here, and store data can hold terminal escape sequences:
    every control character is escaped (``\x1b``), in text, tables and JSON alike.
    """

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def emit(self, data: Any, text: str | list[str]) -> None:
        """Print ``data`` as JSON, or ``text`` for a person."""
        if self.as_json:
            print(escape_json_controls(json.dumps(data, default=_default, ensure_ascii=False,
                                                  indent=2)))
            return
        if isinstance(text, str):  # composed here, may span lines
            print(escape_controls(text, keep_newlines=True))
            return
        for line in text:  # one line each: a newline inside one came from data
            print(escape_controls(line))

    @staticmethod
    def note(message: str) -> None:
        """A remark for a person (stderr, so ``--json`` stdout stays clean)."""
        print(escape_controls(message, keep_newlines=True), file=sys.stderr)

    def table(self, rows: list[dict[str, Any]], columns: list[str], empty: str) -> None:
        """Rows as an aligned text table (or a JSON list)."""
        if self.as_json:
            self.emit(rows, "")
            return
        if not rows:
            print(empty)
            return
        cells = [{c: escape_controls(str(r.get(c, ""))) for c in columns} for r in rows]
        widths = {c: max(len(c), *(len(r[c]) for r in cells)) for c in columns}
        print("  ".join(c.upper().ljust(widths[c]) for c in columns))
        for row in cells:
            print("  ".join(row[c].ljust(widths[c]) for c in columns))

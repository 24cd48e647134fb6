"""Printing for the CLI: plain text for people, ``--json`` for scripts."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from typing import Any

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
    """Writes either human text or one JSON document per command."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def emit(self, data: Any, text: str | list[str]) -> None:
        """Print ``data`` as JSON, or ``text`` for a person."""
        if self.as_json:
            print(json.dumps(data, default=_default, ensure_ascii=False, indent=2))
            return
        lines = [text] if isinstance(text, str) else text
        for line in lines:
            print(line)

    @staticmethod
    def note(message: str) -> None:
        """A remark for a person (stderr, so ``--json`` stdout stays clean)."""
        print(message, file=sys.stderr)

    def table(self, rows: list[dict[str, Any]], columns: list[str], empty: str) -> None:
        """Rows as an aligned text table (or a JSON list)."""
        if self.as_json:
            self.emit(rows, "")
            return
        if not rows:
            print(empty)
            return
        widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
        print("  ".join(c.upper().ljust(widths[c]) for c in columns))
        for row in rows:
            print("  ".join(str(row.get(c, "")).ljust(widths[c]) for c in columns))

"""Text from a store or a ledger is shown, never obeyed: control characters are escaped.

A product name, SKU or address can carry terminal escape sequences (set the window title, clear
the screen, hide text with a carriage return, colour with a C1 CSI) or bidirectional overrides
that make a line read differently from what it says. Everything the CLI prints and every log
line goes through ``escape_controls``; the characters become visible escapes such as ``\\x1b``.
"""

from __future__ import annotations

import re

# C0 (but tab and newline, handled by the caller's choice), DEL, C1, the bidi embeddings,
# overrides and isolates, the implicit direction marks, and the Unicode line/paragraph separators
_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_CONTROLS_AND_BREAKS = re.compile(f"[\t\n{_CONTROLS.pattern[1:-1]}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every control character written as a visible escape.

    ``keep_newlines`` leaves tab and newline alone, for multi-line text the program composed
    itself (a traceback, a help text); one line of output escapes them too.
    """
    pattern = _CONTROLS if keep_newlines else _CONTROLS_AND_BREAKS
    return pattern.sub(_escape, text)


def escape_json_controls(document: str) -> str:
    """A JSON document with the controls JSON leaves raw (DEL, C1, bidi) written as ``\\uXXXX``.

    Only valid where those characters can occur: inside JSON strings, as in ``json.dumps``
    output (which already escapes C0).
    """
    return _CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", document)

"""Keeps secrets out of logs and exception messages.

Every secret the app loads is registered here; a logging filter replaces any registered value
(and anything that looks like a bearer token or an OAuth grant) with ``[REDACTED]``.
"""

from __future__ import annotations

import logging
import re
import threading

_PATTERNS = [
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9\-._~+/=]{8,}"),
    re.compile(r"(?i)((?:refresh_token|access_token|client_secret|password|code)=)[^&\s\"']+"),
    re.compile(r"(?i)(\"(?:refresh_token|access_token|client_secret|password|id_token)\"\s*:\s*\")[^\"]+"),
]
_known: set[str] = set()
_lock = threading.Lock()
MASK = "[REDACTED]"


def register_secret(value: str | None) -> None:
    """Remember a secret value so it is masked wherever it appears."""
    if value and len(value) >= 4:
        with _lock:
            _known.add(value)


def redact(text: str) -> str:
    """``text`` with every known secret and token-looking value masked."""
    with _lock:
        known = sorted(_known, key=len, reverse=True)
    for secret in known:
        text = text.replace(secret, MASK)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + MASK, text)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that masks secrets in the rendered message and exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True

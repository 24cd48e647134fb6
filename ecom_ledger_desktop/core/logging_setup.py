"""Logging for the app and the CLI: a rotating file in the log folder, secrets redacted,
control characters escaped (one record is one line; tracebacks keep theirs)."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from ecom_ledger_desktop.core.redaction import RedactingFilter
from ecom_ledger_desktop.core.safe_text import escape_controls

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class SafeFormatter(logging.Formatter):
    """Escapes control characters: store data can neither forge a log line nor carry terminal
    escape sequences to whoever reads the log in a terminal."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's name
        return escape_controls(super().formatMessage(record))

    def format(self, record: logging.LogRecord) -> str:
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = escape_controls(record.exc_text, keep_newlines=True)
        if record.stack_info:
            record.stack_info = escape_controls(record.stack_info, keep_newlines=True)
        return super().format(record)


def configure_logging(log_folder: Path, level: int = logging.INFO, console: bool = False) -> None:
    """Send logs to ``log_folder/ecom-ledger.log`` (rotating), optionally to stderr too."""
    root = logging.getLogger()
    root.setLevel(level)
    for handler in list(root.handlers):
        if getattr(handler, "_ecom_ledger", False):
            root.removeHandler(handler)
    handlers: list[logging.Handler] = [
        logging.handlers.RotatingFileHandler(
            log_folder / "ecom-ledger.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
    ]
    if console:
        handlers.append(logging.StreamHandler())
    formatter = SafeFormatter(LOG_FORMAT)
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(RedactingFilter())
        handler._ecom_ledger = True  # type: ignore[attr-defined]
        root.addHandler(handler)

"""Logging for the app and the CLI: a rotating file in the log folder, secrets redacted,
control characters escaped (one record is one line; tracebacks keep theirs)."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from ecom_ledger_desktop.core.paths import private_file
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


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log only its user can read (it names orders and what went wrong)."""

    def _open(self):  # type: ignore[no-untyped-def]
        private_file(Path(self.baseFilename))
        return super()._open()


class DemoteToDebug(logging.Filter):
    """Logs a library's INFO records as DEBUG: httpx logs every request URL at INFO, and query
    URLs carry customers' emails and names."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.INFO:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


_DEMOTED = ("httpx",)


def configure_logging(log_folder: Path, level: int = logging.INFO, console: bool = False) -> None:
    """Send logs to ``log_folder/ecom-ledger.log`` (rotating), optionally to stderr too."""
    root = logging.getLogger()
    root.setLevel(level)
    for handler in list(root.handlers):
        if getattr(handler, "_ecom_ledger", False):
            root.removeHandler(handler)
    for name in _DEMOTED:
        library = logging.getLogger(name)
        if not any(isinstance(f, DemoteToDebug) for f in library.filters):
            library.addFilter(DemoteToDebug())
    for old in log_folder.glob("ecom-ledger.log*"):  # an older version wrote them 0644
        private_file(old)
    handlers: list[logging.Handler] = [
        PrivateRotatingFileHandler(
            log_folder / "ecom-ledger.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
    ]
    if console:
        handlers.append(logging.StreamHandler())
    formatter = SafeFormatter(LOG_FORMAT)
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.setLevel(level)  # demoted records must not pass a handler that takes everything
        handler.addFilter(RedactingFilter())
        handler._ecom_ledger = True  # type: ignore[attr-defined]
        root.addHandler(handler)

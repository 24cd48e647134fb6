"""Logging for the app and the CLI: a rotating file in the log folder, secrets redacted."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from ecom_ledger_desktop.core.redaction import RedactingFilter


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
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(RedactingFilter())
        handler._ecom_ledger = True  # type: ignore[attr-defined]
        root.addHandler(handler)

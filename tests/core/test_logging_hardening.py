"""The log file: store data cannot forge lines or carry terminal escapes into it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecom_ledger_desktop.core.logging_setup import configure_logging


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    root = logging.getLogger()
    level = root.level
    configure_logging(tmp_path)
    try:
        yield tmp_path / "ecom-ledger.log"
    finally:
        for handler in list(root.handlers):
            if getattr(handler, "_ecom_ledger", False):
                root.removeHandler(handler)
                handler.close()
        root.setLevel(level)


def test_control_characters_from_store_data_are_escaped_in_the_log(log_file: Path) -> None:
    log = logging.getLogger("ecom_ledger_desktop.sync.test")
    sku = "GIFT\x1b]0;owned\x07-WRAP\r\n2026-01-01 00:00:00 INFO forged: all good\u202e"
    log.warning("SKU %s is not in QuickBooks", sku)
    try:
        raise ValueError("bad line\nsecond line")
    except ValueError:
        log.exception("a failure with a traceback")
    text = log_file.read_text(encoding="utf-8")
    assert "\x1b" not in text and "\x07" not in text and "\r" not in text
    assert "\u202e" not in text
    assert "\\x1b]0;owned\\x07" in text
    lines = text.splitlines()
    assert not any(line.startswith("2026-01-01 00:00:00 INFO forged") for line in lines), \
        "a newline in store data cannot start a forged log record"
    assert "Traceback (most recent call last):" in lines, "tracebacks keep their lines"

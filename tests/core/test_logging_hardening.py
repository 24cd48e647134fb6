"""The log file: store data cannot forge lines or carry terminal escapes into it."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from ecom_ledger_desktop.core.events import EventBus
from ecom_ledger_desktop.core.logging_setup import configure_logging
from ecom_ledger_desktop.demo import start_demo


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


def test_a_demo_sync_logs_no_customer_email_or_name_at_info(log_file: Path,
                                                            tmp_path: Path) -> None:
    env = start_demo(tmp_path / "demo", orders=25, events=EventBus())
    try:
        summary = env.service.run_pair(env.service.pairs()[0].id)
        assert summary.posted > 0
        state = env.service.open_state()
        try:
            raws = [json.loads(r[0]) for r in state.conn.execute(
                "SELECT raw FROM store_records WHERE record_kind = 'order'").fetchall()]
        finally:
            state.close()
    finally:
        env.close()
    personal = set()
    for raw in raws:
        personal.add(str(raw.get("customer_email") or ""))
        personal.add(str(raw.get("customer_lastname") or ""))
    personal = {p for p in personal if len(p) > 3}
    assert len(personal) > 5, "the demo orders carry customers"
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_file.read_text(encoding="utf-8")
    assert "access token refreshed" in text, "the run did log at INFO"
    leaked = sorted(p for p in personal
                    if p in text or quote(p) in text or quote_plus(p) in text)
    assert not leaked, f"personal data in the log at INFO: {leaked[:5]}"

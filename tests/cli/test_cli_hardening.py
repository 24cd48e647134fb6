"""The CLI against hostile store data and broken storage, run for real as child processes."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from tests.cli.test_cli import Cli, Sims, order

# what a hostile product name can carry: set the terminal title (OSC … BEL), clear the screen
# (CSI 2J), a C1 CSI that colours the rest, a carriage return that hides the start of the line,
# and a right-to-left override that reverses what follows
HOSTILE_NAME = "Gift\x1b]0;owned\x07 Wrap\x1b[2J\r\x9b31m\u202eevil"
HOSTILE_SKU = "GIFT\x1b]0;owned\x07-WRAP"
RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def test_store_data_cannot_inject_terminal_control_sequences_into_cli_output(
        cli: Cli, sims: Sims) -> None:
    flagged = sims.add_order(order(sku=HOSTILE_SKU, name=HOSTILE_NAME, price="3.00"))
    cli.configure_directly(sims)
    cli.sync(code=3)

    listed = cli.run("errors", "list")
    entry_id = json.loads(cli.ok("errors", "list", as_json=True))[0]["id"]
    shown = cli.run("errors", "show", str(entry_id))
    as_json = cli.run("errors", "list", as_json=True)
    for proc in (listed, shown, as_json):
        assert proc.returncode == 0, proc.stderr
        found = RAW_CONTROLS.findall(proc.stdout + proc.stderr)
        assert not found, f"raw control characters reached the terminal: {found!r}"
    assert flagged in listed.stdout
    assert "\\x1b]0;owned\\x07" in shown.stdout, "the sequence is shown escaped, not acted on"
    assert "\\u202e" in shown.stdout
    assert json.loads(as_json.stdout)[0]["record_ref"] == flagged, "--json stays valid JSON"


CUSTOMERS = [("Marguerite", "Okonkwo-Lindqvist", "marguerite.ol@example.org"),
             ("Thaddeus", "Quillfeather", "t.quillfeather@example.net")]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(os.name == "nt", reason="on Windows the user's profile protects the folder")
def test_the_data_folder_is_private_and_the_log_at_info_names_no_customer(
        cli: Cli, sims: Sims) -> None:
    for first, last, email in CUSTOMERS:
        spec = order(email=email)
        spec["customer"].update(firstname=first, lastname=last)
        sims.add_order(spec)
    cli.setup_pair(sims)
    summary = cli.sync()
    assert summary["posted"] == 2

    assert _mode(cli.data_dir) == 0o700
    files = [p for p in cli.data_dir.rglob("*") if p.is_file()]
    assert any(p.name.endswith(".sqlite3") for p in files)
    assert any(p.suffix == ".log" for p in files)
    loose = {str(p.relative_to(cli.data_dir)): oct(_mode(p)) for p in files if _mode(p) & 0o077}
    assert not loose, f"readable by other users: {loose}"
    folders = [p for p in cli.data_dir.rglob("*") if p.is_dir()]
    assert all(_mode(p) == 0o700 for p in folders), [(str(p), oct(_mode(p))) for p in folders]

    log_text = "".join(p.read_text(encoding="utf-8") for p in files if ".log" in p.name)
    assert "access token refreshed" in log_text, "the run did log"
    for first, last, email in CUSTOMERS:
        for personal in (email, quote(email), quote_plus(email), last, quote(last),
                         quote(f"{first} {last}")):
            assert personal not in log_text, f"{personal!r} is in the log at INFO"

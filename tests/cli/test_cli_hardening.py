"""The CLI against hostile store data and broken storage, run for real as child processes."""

from __future__ import annotations

import json
import re

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

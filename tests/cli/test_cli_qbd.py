"""QuickBooks Desktop from the command line: add (a Web Connector password issued and shown
once, kept in the keyring), save the .qwc file, status when the Web Connector never called."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from tests.cli.support import STORE, Cli, Sims


def test_a_qbd_connection_gets_a_web_connector_password_once_and_a_qwc_file(
        cli: Cli, tmp_path: Path) -> None:
    out = cli.ok("connections", "add", "desk", "--kind", "qbd", "--tax-items",
                 "8.25=CA Sales Tax; 8.875=NY Sales Tax")
    password = cli.secret("desk", "webconnector_password")
    assert password and f"shown once; type it where it is asked): {password}" in out
    assert password not in cli.ok("connections", "list")
    qwc = tmp_path / "desk.qwc"
    said = cli.ok("connections", "action", "desk", "save-qwc", str(qwc))
    assert "Web Connector" in said and password not in qwc.read_text()
    root = etree.fromstring(qwc.read_bytes())
    assert root.findtext("AppURL") == "http://localhost:8443/qbwc"
    assert root.findtext("UserName") == "desk"
    first_id = root.findtext("FileID")
    cli.ok("connections", "action", "desk", "save-qwc", str(qwc))
    assert etree.fromstring(qwc.read_bytes()).findtext("FileID") == first_id  # stable
    refused = cli.run("connections", "action", "desk", "export-everything")
    assert refused.returncode == 2 and "save-qwc" in refused.stderr


def test_status_says_why_quickbooks_desktop_postings_wait(cli: Cli, sims: Sims) -> None:
    cli.add_store(sims)
    cli.ok("connections", "add", "desk", "--kind", "qbd", "--tax-items", "8.25=CA Sales Tax")
    assert "desk (QuickBooks Desktop): The Web Connector has not connected yet" in cli.ok("status")
    cli.ok("pairs", "add", "shop-desk", "--store", STORE, "--ledger", "desk",
           "--start-date", "2026-01-01")
    sims.add_order()
    ran = cli.ok("sync", "shop-desk")  # journaled; nothing fails while QuickBooks is away
    assert "wait" in ran
    said = cli.ok("status")
    assert "1 posting waits: The Web Connector has not connected yet" in said
    assert "while the app (or 'ecom-ledger schedule') runs" in said
    assert "error queue" not in said
    listed = cli.json("status")
    assert listed["pairs"][0]["waiting"] == 1

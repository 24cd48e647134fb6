"""The CLI against hostile store data and broken storage, run for real as child processes."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from ecom_ledger_desktop.db.state import State
from tests.cli.support import Cli, Sims, order

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


DB_NAME = "ledger-sync.sqlite3"


def _damage_table(db: Path, table: str) -> None:
    """Overwrite the root page of ``table`` with noise (the file header stays intact)."""
    conn = sqlite3.connect(db)
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                            (table,)).fetchone()[0]
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    with open(db, "r+b") as raw:
        raw.seek((root - 1) * page_size)
        raw.write(bytes([0x0D, 0xFF, 0xFF, 0xFF]) + bytes(range(256)) * (page_size // 256 - 1))


def _no_traceback(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr


def test_a_damaged_database_says_so_without_false_reassurance_and_a_backup_restores_it(
        cli: Cli, sims: Sims) -> None:
    first = sims.add_order()
    cli.configure_directly(sims)
    assert cli.sync()["posted"] == 1  # an existing database opened again: the daily copy
    db = cli.data_dir / DB_NAME
    _damage_table(db, "store_records")
    sims.add_order()

    failed = cli.run("--json", "sync")
    _no_traceback(failed)
    assert failed.returncode == 1
    said = failed.stdout + failed.stderr
    assert "damaged" in said and "restore-backup" in said
    assert "Nothing was lost" not in said and "carries on" not in said.replace(
        "carries on from that copy", ""), "no promise that the next run carries on"

    listed = cli.run("restore-backup")
    _no_traceback(listed)
    assert listed.returncode == 0 and "daily copy" in listed.stdout
    assert "damaged" in listed.stdout, "the current database is reported damaged"

    restored = cli.run("restore-backup", "--latest")
    _no_traceback(restored)
    assert restored.returncode == 0, restored.stderr
    assert "restored" in restored.stdout.lower()
    kept = list((cli.data_dir / "backups").glob(f"replaced-*/{DB_NAME}"))
    assert kept, "the damaged file is kept beside the backups, not deleted"

    summary = cli.sync()
    assert summary["status"] == "ok"
    assert set(sims.receipt_numbers().values()) == {1}, "the restored copy posts nothing twice"
    assert first in sims.receipt_numbers() and len(sims.receipt_numbers()) == 2


def test_a_file_that_is_not_a_database_gets_a_plain_message_on_every_command(
        cli: Cli, sims: Sims) -> None:
    cli.configure_directly(sims)
    cli.ok("pairs", "list")  # an existing database opened again: the daily copy
    db = cli.data_dir / DB_NAME
    db.write_bytes(b"this is not a database, a sync tool merged two versions " * 100)
    for args in (("pairs", "list"), ("errors", "list"), ("sync",)):
        proc = cli.run(*args)
        _no_traceback(proc)
        assert proc.returncode == 1, (args, proc.stdout, proc.stderr)
        assert "is damaged" in proc.stderr and "restore-backup" in proc.stderr, proc.stderr
        assert "Nothing was lost" not in proc.stderr


def test_a_data_folder_that_cannot_be_written_gets_a_plain_message_not_a_traceback(
        cli: Cli, tmp_path: Path) -> None:
    # As root, chmod does not stop writes; a folder path that is a file, and a log folder that
    # is a file, fail the same way an unwritable folder does (OSError at the same calls).
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("x")
    blocked = Cli(not_a_folder, cli.keyring_file).run("pairs", "list")
    _no_traceback(blocked)
    assert blocked.returncode == 1
    assert str(not_a_folder) in blocked.stderr and "data folder" in blocked.stderr

    cli.ok("pairs", "list")  # makes the data folder and its log folder
    shutil.rmtree(cli.data_dir / "logs")
    (cli.data_dir / "logs").write_text("not a folder")
    no_logs = cli.run("pairs", "list")
    _no_traceback(no_logs)
    assert no_logs.returncode == 1 and "data folder" in no_logs.stderr


@contextlib.contextmanager
def _read_only(paths: list[Path]) -> Iterator[None]:
    """Make ``paths`` read-only for real: chmod for a user; for root (whom chmod does not stop)
    the immutable attribute, which stops root too. Skips where neither is possible."""
    if os.geteuid() != 0:
        for path in paths:
            path.chmod(0o500 if path.is_dir() else 0o400)
        try:
            yield
        finally:
            for path in paths:
                path.chmod(0o700 if path.is_dir() else 0o600)
        return
    if shutil.which("chattr") is None:
        pytest.skip("root, and no chattr to make a folder read-only")
    done: list[Path] = []
    try:
        for path in paths:
            if subprocess.run(["chattr", "+i", str(path)], capture_output=True,
                              check=False).returncode != 0:
                pytest.skip("root, and this file system has no immutable attribute")
            done.append(path)
        yield
    finally:
        for path in done:
            subprocess.run(["chattr", "-i", str(path)], capture_output=True, check=False)


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_a_read_only_data_folder_gets_a_plain_message_on_every_command(
        cli: Cli, sims: Sims) -> None:
    cli.configure_directly(sims)
    cli.ok("pairs", "list")
    everything = [cli.data_dir, *cli.data_dir.rglob("*")]
    with _read_only(everything):
        for args in (("pairs", "list"), ("sync",), ("errors", "list")):
            proc = cli.run(*args)
            _no_traceback(proc)
            assert proc.returncode == 1, (args, proc.stderr)
            assert "data folder" in proc.stderr and "can be written to" in proc.stderr


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_a_database_that_cannot_be_written_gets_a_plain_message(cli: Cli, sims: Sims) -> None:
    cli.configure_directly(sims)
    cli.ok("pairs", "list")
    db = cli.data_dir / DB_NAME
    with _read_only([cli.data_dir, db]):  # the log folder stays writable
        proc = cli.run("sync")
        _no_traceback(proc)
        assert proc.returncode == 1, proc.stderr
        assert "cannot write to its database" in proc.stderr, proc.stderr
        assert "damaged" not in proc.stderr


def test_a_lock_left_by_a_killed_sync_whose_pid_is_now_another_program_does_not_stop_syncing(
        cli: Cli, sims: Sims) -> None:
    placed = sims.add_order()
    cli.configure_directly(sims)
    unrelated = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"],
                                 stdin=subprocess.PIPE)
    try:
        # the row a sync killed an hour ago left (as an older version wrote it: no start time);
        # its process id now belongs to an unrelated, running program
        state = State(cli.data_dir / DB_NAME)
        with state.tx():
            state.conn.execute(
                "INSERT INTO pair_locks (pair_id, owner, pid, acquired_at) VALUES (1, 'schedule', "
                "?, ?)", (unrelated.pid, (datetime.now(UTC) - timedelta(hours=1)).isoformat()))
        state.close()
        summary = cli.sync()
        assert summary["status"] == "ok", summary
        assert placed in sims.receipt_numbers()
    finally:
        assert unrelated.stdin is not None
        unrelated.stdin.close()
        unrelated.wait(10)

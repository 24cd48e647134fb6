"""Starting the desktop app on a damaged database: a plain dialog, a restore, never a crash."""

from __future__ import annotations

from pathlib import Path

from ecom_ledger_desktop.app.dialogs import ScriptedDialogs
from ecom_ledger_desktop.app.main import database_ready, launch
from ecom_ledger_desktop.core.paths import DATABASE_NAME
from ecom_ledger_desktop.db.backups import check_file, list_backups
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.connections import ConnectionConfig

GARBAGE = b"a sync tool merged two versions of this file " * 200


def _data_folder(tmp_path: Path, *, with_copy: bool) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    state = State(data / DATABASE_NAME)
    with state.tx():
        state.connections.add_connection(ConnectionConfig(name="shop", kind="magento2"))
    state.close()
    if with_copy:
        State(data / DATABASE_NAME).close()  # opened again: the daily copy is made
        assert list_backups(data / DATABASE_NAME)
    (data / DATABASE_NAME).write_bytes(GARBAGE)
    return data


def test_the_app_explains_a_damaged_database_and_offers_the_copy_or_quits(
        qtbot, tmp_path: Path) -> None:
    data = _data_folder(tmp_path, with_copy=True)
    dialogs = ScriptedDialogs(answers=[False])  # the merchant chooses Quit
    assert launch(["--data-dir", str(data), "--hidden"], dialogs=dialogs) is None
    assert [kind for kind, _, _ in dialogs.asked] == ["confirm"]
    text = dialogs.texts("confirm")[0]
    assert "damaged" in text and "daily copy" in text and "Restore it now?" in text
    assert "Nothing was lost" not in text
    assert (data / DATABASE_NAME).read_bytes() == GARBAGE, "nothing changed without consent"


def test_restoring_from_the_start_dialog_brings_the_data_back(tmp_path: Path) -> None:
    data = _data_folder(tmp_path, with_copy=True)
    dialogs = ScriptedDialogs(answers=[True])
    assert database_ready(data / DATABASE_NAME, dialogs)
    assert check_file(data / DATABASE_NAME) == "ok"
    state = State(data / DATABASE_NAME)
    try:
        assert state.connections.connection("shop") is not None
    finally:
        state.close()
    kept = list((data / "backups").glob(f"replaced-*/{DATABASE_NAME}"))
    assert kept and kept[0].read_bytes() == GARBAGE, "the damaged file is kept"


def test_without_a_copy_the_app_says_so_plainly_and_does_not_start(qtbot, tmp_path: Path) -> None:
    data = _data_folder(tmp_path, with_copy=False)
    dialogs = ScriptedDialogs()
    assert launch(["--data-dir", str(data), "--hidden"], dialogs=dialogs) is None
    assert [kind for kind, _, _ in dialogs.asked] == ["warn"]
    assert "no copy" in dialogs.texts("warn")[0] and "support" in dialogs.texts("warn")[0]


def test_a_data_folder_that_cannot_be_used_gets_a_dialog_not_a_traceback(
        qtbot, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "a-file"  # as root chmod stops nothing: a file where the folder goes
    not_a_folder.write_text("x")
    dialogs = ScriptedDialogs()
    assert launch(["--data-dir", str(not_a_folder), "--hidden"], dialogs=dialogs) is None
    assert [kind for kind, _, _ in dialogs.asked] == ["warn"]
    assert str(not_a_folder) in dialogs.texts("warn")[0]


def test_a_sync_failing_on_a_damaged_database_is_not_told_nothing_was_lost(
        qtbot, make_shell, empty_service) -> None:
    from ecom_ledger_desktop.app.status import PairStatus, StatusSnapshot
    from ecom_ledger_desktop.db.health import damaged_message
    from ecom_ledger_desktop.db.runs_repo import RunRow

    h = make_shell(service=empty_service)
    status = h.shell.status
    status.snapshot = StatusSnapshot(pairs=[PairStatus(1, "My shop", True, 15, None, None, 0)])
    status.changed.emit()
    message = damaged_message(empty_service.db_path, "database disk image is malformed")
    status.run_completed.emit(RunRow(id=1, pair_id=1, trigger="schedule", status="failed",
                                     started_at="", finished_at="", fetched=0, posted=0,
                                     flagged=0, skipped=0, message=message))
    assert len(h.notes) == 1
    assert "damaged" in h.notes[0].text and "Nothing was lost" not in h.notes[0].text


def test_a_read_only_data_folder_gets_a_dialog_at_start(qtbot, tmp_path: Path) -> None:
    from tests.cli.test_cli_hardening import _read_only

    data = tmp_path / "data"
    data.mkdir()
    State(data / DATABASE_NAME).close()
    (data / "logs").mkdir()
    (data / "logs" / "ecom-ledger.log").write_text("")
    dialogs = ScriptedDialogs()
    with _read_only([data, *data.rglob("*")]):
        assert launch(["--data-dir", str(data), "--hidden"], dialogs=dialogs) is None
    assert [kind for kind, _, _ in dialogs.asked] == ["warn"]
    assert "cannot write" in dialogs.texts("warn")[0]

"""Notifications: what is told, once, and the silence when all is well."""

from __future__ import annotations

from ecom_ledger_desktop.app.notifier import CONNECTIONS_PAGE, HISTORY_PAGE
from ecom_ledger_desktop.app.status import PairStatus, StatusSnapshot
from ecom_ledger_desktop.db.runs_repo import RunRow


def _run(status: str, flagged: int = 0, message: str = "", run_id: int = 1) -> RunRow:
    return RunRow(id=run_id, pair_id=1, trigger="schedule", status=status, started_at="",
                  finished_at="", fetched=0, posted=3, flagged=flagged, skipped=0,
                  message=message)


def _set(status, **snapshot) -> None:
    status.snapshot = StatusSnapshot(pairs=[PairStatus(1, "My shop", True, 15, None, None, 0)],
                                     **snapshot)
    status.changed.emit()


def test_failures_are_told_once_until_they_clear(qtbot, make_shell, empty_service) -> None:
    h = make_shell(service=empty_service)
    status = h.shell.status
    _set(status)
    status.run_completed.emit(_run("ok"))
    assert h.notes == []  # all well: quiet
    status.run_completed.emit(_run("failed", message="the store did not answer"))
    status.run_completed.emit(_run("failed", message="the store did not answer"))
    assert len(h.notes) == 1
    note = h.notes[0]
    assert note.title == "Sync of My shop failed"
    assert note.text.startswith("The store did not answer. Nothing was lost")
    assert note.page == HISTORY_PAGE and note.level == "critical"
    status.run_completed.emit(_run("ok"))
    status.run_completed.emit(_run("failed", message="the store did not answer"))
    assert len(h.notes) == 2  # it cleared in between, so it is news again


def test_reauthorisation_is_told_once_with_where_to_fix_it(qtbot, make_shell,
                                                            empty_service) -> None:
    h = make_shell(service=empty_service)
    status = h.shell.status
    attention = [("Demo QuickBooks company", "needs_reauthorisation", "refresh token expired")]
    _set(status, attention=attention)
    status.run_completed.emit(_run("failed", message="QuickBooks refused the token"))
    _set(status, attention=attention)
    assert [n.title for n in h.notes] == ["Demo QuickBooks company needs you to sign in again"]
    assert h.notes[0].page == CONNECTIONS_PAGE


def test_one_flagged_record_reads_naturally(qtbot, make_shell, empty_service) -> None:
    h = make_shell(service=empty_service)
    _set(h.shell.status)
    h.shell.status.run_completed.emit(_run("flagged", flagged=1))
    assert h.notes[0].title == "1 record needs your attention"
    assert h.notes[0].text.endswith("Open the error queue to fix it.")

"""The tray menu's actions and the icon following the app's state."""

from __future__ import annotations

from ecom_ledger_desktop.app.icons import ATTENTION, ERROR, IDLE, PAUSED, SYNCING
from ecom_ledger_desktop.app.status import PairStatus, StatusSnapshot
from ecom_ledger_desktop.core.events import RunFinished, RunStarted
from ecom_ledger_desktop.db.runs_repo import RunRow

from .conftest import WAIT_MS


def _run(status: str, pair_id: int = 1) -> RunRow:
    return RunRow(id=1, pair_id=pair_id, trigger="schedule", status=status, started_at="",
                  finished_at=None, fetched=0, posted=0, flagged=0, skipped=0, message="")


def _pairs(*runs: RunRow | None, open_errors: int = 0) -> list[PairStatus]:
    return [PairStatus(i + 1, f"Shop {i + 1}", True, 15, run, None, open_errors)
            for i, run in enumerate(runs)]


def test_icon_follows_the_state(qtbot, make_shell, empty_service) -> None:
    h = make_shell(service=empty_service)
    status, tray = h.shell.status, h.shell.tray

    def show(snapshot: StatusSnapshot) -> None:
        status.snapshot = snapshot
        status.changed.emit()

    show(StatusSnapshot(pairs=_pairs(_run("ok"))))
    assert tray.icon_state == IDLE
    show(StatusSnapshot(pairs=_pairs(_run("flagged"), open_errors=2), open_errors=2))
    assert tray.icon_state == ATTENTION
    show(StatusSnapshot(pairs=_pairs(_run("failed"))))
    assert tray.icon_state == ERROR
    show(StatusSnapshot(pairs=_pairs(_run("ok")),
                        attention=[("Books", "needs_reauthorisation", "token expired")]))
    assert tray.icon_state == ERROR
    assert tray.status_actions[2].text() == "Books needs you to sign in again"
    show(StatusSnapshot(pairs=_pairs(_run("ok"))))
    status.set_paused(True)
    assert tray.icon_state == PAUSED
    h.ctx.bridge.forward(RunStarted(run_id=7, pair_id=1, trigger="manual"))
    assert tray.icon_state == SYNCING  # a running sync shows above everything
    status.set_paused(False)
    h.ctx.bridge.forward(RunFinished(run_id=7, status="ok", posted=1, flagged=0, skipped=0))
    assert tray.icon_state == IDLE


def test_menu_actions_reach_the_shell(qtbot, make_shell, monkeypatch) -> None:
    h = make_shell()
    tray, shell = h.shell.tray, h.shell
    qtbot.waitUntil(lambda: shell.schedule_running, timeout=WAIT_MS)
    assert tray.sync_action.isVisible() and tray.sync_action.isEnabled()
    assert not tray.sync_menu_action.isVisible()  # one pair: a plain "Sync now"
    assert tray.status_actions[0].text().startswith("Last sync:")
    asked: list[int] = []
    def fake_sync_now(pair_id: int):
        asked.append(pair_id)
        return _done()

    monkeypatch.setattr(shell.ctx.background, "sync_now", fake_sync_now)
    tray.sync_action.trigger()
    assert asked == [shell.status.snapshot.pairs[0].id]

    tray.pause_action.trigger()
    assert shell.status.paused and tray.pause_action.text() == "Resume schedule"
    assert tray.status_actions[1].text() == "Schedule paused"
    assert shell.ctx.background.scheduler.paused  # the core scheduler really paused
    tray.pause_action.trigger()
    assert not shell.status.paused and tray.pause_action.text() == "Pause schedule"
    assert not shell.ctx.background.scheduler.paused

    shell.window.hide()
    tray.open_action.trigger()
    assert shell.window.isVisible()


def test_pause_before_the_schedule_started_is_applied_when_it_starts(qtbot, make_shell) -> None:
    h = make_shell(start=False)
    h.shell.start()
    h.shell.toggle_pause()  # at once: the schedule is still starting in the background
    assert h.shell.status.paused
    qtbot.waitUntil(lambda: h.shell.schedule_running, timeout=WAIT_MS)
    assert h.ctx.background.scheduler.paused


def test_several_pairs_get_a_sync_submenu(qtbot, make_shell, empty_service) -> None:
    h = make_shell(service=empty_service)
    status, tray = h.shell.status, h.shell.tray
    status.snapshot = StatusSnapshot(pairs=_pairs(None, None))
    status.changed.emit()
    assert not tray.sync_action.isVisible() and tray.sync_menu_action.isVisible()
    titles = [a.text() for a in tray.sync_menu.actions() if not a.isSeparator()]
    assert titles == ["All pairs", "Shop 1", "Shop 2"]
    picked: list[int] = []
    tray.actions.sync_pair = picked.append
    tray.sync_menu.actions()[-1].trigger()
    assert picked == [2]


def test_nothing_set_up_says_what_to_do(qtbot, make_shell, empty_service) -> None:
    h = make_shell(service=empty_service)
    tray = h.shell.tray
    assert [a.text() for a in tray.status_actions if a.isVisible()] == [
        "Not set up yet", "Connect your store and your books to start"]
    assert not tray.sync_action.isEnabled() and not tray.pause_action.isEnabled()


def test_tooltip_says_demo_data(qtbot, make_shell) -> None:
    h = make_shell()
    assert "Demo data" in h.shell.tray.tooltip
    assert "Demo data" in h.shell.window.windowTitle()


def _done():
    from concurrent.futures import Future

    future: Future[object] = Future()
    future.set_result(None)
    return future

"""The History page's models (runs and one order's timeline), without widgets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QSortFilterProxyModel, Qt

from ecom_ledger_desktop.app.models._table import SORT_ROLE, duration_text
from ecom_ledger_desktop.app.models.history_model import (
    RUN_ID_ROLE,
    STATUS_ROLE,
    OrderTimelineModel,
    RunsModel,
)
from ecom_ledger_desktop.sync.history_queries import OrderTimeline, RunRecord, TimelineEvent

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


def _run(run_id: int, status: str, minutes_ago: int, took: float | None, **counts: int
         ) -> RunRecord:
    started = NOW - timedelta(minutes=minutes_ago)
    return RunRecord(id=run_id, pair_id=1, pair_name="shop → books", trigger="schedule",
                     status=status, started_at=started,
                     finished_at=started + timedelta(seconds=took) if took is not None else None,
                     fetched=counts.get("fetched", 0), posted=counts.get("posted", 0),
                     flagged=counts.get("flagged", 0), skipped=counts.get("skipped", 0),
                     message="" if counts else "the store did not answer")


RUNS = [_run(3, "running", 1, None), _run(2, "flagged", 20, 185, fetched=12, posted=9, flagged=3),
        _run(1, "failed", 60 * 72, 4)]


def test_runs_show_when_trigger_counts_duration_and_errors(qtmodeltester) -> None:
    model = RunsModel(now=lambda: NOW)
    model.set_rows(RUNS)
    qtmodeltester.check(model)
    assert model.rowCount() == 3 and model.columnCount() == 10
    assert model.headerData(RunsModel.COL_DURATION, Qt.Orientation.Horizontal) == "Took"
    flagged = [model.data(model.index(1, c)) for c in range(10)]
    assert flagged[RunsModel.COL_WHEN].startswith("today")
    assert flagged[1:9] == ["shop → books", "Scheduled", "Done, needs you", "12", "9", "3", "0",
                            "3 min 5 s"]
    assert model.data(model.index(0, RunsModel.COL_DURATION)) == "", "still running"
    assert model.data(model.index(2, RunsModel.COL_MESSAGE)) == "the store did not answer"
    assert not model.data(model.index(2, RunsModel.COL_WHEN)).startswith(("today", "yesterday"))
    assert model.data(model.index(1, 0), RUN_ID_ROLE) == 2
    assert model.data(model.index(2, 0), STATUS_ROLE) == "failed"
    assert model.data(model.index(1, RunsModel.COL_POSTED), SORT_ROLE) == 9


def test_runs_sort_by_natural_values_and_refresh(qtbot) -> None:
    model = RunsModel(now=lambda: NOW)
    model.set_rows(RUNS)
    proxy = QSortFilterProxyModel()
    proxy.setSortRole(SORT_ROLE)
    proxy.setSourceModel(model)
    proxy.sort(RunsModel.COL_DURATION, Qt.SortOrder.DescendingOrder)
    assert [proxy.data(proxy.index(r, RunsModel.COL_DURATION)) for r in range(3)] == [
        "3 min 5 s", "4 s", ""]
    proxy.sort(RunsModel.COL_WHEN, Qt.SortOrder.AscendingOrder)
    assert proxy.data(proxy.index(0, RunsModel.COL_STATUS)) == "Failed"
    with qtbot.waitSignal(model.modelReset, timeout=1000):
        model.set_rows([*RUNS, _run(4, "skipped", 0, 0)])
    assert model.rowCount() == 4 and model.row_at(3).status == "skipped"


def test_an_order_timeline_from_download_to_document(qtmodeltester) -> None:
    at = NOW - timedelta(minutes=5)
    events = [TimelineEvent(at, "downloaded", "Downloaded from the store", ""),
              TimelineEvent(at, "journaled", "Queued for posting", "create sales_receipt 70.92",
                            run_id=1),
              TimelineEvent(at + timedelta(seconds=2), "posted", "Posted",
                            "create Sales receipt 000000251 id 7", run_id=1,
                            doc_kind="sales_receipt", doc_number="000000251")]
    model = OrderTimelineModel(now=lambda: NOW)
    qtmodeltester.check(model)
    model.set_timeline(OrderTimeline(1, "251", "000000251", events))
    qtmodeltester.check(model)
    assert model.rowCount() == 3
    assert [model.data(model.index(r, OrderTimelineModel.COL_STEP)) for r in range(3)] == [
        "Downloaded from the store", "Queued for posting", "Posted"]
    assert model.data(model.index(2, OrderTimelineModel.COL_DOCUMENT)) == "000000251"
    assert model.data(model.index(0, OrderTimelineModel.COL_WHEN)).startswith("today")
    assert model.timeline is not None and model.timeline.documents == ["000000251"]
    model.set_timeline(None)
    assert model.rowCount() == 0


def test_durations_in_words() -> None:
    assert [duration_text(timedelta(seconds=s)) for s in (0, 59, 60, 185, 3600, 3720)] == [
        "0 s", "59 s", "1 min", "3 min 5 s", "1 h", "1 h 2 min"]
    assert duration_text(None) == ""

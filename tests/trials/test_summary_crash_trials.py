"""Summary posting under fire (small): SIGKILL ``ecom-ledger sync`` children at random instants
while a pair in daily-summary mode journals and posts its closed days, restart, verify that
every summary document is in the books once, equal to its day's orders, and that no order of a
summary was also posted on its own."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from ecom_ledger_desktop.core.money import loads
from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.testing.crash_trials import CrashTrials, TrialReport


class SummaryTrials(CrashTrials):
    """The crash harness with the pair in daily-summary mode and a summary-aware check."""

    def __init__(self, workdir: Path, **options: object) -> None:
        super().__init__(workdir, **options)  # type: ignore[arg-type]
        state = State(self.data_dir / "ledger-sync.sqlite3")
        try:
            pair = state.connections.pair(self.pair_id)
            assert pair is not None
            with state.tx():
                state.connections.save_rules(self.pair_id,
                                             pair.rules.switch_mode("daily_summary", None))
        finally:
            state.close()
        self.problems: list[str] = []

    def verify(self, report: TrialReport) -> None:
        live = [d for entity in ("SalesReceipt", "RefundReceipt")
                for d in self.ledger.entities(entity)
                if "Voided" not in str(d.get("PrivateNote", ""))]
        numbers = Counter(str(d.get("DocNumber")) for d in live)
        report.duplicates = sum(n - 1 for n in numbers.values() if n > 1)
        report.posted_documents = len(live)
        state = State(self.data_dir / "ledger-sync.sqlite3")
        try:
            rows = state.journal.all(self.pair_id)
        finally:
            state.close()
        by_number = {str(d["DocNumber"]): Decimal(str(d["TotalAmt"])) for d in live}
        summaries: dict[str, list] = {}
        for row in rows:
            if row.record_kind == "summary":
                summaries.setdefault(row.source_id, []).append(row)
            elif row.state in ("summarised", "in_summary") and row.record_number in by_number:
                self.problems.append(f"order {row.record_number} is in a summary and on its own")
        members: dict[tuple[str, str], Decimal] = {}  # (day, kind) -> the members' totals
        latest: dict[tuple[str, str], tuple[tuple[str, str], Decimal]] = {}
        for row in rows:
            if row.state in ("summarised", "in_summary") and row.op in ("create", "update"):
                day = loads(row.payload)["summary"]["day"]
                latest[(row.record_kind, row.source_id)] = ((day, row.doc_kind),
                                                            row.amount or Decimal(0))
        for key, amount in latest.values():
            members[key] = members.get(key, Decimal(0)) + amount
        posted_by_day: dict[tuple[str, str], Decimal] = {}
        for source_id, chain in summaries.items():
            last = [r for r in chain if r.state == "posted" and r.op in ("create", "update")]
            if not last and chain[-1].state == "flagged":
                report.flagged_orders += 1  # e.g. a SKU the books do not know: in the queue
                continue
            if not last:
                self.problems.append(f"summary {source_id} never posted: " + "; ".join(
                    f"{r.op} {r.state} {r.last_error}" for r in chain))
                continue
            number = last[-1].record_number
            if by_number.get(number) != last[-1].amount:
                self.problems.append(f"summary {number}: books {by_number.get(number)} vs "
                                     f"journal {last[-1].amount}")
            key = (source_id.split("|")[0], last[-1].doc_kind)
            posted_by_day[key] = posted_by_day.get(key, Decimal(0)) + (last[-1].amount or 0)
        for day, total in posted_by_day.items():
            if members.get(day) != total:
                self.problems.append(f"{day}: summaries {total} vs orders {members.get(day)}")
        report.mismatches = len(self.problems)
        report.problems.extend(self.problems)


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_killed_syncs_post_each_daily_summary_once_and_complete(tmp_path: Path) -> None:
    harness = SummaryTrials(tmp_path, orders=30, seed=5, drop_after_apply_rate=0.1)
    try:
        report = harness.run(6, max_delay=2.0)
    finally:
        harness.close()
    summary = "\n".join(report.lines())
    assert report.killed >= 2, f"too few kills landed mid-run:\n{summary}"
    assert report.posted_documents > 0, summary
    assert report.duplicates == 0, summary
    assert report.mismatches == 0, summary

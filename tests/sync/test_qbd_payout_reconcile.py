"""A refund's money paid back (``ARRefundCreditCard``) deleted by hand in QuickBooks Desktop leaves
the customer an open credit (A/R off by that amount): the reconciliation reads the pay-outs back
too, names the refund, and re-posts the pay-out through the journal, once. A healthy pay-out
changes nothing in the day's figures (the refund counts once, by its credit memo)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from ecom_ledger_desktop.sandbox.qbd.refunds import txn_del, void_refund
from ecom_ledger_desktop.sync.reconcile import (
    PAYOUT_DELETED,
    PAYOUT_VOIDED,
    Reconciliation,
    reconcile,
)
from ecom_ledger_desktop.sync.reconcile_actions import repost, repost_ref
from tests.cli.support import Cli
from tests.sync.qbd_bench import STORE_TOKEN, QbdBench, open_bench, order
from tests.sync.qbd_refunds import D, money, refund_two_orders, until_posted

PAIR = "shop to books"


def _delete_payout_by_hand(bench: QbdBench) -> tuple[str, D]:
    """A person deletes one pay-out in QuickBooks (the credit goes back on the customer); returns
    its refund's number (its credit memo's) and the money it paid back."""
    payout = bench.txns("ARRefundCreditCard")[0]
    [applied] = payout.data["RefundAppliedToTxnRet"]
    memo = bench.company.company.get("CreditMemo", applied["TxnID"])
    assert memo is not None
    [number] = [str(m["increment_id"]) for m in bench.store.state.creditmemos.values()
                if str(memo.data["RefNumber"]).endswith(str(m["increment_id"]))]
    amount = money(payout.data["TotalAmount"])
    txn_del(bench.company.company, {"TxnDelType": "ARRefundCreditCard", "TxnID": payout.id})
    assert bench.company.reports.account_balance("Accounts Receivable") == -amount
    return number, amount


def _days(bench: QbdBench) -> date:
    return max(date.fromisoformat(str(r.data["TxnDate"])[:10])
               for r in [*bench.txns("SalesReceipt"), *bench.txns("CreditMemo")])


def _reconcile_now(bench: QbdBench, end: date, fresh: bool = False) -> Reconciliation:
    with bench.service.context(bench.pair_id) as ctx:
        return reconcile(ctx, days=30, end=end, fresh=fresh)


def _in_session(bench: QbdBench, end: date) -> Reconciliation:
    """Reconcile inside a Web Connector update (the company read live)."""
    results: list[Reconciliation] = []
    real = bench.service.run_pair

    def run_then_reconcile(pair_ref, trigger="manual"):  # type: ignore[no-untyped-def]
        summary = real(pair_ref, trigger)
        results.append(_reconcile_now(bench, end))
        return summary

    bench.service.run_pair = run_then_reconcile  # type: ignore[method-assign]
    try:
        bench.store.add_order(order())  # an update with work: the books are read in it
        bench.sync()
        assert bench.session().outcome == "done"
    finally:
        bench.service.run_pair = real  # type: ignore[method-assign]
    return results[-1]


def _payout_findings(result: Reconciliation) -> list[tuple[str, str, D]]:
    return [(f.record_kind, f.number, f.store_amount) for line in result.lines
            for f in line.findings if f.reason == PAYOUT_DELETED]


def test_a_pay_out_deleted_by_hand_is_found_between_updates_and_re_posted_once(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    with open_bench(tmp_path, reference_if_present) as bench:
        refund_two_orders(bench)
        until_posted(bench)
        end = _days(bench)
        healthy = _reconcile_now(bench, end)
        assert healthy.reconciled, [(line.key, line.findings) for line in healthy.lines]
        number, amount = _delete_payout_by_hand(bench)

        _reconcile_now(bench, end, fresh=True)  # asks the next update for a fresh read
        assert bench.session().outcome == "done"
        result = _reconcile_now(bench, end)
        assert result.as_of is not None, "between updates: the company's copy answers"
        assert _payout_findings(result) == [("refund", number, amount)]
        assert not result.reconciled
        [finding] = [f for line in result.differing() for f in line.findings]
        assert finding.repostable and "paid back" in finding.reason
        assert set(result.differences().values()) == {D("0.00")}, "the sales figures agree"

        with bench.service.context(bench.pair_id) as ctx:
            said = repost(ctx, repost_ref("refund", number))
        assert "waits to be posted again" in said, said
        assert len(bench.txns("ARRefundCreditCard")) == 1, "nothing is sent between updates"
        assert bench.session().outcome == "done"
        assert len(bench.txns("ARRefundCreditCard")) == 2
        assert bench.company.reports.account_balance("Accounts Receivable") == 0

        _reconcile_now(bench, end, fresh=True)
        assert bench.session().outcome == "done"
        again = _reconcile_now(bench, end)
        assert again.reconciled, [(line.key, line.findings) for line in again.lines]
        with bench.service.context(bench.pair_id) as ctx:
            assert "nothing to re-post" in repost(ctx, repost_ref("refund", number))
        until_posted(bench)
        assert len(bench.txns("ARRefundCreditCard")) == 2, "re-posted exactly once"


def test_a_pay_out_deleted_by_hand_is_found_inside_an_update(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    with open_bench(tmp_path, reference_if_present) as bench:
        refund_two_orders(bench)
        until_posted(bench)
        end = _days(bench)
        number, amount = _delete_payout_by_hand(bench)
        result = _in_session(bench, end)
        assert result.as_of is None, "read live"
        assert _payout_findings(result) == [("refund", number, amount)]
        assert not result.reconciled


def test_the_command_names_a_deleted_and_a_voided_pay_out_and_offers_only_the_deleted_one(
        tmp_path: Path, reference_if_present: Path | None) -> None:
    (tmp_path / "data").mkdir()
    keyring = tmp_path / "keyring.json"
    keyring.write_text(json.dumps({"ecom-ledger-desktop\nshop:token": STORE_TOKEN}))
    cli = Cli(tmp_path / "data", keyring)
    with open_bench(tmp_path / "data", reference_if_present) as bench:
        refund_two_orders(bench)
        until_posted(bench)
        end = _days(bench)
        deleted, _ = _delete_payout_by_hand(bench)
        [left] = bench.txns("ARRefundCreditCard")
        void_refund(bench.company.company, left)  # voided by hand: kept, zeroed
        _reconcile_now(bench, end, fresh=True)
        assert bench.session().outcome == "done"

        proc = cli.run("reconcile", PAIR, "--end", end.isoformat())
        assert proc.returncode == 3, proc.stdout + proc.stderr
        said = proc.stdout
        assert "the sales agree" in said and "money paid back is missing" in said, said
        assert f"refund {deleted}: {PAYOUT_DELETED}" in said
        assert f"--repost refund:{deleted}" in said
        [voided] = [line for line in said.splitlines() if PAYOUT_VOIDED in line]
        assert "--repost" not in voided and deleted not in voided
        data = cli.json("reconcile", PAIR, "--end", end.isoformat(), code=3)
        assert data["reconciled"] is False
        offered = {(o["reason"], o["repost"]) for day in data["days"] for o in day["orders"]}
        assert offered == {(PAYOUT_DELETED, True), (PAYOUT_VOIDED, False)}

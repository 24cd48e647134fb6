"""One corpus case played on a bench (``Run``: its orders, credit memos and run summaries) and the
checks every case makes: no run fails, the good order posts, the expected document or entry,
nothing dropped silently."""

from __future__ import annotations

import json
from typing import Any

from ecom_ledger_desktop.core.money import round_money
from ecom_ledger_desktop.sync.engine import RunSummary
from tests.contract.conftest import ContractBench
from tests.contract.corpus_cases import (
    GOOD_EMAIL,
    REFUND_ENTITIES,
    SALES_ENTITIES,
    amount,
    bad_order,
)


class Run:
    """One case on one bench: its orders, credit memos and run summaries."""

    def __init__(self, bench: ContractBench, case: dict[str, Any]) -> None:
        self.bench, self.store, self.case = bench, bench.store, case
        self.orders: list[str] = []
        self.memos: list[str] = []
        self.summaries: list[RunSummary] = []
        self.good_id = ""

    def play(self) -> None:
        store, case = self.store, self.case
        self.orders.append(bad_order(store, case))
        self.good_id = store.case_order(None, None, email=GOOD_EMAIL, first_name="Good",
                                        last_name="Buyer")
        if "store_fault" in case:
            fault = case["store_fault"]
            store.case_break_answers(int(fault["corrupt_next"]), str(fault["mode"]))
        for step in case.get("steps", [{"do": "sync"}]):
            self.step(step)

    def step(self, step: dict[str, Any]) -> None:
        store, action, order_id = self.store, step["do"], self.orders[0]
        if action == "sync":
            self.summaries.append(self.bench.sync())
        elif action == "edit":
            store.case_edit(order_id, step["changes"])
        elif action == "cancel":
            store.cancel(order_id)
        elif action == "invoice":
            store.case_invoice(order_id)
        elif action == "refund":
            self.memos.append(store.case_refund(order_id, step["spec"], step.get("memo_changes")))
        elif action == "add_order":
            self.orders.append(bad_order(store, step))
        elif action == "raw_changes":
            store.case_rewrite(order_id, step["changes"])
        else:  # pragma: no cover - the schema allows nothing else
            raise AssertionError(action)

    # -- what the books and the queue hold ----------------------------------------------------

    def number(self, order_id: str) -> str:
        """How an entry must name the order: its number, else its store id."""
        return self.store.order_label(order_id)

    def documents(self, entities: tuple[str, ...], record: str, source_id: str) -> list[Any]:
        marker = f":{record}:{source_id}:"
        return [d for entity in entities for d in self.bench.docs(entity)
                if marker in str(d.get("PrivateNote", ""))]

    def order_docs(self, order_id: str) -> list[Any]:
        return self.documents(SALES_ENTITIES, "order", order_id)

    def memo_docs(self, memo_id: str) -> list[Any]:
        return self.documents(REFUND_ENTITIES, "refund", memo_id)

    def entries_for(self, kind: str, source_id: str, number: str) -> list[Any]:
        return [e for e in self.bench.open_errors() if e.record_kind == kind and (
            e.source_id == str(source_id) or (kind == "order" and number in e.message
                                              and not e.source_id.isdigit()))]

    def snapshot(self) -> tuple[list[Any], list[int]]:
        docs = [(d["Id"], d.get("SyncToken"), d.get("TotalAmt"))
                for entity in (*SALES_ENTITIES, *REFUND_ENTITIES, "Payment")
                for d in self.bench.docs(entity)]
        return sorted(docs), sorted(e.id for e in self.bench.open_errors())


# -- the checks --------------------------------------------------------------------------------

def check_no_crash(run: Run) -> None:
    assert run.summaries, "the case must sync at least once"
    for summary in run.summaries:
        assert summary.status in ("ok", "flagged"), summary


def check_good_order(run: Run) -> None:
    store = run.store
    docs = run.order_docs(run.good_id)
    assert len(docs) == 1, "the good order must post whatever happens to the bad one"
    assert docs[0]["DocNumber"] == store.order_number(run.good_id)
    assert amount(docs[0]["TotalAmt"]) == store.order_total(run.good_id)


def check_nothing_dropped(run: Run) -> None:
    """Every case order and memo is in the books or has exactly one open entry naming it."""
    skipped = "skipped" in run.case["expect"]
    for order_id in run.orders:
        number = run.number(order_id)
        entries = run.entries_for("order", order_id, number)
        if run.order_docs(order_id) or (skipped and not entries):
            continue
        assert len(entries) == 1, (number, [e.message for e in run.bench.open_errors()])
        assert number in entries[0].message, entries[0].message
        assert entries[0].fixes, "every entry offers a fix"
    for memo_id in run.memos:
        if run.memo_docs(memo_id):
            continue
        entries = run.entries_for("refund", memo_id, "")
        assert len(entries) == 1, (memo_id, [e.message for e in run.bench.open_errors()])
        assert entries[0].fixes


def customer_of(bench: ContractBench, doc: dict[str, Any]) -> dict[str, Any]:
    [customer] = [c for c in bench.ledger.entities("Customer")
                  if c["Id"] == doc["CustomerRef"]["value"]]
    return customer


def item_lines(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [ln for ln in doc["Line"] if ln.get("DetailType") == "SalesItemLineDetail"]


def check_posts(run: Run, want: dict[str, Any]) -> None:
    bench = run.bench
    docs = [d for order_id in run.orders for d in run.order_docs(order_id)]
    assert len(docs) == want.get("count", 1), [d.get("DocNumber") for d in docs]
    assert all(d in bench.docs(want["entity"]) for d in docs), want["entity"]
    for order_id in run.orders:
        currency = run.store.order_currency(order_id)
        for doc in run.order_docs(order_id):
            store_total = round_money(run.store.order_total(order_id), currency)
            assert amount(doc["TotalAmt"]) == store_total, "equal to the store's total to the cent"
            tax = amount((doc.get("TxnTaxDetail") or {}).get("TotalTax", 0))  # QuickBooks' tax
            assert sum(amount(ln["Amount"]) for ln in item_lines(doc)) - sum(
                amount(ln["Amount"]) for ln in doc["Line"]
                if ln.get("DetailType") == "DiscountLineDetail") + tax == amount(doc["TotalAmt"])
            assert tax == round_money(run.store.order_tax(order_id), currency), \
                "the store's tax, in tax"
    doc = docs[0]
    if "doc_number" in want:
        assert doc["DocNumber"] == want["doc_number"]
    if want.get("doc_numbers_distinct"):
        assert len({d["DocNumber"] for d in docs}) == len(docs), [d["DocNumber"] for d in docs]
    if "total" in want:
        assert amount(doc["TotalAmt"]) == amount(want["total"])
    if "txn_date" in want:
        assert doc["TxnDate"] == want["txn_date"]
    if "customer_display_name" in want:
        assert customer_of(bench, doc)["DisplayName"] == want["customer_display_name"]
    if "customer_display_name_length" in want:
        name = str(customer_of(bench, doc)["DisplayName"])
        assert len(name) == want["customer_display_name_length"], len(name)
    if "customer_has_email" in want:
        customer = customer_of(bench, doc)
        assert ("PrimaryEmailAddr" in customer) is want["customer_has_email"], customer
    if want.get("updated"):
        assert int(doc["SyncToken"]) >= 1, "the posted document was updated, not replaced"
        every = [d for entity in SALES_ENTITIES for d in bench.ledger.entities(entity)
                 if f":order:{run.orders[0]}:" in str(d.get("PrivateNote", ""))]
        assert len(every) == 1, "one document, updated in place: never a second one"
    if "line_descriptions" in want:
        shown = [ln.get("Description") for ln in item_lines(doc)]
        for text in want["line_descriptions"]:
            assert text in shown, (text, shown)
    for description, qty in want.get("line_qty", {}).items():
        [line] = [ln for ln in item_lines(doc) if ln.get("Description") == description]
        assert amount(line["SalesItemLineDetail"]["Qty"]) == amount(qty)
    if "rounding_line" in want:
        rounding = [amount(ln["Amount"]) for ln in item_lines(doc)
                    if "Rounding" in str(ln.get("Description"))]
        assert rounding == [amount(want["rounding_line"])], doc["Line"]
    if "discount_line" in want:
        discounts = [amount(ln["Amount"]) for ln in doc["Line"]
                     if ln.get("DetailType") == "DiscountLineDetail"]
        assert discounts == [amount(want["discount_line"])], doc["Line"]
    for text in want.get("private_note_contains", []):
        assert text in doc["PrivateNote"], doc["PrivateNote"]
    if "refund" in want:
        refunds = [d for memo_id in run.memos for d in run.memo_docs(memo_id)]
        assert len(refunds) == want["refund"].get("count", 1)
        assert all(d in bench.docs(want["refund"]["entity"]) for d in refunds)
        for memo_id in run.memos:
            for refund in run.memo_docs(memo_id):
                assert amount(refund["TotalAmt"]) == run.store.refund_total(memo_id)


def check_flag(run: Run, want: dict[str, Any]) -> None:
    kind = want.get("record_kind", "order")
    errors = run.bench.open_errors()
    assert len(errors) == 1, [e.message for e in errors]
    [entry] = errors
    assert entry.record_kind == kind, entry
    assert entry.code == want["code"], (entry.code, entry.message)
    assert any(run.number(o) in entry.message for o in run.orders), \
        f"must name the order: {entry.message}"
    for text in want["message_contains"]:
        assert text.lower() in entry.message.lower(), (text, entry.message)
    actions = {fix.action for fix in entry.fixes}
    assert set(want["fix_actions"]) <= actions, (want["fix_actions"], actions)
    if want.get("raw_kept"):
        assert entry.raw, "an unreadable record is kept verbatim: nothing is lost"
        kept = json.loads(entry.raw)
        [order_id] = [o for o in run.orders if run.number(o) in entry.message]
        served = json.loads(json.dumps(run.store.order_document(order_id)))
        # everything served, as served; a connector may add notes of its own under "_" keys
        # (PrestaShop: the buyer and state in words, which its order row names only by id)
        assert {k: v for k, v in kept.items() if k in served or not k.startswith("_")} == served
    if kind == "order" and "posts" not in run.case["expect"]:
        flagged = [o for o in run.orders if run.number(o) in entry.message]
        assert all(run.order_docs(o) == [] for o in flagged), "nothing half-posted"


def check_skipped(run: Run) -> None:
    """A cancelled order: not in the books, not an error, but accounted for (skipped or voided)."""
    assert all(run.order_docs(o) == [] for o in run.orders), "a cancelled order is not posted"
    assert run.bench.open_errors() == [], [e.message for e in run.bench.open_errors()]
    voided = [d for entity in SALES_ENTITIES for d in run.bench.ledger.entities(entity)
              if f":order:{run.orders[0]}:" in str(d.get("PrivateNote", ""))
              and "Voided" in str(d.get("PrivateNote", ""))]
    assert voided or any(s.skipped for s in run.summaries), "counted as skipped, or voided"
    for doc in voided:
        assert amount(doc["TotalAmt"]) == 0

"""FreshBooks invoices follow the pair's rules: an order posted before it is paid is a draft or
a sent invoice per ``unpaid_invoice_status`` (paid is always paid), and the store's order number
is the invoice number or the PO number per ``order_number_field``; each a rule the merchant sets
with ``ecom-ledger rules set``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from ecom_ledger_desktop.models.rules import PostingRules
from ecom_ledger_desktop.sync.pair_config import set_rule
from tests.connectors.freshbooks.bench import open_bench, order, rules


def _set(base: PostingRules, key: str, value: str) -> PostingRules:
    """The rule changed as ``rules set`` changes it."""
    data = base.model_dump(mode="json")
    assert set_rule(data, key, value) is None
    return PostingRules.model_validate(data)


def test_an_unpaid_order_is_a_draft_until_paid_when_the_rule_says(tmp_path: Path) -> None:
    with open_bench(tmp_path, pair_rules=_set(rules(), "unpaid_invoice_status", "draft")
                    ) as bench:
        unpaid = bench.store.add_order(order(payment_method="purchaseorder", paid=False))
        bench.store.add_order(order())
        assert bench.sync().status == "ok", [(e.code, e.message) for e in bench.open_errors()]
        placed = bench.store.order_json(unpaid)["increment_id"]
        invoices = {i["invoice_number"]: i for i in bench.live("invoices")}
        draft = invoices.pop(placed)
        assert (draft["v3_status"], draft["payment_status"]) == ("draft", "unpaid")
        assert bench.ledger.reports.open_receivables() == []  # a draft is owed by no one yet
        [paid] = invoices.values()
        assert (paid["v3_status"], paid["payment_status"]) == ("paid", "paid")
        bench.store.state.invoice_order(unpaid)
        assert bench.sync().status == "ok"
        [now_paid] = [i for i in bench.live("invoices") if i["invoice_number"] == placed]
        assert now_paid["payment_status"] == "paid"
        assert bench.sync().posted == 0


def test_the_order_number_goes_to_the_po_number_when_the_rule_says(tmp_path: Path) -> None:
    with open_bench(tmp_path, pair_rules=_set(rules(), "order_number_field", "po_number")
                    ) as bench:
        order_id = bench.store.add_order(order())
        bench.ledger.drop_next_writes_after_apply(1, "invoices")  # found again by PO number
        bench.sync()
        assert bench.sync().status == "ok", [(e.code, e.message) for e in bench.open_errors()]
        placed = bench.store.order_json(order_id)["increment_id"]
        [invoice] = bench.live("invoices")
        assert invoice["po_number"] == placed and invoice["invoice_number"] != placed
        assert invoice["payment_status"] == "paid"
        assert bench.sync().posted == 0 and len(bench.ledger.records("invoices")) == 1


def test_the_rules_default_to_sent_invoices_numbered_as_the_store() -> None:
    base = rules()
    assert (base.unpaid_invoice_status, base.order_number_field, base.discount_as) == (
        "sent", "document_number", "lines")


def test_a_percentage_coupon_is_freshbooks_invoice_discount_and_an_amount_stays_lines(
        tmp_path: Path) -> None:
    with open_bench(tmp_path, pair_rules=_set(rules(), "discount_as", "invoice_discount")
                    ) as bench:
        tenth = bench.store.add_order(order(shipping="0", discount="6.65",
                                            coupon_code="TENOFF"))  # 10% of 66.50
        fixed = bench.store.add_order(order(discount="5.00", coupon_code="FIVE"))
        assert bench.sync().status == "ok", [(e.code, e.message) for e in bench.open_errors()]
        invoices = {i["invoice_number"]: i for i in bench.live("invoices")}
        for order_id in (tenth, fixed):
            placed = bench.store.order_json(order_id)
            invoice = invoices[placed["increment_id"]]
            assert money(invoice["amount"]["amount"]) == money(placed["grand_total"])
            assert invoice["payment_status"] == "paid"
        as_percent = invoices[bench.store.order_json(tenth)["increment_id"]]
        assert Decimal(as_percent["discount_value"]) == Decimal("10")
        assert money(as_percent["discount_total"]["amount"]) == Decimal("-6.65")
        assert all(Decimal(line["unit_cost"]["amount"]) > 0 for line in as_percent["lines"])
        as_lines = invoices[bench.store.order_json(fixed)["increment_id"]]
        assert Decimal(as_lines["discount_value"]) == 0  # $5 of 71.50 is no exact percentage
        assert any(Decimal(line["unit_cost"]["amount"]) < 0 for line in as_lines["lines"])
        day = date.fromisoformat(as_percent["create_date"])
        taxed = sum(bench.ledger.reports.tax_collected(day, day).values(), Decimal(0))
        placed_tax = sum((Decimal(str(bench.store.order_json(o)["tax_amount"]))
                          for o in (tenth, fixed)), Decimal(0))
        assert taxed == placed_tax
        assert bench.sync().posted == 0


def money(value: object) -> Decimal:
    return Decimal(str(value))

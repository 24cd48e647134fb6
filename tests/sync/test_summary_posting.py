"""Summary posting, pure: a day's orders become one document that equals their sum to the cent,
with the same tax treatment as per-order documents; closed days, cut-over and keys."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from ecom_ledger_desktop.models.commerce import Customer, Order, OrderLine
from ecom_ledger_desktop.models.rules import PostingRules
from ecom_ledger_desktop.sync.mapper import map_order
from ecom_ledger_desktop.sync.summary import day_closed, summarise_day, summarises, summary_key

D = Decimal
RULES = PostingRules(start_date=date(2026, 1, 1), posting_mode="daily_summary")
WHEN = datetime(2026, 11, 2, 15, 30, tzinfo=UTC)


def order(n: int, sku: str, qty: int, price: str, rate: str, method: str = "card",
          currency: str = "USD", when: datetime = WHEN) -> Order:
    net = D(price) * qty
    tax = (net * D(rate) / 100).quantize(D("0.01"))
    return Order.model_validate({
        "source_id": str(n), "number": f"{n:09d}", "created_at": when, "updated_at": when,
        "state": "processing", "paid": True, "currency": currency,
        "timezone": "America/New_York",
        "customer": Customer(email=f"b{n}@example.com", first_name="B", last_name=str(n)),
        "lines": [OrderLine(line_id="1", sku=sku, name=sku, qty=D(qty), unit_price=D(price),
                            tax=tax, tax_percent=D(rate))],
        "shipping": D("5"), "discount": D("0"), "tax_total": tax,
        "grand_total": net + D("5") + tax, "payment_method": method})


def _docs(orders: list[Order], rules: PostingRules) -> list[tuple[str, object]]:
    return [(o.number, map_order(o, rules).document) for o in orders]


def test_a_day_of_orders_is_one_summary_equal_to_their_sum() -> None:
    orders = [order(1, "TOTE", 2, "24.00", "8.875"), order(2, "TOTE", 1, "24.00", "8.875"),
              order(3, "BOTTLE", 3, "18.50", "0")]
    docs = _docs(orders, RULES)
    [(group, mapped)] = summarise_day(docs, RULES).items()  # type: ignore[arg-type]
    summary = mapped.document
    assert group.day == date(2026, 11, 2) and summary.txn_date == date(2026, 11, 2)
    assert summary.total == sum(o.grand_total for o in orders)
    assert summary.tax_total == sum(o.tax_total for o in orders)
    assert summary.tax_treatment == "ledger"
    assert sum(line.amount for line in summary.lines) + summary.tax_total == summary.total
    tote = next(line for line in summary.lines if line.item.item_key == "sku:TOTE")
    assert tote.qty == 3 and tote.amount == D("72.00") and tote.taxable
    assert tote.tax_amount == D("4.26") + D("2.13")
    shipping = [line for line in summary.lines if line.kind == "shipping"]
    assert len(shipping) == 1 and shipping[0].amount == D("15")
    assert mapped.customer.display_name == "Web Store Customer"
    assert "000000001" in summary.private_note and summary.doc_number.startswith("S261102-")


def test_income_lines_add_up_per_income_account_and_keep_tax_treatment_apart() -> None:
    from ecom_ledger_desktop.models.ledger import ItemRef
    from ecom_ledger_desktop.sync.summary_income import by_income_account

    rules = RULES.model_copy(update={"summary_lines": "income"})
    docs = _docs([order(1, "TOTE", 2, "24.00", "8.875"), order(2, "MUG", 1, "10.00", "8.875"),
                  order(3, "BOTTLE", 3, "18.50", "0"), order(4, "CAP", 1, "12.00", "8.875")],
                 rules)
    [mapped] = summarise_day(docs, rules).values()  # type: ignore[arg-type]
    journaled = mapped.document  # journaled per item; added up per account when sent
    assert len([line for line in journaled.lines if line.kind == "item"]) == 4
    accounts = {"sku:TOTE": "Apparel", "sku:CAP": "Apparel", "sku:MUG": "Kitchen",
                "sku:BOTTLE": "Kitchen"}
    sent = by_income_account(journaled, lambda line: accounts[str(line.item.item_key)],
                             lambda account: ItemRef(ledger_name=f"Daily sales — {account}"))
    items = {(line.item.ledger_name, line.taxable): line.amount
             for line in sent.lines if line.kind == "item"}
    assert items == {("Daily sales — Apparel", True): D("60.00"),
                     ("Daily sales — Kitchen", True): D("10.00"),
                     ("Daily sales — Kitchen", False): D("55.50")}  # taxed apart from untaxed
    assert sent.total == journaled.total and sum(
        line.amount for line in sent.lines) == sum(line.amount for line in journaled.lines)
    # an item the books track stock of (no account: None) keeps its own line and quantity
    kept = by_income_account(journaled, lambda line: None if line.item.item_key == "sku:TOTE"
                             else accounts[str(line.item.item_key)],
                             lambda account: ItemRef(ledger_name=f"Daily sales — {account}"))
    [tote] = [line for line in kept.lines if line.item.item_key == "sku:TOTE"]
    assert (tote.qty, tote.amount) == (2, D("48.00")) and kept.total == journaled.total
    # books without income accounts per item (FreshBooks): one sales line per tax treatment
    plain = by_income_account(journaled, lambda _line: "", lambda _a: ItemRef(ledger_name="Sales"))
    assert sorted(line.amount for line in plain.lines if line.kind == "item") == [
        D("55.50"), D("70.00")]


def test_currencies_and_methods_are_never_added_together() -> None:
    rules = PostingRules.model_validate({
        **RULES.model_dump(), "posting_mode": "daily_summary_by_method",
        "payment_routes": {"cash": {"payment_method": "Cash"}}})
    docs = _docs([order(1, "TOTE", 1, "24.00", "0", method="card"),
                  order(2, "TOTE", 1, "24.00", "0", method="cash"),
                  order(3, "TOTE", 1, "24.00", "0", currency="EUR")], rules)
    summaries = summarise_day(docs, rules)  # type: ignore[arg-type]
    assert len(summaries) == 3
    assert sorted(g.currency for g in summaries) == ["EUR", "USD", "USD"]
    keys = {summary_key(7, g, m.revision) for g, m in summaries.items()}
    assert len(keys) == 3 and all(k.startswith("p7:summary:2026-11-02:") for k in keys)
    numbers = {m.document.doc_number for m in summaries.values()}
    assert len(numbers) == 3 and all(len(n) == 11 for n in numbers)


def test_the_key_is_deterministic_and_a_late_change_gives_a_new_revision() -> None:
    day = [order(1, "TOTE", 1, "24.00", "8.875"), order(2, "TOTE", 1, "24.00", "8.875")]
    [(g1, m1)] = summarise_day(_docs(day, RULES), RULES).items()  # type: ignore[arg-type]
    [(g2, m2)] = summarise_day(_docs(day, RULES), RULES).items()  # type: ignore[arg-type]
    assert summary_key(1, g1, m1.revision) == summary_key(1, g2, m2.revision)
    late = [*day, order(3, "TOTE", 1, "24.00", "8.875")]
    [(g3, m3)] = summarise_day(_docs(late, RULES), RULES).items()  # type: ignore[arg-type]
    assert summary_key(1, g3, m3.revision) != summary_key(1, g1, m1.revision)


def test_a_day_closes_after_store_local_midnight_plus_the_grace() -> None:
    day = date(2026, 11, 2)  # New York midnight ends it at 05:00 UTC on the 3rd
    midnight = datetime(2026, 11, 3, 5, 0, tzinfo=UTC)
    assert not day_closed(day, "America/New_York", midnight, 120)
    assert not day_closed(day, "America/New_York", midnight + timedelta(minutes=119), 120)
    assert day_closed(day, "America/New_York", midnight + timedelta(minutes=120), 120)


def test_the_cut_over_date_decides_per_day() -> None:
    assert not summarises(RULES.model_copy(update={"posting_mode": "per_order"}), date(2026, 11, 2))
    cut = PostingRules(start_date=date(2026, 1, 1)).switch_mode("daily_summary", date(2026, 11, 2))
    assert not summarises(cut, date(2026, 11, 1)) and summarises(cut, date(2026, 11, 2))
    assert summarises(RULES, date(2020, 1, 1))
    back = cut.switch_mode("per_order", date(2026, 11, 5))
    assert [summarises(back, date(2026, 11, d)) for d in (1, 2, 4, 5, 6)] == [
        False, True, True, False, False]
    again = back.switch_mode("daily_summary_by_method", date(2026, 11, 8))
    assert [again.mode_on(date(2026, 11, d)) for d in (1, 3, 6, 9)] == [
        "per_order", "daily_summary", "per_order", "daily_summary_by_method"]


def test_the_rules_summary_says_how_orders_are_posted_once_summaries_are_chosen() -> None:
    from ecom_ledger_desktop.sync.rules_summary import describe_rules

    plain = PostingRules(start_date=date(2026, 1, 1))
    assert not any(line.startswith("Posting:") for line in describe_rules(plain))
    switched = plain.switch_mode("daily_summary", date(2026, 11, 12))
    [line] = [line for line in describe_rules(switched) if line.startswith("Posting:")]
    assert "One document per day" in line and "From 2026-11-12 on" in line


def test_the_history_says_an_order_went_into_its_days_summary() -> None:
    from ecom_ledger_desktop.sync.history_queries import event_label

    assert "day's summary" in event_label("summarised")


def test_two_summaries_of_one_day_never_share_a_document_number() -> None:
    """Every way two summaries of a day can differ gives them different numbers (the ledger
    refuses a second document with the same number: the day's second summary was flagged when
    two EUR groups differed only in their price mode)."""
    from dataclasses import fields, replace

    from ecom_ledger_desktop.sync.summary import SummaryGroup, summary_number

    base = SummaryGroup(day=date(2026, 11, 1), method="", currency="EUR", kind="sales_receipt",
                        deposit_account="", tax_treatment="ledger", tax_code="",
                        prices_include_tax=False, tax_after_discount=True, base_currency="USD")
    others = {"method": "Visa", "currency": "GBP", "kind": "invoice",
              "deposit_account": "Bank", "tax_treatment": "line_item", "tax_code": "VAT",
              "prices_include_tax": True, "tax_after_discount": False, "base_currency": "EUR"}
    numbers = {summary_number(base)}
    for field in fields(SummaryGroup):
        if field.name == "day":
            continue
        numbers.add(summary_number(replace(base, **{field.name: others[field.name]})))
    assert len(numbers) == len(fields(SummaryGroup)), numbers
    assert all(len(n) <= 11 for n in numbers), "QuickBooks Desktop keeps 11 characters"

"""Exporting a pair's configuration and importing it into another pair; rules as form fields."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from ecom_ledger_desktop.db.state import State
from ecom_ledger_desktop.models.connections import ConnectionConfig
from ecom_ledger_desktop.models.rules import PostingRules
from ecom_ledger_desktop.sync.pair_config import (
    FORMAT,
    PairConfigError,
    export_pair,
    export_pair_json,
    import_pair,
    parse_document,
    rule_fields,
    set_schedule,
    update_rules,
)
from tests.sync.conftest import STORE_TOKEN, SyncBench

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


def _configured(bench: SyncBench) -> State:
    state = bench.state()
    with state.tx():
        state.mappings.set_sku(bench.pair_id, "GIFT-WRAP", "Gift Wrapping")
        state.mappings.set_sku(bench.pair_id, "MB-TOTE-BLK", "Canvas Tote (Black)")
        state.mappings.set_customer(bench.pair_id, "email:jordan.rivera@example.com", "58")
    update_rules(state, bench.pair_id, {"unmapped_sku_policy": "create_item",
                                        "payment_routes.paypal.deposit_account": "PayPal Bank"})
    set_schedule(state, bench.pair_id, 30)
    return state


def _second_pair(state: State) -> int:
    with state.tx():
        store = state.connections.add_connection(ConnectionConfig(
            name="prod shop", kind="magento2", settings={"base_url": "https://shop.example"}))
        ledger = state.connections.add_connection(ConnectionConfig(
            name="prod books", kind="qbo", settings={"client_id": "x", "environment": "production"}))
        return state.connections.add_pair("production", store, ledger,
                                          PostingRules(start_date=date(2027, 1, 1)), 5)


def test_the_export_has_rules_mappings_and_schedule_but_no_secrets_or_addresses(
        bench: SyncBench) -> None:
    state = _configured(bench)
    try:
        text = export_pair_json(state, bench.pair_id, NOW)
    finally:
        state.close()
    document = json.loads(text)
    assert document["format"] == FORMAT and document["version"] == 1
    assert document["rules"]["unmapped_sku_policy"] == "create_item"
    assert document["rules"]["payment_routes"]["paypal"]["deposit_account"] == "PayPal Bank"
    assert document["schedule_minutes"] == 30
    assert {"sku": "GIFT-WRAP", "ledger_item": "Gift Wrapping"} in document["sku_mappings"]
    assert document["customer_mappings"] == [
        {"customer_key": "email:jordan.rivera@example.com", "ledger_customer_id": "58"}]
    for leak in (bench.store.base_url, bench.ledger.base_url, "127.0.0.1", STORE_TOKEN,
                 bench.ledger.realm_id, "client_secret", "refresh_token"):
        assert leak not in text, leak


def test_a_sandbox_setup_is_copied_to_another_pair(bench: SyncBench) -> None:
    state = _configured(bench)
    try:
        text = export_pair_json(state, bench.pair_id, NOW)
        target = _second_pair(state)
        report = import_pair(state, target, text)
        pair = state.connections.pair(target)
        source = state.connections.pair(bench.pair_id)
        assert pair is not None and source is not None
        assert pair.rules == source.rules and pair.schedule_minutes == 30
        assert state.mappings.skus(target) == state.mappings.skus(bench.pair_id)
        assert state.mappings.customers(target) == {}, "customer ids belong to one company"
        assert report.skus_set == 2 and report.customers_set == 0
        assert any("customer choices were not imported" in n for n in report.notes)
        assert any("start date" in n for n in report.notes)
        again = import_pair(state, target, text, include_customer_mappings=True)
        assert again.customers_set == 1 and state.mappings.customers(target)
    finally:
        state.close()


def test_replace_mappings_drops_the_ones_not_in_the_file(bench: SyncBench) -> None:
    state = _configured(bench)
    try:
        document = export_pair(state, bench.pair_id, NOW)
        document["sku_mappings"] = document["sku_mappings"][:1]
        report = import_pair(state, bench.pair_id, json.dumps(document), replace_mappings=True)
        assert report.skus_removed == 1
        assert list(state.mappings.skus(bench.pair_id)) == ["GIFT-WRAP"]
    finally:
        state.close()


def _bad(document: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(PairConfigError) as error:
        parse_document(json.dumps(document))
    return {p.field: p.message for p in error.value.problems}


def test_every_bad_field_of_a_file_is_named_and_nothing_changes(bench: SyncBench) -> None:
    state = _configured(bench)
    try:
        document = export_pair(state, bench.pair_id, NOW)
        before = state.connections.pair(bench.pair_id)
        document["rules"]["unmapped_sku_policy"] = "guess"
        document["rules"]["shipping_itme"] = "Shipping"
        document["rules"]["payment_routes"]["paypal"]["deposit_account"] = 5
        document["schedule_minutes"] = 0
        document["sku_mappings"].append({"sku": "GIFT-WRAP", "ledger_item": "Other"})
        document["sku_mappings"].append({"sku": "X", "ledger_item": " "})
        document["surprise"] = True
        problems = _bad(document)
        assert set(problems) == {
            "rules.unmapped_sku_policy", "rules.shipping_itme",
            "rules.payment_routes.paypal.deposit_account", "schedule_minutes",
            "sku_mappings[3].sku", "sku_mappings[4].ledger_item", "surprise"}
        assert "already in entry 1" in problems["sku_mappings[3].sku"]
        with pytest.raises(PairConfigError):
            import_pair(state, bench.pair_id, json.dumps(document))
        assert state.connections.pair(bench.pair_id) == before
    finally:
        state.close()


@pytest.mark.parametrize(("text", "field", "words"), [
    ("not json", "file", "not JSON"),
    ('{"format": "something else"}', "format", "not an ecom-ledger"),
    (json.dumps({"format": FORMAT, "version": 9}), "version", "newer version"),
    (json.dumps({"format": FORMAT, "version": 1}), "rules", "missing"),
])
def test_files_that_are_not_pair_configurations(text: str, field: str, words: str) -> None:
    with pytest.raises(PairConfigError) as error:
        parse_document(text)
    assert error.value.problems[0].field == field and words in error.value.problems[0].message


def test_rules_are_edited_as_form_fields(bench: SyncBench) -> None:
    fields = {f.name: f for f in rule_fields()}
    assert fields["unmapped_sku_policy"].choices == ("flag", "create_item", "standard_item")
    assert fields["start_date"].kind == "date" and fields["write_back_comment"].kind == "bool"
    assert fields["payment_routes"].kind == "routes" and fields["tax_codes"].kind == "mapping"
    state = bench.state()
    try:
        rules = update_rules(state, bench.pair_id, {"shipping_item": "Freight",
                                                    "payment_routes.checkmo": None})
        assert rules.shipping_item == "Freight" and "checkmo" not in rules.payment_routes
        with pytest.raises(PairConfigError) as error:
            update_rules(state, bench.pair_id, {"paid_document": "receipt",
                                                "start_date": "someday",
                                                "shipping_item.name": "x"})
        assert {p.field for p in error.value.problems} == {
            "paid_document", "start_date", "shipping_item.name"}
        pair = state.connections.pair(bench.pair_id)
        assert pair is not None and pair.rules.paid_document == "sales_receipt"
        with pytest.raises(PairConfigError, match="schedule_minutes"):
            set_schedule(state, bench.pair_id, 0)
    finally:
        state.close()

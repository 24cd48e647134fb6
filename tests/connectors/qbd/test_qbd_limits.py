"""QuickBooks Desktop limits are met before anything is queued: lengths, ':' and the code page."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from ecom_ledger_desktop.connectors.ledgers.qbd import limits
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import lists
from ecom_ledger_desktop.core.errors import RecordError
from tests.support.qbd import load_schema, message_set


def test_names_that_fit_are_kept() -> None:
    assert limits.customer_name("Jane Doe", "email:jane@example.com") == "Jane Doe"
    assert limits.item_name("MB-1") == "MB-1"
    assert limits.ref_number("100000001") == "100000001"


def test_long_names_are_shortened_the_same_way_every_time() -> None:
    long = "Bartholomew Montgomery-Featherstonehaugh III"  # 45 characters
    first = limits.customer_name(long, "email:b@example.com")
    assert len(first) == limits.CUSTOMER_NAME_MAX
    assert first.startswith("Bartholomew Montgomery-Featherstone")
    assert first == limits.customer_name(long, "email:b@example.com")  # deterministic
    other = limits.customer_name(long + "x", "email:c@example.com")
    assert other != first  # two long names with one head stay apart
    sku = "VERY-LONG-SKU-WITH-MANY-PARTS-AND-SIZES-XL"
    assert len(limits.item_name(sku)) == limits.ITEM_NAME_MAX
    assert limits.item_name(sku) == limits.item_name(sku)


def test_colon_is_the_hierarchy_separator_and_never_in_a_name() -> None:
    assert limits.customer_name("ACME: Shipping Dept", "k") == "ACME- Shipping Dept"
    assert ":" not in limits.item_name("A:B:C")


def test_a_name_clash_with_a_vendor_or_employee_gets_a_stable_suffix() -> None:
    taken = ["jordan rivera", "Acme Supplies"]
    name = limits.customer_name("Jordan Rivera", "email:other.jordan@example.com", taken)
    assert name.startswith("Jordan Rivera ~") and len(name) <= limits.CUSTOMER_NAME_MAX
    assert name == limits.customer_name("Jordan Rivera", "email:other.jordan@example.com", taken)
    with pytest.raises(RecordError) as raised:
        limits.customer_name("Jordan Rivera", "email:other.jordan@example.com", [*taken, name])
    assert raised.value.problem.code == "duplicate_name"
    assert "pick_customer" in [f.action for f in raised.value.problem.fixes]


def test_a_name_that_cannot_be_kept_gets_a_fix_for_the_merchant() -> None:
    with pytest.raises(RecordError) as empty:
        limits.customer_name(":::", "k")
    assert "empty" in empty.value.problem.message
    with pytest.raises(RecordError) as script:
        limits.customer_name("王小明", "email:wang@example.com")
    problem = script.value.problem
    assert problem.code == "invalid_data" and "王" in problem.message
    assert "Latin" in problem.message and problem.fixes


def test_accents_are_kept_and_other_marks_dropped() -> None:
    assert limits.customer_name("José Müller", "k") == "José Müller"  # Latin-1 passes
    assert limits.customer_name("Ngụy Văn", "k") == "Nguy Van"  # outside Latin-1: base letter
    assert limits.customer_name("O’Brien “Shop” – Ltd", "k") == "O'Brien \"Shop\" - Ltd"
    assert limits.fit_text("Snowman ☃ mug", 50) == "Snowman ? mug"  # free text: '?'


def test_long_order_numbers_get_a_short_ref_number() -> None:
    ref = limits.ref_number("ORDER-2024-000123")
    assert len(ref) == limits.REF_NUMBER_MAX and ref.endswith("-000123")
    assert ref != limits.ref_number("ORDER-2025-000123")
    assert limits.ref_number("PAY-1234567890123456789", 20).endswith("890123456789")


def test_message_set_ids_fit() -> None:
    assert len(limits.message_set_id("batch:ord-1,ord-2")) == limits.MESSAGE_SET_ID_MAX


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=60))
def test_any_text_round_trips_or_is_refused_with_a_clear_message(value) -> None:
    """Whatever a store sends as a customer name either reaches QuickBooks exactly as cleaned
    (escaped once, parsed back identical, valid qbXML) or is refused naming the problem."""
    try:
        name = limits.customer_name(value, "email:x@example.com")
    except RecordError as refused:
        assert refused.problem.code in ("invalid_data", "duplicate_name")
        assert refused.problem.fixes and "QuickBooks" in refused.problem.message
        return
    assert 0 < len(name) <= limits.CUSTOMER_NAME_MAX
    assert all(0x20 <= ord(c) <= 0x7E or 0xA0 <= ord(c) <= 0xFF for c in name)
    assert ":" not in name
    document = message_set(lists.customer_add("1", lists.CustomerAdd(name=name)))
    parsed = etree.fromstring(document.encode())
    assert parsed.findtext(".//CustomerAdd/Name") == name


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_cleaned_names_are_valid_qbxml(reference_dir, value) -> None:
    schema = load_schema(reference_dir)
    try:
        name = limits.item_name(value)
    except RecordError:
        return
    document = message_set(lists.items_named("1", [name]),
                           lists.item_add("2", lists.ItemServiceAdd(name=name)))
    assert schema.validate(etree.fromstring(document.encode())), schema.error_log


def test_control_characters_and_lone_surrogates_never_reach_quickbooks() -> None:
    assert limits.fit_text("a\x00b\x1bc\x85d", 20) == "abc d"  # NEL is a line break
    assert limits.fit_text("a\ud800b", 20) == "a?b"  # JSON can carry a lone surrogate
    with pytest.raises(RecordError):
        limits.customer_name("Ann\ud800", "k")
    assert limits.fit_text("two\nlines\tand tab", 40) == "two lines and tab"
    assert limits.fit_text("two\r\nlines", 40, multiline=True) == "two\nlines"

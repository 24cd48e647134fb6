"""Every qbXML request the connector builds is valid qbXML 13.0, in the schema's element order."""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import build, lists
from tests.support.qbd import every_request, load_schema, message_set


def test_every_request_builder_validates_against_the_qbxml_13_schema(reference_dir) -> None:
    schema = load_schema(reference_dir)
    requests = every_request()
    assert len({r.tag for r in requests}) >= 20  # every builder is represented
    for request in requests:  # one at a time: a failure names the builder
        document = message_set(request)
        assert schema.validate(etree.fromstring(document.encode())), (request.tag,
                                                                       schema.error_log)
    whole = message_set(*requests, new_message_set_id="batch-1", on_error="continueOnError")
    schema.assertValid(etree.fromstring(whole.encode()))


def test_the_schema_would_catch_a_misordered_request(reference_dir) -> None:
    """The check is real: moving Memo before CustomerRef (a classic QuickBooks reject) fails."""
    schema = load_schema(reference_dir)
    document = message_set(next(r for r in every_request() if r.tag == "SalesReceiptAddRq"))
    root = etree.fromstring(document.encode())
    add = root.find(".//SalesReceiptAdd")
    assert add is not None
    memo = add.find("Memo")
    assert memo is not None
    add.remove(memo)
    add.insert(0, memo)
    assert not schema.validate(root)


def test_message_set_has_the_qbxml_prolog_and_required_on_error() -> None:
    document = message_set(lists.customers_named("1", ["A"]))
    assert document.startswith('<?xml version="1.0" encoding="utf-8"?>\n<?qbxml version="13.0"?>')
    assert 'onError="stopOnError"' in document


def test_message_set_ids_are_limited_to_24_characters() -> None:
    with pytest.raises(ValueError, match="24"):
        message_set(lists.customers_named("1", ["A"]), new_message_set_id="x" * 25)


def test_iterators_need_a_chunk_size_and_an_id_to_continue() -> None:
    with pytest.raises(ValueError, match="MaxReturned"):
        lists.list_query("ItemQueryRq", "1", iterator="Start")
    with pytest.raises(ValueError, match="iteratorID"):
        lists.list_query("ItemQueryRq", "1", iterator="Continue")
    again = lists.iterate("ItemQueryRq", "2", 50, iterator_id="{abc}")
    assert again.body.get("iterator") == "Continue" and again.body.get("iteratorID") == "{abc}"


def test_amounts_have_two_decimals_and_prices_up_to_five() -> None:
    assert build.format_amount(Decimal("5")) == "5.00"
    assert build.format_amount(Decimal("2.005")) == "2.01"  # half up, as the books round
    assert build.format_amount(Decimal("-0.5")) == "-0.50"
    assert build.format_price(Decimal("19.990000")) == "19.99"
    assert build.format_price(Decimal("1.234567")) == "1.23457"
    assert build.format_price(Decimal("1E+2")) == "100"
    with pytest.raises(ValueError):
        build.format_amount(Decimal("1E+14"))


def test_a_value_longer_than_the_schema_allows_is_refused_before_sending() -> None:
    with pytest.raises(ValueError, match="41"):
        lists.customer_add("1", lists.CustomerAdd(name="x", company_name="y" * 42))


def test_text_is_escaped_once_and_apostrophes_stay_plain() -> None:
    request = lists.customers_named("1", ["Tom & Jerry's <Shop>"])
    xml = request.xml()
    assert "Tom &amp; Jerry's &lt;Shop&gt;" in xml
    assert "&apos;" not in xml

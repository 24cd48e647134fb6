"""The store contract's listing, sync and books tests again, with the X-Cart shop on the 5.5+ API
(the contract suite itself runs the 5.x REST API add-on)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.contract import test_books_figures, test_listing, test_refunds_stock, test_sync_promises
from tests.contract.conftest import HarnessMaker, bench  # noqa: F401 - the bench fixture
from tests.contract.harness import StoreHarness
from tests.contract.xcart_harness import XCartHarness


@pytest.fixture
def make_harness() -> Iterator[HarnessMaker]:
    started: list[StoreHarness] = []

    def make(**options: Any) -> StoreHarness:
        harness = XCartHarness(version="5.5", **options)
        started.append(harness)
        return harness

    try:
        yield make
    finally:
        for harness in started:
            harness.stop()


@pytest.fixture
def harness(make_harness: HarnessMaker) -> StoreHarness:
    return make_harness()


test_crowded_second = test_listing.test_a_crowded_second_larger_than_a_page_is_read_once_each
test_window = test_listing.test_orders_come_in_updated_then_id_order_and_the_window_is_inclusive
test_rerun = test_listing.test_a_rerun_past_the_cursor_yields_nothing_new
test_guest = test_listing.test_a_guest_order_has_a_guest_buyer
test_dst = test_books_figures.test_orders_are_dated_by_the_store_time_zone_across_a_dst_change
# not test_tax_per_line_and_on_shipping: the amounts are exact, but 5.5 documents no tax-rate
# resource, so a rate comes from the amounts (0.44 on 5.00 -> 8.8 %, not the shop's 8.875 %)
test_vat = test_books_figures.test_tax_inclusive_prices_with_a_coupon_add_up_also_when_refunded
test_refunds = test_refunds_stock.test_refunds_keep_lines_adjustments_and_restock_only_what_came_back
test_stock = test_refunds_stock.test_stock_write_back_sets_known_skus_and_reports_unknown_ones
test_a_b_a = test_sync_promises.test_posted_order_edited_a_b_a_ends_with_the_books_at_a
test_skew = test_sync_promises.test_orders_committed_after_the_read_in_the_cursors_second_are_posted
test_idle = test_sync_promises.test_an_idle_poll_after_a_skewed_window_reads_nothing_new

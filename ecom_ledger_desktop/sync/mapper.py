"""Pure mapping: a canonical store order (or refund) + posting rules → ledger documents.

No I/O, deterministic: the same order and rules always give the same documents, so a document's
content hash is its *revision* and re-fetching an unchanged order posts nothing. The work lives
in ``mapper_sale`` (orders), ``mapper_refund`` (refunds), ``mapper_tax`` (tax treatment) and
``mapper_common`` (customers, dates, currency, the cent rule); this module is their front door.
"""

from __future__ import annotations

from ecom_ledger_desktop.sync.mapper_common import (
    DOC_NUMBER_MAX,
    MappedDocument,
    base_amounts,
    book_date,
    clean_text,
    customer_for,
    doc_number_for,
    item_key,
    normalise_email,
    revision_of,
    store_zone,
)
from ecom_ledger_desktop.sync.mapper_refund import map_refund
from ecom_ledger_desktop.sync.mapper_sale import map_order, paid_date, posts_when_paid
from ecom_ledger_desktop.sync.mapper_tax import rate_key

__all__ = ["DOC_NUMBER_MAX", "MappedDocument", "base_amounts", "book_date", "clean_text",
           "customer_for", "doc_number_for", "item_key", "map_order", "map_refund",
           "normalise_email", "paid_date", "posts_when_paid", "rate_key", "revision_of",
           "store_zone"]

"""What FreshBooks' notes say: the customer reads them.

An invoice's and a credit note's ``notes`` are printed on the document the client receives, and a
payment's ``note`` is on its receipt; FreshBooks has no private field on them (its API's invoice
fields, checked against FreshBooks' nodejs SDK ``Invoices.ts``: ``notes``, ``terms``,
``payment_details`` and ``po_number`` are all shown to the client). The engine's note ends with
its journal key (``ecom-ledger key: 1:order:7:…:sales_receipt``, internal ids and all), which is
what settles a lost answer: so the key is replaced by a short reference derived from it
("Ref. EL-K3F2ABCD7Q", like any order reference), and a search after a lost answer looks for the
reference of the key it holds.
"""

from __future__ import annotations

import base64
import hashlib

KEY_MARK = "ecom-ledger key:"  # how the engine's notes carry the journal key
REF_MARK = "Ref. EL-"


def reference(key: str) -> str:
    """The short reference of a journal key: ``Ref. EL-`` and ten base-32 characters (50 bits:
    no two keys of one business share one)."""
    digest = hashlib.sha256(key.strip().encode("utf-8")).digest()
    return REF_MARK + base64.b32encode(digest).decode("ascii")[:10]


def for_customer(note: str) -> str:
    """The engine's ``note`` as the customer may read it: the journal key replaced by its
    reference."""
    text, marked, key = note.partition(KEY_MARK)
    if not marked or not key.strip():
        return note.strip()
    return f"{text.strip()} {reference(key.split()[0])}".strip()


def carries(text: str, key: str) -> bool:
    """Whether a FreshBooks note carries journal key ``key`` (as its reference)."""
    return bool(key) and reference(key) in text

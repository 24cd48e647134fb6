"""QuickBooks Desktop limits, checked before anything is queued (reference B6, B9; qbXML 13.0).

- Lengths are the ``maxLength`` facets of the US 13.0 schema: a customer ``Name`` ≤ 41, an item
  ``Name`` ≤ 31, a sales form's ``RefNumber`` ≤ 11 (a payment's ≤ 20), ``Other`` ≤ 29, address
  lines ≤ 41 and so on (the constants below).
- ``:`` separates a parent from its child in a ``FullName`` (``Parent:Job``), so it cannot appear
  in a name; tab and line breaks are refused too.
- Customer, vendor, employee and other names share one list, compared without regard to case.
- QuickBooks keeps text in a single-byte Windows code page: Latin-1 passes, anything else is
  rejected or stored as ``?``. Text is transliterated first (typographic punctuation to ASCII,
  accents kept, ``ụ`` → ``u``); what still does not fit is refused for names and replaced by ``?``
  in free text.

The shortening rule is a pure function: the same name always gives the same short name (head of
the name + ``~`` + four characters of a hash of the whole name), so a re-run never creates a
second record. Remembering which QuickBooks name a store record was given (so a later rename in
the store does not create a new customer) is the integration slice's job: it persists the names
these functions choose.
"""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from collections.abc import Collection

from ecom_ledger_desktop.core.errors import Fix, RecordError, RecordProblem

CUSTOMER_NAME_MAX = 41
CUSTOMER_FULL_NAME_MAX = 209
ITEM_NAME_MAX = 31
ITEM_FULL_NAME_MAX = 159
ACCOUNT_FULL_NAME_MAX = 159
PAYMENT_METHOD_MAX = 31
REF_NUMBER_MAX = 11
PAYMENT_REF_NUMBER_MAX = 20
OTHER_MAX = 29
MEMO_MAX = 4095
DESC_MAX = 4095
CHECK_NUMBER_MAX = 25
COMPANY_NAME_MAX = 41
FIRST_NAME_MAX = 25
LAST_NAME_MAX = 25
PHONE_MAX = 21
EMAIL_MAX = 1023
ADDR_MAX = 41
ADDR_LINES = 5
CITY_MAX = 31
STATE_MAX = 21
POSTAL_CODE_MAX = 13
COUNTRY_MAX = 31
MESSAGE_SET_ID_MAX = 24  # longer ids are refused with messageSetStatusCode 9004
SEPARATOR = ":"
#: typographic characters QuickBooks mangles, with the ASCII QuickBooks users type instead
_PUNCTUATION = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": ",", "\u201b": "'", "\u201c": '"', "\u201d": '"',
    "\u201e": '"', "\u2032": "'", "\u2033": '"', "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u2010": "-", "\u2011": "-", "\u2026": "...", "\u2022": "*", "\u2039": "<", "\u203a": ">",
    "\u20ac": "EUR", "\u2122": "(TM)", "\u00a0": " ", "\u2009": " ", "\u202f": " ",
    "\u2002": " ", "\u2003": " ", "\u200b": "", "\ufeff": "",
})
_NAME_FORBIDDEN = re.compile(r"[:\t\r\n]")
_SPACES = re.compile(r"\s+")
_HASH_CHARS = 4


def _allowed(char: str, keep_breaks: bool) -> bool:
    code = ord(char)
    if keep_breaks and char in "\t\n":
        return True
    return 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xFF


def latin1(value: str, what: str, *, strict: bool = True, keep_breaks: bool = False) -> str:
    """``value`` in the characters QuickBooks Desktop keeps (Latin-1, no control characters).

    Typographic punctuation becomes ASCII and letters outside Latin-1 lose their accents; any
    character still left is refused (``strict``: a ``RecordError`` naming ``what``) or becomes
    ``?``. Line breaks are kept only when ``keep_breaks`` (memos, descriptions).
    """
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_PUNCTUATION)
    out: list[str] = []
    bad: list[str] = []
    for char in text:
        if _allowed(char, keep_breaks):
            out.append(char)
            continue
        if unicodedata.category(char) in ("Cc", "Cf"):
            continue  # control and format characters carry nothing a reader sees
        base = "".join(c for c in unicodedata.normalize("NFKD", char)
                       if not unicodedata.combining(c))
        if base and all(_allowed(c, keep_breaks) for c in base):
            out.append(base)
        elif strict:
            bad.append(char)
        else:
            out.append("?")
    if bad:
        shown = "".join(dict.fromkeys(bad))[:10]
        raise RecordError(RecordProblem(
            "invalid_data",
            f"{_cap(what)} contains characters QuickBooks Desktop cannot store ({shown}): it "
            "keeps only Western European letters. Change it in the store to Latin letters, then "
            "retry.",
            [Fix("edit_field", "Change the name in the store"), Fix("retry", "Retry")],
            detail=value))
    return "".join(out)


def fit_text(value: str, limit: int, what: str = "text", *, multiline: bool = False) -> str:
    """Free text in QuickBooks' characters, cut to ``limit``: one line (breaks and tabs become
    spaces) unless ``multiline`` (descriptions)."""
    if not multiline:
        value = _SPACES.sub(" ", value)
    return latin1(value, what, strict=False, keep_breaks=multiline).strip()[:limit].strip()


def fit_tail(value: str, limit: int, what: str = "text") -> str:
    """Multi-line free text cut from the start: a memo keeps its end, where the journal key is."""
    text = latin1(value, what, strict=False, keep_breaks=True).strip()
    return text if len(text) <= limit else text[-limit:].strip()


def short_hash(value: str, chars: int = _HASH_CHARS) -> str:
    """A few upper-case letters and digits from a SHA-1 of ``value`` (deterministic)."""
    digest = hashlib.sha1(value.encode("utf-8"), usedforsecurity=False).digest()
    return base64.b32encode(digest).decode("ascii")[:chars]


def clean_name(value: str, what: str) -> str:
    """A list name: Latin-1 only (strict), no ``:``/tab/line break, single spaces."""
    text = _NAME_FORBIDDEN.sub("-", unicodedata.normalize("NFC", value))
    return _SPACES.sub(" ", latin1(text, what)).strip()


def shorten(name: str, limit: int) -> str:
    """``name`` if it fits, else its head + ``~`` + a hash of the whole name (exactly ``limit``)."""
    if len(name) <= limit:
        return name
    head = name[:limit - _HASH_CHARS - 1].rstrip()
    return f"{head}~{short_hash(name)}"


def list_name(value: str, limit: int, what: str, *, fix: str) -> str:
    """A customer or item ``Name`` within ``limit``: cleaned, then shortened when too long.

    Refused (``RecordError`` with ``fix`` as the remedy) when nothing usable is left or when the
    part kept would be too short to recognise (fewer than 8 characters of the original).
    """
    text = clean_name(value, what)
    if not text.strip("-. "):
        raise RecordError(RecordProblem(
            "invalid_data",
            f"{_cap(what)} is empty once the characters QuickBooks Desktop refuses (':', tabs, "
            f"line breaks) are removed. {fix}, then retry.",
            [Fix("edit_field", fix), Fix("retry", "Retry")], detail=value))
    if len(text) > limit and limit - _HASH_CHARS - 1 < 8:
        raise RecordError(RecordProblem(
            "invalid_data",
            f"{_cap(what)} '{text}' is longer than the {limit} characters QuickBooks Desktop "
            f"allows and cannot be shortened recognisably. {fix}, then retry.",
            [Fix("edit_field", fix), Fix("retry", "Retry")], detail=value))
    return shorten(text, limit)


def customer_name(display_name: str, key: str, taken: Collection[str] = ()) -> str:
    """The QuickBooks ``Name`` for a store customer (≤ 41, unique against ``taken``).

    ``taken`` holds names already used by *another* customer, a vendor, an employee or an other
    name (compared without case). A clash gets a suffix from the customer's key, so two store
    customers called "Jordan Rivera" become "Jordan Rivera" and "Jordan Rivera ~K3F2".
    """
    what = f"the customer name '{display_name}'"
    fix = "Give the customer a name in Latin letters in the store, or pick the QuickBooks customer"
    name = list_name(display_name, CUSTOMER_NAME_MAX, what, fix=fix)
    folded = {t.casefold() for t in taken}
    if name.casefold() not in folded:
        return name
    suffix = f" ~{short_hash(key)}"
    candidate = name[:CUSTOMER_NAME_MAX - len(suffix)].rstrip() + suffix
    if candidate.casefold() in folded:
        raise RecordError(RecordProblem(
            "duplicate_name",
            f"The customer name '{name}' is already used in QuickBooks by another customer, "
            "vendor or employee, and so is its distinguishing form. Pick the existing QuickBooks "
            "customer or change the name in the store, then retry.",
            [Fix("pick_customer", "Use the existing QuickBooks customer"),
             Fix("edit_field", "Change the name"), Fix("retry", "Retry")], detail=key))
    return candidate


def item_name(sku: str) -> str:
    """The QuickBooks item ``Name`` for a store SKU (≤ 31; longer SKUs are shortened)."""
    return list_name(sku, ITEM_NAME_MAX, f"the SKU '{sku}'",
                     fix="Give the product a shorter SKU in Latin letters, or map it to a "
                         "QuickBooks item")


def ref_number(doc_number: str, limit: int = REF_NUMBER_MAX) -> str:
    """A form's ``RefNumber``: the store's number when it fits, else a deterministic short form.

    The short form keeps the number's last digits (what people read) after four hash characters
    of the whole number: ``ORDER-2024-000123`` → ``K3F2-000123``. The full number and the
    journal key go in the memo, so a query by ``RefNumber`` can settle which document is which.
    """
    text = clean_name(doc_number, f"the document number '{doc_number}'").replace(" ", "")
    if not text:
        raise RecordError(RecordProblem(
            "invalid_data", f"The document number '{doc_number}' is empty for QuickBooks Desktop.",
            [Fix("edit_field", "Correct the number")], detail=doc_number))
    if len(text) <= limit:
        return text
    tail = limit - _HASH_CHARS - 1
    return f"{short_hash(text)}-{text[-tail:]}"


def message_set_id(seed: str) -> str:
    """A ``newMessageSetID`` (≤ 24 characters) derived from ``seed`` (e.g. a batch's keys)."""
    return short_hash(seed, MESSAGE_SET_ID_MAX)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]

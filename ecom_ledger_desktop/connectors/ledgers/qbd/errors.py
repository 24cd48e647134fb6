"""QuickBooks Desktop status codes and HRESULTs mapped onto the shared error taxonomy.

Per request QuickBooks answers ``statusCode``/``statusSeverity``/``statusMessage`` (reference
B8): 0–499 information (1 = a query found nothing), 500–999 warnings (the request was processed),
1000+ errors. Decisions are taken on the code; the message only supplies the name QuickBooks
quoted. A whole message set can fail before any request runs: the Web Connector then reports an
HRESULT (``0x80040400`` QuickBooks could not parse the qbXML; ``0x80040408``/``0x80040416``
QuickBooks could not be started or no company file is open), handled by :func:`classify_hresult`.
Error recovery answers carry a ``messageSetStatusCode`` (600, 9001–9005):
:func:`classify_message_set`.
"""

from __future__ import annotations

import re

from ecom_ledger_desktop.core.errors import (
    FatalError,
    Fix,
    RecordError,
    RecordProblem,
    RetriableError,
    SyncError,
    UncertainOutcome,
)

_QUOTED = re.compile(r'"(?P<value>[^"]*)"')
_REFERENCE = re.compile(r'reference to QuickBooks (?P<what>[A-Za-z ]+?) "(?P<name>[^"]*)"')
_FIELD = re.compile(r'The "(?P<field>[^"]+)" field has an invalid value "(?P<value>[^"]*)"')
_QB_SAYS = re.compile(r"QuickBooks error message: (?P<text>.*)$")
BUSY_CODES = frozenset({3170, 3175, 3176, 3180})
PARSE_ERROR = "0x80040400"


class QbdStatusError(RecordError):
    """QuickBooks refused one record; ``status_code`` is QuickBooks' code."""

    def __init__(self, problem: RecordProblem, status_code: int) -> None:
        super().__init__(problem)
        self.status_code = status_code


class StaleEditSequence(RetriableError):
    """3200: the record changed in QuickBooks since we read it; read it again, then retry."""


class IteratorExpired(RetriableError):
    """3391: the iterator died (new session or idle); start the query again."""


def _quoted(message: str) -> str:
    match = _QUOTED.search(message)
    return match.group("value") if match else ""


def _qb_says(message: str) -> str:
    match = _QB_SAYS.search(message)
    return (match.group("text") if match else message).strip()


def classify(code: int, severity: str, message: str, *, record: str = "") -> SyncError | None:
    """The error one ``…Rs`` stands for, or None when the request was processed."""
    if code < 1000 and severity != "Error":
        return None  # 0 OK, 1 no match, 5xx warnings: processed
    what = record or "this record"
    retry = Fix("retry", "Retry")
    edit = Fix("edit_field", "Correct it and retry")
    if code == 3100:
        name = _quoted(message)
        return QbdStatusError(RecordProblem(
            "duplicate_name",
            f"QuickBooks already has a customer, vendor, employee or item called '{name}' "
            f"(inactive ones count too), so {what} was not added. Pick the existing one, or "
            "rename one of them in QuickBooks, then retry.",
            [Fix("pick_customer", "Use the existing QuickBooks record"), edit, retry],
            detail=message), code)
    if code == 3140:
        match = _REFERENCE.search(message)
        kind, name = (match.group("what").lower(), match.group("name")) if match \
            else ("list entry", _quoted(message))
        return QbdStatusError(RecordProblem(
            "invalid_reference",
            f"{_cap(what)} uses the QuickBooks {kind} '{name}', which QuickBooks cannot find "
            f"(missing, renamed or inactive). Create or reactivate '{name}' in QuickBooks, or "
            "map this to another one in the posting rules, then retry.",
            [Fix("create_item", f"Create '{name}' in QuickBooks"), edit, retry],
            detail=message), code)
    if code in (3000, 3120):
        return QbdStatusError(RecordProblem(
            "not_found",
            f"QuickBooks cannot find the record {what} refers to (it was deleted or merged in "
            "QuickBooks). Retry: the app looks it up again by name.",
            [retry, Fix("ignore", "Ignore")], detail=message), code)
    if code == 3200:
        return StaleEditSequence(
            f"Someone changed {what} in QuickBooks while we were updating it; it will be read "
            "again and the change retried.")
    if code in BUSY_CODES:
        return RetriableError(
            f"QuickBooks could not save {what} because it is in use (open in a window or being "
            f"edited by another user: {_qb_says(message) or 'locked'}). It will be retried at "
            "the next Web Connector update; close the record in QuickBooks if it keeps failing.")
    if code == 3231:
        return RetriableError(f"QuickBooks skipped {what} because an earlier request in the "
                              "same batch failed; it will be sent again.")
    if code == 3391:
        return IteratorExpired("QuickBooks ended a long list query; it will be started again.")
    if code in (3210, 3070, 3020, 3030, 3035):
        match = _FIELD.search(message)
        field_name = match.group("field") if match else "a field"
        return QbdStatusError(RecordProblem(
            "invalid_data",
            f"QuickBooks refused {field_name} on {what}: {_qb_says(message) or message}. "
            "Correct it in the store or the posting rules, then retry.",
            [edit, retry], detail=message), code)
    if code in (3260, 3261, 3262):
        return FatalError(
            "The QuickBooks user the Web Connector signs in as is not allowed to do this "
            f"({_qb_says(message) or message}). In QuickBooks, open Edit > Preferences > "
            "Integrated Applications, give this app access (including personal data), or let "
            "it sign in as a user with full access, then sync again.", role="ledger")
    if code == 3250:
        return QbdStatusError(RecordProblem(
            "feature_not_enabled",
            f"{_cap(what)} needs a QuickBooks feature that is off or not in this edition "
            f"({message}). Turn it on in QuickBooks (e.g. multicurrency or sales tax in "
            "Preferences), then retry.", [retry, Fix("ignore", "Ignore")], detail=message), code)
    if 1000 <= code < 2000:
        return RetriableError(f"QuickBooks had an internal error on {what} ({code}: {message}); "
                              "it will be retried.")
    if 2000 <= code < 3000:
        return QbdStatusError(RecordProblem(
            "ledger_rejected",
            f"This QuickBooks edition does not support what {what} needs ({message}).",
            [Fix("ignore", "Ignore")], detail=message), code)
    return QbdStatusError(RecordProblem(
        "ledger_rejected",
        f"QuickBooks refused {what} (error {code}: {_qb_says(message) or message}). Correct it "
        "and retry.", [edit, retry], detail=message), code)


def classify_message_set(code: int | None) -> SyncError | None:
    """The error a ``messageSetStatusCode`` stands for (None: 0 or absent, answers follow).

    600 (no such old message set) means QuickBooks never kept it: the set was not processed, so
    it is safe to send again. 9001 (same ID, other content) and 9002 (nothing kept) leave the
    outcome open: look the documents up by ``RefNumber`` before adding them again.
    """
    if not code:
        return None
    if code == 600:
        return RetriableError("QuickBooks has no record of the previous batch; it will be "
                              "sent again.")
    if code in (9001, 9002, 9004):
        return UncertainOutcome(
            f"QuickBooks could not say whether the previous batch was saved (message set "
            f"status {code}); the documents will be looked up before anything is resent.")
    return RetriableError(f"QuickBooks could not keep the batch's outcome (message set status "
                          f"{code}); it will be retried.")


def classify_hresult(hresult: str, message: str = "") -> SyncError:
    """The error a Web Connector HRESULT stands for (the request set never ran)."""
    code = hresult.strip().lower()
    if code == PARSE_ERROR:
        return FatalError(
            "QuickBooks could not read a request the app sent (" + (message or "parse error")
            + "). Nothing was saved. This is a problem in the app: send the log to support.",
            role="ledger")
    if code in ("0x80040408", "0x80040416", "0x80040401"):
        return RetriableError("QuickBooks is not open with the company file, or could not be "
                              "started by the Web Connector. Open QuickBooks (or allow access "
                              "when QuickBooks is not running); the postings wait until then.")
    if code == "0x80040420":
        return FatalError("QuickBooks refused the Web Connector access to the company file. In "
                          "QuickBooks, Edit > Preferences > Integrated Applications, allow this "
                          "app, then sync again.", role="ledger")
    return RetriableError(f"QuickBooks reported {hresult}: {message or 'an unexpected error'}; "
                          "it will be retried at the next Web Connector update.")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]

"""QuickBooks Online faults mapped onto the shared error taxonomy.

QBO answers errors in two shapes: the API's ``{"Fault":{"Error":[{"code","Message","Detail",
"element"}],"type"}}`` (JSON or XML ``<IntuitResponse><Fault>``) and the gateway's lower-case
``{"fault":{"error":[{"code","message","detail"}]}}`` used for 401/403. Messages and details are
localised by company locale, so every decision here is made on ``code`` (and HTTP status), never
on text. Throttling sometimes comes back as XML even when JSON was asked for.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

import httpx

from ecom_ledger_desktop.connectors.http import retry_after_seconds
from ecom_ledger_desktop.core.errors import (
    FatalError,
    Fix,
    RecordError,
    RecordProblem,
    RetriableError,
    SyncError,
)
from ecom_ledger_desktop.core.money import loads

THROTTLE_WAIT_SECONDS = 60.0  # Intuit: "wait 60 seconds before retrying" after a 3001/429
_AUTH_CODES = {"3200"}
_FORBIDDEN_CODES = {"3100", "120"}
_COMPANY_CODES = {"6190"}
_THROTTLE_CODES = {"3001"}
_SYSTEM_CODES = {"10000"}
_DOC_NUMBER = re.compile(r"DocNumber=(?P<doc>[^\s]+)")
_TXN_ID = re.compile(r"TxnId=(?P<id>\d+)")


@dataclass(frozen=True)
class FaultError:
    """One ``Error`` entry of a QBO fault."""

    code: str
    message: str = ""
    detail: str = ""
    element: str = ""


@dataclass(frozen=True)
class ParsedFault:
    """A fault body: its ``type`` and errors (first one decides)."""

    type: str
    errors: tuple[FaultError, ...]

    @property
    def first(self) -> FaultError:
        """The error that decides the classification."""
        return self.errors[0] if self.errors else FaultError(code="")

    def codes(self) -> set[str]:
        """Every code in the fault."""
        return {error.code for error in self.errors}


class TokenExpired(RetriableError):
    """401 / 3200: the access token is expired or invalid; refresh it and resend once."""


class UnclearAnswer(SyncError):
    """An answer that neither confirms nor definitively rejects the request.

    A Fault without an error code, an error status whose body is not a Fault: the client turns
    it into ``UncertainOutcome`` for a write (it may have been applied; look it up) and into a
    ``RetriableError`` for a read. It is not retried as it is: the same answer would come back.
    """


class QboFault(RecordError):
    """A QBO validation fault for one record, with the raw code and the merchant's words."""

    def __init__(self, error: FaultError, *, record: str = "", txn_date: str = "",
                 intuit_tid: str = "", fault_type: str = "") -> None:
        super().__init__(describe(error, record=record, txn_date=txn_date))
        self.code = error.code
        self.fault_message = error.message
        self.detail = error.detail
        self.element = error.element
        self.intuit_tid = intuit_tid
        self.fault_type = fault_type
        self.error = error

    def about(self, record: str, txn_date: str = "") -> QboFault:
        """The same fault, reworded to name ``record`` (and the date for a closed period)."""
        return QboFault(self.error, record=record, txn_date=txn_date,
                        intuit_tid=self.intuit_tid, fault_type=self.fault_type)

    @property
    def existing_txn_id(self) -> str | None:
        """For 6140: the id of the transaction that already holds the number, if stated."""
        match = _TXN_ID.search(self.detail)
        return match.group("id") if match else None


def describe(error: FaultError, *, record: str = "", txn_date: str = "") -> RecordProblem:
    """The merchant-facing problem for a validation fault (chosen by code)."""
    what = record or "this record"
    detail = _detail_text(error)
    code = error.code
    retry = Fix("retry", "Try again")
    edit = Fix("edit_field", "Correct it and try again")
    if code == "610":
        return RecordProblem(
            "inactive_reference",
            f"QuickBooks says an item, customer or account on {what} has been made inactive or "
            "deleted. Make it active again in QuickBooks, or map this to another one, then retry.",
            [retry, Fix("map_sku", "Map to another item"), edit], detail)
    if code == "2500":
        return RecordProblem(
            "invalid_reference",
            f"{_cap(what)} refers to an account, item or customer that QuickBooks cannot find. "
            "Check the posting rules and mappings, then retry.",
            [edit, retry], detail)
    if code == "6140":
        doc = _DOC_NUMBER.search(error.detail)
        number = f" {doc.group('doc')}" if doc else ""
        return RecordProblem(
            "duplicate_doc_number",
            f"QuickBooks already has a transaction numbered{number}, so {what} was not posted. "
            "If that transaction is this order, mark it as posted; otherwise change the number.",
            [Fix("ignore", "It is already in QuickBooks"), edit], detail)
    if code == "6210":
        when = txn_date or "that date"
        return RecordProblem(
            "closed_period",
            f"The books are closed for {when}; QuickBooks refuses changes there ({what}).",
            [Fix("void_and_repost", "Void it and post the change in an open period"),
             Fix("edit_field", "Change the date"), Fix("ignore", "Leave the books as they are")],
            detail)
    if code == "6240":
        return RecordProblem(
            "duplicate_name",
            f"The name on {what} is already used in QuickBooks by another customer, vendor or "
            "employee (inactive ones count too). Pick the existing one or change the name.",
            [Fix("pick_customer", "Use the existing QuickBooks customer"), edit], detail)
    if code == "5010":
        return RecordProblem(
            "stale_object",
            f"Someone changed {what} in QuickBooks while we were updating it; try again.",
            [retry], detail)
    if code in ("2010", "2020", "2050", "2080", "2030"):
        field = error.element or "a field"
        return RecordProblem(
            "invalid_data",
            f"QuickBooks rejected {field} on {what} (too long, missing or in the wrong format).",
            [edit, retry], detail)
    if code in ("4000", "4001"):
        return RecordProblem(
            "invalid_query",
            f"QuickBooks could not run a search for {what}; this is a problem in the app.",
            [retry], detail)
    if code == "6000":
        return RecordProblem(
            "ledger_rejected",
            f"QuickBooks refused {what}: {(detail or 'a business rule failed').rstrip('.')}.",
            [edit, retry], detail)
    label = f"error {code}" if code else "an unrecognised error"
    return RecordProblem(
        "ledger_rejected",
        f"QuickBooks refused {what} ({label}{': ' + detail if detail else ''}).",
        [edit, retry], detail)


def parse_fault(response: httpx.Response) -> ParsedFault | None:
    """The fault in a response body (either shape, JSON or XML), or None."""
    text = response.text.strip()
    if not text:
        return None
    if text.startswith("<"):
        return _parse_xml(text)
    try:
        payload = loads(text)
    except ValueError:
        return None
    return fault_from_json(payload)


def fault_from_json(payload: Any) -> ParsedFault | None:
    """A fault from a decoded JSON body or batch item: ``Fault.Error`` or ``fault.error``."""
    if not isinstance(payload, dict):
        return None
    fault = payload.get("Fault") or payload.get("fault")
    if not isinstance(fault, dict):
        return None
    raw_errors = fault.get("Error") or fault.get("error") or []
    errors = tuple(
        FaultError(
            code=str(_pick(item, "code") or ""),
            message=str(_pick(item, "Message", "message") or ""),
            detail=str(_pick(item, "Detail", "detail") or ""),
            element=str(_pick(item, "element", "Element") or ""),
        )
        for item in raw_errors if isinstance(item, dict)
    )
    return ParsedFault(type=str(fault.get("type") or ""), errors=errors)


def _pick(item: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if item.get(key) is not None:
            return item[key]
    return None


def _parse_xml(text: str) -> ParsedFault | None:
    try:
        # The body comes from Intuit over TLS; the stdlib parser (expat >= 2.4) refuses
        # entity-expansion bombs and never fetches external entities.
        root = ET.fromstring(text)  # noqa: S314
    except ET.ParseError:
        return None
    fault = next((el for el in root.iter() if _local(el.tag) == "Fault"), None)
    if fault is None:
        return None
    errors = []
    for el in fault:
        if _local(el.tag) != "Error":
            continue
        parts = {_local(child.tag): (child.text or "").strip() for child in el}
        errors.append(FaultError(code=el.get("code", ""), message=parts.get("Message", ""),
                                 detail=parts.get("Detail", ""), element=el.get("element", "")))
    return ParsedFault(type=fault.get("type", ""), errors=tuple(errors))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def classify(response: httpx.Response) -> SyncError | None:
    """The error a QBO response stands for, or None for a success."""
    status = response.status_code
    fault = parse_fault(response) if status >= 300 or _may_hold_fault(response) else None
    if fault is None and status < 300:
        return None
    codes = fault.codes() if fault else set()
    tid = response.headers.get("intuit_tid", "")
    if status == 429 or codes & _THROTTLE_CODES:
        wait = retry_after_seconds(response)
        return RetriableError(
            "QuickBooks asked us to slow down (request limit reached); waiting before retrying",
            THROTTLE_WAIT_SECONDS if wait is None else wait)
    if codes & _AUTH_CODES or (status == 401 and not codes & _FORBIDDEN_CODES):
        return TokenExpired("QuickBooks did not accept the access token (expired or invalid)")
    if codes & _FORBIDDEN_CODES or status == 403:
        return FatalError(
            "QuickBooks refused access to this company: the app is not authorised for it, the "
            "user lost access, or a sandbox connection is pointed at production. Reconnect "
            "QuickBooks in Connections.", needs_reauthorisation=True)
    if codes & _COMPANY_CODES:
        return FatalError("QuickBooks says this company's subscription is not active; it cannot "
                          "take postings until the subscription is restored.")
    if status >= 500 or codes & _SYSTEM_CODES:
        return RetriableError(f"QuickBooks is temporarily unavailable (HTTP {status})",
                              retry_after_seconds(response))
    if fault is None or not fault.first.code:
        # only a Fault with an error code is a definitive rejection; anything else may hide a
        # write that was applied (a proxy's page, a truncated or code-less Fault)
        what = "a Fault without an error code" if fault is not None else "no Fault"
        return UnclearAnswer(f"QuickBooks answered HTTP {status} with {what} "
                             f"(intuit_tid {tid or 'unknown'})")
    return QboFault(fault.first, intuit_tid=tid, fault_type=fault.type)


def _may_hold_fault(response: httpx.Response) -> bool:
    # A 200 can carry a top-level Fault (batch items' faults are read per item by the client).
    head = response.content[:2048].lower()
    return b'"fault"' in head or b"<fault" in head


def _detail_text(error: FaultError) -> str:
    return (error.detail or error.message).strip()


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]

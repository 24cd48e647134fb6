"""QBO fault bodies in the exact shapes the real service sends.

Two families exist (reference A8):

- the API's own ``{"Fault":{"Error":[{"Message","Detail","code","element"}],"type":...},"time":...}``
  (validation, system, throttling), and
- the gateway's *lower-case* shape for 401/403 (``{"fault":{"error":[{"message",...}]}}``).

Simulator code raises :class:`QboFault`; the routing layer renders it.
"""

from __future__ import annotations

from typing import Any

STALE_DETAIL = (
    "Stale Object Error : You and root were working on this at the same time. "
    "root finished before you did, so your work was not saved."
)
INACTIVE_DETAIL = (
    "Object Not Found : Something you're trying to use has been made inactive. "
    "Check the fields with accounts, customers, items, vendors or employees."
)
BUSINESS_MESSAGE = "A business validation error has occurred while processing your request"
LENGTH_MESSAGE = "String length is either shorter or longer than supported by specification"
REQUIRED_MESSAGE = "Required param missing, need to supply the required value for the API"
THROTTLE_MESSAGE = "message=ThrottleExceeded; errorCode=003001; statusCode=429"
THROTTLE_DETAIL = "The request limit was reached.  Try again later"


class QboFault(Exception):
    """One API fault (one or more errors) with the HTTP status it is sent with."""

    def __init__(
        self,
        code: str,
        message: str,
        detail: str,
        *,
        element: str | None = "",
        status: int = 400,
        fault_type: str = "ValidationFault",
    ) -> None:
        super().__init__(f"{code} {message}: {detail}")
        self.code = code
        self.message = message
        self.detail = detail
        self.element = element
        self.status = status
        self.fault_type = fault_type

    def error(self) -> dict[str, Any]:
        """The ``Error`` array member."""
        err: dict[str, Any] = {"Message": self.message, "Detail": self.detail, "code": self.code}
        if self.element is not None:
            err["element"] = self.element
        return err

    def fault(self) -> dict[str, Any]:
        """The ``Fault`` object (also used inside batch items)."""
        return {"Error": [self.error()], "type": self.fault_type}

    def body(self, time: str) -> dict[str, Any]:
        """The whole response body."""
        return {"Fault": self.fault(), "time": time}


def stale_object() -> QboFault:
    """5010: the supplied SyncToken is not the current one."""
    return QboFault("5010", "Stale Object Error", STALE_DETAIL)


def object_not_found() -> QboFault:
    """610: the object is inactive or deleted (the real Detail mentions 'inactive' for both)."""
    return QboFault("610", "Object Not Found", INACTIVE_DETAIL)


def invalid_reference(list_name: str, ref_id: str) -> QboFault:
    """2500: a reference to an id that does not exist."""
    return QboFault(
        "2500", "Invalid Reference Id",
        f"Invalid Reference Id : {list_name} element id {ref_id} not found",
    )


def duplicate_name(what: str) -> QboFault:
    """6240: DisplayName / Name already used (inactive objects included)."""
    return QboFault(
        "6240", "Duplicate Name Exists Error",
        f"The name supplied already exists. : Another {what} is already using this name. "
        "Please use a different name.",
    )


def duplicate_docnumber(doc_number: str, txn_type_text: str, txn_id: str) -> QboFault:
    """6140: DocNumber already used by a transaction of the same type."""
    return QboFault(
        "6140", "Duplicate Document Number Error",
        "Duplicate Document Number Error : You must specify a different number. This number "
        f"has already been used. DocNumber={doc_number} is assigned to TxnType={txn_type_text} "
        f"with TxnId={txn_id}",
    )


def too_long(element: str, maximum: int, supplied: int) -> QboFault:
    """2050: a string longer than the field allows."""
    return QboFault(
        "2050", LENGTH_MESSAGE,
        "String length specified does not match the supported length. "
        f"Min:0 Max:{maximum} supported. Supplied length:{supplied}",
        element=element,
    )


def required(param: str) -> QboFault:
    """2020: a required field is missing."""
    return QboFault("2020", REQUIRED_MESSAGE, f"Required parameter {param} is missing in the request")


def business(detail: str, element: str = "") -> QboFault:
    """6000: business validation error with a specific Detail."""
    return QboFault("6000", BUSINESS_MESSAGE, f"Business Validation Error: {detail}", element=element)


def closed_period(txn_date: str, close_date: str) -> QboFault:
    """6210: the transaction date is on or before the books' closing date."""
    return QboFault(
        "6210", "Account period closed, cannot update through API",
        "Account period closed, cannot update through API : The transaction date "
        f"{txn_date} is on or before the closing date {close_date}.",
    )


def unsupported_property(name: str, entity: str, known: tuple[str, ...]) -> QboFault:
    """2010: an unknown JSON property (message modelled on the real Jackson text)."""
    listed = ", ".join(f'"{k}"' for k in known[:60])
    return QboFault(
        "2010", "Request has invalid or unsupported property",
        f'Property Name:Unrecognized field "{name}" (class com.intuit.schema.finance.v3.{entity}),'
        f" not marked as ignorable ({len(known)} known properties: {listed} [truncated]])\n"
        " specified is unsupported or invalid",
        element=None,
    )


def invalid_property(detail: str) -> QboFault:
    """2010 with a free Detail (wrong JSON type, bad parameter)."""
    return QboFault(
        "2010", "Request has invalid or unsupported property",
        f"Property Name:{detail} specified is unsupported or invalid", element=None,
    )


def unsupported_operation(detail: str) -> QboFault:
    """Code 500 'Unsupported Operation' (HTTP 400), e.g. unknown resource or unparsable body."""
    return QboFault("500", "Unsupported Operation", f"Operation {detail} is not supported.",
                    element=None)


def invalid_id(value: str) -> QboFault:
    """2030: an Id that is not a number."""
    return QboFault("2030", "Invalid ID", f"Id should be a valid number. Supplied value:{value}",
                    element="Id")


def query_parser(detail: str) -> QboFault:
    """4000: the statement does not parse."""
    return QboFault("4000", "Error parsing query", f"QueryParserError: {detail}", element=None)


def query_validation(detail: str) -> QboFault:
    """4001: the statement parses but is not valid (entity, property, paging values)."""
    return QboFault("4001", "Invalid query", f"QueryValidationError: {detail}", element=None)


def system_fault() -> QboFault:
    """10000 SystemFault (HTTP 500)."""
    return QboFault("10000", "An application error has occurred while processing your request",
                    "System Failure Error: An unexpected error occurred", element=None,
                    status=500, fault_type="SystemFault")


def throttle_body(time: str) -> dict[str, Any]:
    """429 body: JSON equivalent of the captured 3001 ThrottleExceeded fault."""
    return {"Fault": {"Error": [{"Message": THROTTLE_MESSAGE, "Detail": THROTTLE_DETAIL,
                                 "code": "3001"}], "type": "SERVICE"}, "time": time}


def throttle_xml(time: str, status: int = 429) -> bytes:
    """The same fault as XML, as captured (the service sometimes answers XML despite Accept)."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<IntuitResponse time="{time}" xmlns="http://schema.intuit.com/finance/v3">'
        '<Fault type="SERVICE"><Error code="3001">'
        f"<Message>message=ThrottleExceeded; errorCode=003001; statusCode={status}</Message>"
        f"<Detail>{THROTTLE_DETAIL}</Detail></Error></Fault></IntuitResponse>"
    ).encode()


def gateway_401(detail: str, epoch_ms: int) -> dict[str, Any]:
    """401 from the gateway: the lower-case shape captured in error_401_token_expired_3200.json."""
    return {
        "warnings": None, "intuitObject": None,
        "fault": {"error": [{
            "message": "message=AuthenticationFailed; errorCode=003200; statusCode=401",
            "detail": detail, "code": "3200", "element": None}], "type": "AUTHENTICATION"},
        "report": None, "queryResponse": None, "batchItemResponse": [], "attachableResponse": [],
        "syncErrorResponse": None, "requestId": None, "time": epoch_ms, "status": None,
        "cdcresponse": [],
    }


def gateway_403() -> dict[str, Any]:
    """403 3100: the token's app/realm is not authorized for this company."""
    return {"fault": {"error": [{
        "message": "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403",
        "detail": None, "code": "3100"}], "type": "SERVICE"}}

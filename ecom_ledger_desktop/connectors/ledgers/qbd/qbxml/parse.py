"""qbXML responses: per-request status, the records returned, iterators and message-set status.

QuickBooks answers ``<QBXML><QBXMLMsgsRs>`` with one ``…Rs`` per request (``requestID`` echoed,
``statusCode``/``statusSeverity``/``statusMessage``; queries add ``retCount``,
``iteratorRemainingCount``, ``iteratorID``). ``statusMessage`` quotes names with ``&quot;``, so
attributes are read with a real XML parser (defusedxml: no DTDs, no entity expansion). Amounts
are Decimal; records are read by element name, never by position.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from defusedxml import ElementTree as SafeET

ITEM_RETS = ("ItemServiceRet", "ItemNonInventoryRet", "ItemOtherChargeRet", "ItemInventoryRet",
             "ItemInventoryAssemblyRet", "ItemFixedAssetRet", "ItemSubtotalRet",
             "ItemDiscountRet", "ItemPaymentRet", "ItemSalesTaxRet", "ItemSalesTaxGroupRet",
             "ItemGroupRet")
TXN_RETS = ("SalesReceiptRet", "InvoiceRet", "CreditMemoRet", "ReceivePaymentRet",
            "TransactionRet", "SalesOrderRet", "ARRefundCreditCardRet")


class ResponseUnreadable(ValueError):
    """The text is not a qbXML response (not XML, or no ``QBXMLMsgsRs``)."""


@dataclass(frozen=True)
class Response:
    """One ``…Rs``: its status and the records (``…Ret`` elements) it carries."""

    tag: str
    request_id: str
    status_code: int
    severity: str
    message: str
    rets: tuple[ET.Element, ...] = ()
    ret_count: int | None = None
    iterator_id: str | None = None
    iterator_remaining: int | None = None
    element: ET.Element | None = None  # the ``…Rs`` itself (e.g. TxnVoidRs's TxnID)

    @property
    def ok(self) -> bool:
        """Processed: status 0, 1 (no match) or a warning."""
        return self.severity != "Error" and self.status_code < 1000

    @property
    def no_match(self) -> bool:
        """A query that found nothing (status 1)."""
        return self.status_code == 1


@dataclass(frozen=True)
class MessageSetResponse:
    """A whole answer: the responses in order and the message set's own status, if any."""

    responses: tuple[Response, ...]
    status_code: int | None = None  # messageSetStatusCode (error recovery)
    new_message_set_id: str | None = None

    def by_request_id(self) -> dict[str, Response]:
        """Responses keyed by ``requestID``."""
        return {r.request_id: r for r in self.responses}


@dataclass(frozen=True)
class ListRecord:
    """A customer, item or other list element as QuickBooks returned it."""

    kind: str  # Customer, ItemInventory, ItemSalesTax, …
    list_id: str
    edit_sequence: str
    name: str
    full_name: str
    is_active: bool = True
    quantity_on_hand: Decimal | None = None
    tax_rate: Decimal | None = None
    sales_price: Decimal | None = None
    email: str = ""  # customers
    notes: str = ""  # customers: ours carry "ecom-ledger key: <customer key>"
    part_number: str = ""  # items: ManufacturerPartNumber
    time_modified: str = ""  # as QuickBooks wrote it (its local time)
    time_created: datetime | None = None
    income_account: str = ""  # items: the account their sales book to (full name)


@dataclass(frozen=True)
class TxnRecord:
    """A sales receipt, invoice, credit memo, payment (or ``TransactionRet``)."""

    kind: str  # SalesReceipt, Invoice, CreditMemo, ReceivePayment, or TxnType
    txn_id: str
    edit_sequence: str = ""
    ref_number: str = ""
    txn_date: date | None = None
    customer: str = ""
    total_amount: Decimal | None = None
    memo: str = ""
    subtotal: Decimal | None = None
    sales_tax_total: Decimal | None = None
    lines: list[tuple[str, Decimal | None]] = field(default_factory=list)  # (item, amount)
    time_modified: str = ""  # as QuickBooks wrote it (its local time)
    links: list[tuple[str, str]] = field(default_factory=list)  # LinkedTxn (TxnType, TxnID)
    deposit_to: str = ""  # a receipt's or payment's DepositToAccountRef

    @property
    def voided(self) -> bool:
        """QuickBooks marks a voided transaction's memo "VOID:" (and zeroes its amounts)."""
        return self.memo.startswith("VOID:")


def parse_response(text: str) -> MessageSetResponse:
    """Every ``…Rs`` in a qbXML response document."""
    try:
        root = SafeET.fromstring(text.strip().encode("utf-8"))
    except (ET.ParseError, ValueError) as exc:
        raise ResponseUnreadable(f"not a qbXML response: {exc}") from None
    msgs = root if root.tag == "QBXMLMsgsRs" else root.find("QBXMLMsgsRs")
    if msgs is None:
        raise ResponseUnreadable("no QBXMLMsgsRs in the response")
    responses = tuple(_response(el) for el in msgs if el.tag.endswith("Rs"))
    status = msgs.get("messageSetStatusCode")
    return MessageSetResponse(responses, int(status) if status else None,
                              msgs.get("newMessageSetID"))


def _response(el: ET.Element) -> Response:
    def number(name: str) -> int | None:
        value = el.get(name)
        return int(value) if value not in (None, "") else None

    return Response(
        tag=el.tag, request_id=el.get("requestID", ""),
        status_code=int(el.get("statusCode", "0")), severity=el.get("statusSeverity", "Info"),
        message=el.get("statusMessage", ""), rets=tuple(c for c in el if c.tag.endswith("Ret")),
        ret_count=number("retCount"), iterator_id=el.get("iteratorID"),
        iterator_remaining=number("iteratorRemainingCount"), element=el)


def _text(el: ET.Element, path: str) -> str:
    found = el.find(path)
    return (found.text or "") if found is not None else ""


def _decimal(el: ET.Element, path: str) -> Decimal | None:
    value = _text(el, path).strip()
    if not value:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def _date(el: ET.Element, path: str) -> date | None:
    value = _text(el, path).strip()
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _moment(el: ET.Element, path: str) -> datetime | None:
    """A ``DATETIMETYPE`` (QuickBooks writes the company's local time with its offset)."""
    value = _text(el, path).strip()
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def list_record(ret: ET.Element) -> ListRecord:
    """A ``CustomerRet``/``Item…Ret``/``AccountRet`` as a :class:`ListRecord`."""
    return ListRecord(
        kind=ret.tag.removesuffix("Ret"), list_id=_text(ret, "ListID"),
        edit_sequence=_text(ret, "EditSequence"), name=_text(ret, "Name"),
        full_name=_text(ret, "FullName") or _text(ret, "Name"),
        is_active=_text(ret, "IsActive") != "false",
        quantity_on_hand=_decimal(ret, "QuantityOnHand"), tax_rate=_decimal(ret, "TaxRate"),
        sales_price=_decimal(ret, "SalesPrice"), email=_text(ret, "Email"),
        notes=_text(ret, "Notes"), part_number=_text(ret, "ManufacturerPartNumber"),
        time_modified=_text(ret, "TimeModified"), time_created=_moment(ret, "TimeCreated"),
        income_account=_text(ret, "IncomeAccountRef/FullName")
        or _text(ret, "SalesOrPurchase/AccountRef/FullName")
        or _text(ret, "SalesAndPurchase/IncomeAccountRef/FullName"))


def txn_record(ret: ET.Element) -> TxnRecord:
    """A ``SalesReceiptRet``/``InvoiceRet``/``CreditMemoRet``/``ReceivePaymentRet``/
    ``TransactionRet`` as a :class:`TxnRecord`."""
    kind = _text(ret, "TxnType") or ret.tag.removesuffix("Ret")
    total = _decimal(ret, "TotalAmount")
    if total is None:
        total = _decimal(ret, "Amount")  # TransactionRet
    subtotal, tax = _decimal(ret, "Subtotal"), _decimal(ret, "SalesTaxTotal")
    if total is None and subtotal is not None:  # InvoiceRet has no TotalAmount
        total = subtotal + (tax or Decimal(0))
    lines = [(_text(line, "ItemRef/FullName"), _decimal(line, "Amount"))
             for line in ret if line.tag.endswith("LineRet")]
    return TxnRecord(
        kind=kind, txn_id=_text(ret, "TxnID"), edit_sequence=_text(ret, "EditSequence"),
        ref_number=_text(ret, "RefNumber"), txn_date=_date(ret, "TxnDate"),
        customer=_text(ret, "CustomerRef/FullName") or _text(ret, "EntityRef/FullName"),
        total_amount=total, memo=_text(ret, "Memo"), subtotal=subtotal,
        sales_tax_total=tax, lines=lines, time_modified=_text(ret, "TimeModified"),
        links=[(_text(link, "TxnType"), _text(link, "TxnID")) for link in ret
               if link.tag == "LinkedTxn"],
        deposit_to=_text(ret, "DepositToAccountRef/FullName"))


def list_records(response: Response) -> list[ListRecord]:
    """Every list element in a query or add response."""
    return [list_record(ret) for ret in response.rets]


def txn_records(response: Response) -> list[TxnRecord]:
    """Every transaction in a query or add response."""
    return [txn_record(ret) for ret in response.rets if ret.tag in TXN_RETS]


def stock_levels(responses: list[Response] | tuple[Response, ...]) -> dict[str, Decimal]:
    """``QuantityOnHand`` per inventory item full name (the store's stock), across responses."""
    levels: dict[str, Decimal] = {}
    for response in responses:
        for ret in response.rets:
            if ret.tag in ("ItemInventoryRet", "ItemInventoryAssemblyRet"):
                record = list_record(ret)
                levels[record.full_name] = record.quantity_on_hand or Decimal(0)
    return levels


def taken_names(responses: list[Response] | tuple[Response, ...]) -> set[str]:
    """The names the customer/vendor/employee/other-name queries found (already in use)."""
    return {record.full_name for response in responses if response.ok
            for record in list_records(response)}

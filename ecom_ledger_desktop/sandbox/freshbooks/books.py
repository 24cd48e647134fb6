"""One FreshBooks business's accounting records and the arithmetic FreshBooks applies to them.

Records are plain dicts shaped like FreshBooks' JSON (money ``{"amount": "0.00", "code"}``,
``qty`` and tax percents as strings, ``updated`` naive US/Eastern). Invoice math (reference D5):
a line's ``amount`` is qty × unit cost; ``discount_value`` is a percent taken off before tax;
``taxAmount1/2`` are percents; each tax is rounded half-up to cents per line; ``compounded_tax``
puts tax 2 on top of tax 1. Payments move ``payment_status``/``v3_status``; ``status`` stays 2.
"""

from __future__ import annotations

import itertools
import threading
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from ecom_ledger_desktop.sandbox.server import SimClock

CENT = Decimal("0.01")
EASTERN = ZoneInfo("America/New_York")
#: path "<group>/<resource>" -> (plural key, singular key)
RESOURCES = {
    "users/clients": ("clients", "client"),
    "items/items": ("items", "item"),
    "taxes/taxes": ("taxes", "tax"),
    "invoices/invoices": ("invoices", "invoice"),
    "payments/payments": ("payments", "payment"),
    "credit_notes/credit_notes": ("credit_notes", "credit_note"),
}
PAYMENT_TYPES = ("Check", "Credit", "Cash", "Bank Transfer", "Credit Card", "Debit", "PayPal",
                 "2Checkout", "VISA", "MASTERCARD", "DISCOVER", "AMEX", "DINERS", "JCB", "ACH",
                 "Other")


class Invalid(Exception):
    """A request FreshBooks refuses: its legacy error fields and HTTP status."""

    def __init__(self, errno: int, field: str, message: str, obj: str, value: Any = "",
                 status: int = 422) -> None:
        super().__init__(message)
        self.errno, self.field, self.message, self.obj = errno, field, message, obj
        self.value, self.status = value, status


def dec(value: Any) -> Decimal:
    """A wire number (str/int, or ``{"amount": ...}``) as Decimal; Invalid when it is not one."""
    if isinstance(value, dict):
        value = value.get("amount", "0")
    try:
        return Decimal(str(value if value not in (None, "") else "0"))
    except ArithmeticError:
        raise Invalid(2001, "amount", "Amount is not a number.", "invoice", value) from None


def cents(value: Decimal) -> Decimal:
    """Half-up to cents, as FreshBooks rounds each tax."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal, code: str) -> dict[str, str]:
    """FreshBooks' money object."""
    return {"amount": f"{cents(value):.2f}", "code": code}


def text_number(value: Decimal) -> str:
    """A percent or quantity as FreshBooks writes it ("13", "8.25")."""
    return format(value.normalize(), "f")


class Books:
    """Every record of one account, by resource path and id (guard with ``lock``)."""

    def __init__(self, account_id: str, clock: SimClock, currency: str = "USD") -> None:
        self.account_id = account_id
        self.clock = clock
        self.currency = currency
        self.lock = threading.RLock()
        self.records: dict[str, dict[int, dict[str, Any]]] = {path: {} for path in RESOURCES}
        self._ids = itertools.count(1001)
        self._invoice_numbers = itertools.count(1)
        self._credit_numbers = itertools.count(1)

    def stamp(self) -> str:
        """``updated`` as FreshBooks writes it: naive US/Eastern."""
        return self.clock.now().astimezone(EASTERN).strftime("%Y-%m-%d %H:%M:%S")

    def today(self) -> str:
        """The business's date today (US/Eastern)."""
        return self.clock.now().astimezone(EASTERN).date().isoformat()

    # -- writes -----------------------------------------------------------------------------
    def create(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """A new record from a write body's object; returns the stored record."""
        new_id = next(self._ids)
        record: dict[str, Any] = {"id": new_id, "accounting_systemid": self.account_id,
                                  "vis_state": 0, "updated": self.stamp()}
        shape = getattr(self, "_new_" + path.split("/")[1])
        record.update(shape(new_id, body))
        self.records[path][new_id] = record
        self._settle()
        return record

    def update(self, path: str, record_id: int, body: dict[str, Any]) -> dict[str, Any]:
        """Apply a PUT body (``vis_state`` soft-deletes; invoice ``lines`` replace all lines)."""
        record = self.get(path, record_id)
        if path == "invoices/invoices" and body.pop("action_mark_as_sent", False):
            record["status"], record["display_status"] = 2, "sent"
            record["v3_status"] = "sent" if record.get("v3_status") == "draft" \
                else record.get("v3_status")
        if "lines" in body:
            record["lines"] = _lines(body.pop("lines"), record["currency_code"], record["id"],
                                     self.stamp())
        for key, value in body.items():
            if key in ("id", "accounting_systemid", "amount", "paid", "outstanding"):
                continue
            record[key] = value
        if path == "payments/payments" and "amount" in body:
            record["amount"] = money(dec(body["amount"]), record["amount"]["code"])
        record["updated"] = self.stamp()
        self._settle()
        return record

    def get(self, path: str, record_id: int) -> dict[str, Any]:
        """A record by id (deleted ones too); Invalid 404 when there is none."""
        record = self.records[path].get(record_id)
        if record is None:
            name = RESOURCES[path][1]
            raise Invalid(1012, f"{name}id" if name != "client" else "userid",
                          f"{name.replace('_', ' ').capitalize()} not found.", name,
                          str(record_id), 404)
        return record

    # -- shapes -----------------------------------------------------------------------------
    def _new_clients(self, new_id: int, body: dict[str, Any]) -> dict[str, Any]:
        blank = {key: "" for key in ("fname", "lname", "organization", "email", "bus_phone",
                                     "mob_phone", "p_street", "p_street2", "p_city",
                                     "p_province", "p_code", "p_country", "s_street",
                                     "s_street2", "s_city", "s_province", "s_code", "s_country")}
        record = {**blank, "userid": new_id, "currency_code": self.currency, "note": None,
                  "signup_date": self.clock.now().strftime("%Y-%m-%d %H:%M:%S"),
                  "role": "client", "vat_name": None, "vat_number": None}
        record.update({k: v for k, v in body.items() if k not in ("id", "userid")})
        if not (record["email"] or record["organization"] or record["fname"]
                or record["lname"]):
            raise Invalid(1, "organization", "A client needs a name, organization or email.",
                          "client")
        if not record["organization"] and not (record["fname"] or record["lname"]):
            record["organization"] = record["email"]
        return record

    def _new_items(self, new_id: int, body: dict[str, Any]) -> dict[str, Any]:
        if not str(body.get("name") or "").strip():
            raise Invalid(2, "name", "This field is required.", "item")
        cost = body.get("unit_cost") or {}
        return {"itemid": new_id, "name": body["name"], "description": body.get("description"),
                "sku": body.get("sku"), "qty": str(body.get("qty", "0")),
                "inventory": body.get("inventory"), "tax1": body.get("tax1", 0),
                "tax2": body.get("tax2", 0),
                "unit_cost": money(dec(cost), cost.get("code") or self.currency)}

    def _new_taxes(self, new_id: int, body: dict[str, Any]) -> dict[str, Any]:
        if not str(body.get("name") or "").strip():
            raise Invalid(2, "name", "This field is required.", "tax")
        return {"taxid": new_id, "name": body["name"],
                "amount": text_number(dec(body.get("amount"))), "number": body.get("number"),
                "compound": bool(body.get("compound", False))}

    def _new_invoices(self, new_id: int, body: dict[str, Any]) -> dict[str, Any]:
        client = self._client_of(body.get("customerid"), "invoice")
        code = str(body.get("currency_code") or client.get("currency_code") or self.currency)
        number = body.get("invoice_number")
        if number and any(i.get("invoice_number") == number and i["vis_state"] != 1
                          for i in self.records["invoices/invoices"].values()):
            raise Invalid(10010, "invoice_number", "Invoice number already exists.", "invoice",
                          number, 409)
        create_date = str(body.get("create_date") or self.today())
        record: dict[str, Any] = {
            "invoiceid": new_id, "accountid": self.account_id,
            "invoice_number": number or f"{next(self._invoice_numbers):07d}",
            "customerid": client["id"], "create_date": create_date, "due_date": create_date,
            "due_offset_days": int(body.get("due_offset_days") or 0), "currency_code": code,
            "created_at": self.stamp(), "discount_value": str(body.get("discount_value") or "0"),
            "discount_description": body.get("discount_description"),
            "po_number": body.get("po_number"), "notes": body.get("notes") or "",
            "terms": body.get("terms"), "organization": client.get("organization") or "",
            "fname": client.get("fname") or "", "lname": client.get("lname") or "",
            "status": 1, "v3_status": "draft", "display_status": "draft",
            "payment_status": "unpaid", "date_paid": None, "description": body.get("description"),
            "lines": _lines(body.get("lines") or [], code, new_id, self.stamp()),
        }
        if body.get("action_mark_as_sent"):
            record["status"], record["v3_status"], record["display_status"] = 2, "sent", "sent"
        return record

    def _new_payments(self, new_id: int, body: dict[str, Any]) -> dict[str, Any]:
        invoice = self.records["invoices/invoices"].get(int(body.get("invoiceid") or 0))
        if invoice is None or invoice["vis_state"] == 1:
            raise Invalid(1012, "invoiceid", "Invoice not found.", "payment",
                          str(body.get("invoiceid")), 404)
        kind = str(body.get("type") or "Other")
        if kind not in PAYMENT_TYPES:
            raise Invalid(2002, "type", f"Invalid payment type '{kind}'.", "payment", kind)
        amount = dec(body.get("amount"))
        if amount <= 0:
            raise Invalid(2003, "amount", "Amount must be greater than zero.", "payment",
                          str(amount))
        return {"logid": new_id, "invoiceid": invoice["id"], "clientid": invoice["customerid"],
                "amount": money(amount, invoice["currency_code"]),
                "date": str(body.get("date") or self.today()), "type": kind,
                "note": body.get("note") or "", "creditid": None, "from_credit": False,
                "gateway": None, "orderid": None, "overpaymentid": None, "transactionid": None}

    def _new_credit_notes(self, new_id: int, body: dict[str, Any]) -> dict[str, Any]:
        client = self._client_of(body.get("clientid"), "credit_note")
        code = str(body.get("currency_code") or client.get("currency_code") or self.currency)
        kind = str(body.get("credit_type") or "goodwill")
        if kind not in ("goodwill", "overpayment", "prepayment"):
            raise Invalid(2004, "credit_type", f"Invalid credit type '{kind}'.", "credit_note",
                          kind)
        return {"creditid": new_id, "clientid": client["id"], "currency_code": code,
                "credit_number": body.get("credit_number")
                or f"CN{next(self._credit_numbers):05d}",
                "create_date": str(body.get("create_date") or self.today()),
                "credit_type": kind, "notes": body.get("notes") or "",
                "terms": body.get("terms"), "display_status": "sent", "status": "sent",
                "lines": _lines(body.get("lines") or [], code, new_id, self.stamp(),
                                owner="creditid")}

    def _client_of(self, client_id: Any, obj: str) -> dict[str, Any]:
        try:
            client = self.records["users/clients"].get(int(client_id or 0))
        except (TypeError, ValueError):
            client = None
        if client is None or client["vis_state"] == 1:
            raise Invalid(1012, "customerid" if obj == "invoice" else "clientid",
                          "Client not found.", obj, str(client_id), 404)
        return client

    # -- derived figures --------------------------------------------------------------------
    def _settle(self) -> None:
        """Recompute every invoice's totals and payment state, and credit notes' amounts."""
        paid: dict[int, Decimal] = {}
        last_paid: dict[int, str] = {}
        for pay in self.records["payments/payments"].values():
            if pay["vis_state"] == 0:
                invoice_id = pay["invoiceid"]
                paid[invoice_id] = paid.get(invoice_id, Decimal(0)) + dec(pay["amount"])
                last_paid[invoice_id] = max(last_paid.get(invoice_id, ""), pay["date"])
        for invoice in self.records["invoices/invoices"].values():
            percent = dec(invoice.get("discount_value"))
            net, discount, tax = totals(invoice["lines"], percent)
            code = invoice["currency_code"]
            total = net + discount + tax
            got = paid.get(invoice["id"], Decimal(0))
            invoice["amount"] = money(total, code)
            invoice["discount_total"] = money(discount, code)
            invoice["paid"] = money(got, code)
            invoice["outstanding"] = money(max(total - got, Decimal(0)), code)
            if got <= 0:
                invoice["payment_status"] = "unpaid"
                invoice["date_paid"] = None
                if invoice["v3_status"] in ("partial", "paid"):
                    invoice["v3_status"] = invoice["display_status"]
            else:
                state = "paid" if got >= total else "partial"
                invoice["payment_status"] = invoice["v3_status"] = state
                invoice["date_paid"] = last_paid.get(invoice["id"])
        for note in self.records["credit_notes/credit_notes"].values():
            net, _, tax = totals(note["lines"], Decimal(0))
            note["amount"] = money(net + tax, note["currency_code"])


def _lines(raw: list[dict[str, Any]], code: str, owner_id: int, stamp: str,
           owner: str = "invoiceid") -> list[dict[str, Any]]:
    lines = []
    for number, line in enumerate(raw, start=1):
        qty = dec(line.get("qty", "1"))
        cost = line.get("unit_cost") or {}
        unit = dec(cost)
        if isinstance(cost, dict) and cost.get("code") and cost["code"] != code:
            raise Invalid(2005, "unit_cost", "Line currency differs from the invoice currency.",
                          "invoice", cost["code"])
        lines.append({
            "lineid": number, owner: owner_id, "name": line.get("name") or "",
            "description": line.get("description") or "", "qty": text_number(qty),
            "type": int(line.get("type") or 0), "unit_cost": money(unit, code),
            "amount": money(qty * unit, code),
            "taxName1": line.get("taxName1") or "", "taxAmount1": _percent(line, 1),
            "taxName2": line.get("taxName2") or None, "taxAmount2": _percent(line, 2),
            "compounded_tax": bool(line.get("compounded_tax", False)), "expenseid": 0,
            "updated": stamp})
    return lines


def _percent(line: dict[str, Any], which: int) -> str:
    value = line.get(f"taxAmount{which}")
    return text_number(dec(value)) if value not in (None, "") else "0"


def line_taxes(line: dict[str, Any], percent_off: Decimal) -> list[tuple[str, Decimal]]:
    """The taxes FreshBooks computes on one line: (tax name, amount rounded to cents)."""
    base = dec(line["amount"]) * (1 - percent_off / 100)
    out: list[tuple[str, Decimal]] = []
    first = cents(base * dec(line.get("taxAmount1")) / 100) if line.get("taxName1") else None
    if first is not None:
        out.append((str(line["taxName1"]), first))
    if line.get("taxName2"):
        on = base + (first or Decimal(0)) if line.get("compounded_tax") else base
        out.append((str(line["taxName2"]), cents(on * dec(line.get("taxAmount2")) / 100)))
    return out


def totals(lines: list[dict[str, Any]], percent_off: Decimal
           ) -> tuple[Decimal, Decimal, Decimal]:
    """(lines' net amount, the discount (negative), the tax) of an invoice or credit note."""
    net = sum((dec(line["amount"]) for line in lines), Decimal(0))
    discount = -cents(net * percent_off / 100)
    tax = sum((amount for line in lines for _, amount in line_taxes(line, percent_off)),
              Decimal(0))
    return net, discount, tax


def parse_stamp(value: str) -> datetime:
    """An ``updated`` stamp (naive US/Eastern) as an aware instant."""
    return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=EASTERN)

"""A QuickBooks Web Connector that drives a SOAP service exactly as the real one does.

One update session: serverVersion, clientVersion, authenticate, then (unless "none", "nvu" or
"busy") the sendRequestXML / receiveResponseXML loop with QuickBooks in between, connectionError
when the company file cannot be opened, getLastError after a negative percent or an empty request,
and closeConnection (after an error too, unless ``close_after_error`` is off: Intuit documents
it for a successful update only, so a service must cope either way). ``kill_at`` ends a session
abruptly at a chosen point, as when the Web Connector or its computer dies; a call the service does
not answer in time ends it as well.
"""

from __future__ import annotations

import enum
import ssl
from dataclasses import dataclass, field
from typing import Any, Literal

from ecom_ledger_desktop.sandbox.qbwc.envelopes import MalformedReply, SoapFaultReceived
from ecom_ledger_desktop.sandbox.qbwc.quickbooks import QuickBooksDesktop, QuickBooksError
from ecom_ledger_desktop.sandbox.qbwc.transport import (
    EXCHANGE_TIMEOUT,
    ExchangeTimedOut,
    ServiceUnreachable,
    SoapTransport,
)

CLIENT_VERSION = "2.3.0.215"
NOOP_LIMIT = 3  # getLastError "NoOp" pauses; after a few the simulated Web Connector gives up
Outcome = Literal["done", "no_work", "nvu", "busy", "connection_error", "error", "refused",
                  "timeout", "unreachable", "killed"]


class KillAt(enum.Enum):
    """Where a session dies."""

    AFTER_REQUEST = "after_request"  # the Web Connector got a request, QuickBooks never saw it
    AFTER_APPLY = "after_apply"  # QuickBooks applied the request; its answer never reached the service
    ANSWER_LOST = "answer_lost"  # the service took the answer; the connection dropped before its reply


@dataclass
class SessionReport:
    """What happened in one update session (what the Web Connector's log would show)."""

    outcome: Outcome
    calls: list[str] = field(default_factory=list)
    exchanges: int = 0
    percents: list[int] = field(default_factory=list)
    last_error: str = ""
    close_message: str = ""
    server_version: str = ""
    auth: list[str] = field(default_factory=list)

    @property
    def postpone_seconds(self) -> int | None:
        """The service's "try again in N seconds" (authenticate's third value), if any."""
        return int(self.auth[2]) if len(self.auth) > 2 and self.auth[2].strip() else None

    @property
    def min_run_seconds(self) -> int | None:
        """The service's floor on the schedule (authenticate's fourth value), if any."""
        return int(self.auth[3]) if len(self.auth) > 3 and self.auth[3].strip() else None


class WebConnectorSimulator:
    """Runs update sessions against ``url`` with ``username``/``password`` (from the .qwc file);
    ``local_address`` stands it on another computer (calls from that loopback address)."""

    def __init__(self, url: str, username: str, password: str, quickbooks: QuickBooksDesktop | None = None,
                 verify: ssl.SSLContext | bool = True, timeout: float = EXCHANGE_TIMEOUT,
                 version: str = CLIENT_VERSION, close_after_error: bool = True,
                 local_address: str | None = None) -> None:
        self.url = url
        self.username = username
        self.password = password
        self.quickbooks = quickbooks or QuickBooksDesktop()
        self.version = version
        self.close_after_error = close_after_error
        self.transport = SoapTransport(url, verify=verify, timeout=timeout, local_address=local_address)
        self.sessions: list[SessionReport] = []

    def close(self) -> None:
        """Release the HTTP connections."""
        self.transport.close()

    def __enter__(self) -> WebConnectorSimulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run_session(self, kill_at: KillAt | None = None, kill_on_exchange: int = 1) -> SessionReport:
        """One update, as when the schedule fires or the user clicks "Update Selected"."""
        report = SessionReport("error")
        try:
            self._session(report, kill_at, kill_on_exchange)
        except ExchangeTimedOut as exc:
            report.outcome, report.last_error = "timeout", str(exc)
        except ServiceUnreachable as exc:
            report.outcome, report.last_error = "unreachable", str(exc)
        except MalformedReply as exc:  # QBWC1012 / QBWC1042 in the real Web Connector
            report.outcome, report.last_error = "error", str(exc)
        except SoapFaultReceived as exc:
            report.outcome, report.last_error = "error", f"the service sent a SOAP fault: {exc}"
        self.sessions.append(report)
        return report

    def _call(self, report: SessionReport, operation: str, *params: tuple[str, str]) -> Any:
        report.calls.append(operation)
        return self.transport.call(operation, list(params))

    def _session(self, report: SessionReport, kill_at: KillAt | None, kill_on_exchange: int) -> None:
        report.server_version = self._call(report, "serverVersion")
        answer = self._call(report, "clientVersion", ("strVersion", self.version))
        if answer.startswith(("E:", "O:")):
            report.outcome, report.last_error = "refused", answer
            return
        report.auth = self._call(report, "authenticate", ("strUserName", self.username),
                                 ("strPassword", self.password))
        ticket, status = report.auth[0], report.auth[1]
        if status in ("nvu", "none", "busy"):
            report.outcome = {"nvu": "nvu", "none": "no_work", "busy": "busy"}[status]  # type: ignore[assignment]
            return
        company_file = status
        for _attempt in range(3):
            try:
                self.quickbooks.open(company_file)
                break
            except QuickBooksError as failure:
                reply = self._call(report, "connectionError", ("ticket", ticket),
                                   ("hresult", failure.hresult), ("message", failure.message))
                if reply.strip().lower() == "done":
                    report.outcome, report.last_error = "connection_error", failure.message
                    self._close_after_error(report, ticket)
                    return
                # Intuit's guide: another path = try that file; "" = try whichever file is open
                company_file = reply
        else:
            report.outcome = "connection_error"  # the Web Connector gives up after a few tries
            return
        try:
            opened = company_file or self.quickbooks.company_file
            self._loop(report, ticket, opened, kill_at, kill_on_exchange)
        finally:
            self.quickbooks.close()

    def _close_after_error(self, report: SessionReport, ticket: str) -> None:
        if self.close_after_error:
            report.close_message = self._call(report, "closeConnection", ("ticket", ticket))

    def _loop(self, report: SessionReport, ticket: str, company_file: str, kill_at: KillAt | None,
              kill_on_exchange: int) -> None:
        qb = self.quickbooks
        major, minor = qb.qbxml_version
        first, noops = True, 0
        while True:
            request = self._call(report, "sendRequestXML", ("ticket", ticket),
                                 ("strHCPResponse", qb.host_response if first else ""),
                                 ("strCompanyFileName", company_file), ("qbXMLCountry", qb.country),
                                 ("qbXMLMajorVers", str(major)), ("qbXMLMinorVers", str(minor)))
            first = False
            if not request:
                report.last_error = self._call(report, "getLastError", ("ticket", ticket))
                if report.last_error == "NoOp" and noops < NOOP_LIMIT:
                    noops += 1
                    continue
                report.outcome = "error"
                self._close_after_error(report, ticket)
                return
            exchange = report.exchanges + 1
            if kill_at is KillAt.AFTER_REQUEST and exchange == kill_on_exchange:
                report.outcome = "killed"
                return
            response, hresult, message = "", "", ""
            try:
                response = qb.execute(request)
            except QuickBooksError as refused:
                hresult, message = refused.hresult, refused.message
            if kill_at is KillAt.AFTER_APPLY and exchange == kill_on_exchange:
                report.outcome = "killed"
                return
            params = (("ticket", ticket), ("response", response), ("hresult", hresult), ("message", message))
            if kill_at is KillAt.ANSWER_LOST and exchange == kill_on_exchange:
                report.calls.append("receiveResponseXML")
                self.transport.call_and_drop("receiveResponseXML", list(params))
                report.outcome = "killed"
                return
            percent = self._call(report, "receiveResponseXML", *params)
            report.exchanges = exchange
            report.percents.append(percent)
            if percent < 0:
                report.last_error = self._call(report, "getLastError", ("ticket", ticket))
                report.outcome = "error"
                self._close_after_error(report, ticket)
                return
            if percent >= 100:
                report.outcome = "done"
                report.close_message = self._call(report, "closeConnection", ("ticket", ticket))
                return

"""A QuickBooks Web Connector simulator: drives a Web Connector SOAP service over HTTP(S) on
loopback as the real one does, with QuickBooks behind it as a pluggable ``process(request_xml)``.

Public surface::

    from ecom_ledger_desktop.sandbox.qbwc import QuickBooksDesktop, WebConnectorSimulator, KillAt
    qb = QuickBooksDesktop(process=company.process, on_session_end=company.end_session)  # or echo
    with WebConnectorSimulator(url, "user", "password", qb) as wc:
        report = wc.run_session()                            # report.outcome == "done"
        wc.run_session(kill_at=KillAt.AFTER_APPLY)           # dies after QuickBooks applied a request
    WebConnectorSchedule(wc, every_minutes=15, clock=clock).tick()

It shares no code with the app's service.
"""

from ecom_ledger_desktop.sandbox.qbwc.quickbooks import (
    QuickBooksDesktop,
    QuickBooksError,
    could_not_start,
    echo,
    parse_error,
)
from ecom_ledger_desktop.sandbox.qbwc.schedule import WebConnectorSchedule
from ecom_ledger_desktop.sandbox.qbwc.simulator import KillAt, SessionReport, WebConnectorSimulator

__all__ = [
    "KillAt",
    "QuickBooksDesktop",
    "QuickBooksError",
    "SessionReport",
    "WebConnectorSchedule",
    "WebConnectorSimulator",
    "could_not_start",
    "echo",
    "parse_error",
]

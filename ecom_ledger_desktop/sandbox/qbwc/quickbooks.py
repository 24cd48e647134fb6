"""The QuickBooks side the simulated Web Connector talks to: a company file that may fail to open,
and a pluggable ``process(request_xml) -> response_xml`` (the company simulator, or an echo)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

HOST_RESPONSE = (
    '<?xml version="1.0" ?><QBXML><QBXMLMsgsRs>'
    '<HostQueryRs requestID="0" statusCode="0" statusSeverity="Info" statusMessage="Status OK"><HostRet>'
    "<ProductName>QuickBooks Enterprise Solutions 24.0</ProductName><MajorVersion>34</MajorVersion>"
    "<MinorVersion>0</MinorVersion><Country>US</Country><SupportedQBXMLVersion>13.0</SupportedQBXMLVersion>"
    "<IsAutomaticLogin>false</IsAutomaticLogin><QBFileMode>MultiUser</QBFileMode></HostRet></HostQueryRs>"
    "</QBXMLMsgsRs></QBXML>"
)


class QuickBooksError(Exception):
    """QuickBooks (its request processor) failed with an HRESULT and a message."""

    def __init__(self, hresult: str, message: str) -> None:
        super().__init__(f"{hresult}: {message}")
        self.hresult = hresult
        self.message = message


def could_not_start() -> QuickBooksError:
    """What the request processor reports when QuickBooks cannot be started (a dialog, no login)."""
    return QuickBooksError("0x80040408", "Could not start QuickBooks.")


def parse_error() -> QuickBooksError:
    """What QuickBooks reports for a request it cannot read (schema order, bad characters)."""
    return QuickBooksError("0x80040400",
                           "QuickBooks found an error when parsing the provided XML text stream.")


def echo(request_xml: str) -> str:
    """A stand-in QuickBooks that answers every request with a fixed OK message set."""
    return ('<?xml version="1.0" ?><QBXML><QBXMLMsgsRs><HostQueryRs statusCode="0" statusSeverity="Info" '
            f'statusMessage="Status OK" requestID="{len(request_xml)}"/></QBXMLMsgsRs></QBXML>')


@dataclass
class QuickBooksDesktop:
    """What runs beside the Web Connector: a company file and the code that executes qbXML.

    ``open_error`` makes opening the company file fail (QuickBooks closed, a dialog open, …);
    ``process`` may raise ``QuickBooksError`` (or any exception with an ``hresult`` attribute, such
    as the company simulator's parse error) to refuse a request whole. ``on_session_end`` runs when
    the Web Connector's connection to QuickBooks ends, however the session ended (iterators die).
    """

    process: Callable[[str], str] = echo
    company_file: str = r"C:\Users\Public\Documents\Intuit\QuickBooks\Company Files\Acme.QBW"
    country: str = "US"
    qbxml_version: tuple[int, int] = (13, 0)
    host_response: str = HOST_RESPONSE
    open_error: QuickBooksError | None = None
    on_session_end: Callable[[], None] | None = None
    opened: list[str] = field(default_factory=list)
    applied: list[str] = field(default_factory=list)  # requests QuickBooks executed, in order

    def open(self, company_file: str) -> None:
        """Open ``company_file`` ("" = whichever is open); raise ``QuickBooksError`` on failure."""
        if self.open_error is not None:
            raise self.open_error
        self.opened.append(company_file or self.company_file)

    def execute(self, request_xml: str) -> str:
        """Run one qbXML request document."""
        try:
            response = self.process(request_xml)
        except QuickBooksError:
            raise
        except Exception as exc:
            hresult = getattr(exc, "hresult", None)
            if not isinstance(hresult, str):
                raise
            raise QuickBooksError(hresult, str(exc)) from exc
        self.applied.append(request_xml)
        return response

    def close(self) -> None:
        """The Web Connector let go of QuickBooks."""
        if self.on_session_end is not None:
            self.on_session_end()

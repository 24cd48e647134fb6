"""qbXML 13.0 for QuickBooks Desktop: typed request builders, message sets and response parsers.

Element order is declared here, in the field order of small dataclasses (``build``), never taken
from Intuit's XSD at run time: the XSD may be used to validate in tests and simulators but is not
shipped. Tests validate every request these builders produce against the 13.0 schema.
"""

QBXML_VERSION = "13.0"

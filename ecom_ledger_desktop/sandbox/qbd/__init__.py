"""QuickBooks Desktop company simulator: executes qbXML request documents as QuickBooks'
request processor does (``QbdCompanySimulator.process``), with a seedable company and the
figures a month-end review reads. Shares no code with the client (``connectors/ledgers/qbd``)."""

from .schema_order import QbxmlParseError
from .seed import seed_company, seed_inventory
from .simulator import QbdCompanySimulator
from .state import Company

__all__ = ["Company", "QbdCompanySimulator", "QbxmlParseError", "seed_company", "seed_inventory"]

"""qbXML 13.0 for QuickBooks Desktop: typed request builders, message sets and response parsers.

Element order is declared here, in the field order of small dataclasses (``build``), never taken
from Intuit's XSD at run time: the XSD may be used to validate in tests and simulators but is not
shipped. Tests validate every request these builders produce against the 13.0 schema.

- ``build``: the dataclass → element machinery, ``Ref``, ``Request``, ``message_set`` (onError,
  newMessageSetID / oldMessageSetID error recovery).
- ``lists``: customers (add, mod, query), items of every type (query, add), name queries across
  the shared customer/vendor/employee/other-name list, iterators.
- ``transactions``: SalesReceiptAdd, InvoiceAdd, CreditMemoAdd, ReceivePaymentAdd, TxnVoid and
  the queries by RefNumber (per type, and TransactionQuery across types).
- ``mods``: SalesReceiptMod, InvoiceMod, CreditMemoMod (an edited order, lines replaced).
- ``books``, ``entities``, ``documents``: the ledger model (``models/ledger.py``) as requests,
  the QuickBooks Desktop way (tax, keys, currency); ``settle`` and ``check_posted`` read back.
- ``parse``: responses (status per request, records, stock, iterators, message-set status);
  ``company``: the company's preferences.

Limits and the shortening rule are in ``qbd.limits``; status codes in ``qbd.errors``.
"""

QBXML_VERSION = "13.0"

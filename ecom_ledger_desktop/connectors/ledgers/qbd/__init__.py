"""QuickBooks Desktop (Enterprise, Premier, Pro) on the local network, reached through the QuickBooks
Web Connector: qbXML requests and responses (``qbxml``) and the SOAP service the Web Connector
calls (``webconnector``).

How the sync reaches it (the engine does not change shape: QuickBooks Desktop is a ``PushLedger``):

- ``ledger.QbdLedger`` turns each engine operation into a qbXML message set and puts it in the
  connection's ``mailbox.Mailbox``, waiting (bounded) for QuickBooks' answer; without an open Web
  Connector session it raises ``LedgerAway`` at once and the postings wait, saying why.
  ``batch`` sends a backlog 25 adds to a message set (``BatchLedger``); ``recovery`` settles a
  batch whose answer was lost from QuickBooks' kept answer (``oldMessageSetID``). An edited
  order's document is changed in place (``qbxml.mods``: ``…Mod`` with the current EditSequence).
- ``source.JournalExchangeSource`` is the ``ExchangeSource`` the SOAP service drains: when the Web
  Connector signs in with postings waiting it starts a sync run of each pair posting to the
  company, opens the session with a preferences query, keeps it alive while a run prepares the
  next request, and reports 100 % once the runs end.
- ``host.QbdWebConnectorHost`` is the kind's companion service (started and stopped with the app
  or ``ecom-ledger schedule``): the endpoint thread, the source, the names chosen in QuickBooks and
  the Web Connector's status kept in SQLite (migration 5), restored at the next start.
- ``kind`` declares the connection kind (settings, the issued password, ``save-qwc``, the status
  line, the app's panel); ``presence`` and ``setup`` read what the CLI and the app show.
"""

"""QuickBooks Desktop (Enterprise, Premier, Pro) on the local network, reached through the QuickBooks
Web Connector: qbXML requests and responses (``qbxml``) and the SOAP service the Web Connector
calls (``webconnector``)."""

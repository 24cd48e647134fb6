"""X-Cart 5 store connector: the 5.x REST API add-on and the 5.5+ API (``client.py``)."""

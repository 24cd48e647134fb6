"""ledgers package."""

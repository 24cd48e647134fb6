"""Canonical pydantic models: commerce, ledger documents, rules, connections."""

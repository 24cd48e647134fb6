"""Secrets stay in the keyring; logs and exception messages never show them."""

from __future__ import annotations

import logging

import pytest

from ecom_ledger_desktop.core.redaction import RedactingFilter, redact, register_secret
from ecom_ledger_desktop.secrets.store import (
    MemorySecretStore,
    RefusingSecretStore,
    SecretUnavailable,
    keyring_status,
    open_secret_store,
)


def test_fail_keyring_is_detected_and_real_secrets_are_refused_with_instructions() -> None:
    status = keyring_status()  # conftest selects keyring's fail backend, as on a bare CI box
    assert not status.usable
    store = open_secret_store()
    assert isinstance(store, RefusingSecretStore)
    with pytest.raises(SecretUnavailable, match="keyring"):
        store.set("books", "refresh_token", "AB11-secret")


def test_memory_store_round_trips_and_registers_for_redaction() -> None:
    store = MemorySecretStore()
    store.set("books", "refresh_token", "AB11xyzzy-refresh-value")
    assert store.get("books", "refresh_token") == "AB11xyzzy-refresh-value"
    assert "AB11xyzzy" not in redact("token was AB11xyzzy-refresh-value")
    store.delete("books", "refresh_token")
    assert store.get("books", "refresh_token") is None


def test_bearer_tokens_and_form_secrets_are_masked_even_if_unregistered() -> None:
    text = redact('Authorization: Bearer eyJhbGciOiJ.abc refresh_token=R123456&x=1 '
                  '{"access_token": "tok-9999"}')
    assert "eyJhbGciOiJ" not in text and "R123456" not in text and "tok-9999" not in text


def test_log_records_and_tracebacks_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    register_secret("s3cr3t-client-secret")
    logger = logging.getLogger("test.redaction")
    handler_filter = RedactingFilter()
    try:
        raise ValueError("failed with s3cr3t-client-secret")
    except ValueError:
        record = logger.makeRecord("t", logging.ERROR, __file__, 1,
                                   "secret is %s", ("s3cr3t-client-secret",), None)
        import sys

        record.exc_info = sys.exc_info()
        handler_filter.filter(record)
    assert "s3cr3t" not in record.getMessage()
    assert record.exc_text is not None and "s3cr3t" not in record.exc_text

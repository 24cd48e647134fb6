"""Each store kind's declared offline payment methods are the ones its connector marks offline
(``Order.payment_offline``): the rules' keys and words and the connector agree."""

from __future__ import annotations

from ecom_ledger_desktop.connectors.registry import KINDS
from ecom_ledger_desktop.connectors.stores.magento2.payments import OFFLINE_METHODS as MAGENTO
from ecom_ledger_desktop.connectors.stores.prestashop.parse import OFFLINE_MODULES
from ecom_ledger_desktop.connectors.stores.xcart.payments import offline_method as xcart_offline


def test_declared_offline_methods_are_marked_offline_by_the_connector() -> None:
    assert set(KINDS["magento2"].offline_payments) <= MAGENTO
    assert set(KINDS["prestashop"].offline_payments) <= OFFLINE_MODULES
    assert all(xcart_offline(code) for code in KINDS["xcart"].offline_payments)
    for kind in KINDS.values():
        if kind.role == "store":
            assert kind.offline_payments, f"{kind.name} names its offline methods"
            assert all(words and words == words.lower() for words in
                       kind.offline_payments.values()), "plain words inside a sentence"

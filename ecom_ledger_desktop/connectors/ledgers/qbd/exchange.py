"""``QbdExchange``: the ground QuickBooks Desktop's ledger stands on — qbXML message sets sent
through the connection's ``Mailbox`` (answers classified into our errors), and the company's facts
(currency, multicurrency, sales tax) with the connection's posting settings over them.
"""

from __future__ import annotations

import dataclasses
import itertools

from ecom_ledger_desktop.connectors.ledgers.qbd import errors
from ecom_ledger_desktop.connectors.ledgers.qbd.mailbox import Mailbox
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml import parse
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.books import QbdBooks, rate_key
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.build import Request, message_set
from ecom_ledger_desktop.connectors.ledgers.qbd.qbxml.company import (
    CompanyFacts,
    company_facts,
    preferences_query,
)
from ecom_ledger_desktop.connectors.ledgers.qbd.readback import QbdReadBack
from ecom_ledger_desktop.core.clock import Clock, SystemClock
from ecom_ledger_desktop.core.errors import RetriableError
from ecom_ledger_desktop.models.ledger import SalesDocument


class QbdExchange:
    """One QuickBooks Desktop company reached through a Web Connector mailbox."""

    def __init__(self, mailbox: Mailbox, books: QbdBooks, clock: Clock | None = None) -> None:
        self.mailbox = mailbox
        self.settings_books = books
        self._clock = clock or SystemClock()
        self._facts: CompanyFacts | None = None
        self._seq = itertools.count(1)  # batches post from several threads
        self._readback = QbdReadBack(self._ask, lambda: self.facts().home_currency, mailbox,
                                     self._clock)
        self.lost_batches = mailbox.lost_batches  # outlives one run, as the mailbox does

    def _ask(self, *requests: Request, record: str = "") -> list[parse.Response]:
        """Send ``requests`` as one message set; their answers, in order (a refused one raises)."""
        answer = parse.parse_response(self.mailbox.exchange(message_set(requests)))
        failure = errors.classify_message_set(answer.status_code)
        if failure is not None:
            raise failure
        by_id = answer.by_request_id()
        responses = []
        for sent in requests:
            response = by_id.get(sent.request_id)
            if response is None:
                raise RetriableError(f"QuickBooks did not answer {record or 'a request'}; "
                                            "it is asked again at the next update.")
            problem = errors.classify(response.status_code, response.severity, response.message,
                                      record=record)
            if problem is not None:
                raise problem
            responses.append(response)
        return responses

    def _rid(self, what: str) -> str:
        return f"{what}-{next(self._seq)}"

    def facts(self) -> CompanyFacts:
        """What the company is (currency, multicurrency, sales tax): from the session's
        preferences answer, else asked now."""
        if self._facts is None:
            text = self.mailbox.preferences
            if not text:
                text = self.mailbox.exchange(message_set([preferences_query("prefs")]))
            found = [ret for response in parse.parse_response(text).responses
                     for ret in response.rets if ret.tag == "PreferencesRet"]
            self._facts = company_facts(found[0]) if found else CompanyFacts()
        return self._facts

    def facts_known(self) -> bool:
        """Whether the company's facts are at hand without asking QuickBooks (a session of
        this process answered the preferences query)."""
        return self._facts is not None or bool(self.mailbox.preferences)

    def books(self) -> QbdBooks:
        """The connection's posting settings with the company's currency facts."""
        facts = self.facts()
        return dataclasses.replace(self.settings_books, home_currency=facts.home_currency,
                                   multicurrency=facts.multicurrency,
                                   taxable_code=facts.taxable_code,
                                   non_taxable_code=facts.non_taxable_code)

    def books_for(self, document: SalesDocument) -> QbdBooks:
        """The books, with the Sales Tax item the pair's rules map each of the document's store
        rates to (``rules.tax_codes``, as for QuickBooks Online) over the connection's own."""
        return self._with_tax_items(self.books(), document)

    def settings_for(self, document: SalesDocument) -> QbdBooks:
        """``books_for`` without the company's facts (QuickBooks away, never asked): the
        document's own currency stands for the home currency, so no currency is judged."""
        books = dataclasses.replace(self.settings_books, home_currency=document.currency)
        return self._with_tax_items(books, document)

    @staticmethod
    def _with_tax_items(books: QbdBooks, document: SalesDocument) -> QbdBooks:
        mapped = {rate_key(line.tax_rate): line.tax_code for line in document.lines
                  if line.taxable and line.tax_rate is not None and line.tax_code}
        if not mapped:
            return books
        return dataclasses.replace(books, tax_items={**books.tax_items, **mapped})

"""The company simulator: ``process(request_xml) -> response_xml`` as QuickBooks' request
processor (QBXMLRP2) answers the Web Connector.

- The whole document is refused (``QbxmlParseError``, HRESULT 0x80040400) when it is not valid
  qbXML; nothing runs.
- Requests run in order. With ``stopOnError`` the ones after a failed request are answered 3231
  ("not processed"); ``continueOnError`` goes on; ``rollbackOnError`` behaves like stop (Desktop
  does not roll back a set, reference B5).
- Error recovery: a set with ``newMessageSetID`` is kept with its answer. The same ID again with
  the same content is answered from memory (it does not run twice); with other content,
  ``messageSetStatusCode`` 9001. ``oldMessageSetID`` = ``newMessageSetID`` asks for the kept answer
  (9002 if none); ``oldMessageSetID`` alone forgets it (600 if unknown); IDs over 24 characters:
  9004.
- Iterators (``iterator="Start"`` + ``MaxReturned``, ``Continue`` with ``iteratorID``) live until
  :meth:`end_session` (the Web Connector closing the connection); a dead one answers 3391.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from .changes import HANDLERS as CHANGE_HANDLERS
from .deposits import HANDLERS as DEPOSIT_HANDLERS
from .list_mods import HANDLERS as ITEM_MOD_HANDLERS
from .lists import HANDLERS as LIST_HANDLERS
from .lists import Handler
from .outcome import Outcome, error
from .refunds import HANDLERS as REFUND_HANDLERS
from .reports import Reports
from .sales import HANDLERS as SALES_HANDLERS
from .sales_mod import HANDLERS as MOD_HANDLERS
from .state import Company, Record
from .xmlio import Reader, response_document, to_dict, write

HANDLERS: dict[str, Handler] = {**LIST_HANDLERS, **ITEM_MOD_HANDLERS, **SALES_HANDLERS,
                                **MOD_HANDLERS, **CHANGE_HANDLERS, **DEPOSIT_HANDLERS,
                                **REFUND_HANDLERS}
MESSAGE_SET_ID_MAX = 24
NOT_PROCESSED = "The request has not been processed."


@dataclass
class _Iterator:
    tag: str
    rets: list[tuple[str, Record]]
    chunk: int
    lines: bool


class QbdCompanySimulator:
    """One QuickBooks Desktop company file, answering qbXML request documents.

    ``schema_path``: the qbXML 13.0 root XSD to validate against, ``"auto"`` for the shared
    reference when it is reachable, or None for structural checks only (the demo: the Intuit
    XSD is not shipped).
    """

    def __init__(self, company: Company | None = None, *,
                 schema_path: str | Path | None = None) -> None:
        self.company = company or Company()
        self.reader = Reader(schema_path)
        self.reports = Reports(self.company)
        self.kept: dict[str, tuple[str, str]] = {}  # message set id -> (checksum, answer)
        self.iterators: dict[str, _Iterator] = {}
        self.injected: dict[str, list[tuple[int, str]]] = {}
        self.processed = 0  # request documents that ran (replays not counted)
        self.received: list[str] = []  # every request document, as sent (tests read it)

    def fail_next(self, request_tag: str, code: int, message: str) -> None:
        """Answer the next ``request_tag`` with error ``code`` (it changes nothing)."""
        self.injected.setdefault(request_tag, []).append((code, message))

    def end_session(self) -> None:
        """The Web Connector closed the connection: iterators die."""
        with self.company.lock:
            self.iterators.clear()

    def process(self, request_xml: str) -> str:
        """Run a request document; the response document QuickBooks would return."""
        with self.company.lock:  # one request document at a time, as QuickBooks does
            self.received.append(request_xml)
            return self._message_set(self.reader.read(request_xml))

    def _message_set(self, msgs: etree._Element) -> str:
        new, old = msgs.get("newMessageSetID"), msgs.get("oldMessageSetID")
        if any(v is not None and len(v) > MESSAGE_SET_ID_MAX for v in (new, old)):
            return response_document([], {"messageSetStatusCode": "9004"})
        checksum = hashlib.sha256(b"".join(etree.tostring(r) for r in msgs)).hexdigest()
        if old is not None:
            if new == old:
                kept = self.kept.get(old)
                return kept[1] if kept else response_document(
                    [], {"messageSetStatusCode": "9002"})
            forgotten = self.kept.pop(old, None)
            if new is None:
                return response_document([], {"messageSetStatusCode": "0" if forgotten
                                               else "600"})
        if new is not None and new in self.kept:
            kept_sum, answer = self.kept[new]
            return answer if kept_sum == checksum else response_document(
                [], {"newMessageSetID": new, "messageSetStatusCode": "9001"})
        stop = msgs.get("onError") in ("stopOnError", "rollbackOnError")
        responses: list[etree._Element] = []
        failed = False
        for request in msgs:
            tag = str(request.tag)
            if failed and stop:
                responses.append(self._rs(request, Outcome(3231, "Error", NOT_PROCESSED)))
                continue
            outcome, attributes = self._run(request)
            failed = failed or outcome.failed
            responses.append(self._rs(request, outcome, attributes, tag))
        self.processed += 1
        attributes = {"newMessageSetID": new, "messageSetStatusCode": "0"} if new else {}
        answer = response_document(responses, attributes)
        if new is not None:
            self.kept[new] = (checksum, answer)
        return answer

    def _run(self, request: etree._Element) -> tuple[Outcome, dict[str, str]]:
        tag = str(request.tag)
        injected = self.injected.get(tag)
        if injected:
            code, message = injected.pop(0)
            return error(code, message), {}
        mode = request.get("iterator")
        body = to_dict(request)
        limit = int(body["MaxReturned"]) if body.get("MaxReturned") else None
        if mode in ("Continue", "Stop"):
            ident = request.get("iteratorID", "")
            state = self.iterators.get(ident)
            if state is None or state.tag != tag:
                return error(3391, f'The iteratorID "{ident}" is not valid.'), {}
            if mode == "Stop":
                del self.iterators[ident]
                return Outcome(), {"iteratorRemainingCount": "0", "iteratorID": ident}
            return self._chunk(ident, state)
        outcome = HANDLERS[tag](self.company, body)
        if not outcome.query or outcome.failed:
            return outcome, {}
        if mode == "Start":
            ident = "{" + str(uuid.uuid4()) + "}"
            state = _Iterator(tag, outcome.rets, limit or len(outcome.rets) or 1, outcome.lines)
            self.iterators[ident] = state
            return self._chunk(ident, state, outcome)
        if limit is not None:
            outcome.rets = outcome.rets[:limit]
        return outcome, {"retCount": str(len(outcome.rets))} if outcome.rets else {}

    def _chunk(self, ident: str, state: _Iterator, first: Outcome | None = None
               ) -> tuple[Outcome, dict[str, str]]:
        part, state.rets = state.rets[:state.chunk], state.rets[state.chunk:]
        if not state.rets:
            del self.iterators[ident]
        outcome = first or Outcome(query=True, lines=state.lines)
        outcome.rets = part
        if not part:
            outcome.code, outcome.message = 1, ("A query request did not find a matching "
                                                "object in QuickBooks")
        return outcome, {"retCount": str(len(part)),
                         "iteratorRemainingCount": str(len(state.rets)), "iteratorID": ident}

    def _rs(self, request: etree._Element, outcome: Outcome,
            attributes: dict[str, str] | None = None, tag: str | None = None) -> etree._Element:
        name = str(tag or request.tag)
        rs = etree.Element(name[:-2] + "Rs")
        if request.get("requestID") is not None:
            rs.set("requestID", request.get("requestID", ""))
        rs.set("statusCode", str(outcome.code))
        rs.set("statusSeverity", outcome.severity)
        rs.set("statusMessage", outcome.message)
        for key, value in (attributes or {}).items():
            rs.set(key, value)
        for key, value in outcome.fields.items():
            write(rs, key, value)
        for ret_tag, record in outcome.rets:
            write(rs, ret_tag, self._ret(record, outcome.lines), ret_tag)
        return rs

    def _ret(self, record: Record, lines: bool) -> dict[str, Any]:
        data: dict[str, Any] = {"TimeCreated": self.company.local(record.created),
                                "TimeModified": self.company.local(record.modified)}
        for key, value in record.data.items():
            if key.endswith("LineRet"):
                if lines:
                    data[key] = [{k: v for k, v in line.items() if not k.startswith("_")}
                                 for line in value]
            elif not key.startswith("_"):
                data[key] = value
        return data

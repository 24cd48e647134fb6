"""What an undo will do (the preview) and what it did, in plain words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from ecom_ledger_desktop.sync.document_words import UNDO_WORDS, document_label
from ecom_ledger_desktop.sync.summary_undo import SummaryChange
from ecom_ledger_desktop.sync.undo_retire import RetireCandidate


@dataclass(frozen=True)
class UndoStep:
    """One ledger document the undo voids."""

    target_key: str  # the posting that created the document
    record_kind: str
    source_id: str
    record_number: str
    doc_kind: str
    doc_number: str
    amount: Decimal | None
    depends_on: str | None = None  # the undo posting that must be confirmed first
    group: str = ""  # the order (or lone refund) it belongs to: undone together or not at all
    words: str = ""  # the document kind in the ledger's words ("Paid invoice" in FreshBooks)

    @property
    def label(self) -> str:
        """E.g. "Sales Receipt 1000012 (order 1000012, 71.96)"; "Paid invoice …" in FreshBooks."""
        what = "order" if self.record_kind == "order" else self.record_kind
        amount = f", {self.amount}" if self.amount is not None else ""
        return (f"{self.words or document_label(self.doc_kind)} {self.doc_number} "
                f"({what} {self.record_number}{amount})")


@dataclass(frozen=True)
class Blocked:
    """Something of the selection that will not be undone, and why."""

    record_number: str
    reason: str


@dataclass
class UndoPlan:
    """What an undo will do: the preview."""

    ledger_label: str
    words: Mapping[str, str] = field(default_factory=lambda: dict(UNDO_WORDS))
    steps: list[UndoStep] = field(default_factory=list)
    blocked: list[Blocked] = field(default_factory=list)
    orders: list[str] = field(default_factory=list)  # source ids of the orders undone
    already_undone: list[str] = field(default_factory=list)  # order numbers
    undone_ids: list[str] = field(default_factory=list)  # their store ids
    retire: list[RetireCandidate] = field(default_factory=list)
    summarised: list[str] = field(default_factory=list)  # source ids of orders in summaries
    summaries: list[SummaryChange] = field(default_factory=list)  # how their days change
    unchecked: str = ""  # why the ledger could not be asked about the documents, if it was not

    @property
    def has_work(self) -> bool:
        """Whether carrying the plan out changes anything."""
        return bool(self.steps or self.retire or self.summarised)

    def identity(self) -> list[str]:
        """What the plan changes, to tell whether a fresh plan is the one the merchant saw."""
        return [s.target_key for s in self.steps] + [c.label for c in self.summaries] + [
            f"summarised:{sid}" for sid in self.summarised]

    def lines(self) -> list[str]:
        """The preview in plain words, one line each."""
        if not self.steps and not self.summarised:
            out = [f"Nothing to undo in {self.ledger_label}."]
        elif self.steps:
            out = [f"Will {self.words['void']} in {self.ledger_label}, in this order:"]
            out += [f"  {n}. {step.label}" for n, step in enumerate(self.steps, start=1)]
        else:
            out = []
        if self.summarised:
            out.append(f"Will take {len(self.summarised)} order(s) out of their day's summary in "
                       f"{self.ledger_label}:")
            out += [f"  {change.label}" for change in self.summaries]
            if not self.summaries:
                out.append("  (their day is not summarised yet: nothing changes in the books)")
        if self.unchecked:
            out.append(f"Not checked now: {self.unchecked}. It is checked before anything is "
                       f"{self.words['voided'].lower()}: an order it would not take back "
                       "cleanly is left in the books, and said so.")
        if self.already_undone:
            out.append("Already undone: orders " + ", ".join(self.already_undone))
        if self.blocked:
            out.append("Cannot be undone:")
            out += [f"  order {b.record_number}: {b.reason}" for b in self.blocked]
        if self.retire:
            out.append(f"Then made {self.words['inactive']} in {self.ledger_label} if it shows "
                       "they were created "
                       "for these orders and nothing else uses them (else kept, saying why):")
            out += [f"  {c.kind} {c.name}" for c in self.retire]
        if self.steps or self.summarised:
            out.append("Afterwards the orders are not in the books until you post them again "
                       "(each once, with a new document number).")
        return out


@dataclass
class UndoResult:
    """What an undo did."""

    undone: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)  # customers/items, what became of each
    refused: list[tuple[str, str]] = field(default_factory=list)  # (document, the ledger's why)
    waiting: list[tuple[str, str]] = field(default_factory=list)
    words: Mapping[str, str] = field(default_factory=lambda: dict(UNDO_WORDS))

    def lines(self) -> list[str]:
        """The outcome in plain words."""
        out = [f"{self.words['voided']}: {label}" for label in self.undone]
        out += [f"Customer/item: {line}" for line in self.retired]
        out += [f"NOT undone: {label}: {why}" for label, why in self.refused]
        out += [f"Waiting: {label}: {why}" for label, why in self.waiting]
        return out or ["Nothing was undone."]

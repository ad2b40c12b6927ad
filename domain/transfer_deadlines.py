"""The legal deadlines of one transfer, and where each stands.

Which rules apply (DOMAIN.md §3, keys of ``domain.deadlines``):

- ``court_transfer`` from the judgment's legal effect; ``court_transfer_immediate``
  (15 days, Art. 28(2)) from the judgment's date for a judgment enforced
  immediately (Art. 2(2)(a)); ``court_transfer_interim`` (immediately) for an
  interim emergency measure; done when the hub received it;
- the decision, from receipt, done on the decision's date: ``decision_interim``
  ("ngay", Art. 36(2)) for an interim measure, ``decision_bankruptcy`` (3 working
  days, Art. 36(2)(e)) for a bankruptcy decision, else ``decision_ex_officio`` when
  the judgment orders something enforced ex officio;
- once decided: ``assign_officer`` (the officer is named in the decision itself)
  and ``send_decision_to_procuracy`` (the hub delivers the copy when the decision
  is recorded). The officer's own steps (``officer_interim_execution``, 24 hours,
  Art. 130(1); ``open_case_file``, Decree 152/2026 Art. 12(2)) are in the rules
  table but not tracked here: the hub records no event that would show them done;
- after an UNCLEAR return answered by the court: the decision deadline restarts as
  ``resume_after_explanation`` from the court's answer.

A rule not in force on the event's date (e.g. an event before the rules table
starts) is left out rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from domain.deadlines import DeadlineRule, DeadlineState, Moment, RuleBook, RuleNotFound, assess
from domain.workdays import WorkingCalendar


@dataclass(frozen=True, slots=True)
class TransferFacts:
    effective_on: date
    received_at: datetime
    interim_measure: bool
    has_ex_officio: bool
    decision_date: date | None = None
    decided_at: datetime | None = None
    explained_at: datetime | None = None  # the court answered an explanation request
    enforced_immediately: bool = False  # Art. 2(2)(a): transferred within 15 days of the judgment
    judgment_date: date | None = None  # the day it was given (needed when enforced_immediately)
    bankruptcy: bool = False  # a court's bankruptcy decision (Art. 36(2)(e))


@dataclass(frozen=True, slots=True)
class TrackedDeadline:
    rule: DeadlineRule
    event: Moment
    due: Moment
    done_at: Moment | None
    state: DeadlineState

    @property
    def key(self) -> str:
        return self.rule.key


def transfer_deadlines(
    facts: TransferFacts, rules: RuleBook, calendar: WorkingCalendar, now: datetime
) -> list[TrackedDeadline]:
    tracked: list[TrackedDeadline] = []

    def track(key: str, event: Moment, done_at: Moment | None) -> None:
        try:
            deadline = rules.deadline(key, event, calendar)
        except RuleNotFound:
            return
        tracked.append(TrackedDeadline(deadline.rule, event, deadline.due, done_at, assess(deadline.due, done_at, now)))

    if facts.interim_measure:
        track("court_transfer_interim", facts.effective_on, facts.received_at)
    elif facts.enforced_immediately:
        track("court_transfer_immediate", facts.judgment_date or facts.effective_on, facts.received_at)
    else:
        track("court_transfer", facts.effective_on, facts.received_at)
    decision = _decision_step(facts)
    if decision is not None:
        track(*decision)
    if facts.decision_date is not None:
        track("assign_officer", facts.decision_date, facts.decision_date)
        track("send_decision_to_procuracy", facts.decision_date, facts.decided_at or facts.decision_date)
    return tracked


def _decision_step(facts: TransferFacts) -> tuple[str, Moment, Moment | None] | None:
    """The rule of the enforcement decision, the event it runs from and when it was done (none: no decision due)."""
    if facts.explained_at is not None:
        return "resume_after_explanation", facts.explained_at, facts.decision_date
    if facts.interim_measure:
        return "decision_interim", facts.received_at, facts.decided_at or facts.decision_date
    if facts.bankruptcy:
        return "decision_bankruptcy", facts.received_at, facts.decision_date
    if facts.has_ex_officio:
        return "decision_ex_officio", facts.received_at, facts.decision_date
    return None


def decision_deadline(
    facts: TransferFacts, rules: RuleBook, calendar: WorkingCalendar, now: datetime
) -> TrackedDeadline | None:
    """The decision's deadline alone, as :func:`transfer_deadlines` tracks it (for reports that assess
    thousands of decisions and need nothing else)."""
    step = _decision_step(facts)
    if step is None:
        return None
    key, event, done_at = step
    try:
        deadline = rules.deadline(key, event, calendar)
    except RuleNotFound:
        return None
    return TrackedDeadline(deadline.rule, event, deadline.due, done_at, assess(deadline.due, done_at, now))


@dataclass(frozen=True, slots=True)
class DeadlinePolicy:
    """The rules table and the working-day calendar in force for this hub (from configuration)."""

    rules: RuleBook
    calendar: WorkingCalendar

    def for_transfer(self, facts: TransferFacts, now: datetime) -> list[TrackedDeadline]:
        return transfer_deadlines(facts, self.rules, self.calendar, now)

    def for_decision(self, facts: TransferFacts, now: datetime) -> TrackedDeadline | None:
        return decision_deadline(facts, self.rules, self.calendar, now)

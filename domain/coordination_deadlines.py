"""When a coordination request must be answered, and whether it was.

Each request kind names its rule in the deadline rules table
(``domain.coordination.KIND_RULES``, keys of ``domain.deadlines``):
``court_explanation``, ``police_support_reply``, ``procuracy_request_reply``,
``reply_recommendation``, ``procuracy_protest_reply`` and
``report_acknowledgement``. A sub-kind (``domain.coordination.SUB_KINDS``) names
its own rule where the law times it apart: a procuracy request under Law
63/2014 Art. 28(6) points (a), (b), (d) is carried out at once
(``procuracy_request_immediate``) and under point (c) within 30 days
(``procuracy_request_self_inspection``); a complex explanation has up to 30 days
(``court_explanation_complex``, Art. 179(2)); a support request escalated to the
provincial police 5 working days (``police_support_reply_provincial``, Decree
152/2026 Arts. 46–47). Where the sub-kind's rule is not in force on the day
(e.g. the Decree 152 rules before 1 July 2026) the kind's rule applies. The period runs from the moment the request is
opened in the hub, which is the moment the addressee receives it (a digital
delivery is received when the system records it, Decree 152/2026 Art. 7), and
the version of the rule used is the one in force on that day.

The procuracy may set its own reply date in a request, recommendation or
protest (``KindRule.sender_sets_reply``); when it does, that date replaces the
rule, ending at 24:00 that day (Civil Code 2015 Art. 148(6)), and is not moved
off a day off: the procuracy chose it knowing the calendar.

A support request for a forced enforcement on ``plannedOn`` is useful only if
its reply comes before the police must have planned the protection
(``police_protection_plan``: 5 working days before the day, Decree 152/2026
Arts. 46–47; before that rule, the working day before the enforcement):
:func:`reply_needed_by` is that day, :func:`latest_send_day` the last day a
request can be sent for it, :func:`earliest_planned_on` the first day an
enforcement asked for today can be planned on. The hub refuses a ``plannedOn``
whose reply would be due later, so no reply is ever due after the planned day.

After the court explains a judgment, the transfer's decision deadline restarts
as ``resume_after_explanation`` (5 working days, TTLT 11/2016 Art. 9): see
:mod:`domain.transfer_deadlines`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from domain.coordination import KIND_RULES, SUB_KINDS, RequestKind, RequestSubKind
from domain.deadlines import (
    VIETNAM_TZ,
    Deadline,
    DeadlineRule,
    DeadlineState,
    Moment,
    RuleBook,
    RuleNotFound,
    assess,
    local_day,
)
from domain.workdays import WorkingCalendar


class ReplyDateNotAllowed(ValueError):
    """A reply date was given for a kind whose reply time is set by law."""


@dataclass(frozen=True, slots=True)
class RequestDeadline:
    """The due moment of one request, with the rule in force (its legal basis) and who set the date."""

    rule: DeadlineRule
    opened_at: Moment
    due: Moment
    set_by_sender: bool  # True: the procuracy's own reply date, not the rule's period

    def state(self, answered_at: Moment | None, now: Moment) -> DeadlineState:
        return request_deadline_state(self.due, answered_at, now)


def request_deadline(
    kind: RequestKind,
    opened_at: Moment,
    reply_by: date | None,
    rules: RuleBook,
    calendar: WorkingCalendar,
    sub_kind: RequestSubKind | None = None,
) -> RequestDeadline:
    """The deadline of a request of ``kind`` (and ``sub_kind``) opened at ``opened_at``, with the sender's ``reply_by`` if any.

    Raises :class:`~domain.deadlines.RuleNotFound` when no version of the rule is
    in force on the day it was opened, and :class:`ReplyDateNotAllowed` for a
    reply date on a kind whose reply time the law sets (``check_draft`` refuses
    such drafts, so stored requests never carry one).
    """
    kind_rule = KIND_RULES[kind]
    deadline = _rule_deadline(kind, sub_kind, opened_at, rules, calendar)
    if reply_by is None:
        return RequestDeadline(deadline.rule, opened_at, deadline.due, set_by_sender=False)
    if not kind_rule.sender_sets_reply:
        raise ReplyDateNotAllowed(f"the reply time of {kind_rule.label_vi} is set by law, not by the sender")
    return RequestDeadline(deadline.rule, opened_at, reply_by, set_by_sender=True)


def _rule_deadline(
    kind: RequestKind, sub_kind: RequestSubKind | None, opened_at: Moment, rules: RuleBook, calendar: WorkingCalendar
) -> Deadline:
    if sub_kind is not None and SUB_KINDS[sub_kind].kind is kind:
        try:
            return rules.deadline(SUB_KINDS[sub_kind].deadline_rule, opened_at, calendar)
        except RuleNotFound:
            pass
    return rules.deadline(KIND_RULES[kind].deadline_rule, opened_at, calendar)


def request_due(
    kind: RequestKind,
    opened_at: Moment,
    reply_by: date | None,
    rules: RuleBook,
    calendar: WorkingCalendar,
    sub_kind: RequestSubKind | None = None,
) -> Moment:
    """The due moment of a request: a date (ending at 24:00), the rule's or the sender's."""
    return request_deadline(kind, opened_at, reply_by, rules, calendar, sub_kind).due


def due_instant(due: Moment) -> datetime:
    """The last instant still on time, as an aware datetime: a request is overdue once ``now > due_instant(due)``.

    For storing and querying (``due_at < now``). A due date ends at 24:00 Vietnam
    time, so its last instant is 23:59:59.999999 that day; storing the date's
    midnight instead would flag a request a whole day early. Agrees with
    :func:`request_deadline_state`.
    """
    if isinstance(due, datetime):
        return due if due.tzinfo is not None else due.replace(tzinfo=VIETNAM_TZ)
    return datetime.combine(local_day(due) + timedelta(days=1), time(), VIETNAM_TZ) - timedelta(microseconds=1)


def request_deadline_state(due: Moment, answered_at: Moment | None, now: Moment) -> DeadlineState:
    """PENDING, MET, MET_LATE or OVERDUE for a request due at ``due``.

    ``answered_at`` is when the addressee replied: its answer, or its reasoned
    decline, both of which end the wait. A withdrawn request has no deadline
    left to judge; callers show no state for it.
    """
    return assess(due, answered_at, now)


PLAN_RULE = "police_protection_plan"
"""The planning step ahead of a forced enforcement (``working_days_before`` the planned day)."""
SEARCH_DAYS = 800
"""How far :func:`latest_send_day` and :func:`earliest_planned_on` look: beyond any reply period in the rules."""


def reply_needed_by(planned_on: date, opened_on: date, rules: RuleBook, calendar: WorkingCalendar) -> date:
    """The last day a reply to a support request for ``planned_on`` is still of use.

    The day the police must have planned the protection (``police_protection_plan``
    in force on ``opened_on``); without that rule, the working day before the enforcement.
    """
    try:
        rule = rules.rule(PLAN_RULE, opened_on)
    except RuleNotFound:
        return calendar.working_days_before(planned_on, 1)
    return local_day(rule.due(planned_on, calendar))


def latest_send_day(
    planned_on: date,
    kind: RequestKind,
    sub_kind: RequestSubKind | None,
    opened_on: date,
    rules: RuleBook,
    calendar: WorkingCalendar,
) -> date | None:
    """The last working day a request of ``kind`` can be sent so its legal reply comes by :func:`reply_needed_by`.

    A working day: one sent on a day off would do as well as the working day
    before it, but no office is open then to send it. None when no day within
    :data:`SEARCH_DAYS` before does (a rule longer than that).
    """
    needed = reply_needed_by(planned_on, opened_on, rules, calendar)
    day = needed
    for _ in range(SEARCH_DAYS):
        if not calendar.is_working_day(day):
            day -= timedelta(days=1)
            continue
        try:
            due = local_day(_rule_deadline(kind, sub_kind, day, rules, calendar).due)
        except RuleNotFound:
            return None
        if due <= needed:
            return day
        day -= timedelta(days=1)
    return None


def earliest_planned_on(reply_due: date, opened_on: date, rules: RuleBook, calendar: WorkingCalendar) -> date | None:
    """The first day an enforcement can be planned on when the reply is due on ``reply_due``; None beyond the search."""
    day = reply_due + timedelta(days=1)
    for _ in range(SEARCH_DAYS):
        if reply_needed_by(day, opened_on, rules, calendar) >= reply_due:
            return day
        day += timedelta(days=1)
    return None
